// Flow stores: runPayment over a store, the in-memory store, iap-verify/postgres, a store of
// one's own written against the FlowStore contract, and the calls that must not compile.
import {
  PaymentFlow,
  createMemoryFlowStore,
  runPayment,
  type FlowStore,
  type FlowRecord,
  type MemoryFlowStore,
  type PaymentFlowJSON,
  type Purchase,
} from 'iap-verify';
import { createPostgresFlowStore, migrate, migrationSql, DEFAULT_TABLE, type PgPoolLike, type PostgresFlowStore } from 'iap-verify/postgres';

declare const purchase: Purchase;
declare const pool: PgPoolLike;

const memory: MemoryFlowStore = createMemoryFlowStore();
const entries: Array<[string, FlowRecord]> = memory.entries();

const rows = new Map<string, FlowRecord>();
const mine: FlowStore = {
  load: async (paymentSeq) => rows.get(paymentSeq) ?? null,
  insert: async (paymentSeq, flow) => {
    if (rows.has(paymentSeq)) return false;
    rows.set(paymentSeq, { flow, version: 1 });
    return true;
  },
  update: async (paymentSeq, flow, expectedVersion) => {
    const r = rows.get(paymentSeq);
    if (!r || r.version !== expectedVersion) return false;
    rows.set(paymentSeq, { flow, version: expectedVersion + 1 });
    return true;
  },
};

async function run(store: FlowStore, flow: PaymentFlow): Promise<string> {
  const done = await runPayment({
    store,
    flow,
    verify: () => purchase,
    consume: async () => undefined,
    deliver: async (effect, f, { transaction }) => {
      const who: string = effect.userId;
      const qty: number = effect.quantity;
      return [who, qty, transaction, f.state];
    },
  });
  return done.state;
}

async function postgres(): Promise<void> {
  await migrate(pool);
  await migrate(pool, { table: 'app.flows' });
  const sql: string = migrationSql({ table: DEFAULT_TABLE });
  const store: PostgresFlowStore = createPostgresFlowStore(pool, { table: 'app.flows' });
  const open: string[] = await store.unfinished({ updatedBefore: Date.now() - 60_000, limit: 10 });
  const r: FlowRecord = await store.deliverInTransaction('2025112612345678', async ({ flow, version, transaction }) => {
    const json: PaymentFlowJSON = flow;
    return version > 0 && transaction ? json : null;
  });
  await run(store, PaymentFlow.fromJSON(r.flow));
  await runPayment({ store, paymentSeq: '2025112612345678', verify: () => purchase, consume: () => 1, deliver: () => 1 });
  void [sql, open, entries, mine];

  // @ts-expect-error a store or a save callback, not both
  await runPayment({ store, save: () => {}, flow: r.flow, verify: () => purchase, consume: () => 1, deliver: () => 1 });
  // @ts-expect-error update needs the expected version
  await store.update('2025112612345678', r.flow);
  // @ts-expect-error the pool is a pg.Pool, not a URL
  createPostgresFlowStore('postgres://localhost/db');
}
void postgres;
