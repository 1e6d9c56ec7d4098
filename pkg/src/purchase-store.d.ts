import type { PurchaseFlowJSON, PaymentFlowJSON } from '../web/iap_verify.js';

/** A stored purchase flow and its version. */
export interface PurchaseRecord {
  flow: PurchaseFlowJSON;
  version: number;
}

/** The ledger's answer for one purchase. Times are epoch ms, null when it has not happened. */
export interface LedgerEntry {
  store: string;
  storeId: string;
  userId: string | null;
  productId: string;
  state: string;
  flagged: boolean;
  createdAt: number;
  deliveredAt: number | null;
  settledAt: number | null;
  refundedAt: number | null;
  /** When the store refunds it unless settled (delivered, not settled; Google Play and ONE store). */
  acknowledgeBy: number | null;
}

/** Where runPurchase keeps purchases, keyed by (store, storeId); compare-and-set writes. */
export interface PurchaseStore {
  load(store: string, storeId: string): Promise<PurchaseRecord | null>;
  insert(store: string, storeId: string, flow: PurchaseFlowJSON): Promise<boolean>;
  update(store: string, storeId: string, flow: PurchaseFlowJSON, expectedVersion: number): Promise<boolean>;
  deliverInTransaction?(
    store: string,
    storeId: string,
    fn: (locked: PurchaseRecord & { transaction: unknown }) => Promise<PurchaseFlowJSON | null>,
  ): Promise<PurchaseRecord>;
  purchase?(store: string, storeId: string): Promise<LedgerEntry | null>;
  purchasesOf?(userId: string): Promise<LedgerEntry[]>;
  unsettled?(options?: { limit?: number }): Promise<Array<{ store: string; storeId: string; acknowledgeBy: number | null }>>;
  /** Refunded after delivery with the REVOKE still owed (`revokePending`), oldest refund first: revokeUnrevoked's list. */
  unrevoked?(options?: { limit?: number }): Promise<Array<{ store: string; storeId: string; refundedAt: number | null }>>;
}

export interface MemoryPurchaseStore extends Required<PurchaseStore> {}

export function createMemoryPurchaseStore(options?: { now?: () => number }): MemoryPurchaseStore;
export function ledgerColumns(flow: PurchaseFlowJSON | PaymentFlowJSON): {
  userId: string | null; productId: string; state: string; flagged: boolean; delivered: boolean; settled: boolean;
  refunded: boolean; unrevoked: boolean; unsettled: boolean; acknowledgeBy: number | null;
};
/** Throws INVALID_ARGUMENT unless `limit` is a positive integer (`unsettled`, `unrevoked`); `who` names the store in the message. */
export function checkLimit(limit: unknown, who?: string): void;
