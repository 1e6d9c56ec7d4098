import type {
  StoreEvent, SignedDataVerifier, ResponseBodyV2DecodedPayload, DeveloperNotification, OneStorePaymentNotification,
  OneStoreSubscriptionNotification, OneStoreSubscriptionDetail, KeyOptions, ConsumptionRequest, ReviewRefundOrderParams,
  PurchaseEffectOf, PurchaseFlow,
} from '../web/iap_verify.js';
import type { VerifyPubSubPushOptions } from './pubsub.js';
import type { PurchaseStore } from './purchase-store.js';

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
  /**
   * The verified, decoded notification: Apple's `ResponseBodyV2DecodedPayload`, Google's
   * `DeveloperNotification`, ONE store's PNS message (signature verified) or SNS message (not signed).
   */
  raw: ResponseBodyV2DecodedPayload | DeveloperNotification | OneStorePaymentNotification | OneStoreSubscriptionNotification;
  /** A ONE store SNS only: whether `getSubscriptionDetail` confirmed it (`oneStore.client` given). */
  confirmed?: boolean;
  /** A confirmed ONE store SNS: the subscription as ONE store's server API answered it. Act on this, not on the SNS. */
  subscription?: OneStoreSubscriptionDetail;
};

/** What the handler could not do itself, for `onError`. Never a secret: bodies are the stores' notifications. */
export type NotificationProblem =
  | { kind: 'HANDLER_FAILED' | 'DEDUPE_FAILED' | 'LEDGER_FAILED' | 'REFUND_ANSWER_FAILED'; store: StoreEvent['store']; id: string; error: unknown }
  | { kind: 'UNDECODABLE'; store: 'APPLE' | 'GOOGLE' | 'ONESTORE'; error: unknown; body: string }
  /** An event for a purchase the ledger does not hold (when `ledger.unknown` is not given). */
  | { kind: 'UNKNOWN_PURCHASE'; store: StoreEvent['store']; id: string; event: NotificationEvent }
  /** An event the ledger did not apply: a partial refund, a renewal the record refuses, a ONE store revocation ONE store does not confirm. */
  | { kind: 'LEDGER_SKIPPED'; store: StoreEvent['store']; id: string; event: NotificationEvent; reason: string }
  /** `ledger.revoke` threw: the record stays REFUNDED with the revoke owed; the handler answers 503, and a redelivery (or revokeUnrevoked) asks for it again. */
  | { kind: 'REVOKE_FAILED'; store: StoreEvent['store']; id: string; effect: PurchaseEffectOf<'REVOKE'>; error: unknown }
  /** A refund request whose deadline passed before an answer could be sent: nothing was sent. */
  | { kind: 'REFUND_DEADLINE_PASSED'; store: StoreEvent['store']; id: string; event: NotificationEvent; deadline: number }
  | { kind: 'INTERNAL'; error: unknown };

/** ONE store's PNS and SNS. */
export interface OneStoreNotificationOptions {
  /** The app's licence key (Developer Center → licence management): PNS signatures are checked with it. */
  licenseKey: string;
  /** Options of the key (`allowLegacy1024BitKeys`). */
  keyOptions?: KeyOptions;
  /** A OneStoreClient of the app: each SNS is confirmed with `getSubscriptionDetail` before it is dispatched (`confirmed: true`). Without it, SNS events are dispatched with `confirmed: false` and never applied to the ledger. */
  client?: { getSubscriptionDetail(params: { productId: string; purchaseToken: string }): Promise<OneStoreSubscriptionDetail> };
}

/** The purchase ledger the events apply to. */
export interface NotificationLedger {
  /** The purchase store `runPurchase` writes (createMemoryPurchaseStore(), createPostgresPurchaseStore(pool)). */
  store: PurchaseStore;
  /**
   * Takes back what a refunded or revoked purchase granted. Called until it returns (REVOKED is
   * then recorded), never after: a throw leaves the revoke owed and answers 503, so the store's
   * redelivery (or revokeUnrevoked) calls it again. Make it idempotent on (effect.store,
   * effect.storeId), the same for every call of one purchase; `context.transaction` is the
   * store's transaction that records REVOKED (PostgreSQL), undefined otherwise.
   */
  revoke(effect: PurchaseEffectOf<'REVOKE'>, flow: PurchaseFlow, event: NotificationEvent, context: { transaction: unknown }): unknown | Promise<unknown>;
  /** Told of a refund, revocation or renewal for a purchase the ledger does not hold (default: `onError` with `UNKNOWN_PURCHASE`). Throwing makes the store deliver again. */
  unknown?(event: NotificationEvent): unknown | Promise<unknown>;
}

/** What `onRefundRequest` answers: Apple's consumption information, or Google's review (the handler adds the package name, order id and token). `undefined`: send nothing. */
export type RefundRequestAnswer = ConsumptionRequest | Omit<ReviewRefundOrderParams, 'packageName' | 'orderId' | 'pendingRefundToken'> | undefined;

export interface NotificationHandlerOptions {
  /** App Store Server Notifications V2: the verifier of your app (its bundle id, environment, roots). */
  apple?: SignedDataVerifier;
  /** Google RTDN through a Pub/Sub push subscription with authentication: what `verifyPubSubPush` checks. */
  google?: VerifyPubSubPushOptions;
  /** ONE store PNS (signed: checked with the licence key) and SNS (confirmed with `client` when given). */
  oneStore?: OneStoreNotificationOptions;
  /** Which notifications were handled: `createMemoryNotificationStore()` or `createPostgresNotificationStore(pool)`. */
  dedupe: NotificationStore;
  /** Handles one event; runs once per notification id. Throwing makes the store deliver it again. */
  on: (event: NotificationEvent, context: { request: Request }) => unknown | Promise<unknown>;
  /** Told of what could not be handled; throwing from it makes the store deliver again. Required with `ledger` (the events it does not apply are kept only by their reports). */
  onError?: (problem: NotificationProblem) => unknown | Promise<unknown>;
  /** How long a claim is held for the instance that made it, in ms (default 60,000). */
  leaseMs?: number;
  /** The purchase ledger: refunds and revocations revoke (until REVOKED is recorded, never after), renewals extend the subscription's record. */
  ledger?: NotificationLedger;
  /**
   * Apple's `CONSUMPTION_REQUEST` and Google's pending refund review: your answer, sent through
   * `refundClients` before `deadline` (epoch ms; Apple 12 h, Google 24 h from the notification).
   */
  onRefundRequest?: (event: NotificationEvent, context: { deadline: number | undefined }) => RefundRequestAnswer | Promise<RefundRequestAnswer>;
  /** The clients `onRefundRequest`'s answers are sent with: required for each of `apple` and `google` configured. */
  refundClients?: {
    appStore?: { sendConsumptionInformation(transactionId: string, request: ConsumptionRequest): Promise<unknown> };
    googlePlay?: { reviewRefundOrder(params: ReviewRefundOrderParams): Promise<unknown> };
  };
  /** The clock for refund deadlines (epoch ms; default `Date.now`). */
  now?: () => number;
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
export interface NodeRequest {
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array | string, unknown, undefined>;
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
