// The TypeScript of wasm/src/lifecycle.rs (PurchaseFlow, one purchase lifecycle for every store):
// written by hand, as the core's stored form is read by hand (src/purchase/lifecycle.rs).

export type ProductKind = 'CONSUMABLE' | 'NON_CONSUMABLE' | 'SUBSCRIPTION';
export type Settle = 'CONSUME' | 'ACKNOWLEDGE' | 'FINISH' | 'NONE';
export type PurchaseFlowState =
  | 'RECEIVED' | 'PENDING' | 'VERIFIED' | 'SETTLE_REQUESTED' | 'SETTLED' | 'DELIVERED' | 'COMPLETED'
  | 'VERIFY_FAILED' | 'REFUNDED' | 'CONSUMED_ELSEWHERE';
/** What the driver does now, decided by the core. */
export type PurchaseStep = 'VERIFY' | 'REQUEST_SETTLE' | 'RETRY_SETTLE' | 'DELIVER' | 'COMPLETE' | 'WAIT' | 'NONE';

/** `PurchaseFlow.start`: `token` is NHN's accessToken (NHN only); `finish` opts an App Store purchase into `finishTransaction`. */
export interface PurchaseStart {
  store: StoreCode; storeId: string; productId: string; kind: ProductKind;
  nhn?: boolean; userId?: string; finish?: boolean; token?: string;
}

export type PurchaseEvent =
  | { type: 'VERIFIED'; purchase: Purchase }
  | { type: 'PENDING' } | { type: 'VERIFY_FAILED'; reason: string } | { type: 'ALREADY_SETTLED' }
  | { type: 'SETTLE_REQUESTED' } | { type: 'SETTLED' } | { type: 'SETTLE_TIMEOUT' }
  | { type: 'DELIVERED' } | { type: 'COMPLETED' }
  | { type: 'REFUNDED'; reason?: string } | { type: 'REOPENED'; by: string; reason: string }
  /** A subscription renewed at `at` (epoch ms), its period now ending at `expiresAt` where known. */
  | { type: 'RENEWED'; at: number; expiresAt?: number };

export type PurchaseEffect =
  | { type: 'SETTLE'; store: StoreCode; storeId: string; productId: string; settle: Settle; token?: string; attempt: number }
  | { type: 'DELIVER'; store: StoreCode; storeId: string; userId?: string; productId: string; quantity: number }
  | { type: 'REVOKE'; store: StoreCode; storeId: string; userId?: string; productId: string; quantity: number }
  | { type: 'FLAG'; store: StoreCode; storeId: string; reason: string };
export type PurchaseEffectOf<T extends PurchaseEffect['type']> = Extract<PurchaseEffect, { type: T }>;

export interface PurchaseApplied { flow: PurchaseFlow; effects: PurchaseEffect[]; duplicate: boolean }

/** The stored form of a `PurchaseFlow`. */
export interface PurchaseFlowJSON {
  format: 1; store: StoreCode; storeId: string; nhn: boolean; userId?: string; productId: string;
  kind: ProductKind; settle: Settle; state: PurchaseFlowState; token?: string; purchase?: Purchase;
  delivered: boolean; settled: boolean; flagged: boolean; settleAttempts: number; reason?: string;
  reopened: string[]; history: string[];
  /** A subscription's renewals applied, the last one's time and the paid period's end (absent until the first renewal). */
  renewals?: number; renewedAt?: number; expiresAt?: number;
}
