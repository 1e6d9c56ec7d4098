import type { StoreEvent, SignedDataVerifier, ResponseBodyV2DecodedPayload, DeveloperNotification } from '../web/iap_verify.js';
import type { VerifyPubSubPushOptions } from './pubsub.js';

/**
 * Where the handler records which notifications it handled: `claim` answers `NEW` to exactly one
 * caller per id (until `release`), `BUSY` while that claim's lease runs, `DONE` after `complete`.
 */
export interface NotificationStore {
  claim(id: string, leaseMs: number): Promise<'NEW' | 'BUSY' | 'DONE'>;
  complete(id: string): Promise<void>;
  release(id: string): Promise<void>;
}

export interface MemoryNotificationStore extends NotificationStore {
  /** Every id and its state. */
  entries(): Array<[string, 'BUSY' | 'DONE']>;
}

/** An event as the handler hands it over: the store's notification as one event, and the verified notification itself. */
export type NotificationEvent = StoreEvent & {
  /** The verified, decoded notification: Apple's `ResponseBodyV2DecodedPayload`, Google's `DeveloperNotification`. */
  raw: ResponseBodyV2DecodedPayload | DeveloperNotification;
};

/** What the handler could not do itself, for `onError`. Never a secret: bodies are the stores' notifications. */
export type NotificationProblem =
  | { kind: 'HANDLER_FAILED' | 'DEDUPE_FAILED'; store: StoreEvent['store']; id: string; error: unknown }
  | { kind: 'UNDECODABLE'; store: 'APPLE' | 'GOOGLE'; error: unknown; body: string }
  | { kind: 'INTERNAL'; error: unknown };

export interface NotificationHandlerOptions {
  /** App Store Server Notifications V2: the verifier of your app (its bundle id, environment, roots). */
  apple?: SignedDataVerifier;
  /** Google RTDN through a Pub/Sub push subscription with authentication: what `verifyPubSubPush` checks. */
  google?: VerifyPubSubPushOptions;
  /** Which notifications were handled: `createMemoryNotificationStore()` or `createPostgresNotificationStore(pool)`. */
  dedupe: NotificationStore;
  /** Handles one event; runs once per notification id. Throwing makes the store deliver it again. */
  on: (event: NotificationEvent, context: { request: Request }) => unknown | Promise<unknown>;
  /** Told of what could not be handled; throwing from it makes the store deliver again. */
  onError?: (problem: NotificationProblem) => unknown | Promise<unknown>;
  /** How long a claim is held for the instance that made it, in ms (default 60,000). */
  leaseMs?: number;
}

/** The largest body the handler reads (300 KiB); larger is answered 413. */
export declare const MAX_NOTIFICATION_BODY: number;

/**
 * One endpoint for the stores' notifications, as a Fetch API handler: authenticates the request,
 * makes the event, runs `on` once per notification id, and answers with the status each store
 * reads right (the table in the docs: 200 handled or duplicate, 401 forged, 503 retry later, 500
 * when `on` failed).
 */
export declare function createNotificationHandler(options: NotificationHandlerOptions): (request: Request) => Promise<Response>;

/** The subset of node:http's request the adapter reads. */
export interface NodeRequest extends AsyncIterable<Uint8Array | string> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The subset of node:http's response the adapter writes. */
export interface NodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: Uint8Array): unknown;
}

/** A node:http listener (and so Express, Fastify) for a Fetch API handler. */
export declare function toNodeListener(
  handler: (request: Request) => Promise<Response>,
  options?: { origin?: string },
): (req: NodeRequest, res: NodeResponse) => Promise<void>;

/** A notification store in memory, for one process and tests. */
export declare function createMemoryNotificationStore(options?: { now?: () => number }): MemoryNotificationStore;
