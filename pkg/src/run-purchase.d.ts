import type { PurchaseFlow, PurchaseFlowJSON, PurchaseEffectOf, Purchase, VerifiedValue, StoreEvent } from '../web/iap_verify.js';
import type { PurchaseStore, MemoryPurchaseStore } from './purchase-store.js';
import type { DeliverContext } from './run-payment.js';

export type { PurchaseStore, MemoryPurchaseStore };

/** What an adapter's `verify` answers: the store's verified value (or a `Purchase`), pending, or the store's refusal. */
export type Verdict =
  | { purchase: Purchase | VerifiedValue; settled?: boolean; pending?: undefined; refused?: undefined }
  | { pending: true; purchase?: undefined; refused?: undefined; settled?: undefined }
  | { refused: string; purchase?: undefined; pending?: undefined; settled?: undefined };

/** How one store verifies and settles (googlePlayAdapter, oneStoreAdapter, appStoreAdapter, nhnAdapter, or your own). */
export interface PurchaseAdapter {
  /** The ledger store code it serves. */
  store: string;
  /** Verify the purchase. Throw for anything that is not the store's verdict: the record stays as it was. */
  verify(flow: PurchaseFlow): Promise<Verdict> | Verdict;
  /** Settle; resolve SETTLED, or ALREADY_SETTLED for the store's "already consumed / acknowledged". Reject retryable for no answer. */
  settle(effect: PurchaseEffectOf<'SETTLE'>, flow: PurchaseFlow): Promise<'SETTLED' | 'ALREADY_SETTLED'>;
}

/** One catalog entry: what the product is, and what to deliver (handed to `deliver` as `context.item`). */
export interface CatalogEntry {
  kind: 'CONSUMABLE' | 'NON_CONSUMABLE' | 'SUBSCRIPTION';
  deliver?: unknown;
  /** App Store: settle with finishTransaction (the adapter's `finish`). */
  finish?: boolean;
}

/** What an app sent after a purchase. */
export interface PurchaseRequest {
  store: 'GG' | 'AS' | 'ONESTORE';
  /** Google / ONE store purchase token, App Store transaction id, NHN paymentSeq. */
  storeId: string;
  productId: string;
  userId?: string;
  /** Through NHN's IAP server. */
  nhn?: boolean;
  /** NHN's accessToken (NHN only). */
  token?: string;
}

export interface RunPurchaseOptions {
  store: PurchaseStore;
  adapter: PurchaseAdapter;
  catalog: Record<string, CatalogEntry>;
  /** Start (or join) the purchase the app sent. */
  purchase?: PurchaseRequest;
  /** Resume a stored purchase: [ledger store, storeId]. */
  key?: readonly [string, string];
  /** Grant the item: with `context.transaction` inside the DELIVERED transaction when the store has one, else idempotently on (store, storeId). */
  deliver(effect: PurchaseEffectOf<'DELIVER'>, flow: PurchaseFlow, context: DeliverContext & { item: unknown }): Promise<unknown> | unknown;
  /** Called when a purchase was consumed elsewhere, after that was recorded. */
  flag?(effect: PurchaseEffectOf<'FLAG'>, flow: PurchaseFlow): Promise<unknown> | unknown;
  /** Called before COMPLETED is recorded (NHN: tell the client). */
  complete?(flow: PurchaseFlow): Promise<unknown> | unknown;
  /** Settle requests per run before a retryable error is rethrown (the record stays unsettled for the sweeper). Default 3. */
  maxSettleAttempts?: number;
}

export function runPurchase(options: RunPurchaseOptions): Promise<PurchaseFlow>;
/**
 * Takes back what a refunded purchase granted. Called until REVOKED is recorded (a redelivered
 * refund, revokeUnrevoked), so make it idempotent on (effect.store, effect.storeId), the same for
 * every call of one purchase. `context.transaction` is the store's transaction that records
 * REVOKED (PostgreSQL: the locked row's client), undefined for a store without one.
 */
export type Revoke = (effect: PurchaseEffectOf<'REVOKE'>, flow: PurchaseFlow, context: { transaction: unknown }) => unknown;
export function isRetryable(e: unknown): boolean;
export function applyRefund(options: {
  store: PurchaseStore;
  /** The record: [ledger store, storeId]. Or give `event`. */
  key?: readonly [string, string];
  /** A store's REFUNDED or REVOKED notification event (`createNotificationHandler`'s, or `appleNotificationEvent` / `googleNotificationEvent` / `oneStorePaymentEvent`'s): its record is found from the event (App Store: the transaction, then the original transaction; Google Play, ONE store: the purchase token). */
  event?: StoreEvent;
  reason?: string;
  revoke: Revoke;
}): Promise<PurchaseFlow | null>;
/** Applies a subscription's renewal to its record (`renewals`, `renewedAt`, `expiresAt` on the flow); a renewal at or before the last one applied changes nothing. Null when no record is stored for the key. */
export function applyRenewal(options: {
  store: PurchaseStore; key: readonly [string, string];
  /** When the store says it renewed (epoch ms). */
  at: number;
  /** The renewed period's end (epoch ms), where known. */
  expiresAt?: number;
}): Promise<PurchaseFlow | null>;
/** Applies a Google Play listVoidedPurchases answer to the ledger: a REVOKE per delivered purchase until REVOKED is recorded, never after, however often it is read. One failure does not stop the others: it is reported in `failed` (a refund recorded before its revoke threw stays owed, see `store.unrevoked()`). */
export function applyVoidedPurchases(options: {
  store: PurchaseStore; voided: unknown;
  revoke: Revoke;
}): Promise<{ applied: string[]; unknown: string[]; failed: Array<{ purchaseToken: string; error: unknown }> }>;
/** The revoke sweeper: performs every owed REVOKE `store.unrevoked()` lists (refunded after delivery, REVOKED not recorded), oldest first; a failure is reported in `failed`, the record stays owed. */
export function revokeUnrevoked(options: { store: PurchaseStore; revoke: Revoke; limit?: number }): Promise<{
  revoked: Array<{ store: string; storeId: string }>; failed: Array<{ store: string; storeId: string; error: unknown }>;
}>;
export function reopenPurchase(options: { store: PurchaseStore; key: readonly [string, string]; by: string; reason: string }): Promise<PurchaseFlow>;
export function settleUnsettled(
  options: Omit<RunPurchaseOptions, 'purchase' | 'key' | 'adapter'> & { adapters: Record<string, PurchaseAdapter>; limit?: number },
): Promise<{ settled: Array<{ store: string; storeId: string }>; failed: Array<{ store: string; storeId: string; error: unknown }> }>;
export type { PurchaseFlowJSON };
/** The ledger keys a store event may name, most specific first (App Store: the transaction, then the original transaction; Google Play, ONE store: the purchase token). */
export function ledgerKeys(event: StoreEvent): Array<[string, string]>;
/** The reason a refund event leaves on its record. */
export function refundReason(event: StoreEvent): string;
/** The event types that take back what was delivered (REFUNDED, REVOKED). */
export declare const REVOKING: ReadonlySet<string>;
/** The event types that extend a subscription's paid period (RENEWED, RECOVERED). */
export declare const RENEWING: ReadonlySet<string>;
