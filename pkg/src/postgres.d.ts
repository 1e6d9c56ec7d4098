import type { FlowStore, FlowRecord } from './flow-store.js';
import type { PaymentFlowJSON } from '../web/iap_verify.js';
import type { NotificationStore } from './notifications.js';

/** The subset of `pg.Pool` the store uses (structural, so `pg`'s own types need not be installed). */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  connect(): Promise<{
    query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
    release(err?: unknown): void;
  }>;
}

export interface PostgresFlowStore extends Required<FlowStore> {
  /**
   * Locks the row (`SELECT … FOR UPDATE`), calls `fn` with the record and the transaction's `pg`
   * client, writes what `fn` returns in the same transaction and commits; rolls back if `fn` throws.
   */
  deliverInTransaction(
    paymentSeq: string,
    fn: (locked: FlowRecord & { transaction: any }) => Promise<PaymentFlowJSON | null>,
  ): Promise<FlowRecord>;
  /** paymentSeqs of flows not in an end state, last written before `updatedBefore` (epoch ms, default now): for a sweeper that resumes them. */
  unfinished(options?: { updatedBefore?: number; limit?: number }): Promise<string[]>;
}

export declare const DEFAULT_TABLE: 'iap_payment_flow';
/** The migration SQL (idempotent): the table and its index of unfinished payments. */
export function migrationSql(options?: { table?: string }): string;
/** Runs the migration. */
export function migrate(pool: Pick<PgPoolLike, 'query'>, options?: { table?: string }): Promise<void>;
/** A flow store on PostgreSQL through a `pg.Pool`. */
export function createPostgresFlowStore(pool: PgPoolLike, options?: { table?: string }): PostgresFlowStore;

/** The notification store of `createNotificationHandler` on PostgreSQL: claims with a lease, by the database's clock. */
export interface PostgresNotificationStore extends NotificationStore {
  /** Deletes the records of notifications handled before `doneBefore` (epoch ms); resolves with how many. */
  prune(options: { doneBefore: number }): Promise<number>;
}
export declare const DEFAULT_NOTIFICATION_TABLE: 'iap_notification';
/** The notification store's migration SQL (idempotent). */
export function notificationMigrationSql(options?: { table?: string }): string;
/** Runs the notification store's migration. */
export function migrateNotifications(pool: Pick<PgPoolLike, 'query'>, options?: { table?: string }): Promise<void>;
/** A notification store on PostgreSQL through a `pg.Pool`. */
export function createPostgresNotificationStore(pool: Pick<PgPoolLike, 'query'>, options?: { table?: string }): PostgresNotificationStore;
