// The notification store of createNotificationHandler on a real PostgreSQL server: its migration,
// one NEW among many concurrent claims (separate connections), a lapsed lease taken over, DONE
// after complete, release, prune; and the handler over it, with one notification delivered to many
// "instances" at once, running `on` exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from '../../pkg/node.mjs';
import { createPostgresNotificationStore, migrateNotifications, notificationMigrationSql } from '../../pkg/src/postgres.js';
import { pool } from './lib.mjs';
import { ROOT, SIGNED, jws } from '../js/app-store-fake.mjs';

const db = pool(30);
after(() => db.end());

async function fresh(name) {
  const table = `notifications_${name}`;
  await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await migrateNotifications(db, { table });
  return createPostgresNotificationStore(db, { table });
}

test('migration: idempotent, and the table name is checked', async () => {
  await fresh('migrate');
  await migrateNotifications(db, { table: 'notifications_migrate' });
  assert.match(notificationMigrationSql(), /CREATE TABLE IF NOT EXISTS "iap_notification"/);
  assert.throws(() => notificationMigrationSql({ table: 'x; DROP TABLE y' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => createPostgresNotificationStore(db, { table: 'a.b.c' }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('50 concurrent claims of one id: exactly one NEW, the rest BUSY; DONE after complete', async () => {
  const s = await fresh('race');
  const answers = await Promise.all(Array.from({ length: 50 }, () => s.claim('AS:uuid-1', 60_000)));
  assert.equal(answers.filter((a) => a === 'NEW').length, 1);
  assert.equal(answers.filter((a) => a === 'BUSY').length, 49);
  await s.complete('AS:uuid-1');
  assert.deepEqual(await Promise.all([s.claim('AS:uuid-1', 60_000), s.claim('AS:uuid-1', 1)]), ['DONE', 'DONE']);
  await s.release('AS:uuid-1');
  assert.equal(await s.claim('AS:uuid-1', 60_000), 'DONE', 'release leaves a handled id handled');
});

test('a lapsed lease is taken over by one claimant; release frees an id; prune deletes old handled ids', async () => {
  const s = await fresh('lease');
  assert.equal(await s.claim('GG:m-1', 50), 'NEW');
  assert.equal(await s.claim('GG:m-1', 50), 'BUSY');
  await new Promise((r) => setTimeout(r, 80));
  const after = await Promise.all(Array.from({ length: 10 }, () => s.claim('GG:m-1', 60_000)));
  assert.equal(after.filter((a) => a === 'NEW').length, 1, 'one instance takes over the lapsed claim');
  await s.release('GG:m-1');
  assert.equal(await s.claim('GG:m-1', 60_000), 'NEW');
  await s.complete('GG:m-1');
  assert.equal(await s.prune({ doneBefore: Date.now() - 60_000 }), 0, 'handled just now: kept');
  const { rows } = await db.query('SELECT now() AS now');
  assert.equal(await s.prune({ doneBefore: new Date(rows[0].now).getTime() + 1000 }), 1);
  assert.equal(await s.claim('GG:m-1', 60_000), 'NEW', 'pruned: a very late redelivery would run again');
  await assert.rejects(s.claim('', 1), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(s.claim('x', 0), (e) => e.code === 'INVALID_ARGUMENT');
});

test('the handler over PostgreSQL: one notification delivered to 8 instances at once runs `on` once', async () => {
  const dedupe = await fresh('handler');
  let runs = 0;
  const instances = Array.from({ length: 8 }, () =>
    iap.createNotificationHandler({
      apple: new iap.SignedDataVerifier([ROOT], false, iap.Environment.SANDBOX, 'com.example.app'),
      dedupe: createPostgresNotificationStore(db, { table: 'notifications_handler' }),
      on: async () => {
        runs += 1;
        await new Promise((r) => setTimeout(r, 30));
      },
    }),
  );
  const body = JSON.stringify({
    signedPayload: await jws({ notificationType: 'TEST', notificationUUID: 'uuid-race', signedDate: SIGNED, data: { bundleId: 'com.example.app', environment: 'Sandbox' } }),
  });
  const post = () => new Request('https://backend.example/n', { method: 'POST', body });
  const statuses = await Promise.all(instances.map((h) => h(post()).then((r) => r.status)));
  assert.equal(runs, 1);
  assert.equal(statuses.filter((s) => s === 200).length, 1, String(statuses));
  assert.equal(statuses.filter((s) => s === 503).length, 7, String(statuses));
  // The store's redeliveries after the first instance finished: success, nothing run again.
  assert.deepEqual(await Promise.all(instances.map((h) => h(post()).then((r) => r.status))), Array(8).fill(200));
  assert.equal(runs, 1);
  assert.equal(await dedupe.claim('AS:uuid-race', 1000), 'DONE');
});
