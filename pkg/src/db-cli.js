// `iap-verify db migrate|sql`: creates (or prints the SQL of) the PostgreSQL tables of
// `iap-verify/postgres`: the payment-flow table (runPayment), then the purchase ledger
// (runPurchase) over it. The `pg` driver is the caller's (an optional peer dependency), loaded
// only by `migrate`.
import { parseArgs } from 'node:util';
import { DEFAULT_PURCHASE_TABLE, DEFAULT_TABLE, migrationSql, purchaseMigrationSql } from './postgres.js';

const USAGE = `usage: iap-verify db migrate [--url URL] [--table NAME] [--purchase-table NAME]
       iap-verify db sql [--table NAME] [--purchase-table NAME]

migrate  creates the payment-flow table and the purchase ledger of iap-verify/postgres where they
         do not exist (idempotent; the payment-flow table's rows stay where they are, readable by
         runPayment and by the ledger), on the database at --url (default: $DATABASE_URL),
         through the pg package of your project (npm install pg)
sql      prints that SQL instead, to put in your own migrations

--table NAME            the payment-flow table, or schema.table (default ${DEFAULT_TABLE})
--purchase-table NAME   the ledger's table, or schema.table (default ${DEFAULT_PURCHASE_TABLE})`;

/**
 * @param {string[]} argv arguments after `db`
 * @param {{ stdout?: { write(s: string): unknown }, stderr?: { write(s: string): unknown }, env?: Record<string, string | undefined> }} [io]
 * @returns {Promise<number>} the exit code
 */
export async function main(argv = [], { stdout = process.stdout, stderr = process.stderr, env = process.env } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { url: { type: 'string' }, table: { type: 'string' }, 'purchase-table': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    stderr.write(`iap-verify db: ${/** @type {TypeError} */ (e).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, ...extra] = positionals;
  if (values.help) {
    stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (action === undefined || !['migrate', 'sql'].includes(action) || extra.length > 0) {
    stderr.write(`iap-verify db: ${action === undefined ? 'missing action' : `unknown action '${[action, ...extra].join(' ')}'`}\n\n${USAGE}\n`);
    return 2;
  }
  const table = values.table ?? DEFAULT_TABLE;
  const purchaseTable = values['purchase-table'] ?? DEFAULT_PURCHASE_TABLE;
  let sql;
  try {
    sql = migrationSql({ table });
  } catch (e) {
    stderr.write(`iap-verify db: --table: ${/** @type {import('./error.js').IapError} */ (e).message}\n`);
    return 2;
  }
  try {
    sql += purchaseMigrationSql({ table: purchaseTable, paymentTable: table });
  } catch (e) {
    stderr.write(`iap-verify db: --purchase-table: ${/** @type {import('./error.js').IapError} */ (e).message}\n`);
    return 2;
  }
  if (action === 'sql') {
    stdout.write(sql);
    return 0;
  }
  const url = values.url ?? env.DATABASE_URL;
  if (!url) {
    stderr.write('iap-verify db migrate: give --url postgres://… or set DATABASE_URL\n');
    return 2;
  }
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch {
    stderr.write('iap-verify db migrate: the pg package is not installed in this project (npm install pg)\n');
    return 2;
  }
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    // One multi-statement query: pg runs it as one implicit transaction.
    await client.query(sql);
    stdout.write(`migrated: table ${table} and the purchase ledger ${purchaseTable} are ready\n`);
    return 0;
  } catch (e) {
    // pg's messages name the host and database, never the password.
    stderr.write(`iap-verify db migrate: ${/** @type {Error} */ (e).message}\n`);
    return 1;
  } finally {
    await client.end().catch(() => {});
  }
}
