import type { PaymentFlowJSON } from '../web/iap_verify.js';

/** One stored payment flow and its version (1 when inserted, +1 on every write). */
export interface FlowRecord {
  flow: PaymentFlowJSON;
  version: number;
}

/**
 * Where `runPayment` keeps flows when several instances share them. Every write is a
 * compare-and-set: `update` writes only over the version it names.
 */
export interface FlowStore {
  /** The record, or null when none is stored. */
  load(paymentSeq: string): Promise<FlowRecord | null>;
  /** Stores the first record (version 1); false when one exists already. */
  insert(paymentSeq: string, flow: PaymentFlowJSON): Promise<boolean>;
  /** Writes `flow` as version expectedVersion + 1 if the stored version is `expectedVersion`; false otherwise. */
  update(paymentSeq: string, flow: PaymentFlowJSON, expectedVersion: number): Promise<boolean>;
  /**
   * Optional. Locks the record, calls `fn` with it and the store's transaction, writes the flow
   * `fn` returns (null: nothing) in the same transaction, and resolves with the record as it now
   * is. If `fn` throws, nothing is written and the error propagates.
   */
  deliverInTransaction?(
    paymentSeq: string,
    fn: (locked: FlowRecord & { transaction: unknown }) => Promise<PaymentFlowJSON | null>,
  ): Promise<FlowRecord>;
}

/** The in-memory store: the whole contract, for tests, the demo and one process. */
export interface MemoryFlowStore extends Required<FlowStore> {
  /** Every stored record (copies). */
  entries(): Array<[string, FlowRecord]>;
}

export function createMemoryFlowStore(): MemoryFlowStore;
