// The customer card: every store's purchases of one user from the purchase ledger (POST
// /api/customer), newest first, with the state, when it was delivered, settled and refunded, and
// the subscription status where the record holds one. A stuck record (verification failed, or
// consumed elsewhere) gets a button that fills the reopen action's form; the action itself is
// confirmed and sent there, as every action is. Every value is shown as text (render.js's h).
import { h, timeCell, copyButton } from './render.js';
import { api, may, prefillAction } from './team.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * A row of /api/customer (server/dashboard-ledger.js makes them).
 * @typedef {{ store: string, storeId: string, productId: string, state: string, flagged?: boolean, createdAt?: number,
 *   deliveredAt?: number | null, settledAt?: number | null, refundedAt?: number | null, acknowledgeBy?: number | null,
 *   kind?: string, transactionId?: string, reason?: string, reopened?: number, lastReopen?: string, reopenable?: boolean,
 *   subscription?: { status?: string, entitled?: boolean, expiresTime?: number, autoRenewing?: boolean | null } }} CustomerRow
 */

/** @type {Record<string, string | undefined>} */
const STORE_NAMES = { GG: 'Google Play', AS: 'App Store', ONESTORE: 'ONE store', NHN: 'NHN' };
/** @type {Record<string, string | undefined>} */
const STATE_CLASS = {
  COMPLETED: 'ok', SETTLED: 'ok', VERIFIED: 'warn', DELIVERED: 'warn', SETTLE_REQUESTED: 'warn', RECEIVED: 'warn', PENDING: 'warn', PAID: 'warn',
  VERIFY_FAILED: 'bad', CONSUMED_ELSEWHERE: 'bad', REFUNDED: 'bad',
  ACTIVE: 'ok', CANCELED: 'warn', IN_GRACE_PERIOD: 'warn', IN_BILLING_RETRY: 'warn', ON_HOLD: 'bad', PAUSED: 'warn', EXPIRED: 'muted', REVOKED: 'bad',
};

const badge = (/** @type {string} */ s) => h('span', { class: `badge ${STATE_CLASS[s] ?? ''}` }, s.replace(/_/g, ' '));

/** The subscription cell: the status the library computed from the record, its expiry and renewal. */
function subscriptionCell(/** @type {CustomerRow['subscription']} */ s) {
  if (!s) return h('span', { class: 'muted' }, '—');
  return h('div', {},
    s.status ? badge(s.status) : null,
    h('div', { class: 'muted small' }, 'expires ', timeCell(s.expiresTime)),
    s.autoRenewing === true ? h('div', { class: 'muted small' }, 'renews') : s.autoRenewing === false ? h('div', { class: 'muted small' }, 'will not renew') : null);
}

/** @param {CustomerRow} r */
function customerRow(r) {
  const reopen = r.reopenable && may('agent')
    ? h('button', { type: 'button', class: 'ghost', 'data-testid': 'customer-reopen', onclick: () => prefillAction('ledger.reopen', { storeId: r.storeId, store: r.store }) }, 'Reopen…')
    : null;
  return h('tr', { class: r.state === 'VERIFY_FAILED' || r.state === 'CONSUMED_ELSEWHERE' ? 'refused' : '' },
    h('td', {}, STORE_NAMES[r.store] ?? r.store, h('div', { class: 'muted small' }, r.store)),
    h('td', {}, h('span', { class: 'id' }, h('code', {}, r.storeId), copyButton(r.storeId, `purchase ${r.storeId}`)),
      r.transactionId && r.transactionId !== r.storeId ? h('div', { class: 'muted small' }, `transaction ${r.transactionId}`) : null),
    h('td', {}, r.productId, r.kind ? h('div', { class: 'muted small' }, r.kind.toLowerCase().replace(/_/g, ' ')) : null),
    h('td', {}, badge(r.state),
      r.flagged ? h('div', { class: 'tag bad' }, 'flagged') : null,
      r.reason ? h('div', { class: 'muted small' }, r.reason) : null,
      r.reopened ? h('div', { class: 'muted small' }, `reopened ${r.reopened}×: ${r.lastReopen ?? ''}`) : null,
      typeof r.acknowledgeBy === 'number' && r.settledAt == null ? h('div', { class: 'warn small' }, 'settle by ', timeCell(r.acknowledgeBy)) : null,
      reopen),
    h('td', {}, timeCell(r.createdAt)),
    h('td', {}, timeCell(r.deliveredAt)),
    h('td', {}, timeCell(r.settledAt)),
    h('td', {}, timeCell(r.refundedAt)),
    h('td', {}, subscriptionCell(r.subscription)));
}

/** Says where the view comes from, and turns the card off when no ledger is configured. */
export function startCustomer(/** @type {{ ledger?: string | null }} */ conf) {
  const button = /** @type {HTMLButtonElement} */ ($('customer-form').querySelector('button'));
  button.disabled = !conf.ledger;
  $('customer-source').textContent = conf.ledger
    ? `From the purchase ledger (${conf.ledger === 'postgres' ? 'PostgreSQL' : 'given to the server'}): what the backend recorded for each store's purchases.`
    : 'No purchase ledger is configured on the dashboard server ("ledger" in its config file).';
}

$('customer-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const userId = /** @type {HTMLInputElement} */ ($('customer-id')).value.trim();
  const statusEl = $('customer-status');
  const table = /** @type {HTMLElement} */ (document.querySelector('[data-testid="customer-results"]'));
  const button = /** @type {HTMLButtonElement} */ ($('customer-form').querySelector('button'));
  if (!userId) {
    statusEl.className = 'lookup-status bad';
    statusEl.textContent = 'Enter a user ID.';
    return;
  }
  statusEl.className = 'lookup-status';
  statusEl.textContent = 'Looking up…';
  button.disabled = true;
  try {
    const res = await api('/api/customer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
    const out = await res.json().catch(() => ({ error: { code: 'MALFORMED_INPUT', message: `HTTP ${res.status}, not JSON` } }));
    if (!res.ok || out.error) {
      table.hidden = true;
      statusEl.className = 'lookup-status bad';
      statusEl.textContent = `Lookup failed: ${out.error?.code ?? res.status}: ${out.error?.message ?? ''}`;
      return;
    }
    const rows = /** @type {CustomerRow[]} */ (out.rows ?? []);
    $('customer-body').replaceChildren(...rows.map(customerRow));
    table.hidden = rows.length === 0;
    const stores = [...new Set(rows.map((r) => STORE_NAMES[r.store] ?? r.store))];
    const stuck = rows.filter((r) => r.reopenable).length;
    statusEl.textContent = `${rows.length === 0 ? 'Nothing found' : `${rows.length} purchase${rows.length === 1 ? '' : 's'} in ${stores.join(', ')}`}${stuck ? `, ${stuck} stuck` : ''} for "${userId}".${(out.notes ?? []).map((/** @type {string} */ n) => ` Note: ${n}.`).join('')}`;
  } catch (err) {
    statusEl.className = 'lookup-status bad';
    statusEl.textContent = `Lookup failed: NETWORK_ERROR: ${/** @type {Error} */ (err).message}`;
  } finally {
    button.disabled = false;
  }
});
