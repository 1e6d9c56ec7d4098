// The dashboard page: wires the form, the library (`iap-verify`, its browser entry, which the
// dashboard server resolves for the page; its inspect() verifies and describes what is pasted) and
// the renderers. Verification
// runs here, in the browser; only purchase lookups go to the dashboard server (same origin),
// which holds the API credentials.
import { KINDS, detect, bytesToBase64 } from 'iap-verify/detect';
import { verifyInput, parseRoots } from './verify.js';
import { KNOWN_FIELDS } from './fields.js';
import { h, fieldRows, chainTable, subscriptionView, timeCell, copyButton, utcTime } from './render.js';
import { DEFAULTS, loadSettings, saveSettings, clearSettings } from './settings.js';
import { api, startTeam } from './team.js';
import { startCustomer } from './customer.js';

/** The page's element with this id (index.html has each one this file names). */
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** A form field of the page: an input, a textarea or a select (each has a text `value`). */
const fieldEl = (/** @type {string} */ id) => /** @type {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} */ ($(id));
/** A checkbox or text input of the page. */
const inputEl = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));
/** A select of the page. */
const selectEl = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ ($(id));
/** The file input an event came from. */
const fileInput = (/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.target);
/** A form's (first) button. */
const formButton = (/** @type {string} */ id) => /** @type {HTMLButtonElement} */ ($(id).querySelector('button'));

/**
 * A row of /api/lookup (server/dashboard-cli.js makes them).
 * @typedef {{ kind?: string, paymentSeq?: string, marketId?: string, productSeq?: number, productId?: string, price?: number,
 *   currency?: string, paymentId?: string, purchaseTime?: number, expiryTime?: number, status?: string, referenceStatus?: string, test?: boolean }} LookupRow
 */
/**
 * A row of /api/store-lookup (server/dashboard-stores.js makes them).
 * @typedef {{ store?: string, kind?: string, transactionId?: string, originalTransactionId?: string, productId?: string, type?: string,
 *   price?: number, currency?: string, purchaseTime?: number, expiryTime?: number, status?: string, refunded?: boolean,
 *   revocationTime?: number, revocationReason?: unknown, acknowledged?: boolean, consumed?: boolean, needsAcknowledgement?: boolean,
 *   acknowledgeBy?: number, environment?: string, autoRenew?: boolean, renewalTime?: number }} StoreRow
 */
/**
 * What a lookup answers: rows and notes, or the error.
 * @typedef {{ rows?: object[], notes?: string[], api?: string, error?: { code?: string, message?: string, details?: { errorName?: string } } }} LookupAnswer
 */

/** @type {typeof import('iap-verify') | undefined} */
let iap;
let settings = loadSettings();
/** Whether the dashboard server holds the settings (then this browser's are not used). */
let serverSettings = false;

/** The settings the server holds for the team, when it holds them. */
async function loadServerSettings() {
  const res = await api('/api/settings').catch(() => undefined);
  if (!res?.ok) return;
  const out = await res.json();
  if (out.held !== 'server') return;
  serverSettings = true;
  settings = { ...DEFAULTS, roots: [], ...out.settings };
  $('settings-where').textContent = out.editable
    ? 'Held by the dashboard server and shared by the team (public keys and expectations only; the store keys never leave the server). Saving changes them for everyone.'
    : 'Held by the dashboard server and shared by the team; only an admin can change them.';
  /** @type {HTMLButtonElement} */ (document.querySelector('[data-testid="save-settings"]')).disabled = !out.editable;
  $('reset-settings').hidden = true;
}
/**
 * The bytes of a dropped binary file (a DER receipt), which the textarea cannot hold.
 * @type {Uint8Array | undefined}
 */
let droppedBytes;

async function loadPackage() {
  const engine = $('engine');
  try {
    iap = await import('iap-verify');
    engine.textContent = 'Verifier loaded (WebAssembly). Nothing you paste leaves this browser.';
    engine.classList.add('ready');
    updateDetection();
  } catch (e) {
    engine.textContent = `The verifier did not load: ${/** @type {Error} */ (e).message}. Serve this page with "iap-verify dashboard".`;
    engine.classList.add('failed');
  }
}

// ---- input and detection --------------------------------------------------------------------

for (const [k, label] of Object.entries(KINDS)) $('kind-override').append(h('option', { value: k }, label));

/**
 * The kind shown (chosen under Options, or detected); verification reads the input itself.
 * @returns {{ kind?: string, guessed?: true, reason?: string }}
 */
function currentDetection() {
  const override = fieldEl('kind-override').value;
  if (droppedBytes) return { kind: override || 'apple-receipt' };
  const d = detect(fieldEl('input').value);
  return override ? { kind: override } : d;
}

function updateDetection() {
  const d = currentDetection();
  const kindEl = $('kind');
  const empty = fieldEl('input').value.trim() === '' && !droppedBytes;
  if (empty) kindEl.textContent = 'Nothing to check yet.';
  else if (d.kind) kindEl.replaceChildren('Detected: ', h('strong', {}, KINDS[/** @type {import('iap-verify').InputKind} the detected or chosen one */ (d.kind)]), d.guessed ? ' (guessed)' : '', droppedBytes ? ` · binary file, ${droppedBytes.length.toLocaleString('en')} bytes` : '');
  else kindEl.replaceChildren(h('span', { class: 'warn-text' }, `Not recognized: ${d.reason}.`), ' Choose the kind under Options.');
  const signed = d.kind === 'google-purchase' || d.kind === 'onestore-purchase';
  $('signed-fields').hidden = !signed;
  /** @type {HTMLButtonElement} */ ($('verify-btn')).disabled = !iap || empty || !d.kind;
}

$('input').addEventListener('input', () => {
  droppedBytes = undefined;
  updateDetection();
});
$('kind-override').addEventListener('change', updateDetection);

/**
 * A dropped or chosen file: a binary receipt (DER) stays bytes, everything else is read as text.
 * @param {File} file
 */
async function takeFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const binary = bytes[0] === 0x30;
  droppedBytes = binary ? bytes : undefined;
  fieldEl('input').value = binary ? `(binary file ${file.name}: ${bytesToBase64(bytes.subarray(0, 48))}…)` : new TextDecoder().decode(bytes);
  updateDetection();
}

const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files?.[0];
  if (file) takeFile(file);
});
$('file').addEventListener('change', (e) => {
  const file = fileInput(e).files?.[0];
  if (file) takeFile(file);
  fileInput(e).value = '';
});

$('clear').addEventListener('click', () => {
  droppedBytes = undefined;
  for (const id of ['input', 'signature', 'key', 'at']) fieldEl(id).value = '';
  fieldEl('kind-override').value = '';
  updateDetection();
  showIdle();
  $('input').focus();
});

$('input').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    /** @type {HTMLFormElement} */ ($('verify-form')).requestSubmit();
  }
});

// ---- verification and results ---------------------------------------------------------------

function showIdle() {
  const v = $('verdict');
  v.className = 'verdict idle';
  v.replaceChildren(h('span', { class: 'v-title' }, 'No result yet'), h('span', { class: 'v-text' }, 'Paste something and press Verify. Accepted:'),
    h('ul', { class: 'accepts' },
      h('li', {}, 'Google Play or ONE store purchase JSON (', h('code', {}, 'getOriginalJson()'), '), with its signature'),
      h('li', {}, 'Apple app receipt: base64 text, or the binary file'),
      h('li', {}, 'StoreKit 2 JWS: transaction, renewal info, app transaction'),
      h('li', {}, 'App Store Server Notification V2: the JWS, or the ', h('code', {}, '{"signedPayload": …}'), ' body'),
      h('li', {}, 'Google RTDN push body (', h('code', {}, '{"message": {"data": …}}'), '), iOS 6 transaction receipt')));
  $('notes').replaceChildren();
  for (const id of ['sub-section', 'chain-section', 'fields-section']) $(id).hidden = true;
}

function atValue() {
  const v = fieldEl('at').value;
  if (!v) return undefined;
  const ms = Date.parse(`${v}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * CERTIFICATE_EXPIRED details in dates rather than epoch milliseconds.
 * @param {Record<string, unknown> | undefined} d
 */
function validityDetail(d) {
  if (!d || typeof d.at !== 'number' || typeof d.notAfter !== 'number') return null;
  return h('span', { class: 'v-detail' }, `Certificate "${d.subject ?? '?'}" is valid from ${utcTime(/** @type {number} */ (d.notBefore))} to ${utcTime(d.notAfter)}; judged at ${utcTime(d.at)}.`);
}

/** @param {import('./verify.js').Verification} r */
function showResult(r) {
  const v = $('verdict');
  v.className = `verdict ${r.status}`;
  if (r.status === 'verified') {
    v.replaceChildren(h('span', { class: 'v-title' }, 'Verified'), h('span', { class: 'v-text' }, r.chain ? `${r.kindLabel}: the signature and the certificate chain check out.` : `${r.kindLabel}: the signature matches the data under the licence key.`));
  } else if (r.status === 'decoded') {
    v.replaceChildren(h('span', { class: 'v-title' }, 'Decoded (unverified)'), h('span', { class: 'v-text' }, `${r.kindLabel}: decoded, nothing proves who wrote it.`));
  } else {
    v.replaceChildren(
      h('span', { class: 'v-title' }, `Invalid: ${r.code}`),
      h('span', { class: 'v-text' }, r.explanation ?? ''),
      validityDetail(r.details) ?? h('span', { class: 'v-detail' }, r.message ?? ''));
  }
  $('notes').replaceChildren(...(r.notes ?? []).map((n) => h('li', {}, n)));

  const subSection = $('sub-section');
  subSection.hidden = !r.subscription;
  if (r.subscription) $('sub').replaceChildren(subscriptionView(r.subscription, /** @type {number} verifyInput sets it */ (r.judgedNow), r.atGiven ? 'Judged at (Options)' : 'Now'));

  $('chain-section').hidden = !r.chain;
  if (r.chain) $('chain').replaceChildren(chainTable(r.chain, { open: r.code === 'INVALID_CHAIN' || r.code === 'CERTIFICATE_EXPIRED' }));

  const value = r.status === 'invalid' ? r.unverified : r.value;
  const fs = $('fields-section');
  fs.hidden = value === undefined || value === null;
  $('fields-h').textContent = r.status === 'invalid' ? 'Fields (decoded without verification: do not trust them)' : 'Fields';
  fs.classList.toggle('untrusted', r.status === 'invalid');
  if (value !== undefined && value !== null) {
    const rows = typeof value === 'object' ? fieldRows(value, { known: r.kind === undefined ? undefined : KNOWN_FIELDS[r.kind], verified: r.status === 'verified' }) : [h('tr', {}, h('th', {}, 'value'), h('td', {}, String(value)))];
    $('fields-body').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 2, class: 'muted' }, '(no fields)'))]));
  }
}

$('verify-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!iap) return;
  const d = currentDetection();
  if (!d.kind) return;
  const input = droppedBytes ?? fieldEl('input').value;
  const r = verifyInput(iap, settings, { input, type: fieldEl('kind-override').value || undefined, kind: d.kind }, { signature: fieldEl('signature').value, key: fieldEl('key').value, at: atValue() });
  // The verdict is a live region (role=status): screen readers announce it, focus stays put.
  showResult(r);
});

// ---- settings ---------------------------------------------------------------------------------

const dialog = /** @type {HTMLDialogElement} */ ($('settings'));
function fillSettings() {
  fieldEl('s-google').value = settings.googleKey;
  fieldEl('s-onestore').value = settings.onestoreKey;
  inputEl('s-legacy').checked = settings.allowLegacyKeys;
  fieldEl('s-bundle').value = settings.bundleId;
  fieldEl('s-env').value = settings.environment;
  fieldEl('s-appid').value = settings.appAppleId;
  fieldEl('s-roots').value = settings.roots.join('\n');
  countRoots();
}
function countRoots() {
  const n = parseRoots([fieldEl('s-roots').value]).length;
  $('s-roots-count').textContent = n === 0 ? 'No extra roots: Apple\'s roots only.' : `${n} extra root${n === 1 ? '' : 's'}, tried when Apple's roots do not vouch for the data.`;
}
$('s-roots').addEventListener('input', countRoots);
$('s-roots-file').addEventListener('change', async (e) => {
  for (const file of fileInput(e).files ?? []) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const pem = text.includes('-----BEGIN CERTIFICATE-----')
      ? text.trim()
      : `-----BEGIN CERTIFICATE-----\n${bytesToBase64(bytes).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----`;
    fieldEl('s-roots').value = [fieldEl('s-roots').value.trim(), pem].filter(Boolean).join('\n');
  }
  fileInput(e).value = '';
  countRoots();
});
$('open-settings').addEventListener('click', () => {
  fillSettings();
  // returnValue survives from the last close; Escape must not count as the previous Save.
  dialog.returnValue = '';
  dialog.showModal();
});
dialog.addEventListener('close', () => {
  if (dialog.returnValue !== 'save') return;
  const rootsText = fieldEl('s-roots').value.trim();
  const pems = rootsText.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? (rootsText ? [rootsText] : []);
  settings = {
    googleKey: fieldEl('s-google').value.trim(),
    onestoreKey: fieldEl('s-onestore').value.trim(),
    allowLegacyKeys: inputEl('s-legacy').checked,
    bundleId: fieldEl('s-bundle').value.trim(),
    environment: fieldEl('s-env').value,
    appAppleId: fieldEl('s-appid').value.trim(),
    roots: pems,
  };
  if (serverSettings) {
    // Held by the dashboard server for the whole team; only an admin may change them.
    api('/api/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
    return;
  }
  saveSettings(settings);
});
$('reset-settings').addEventListener('click', () => {
  if (serverSettings) return;
  clearSettings();
  settings = loadSettings();
  fillSettings();
});

// ---- purchase lookup ----------------------------------------------------------------------------

/** @type {Record<string, string | undefined>} */
const STATUS_CLASS = { ACTIVE: 'ok', UNCONSUMED: 'warn', CANCELED: 'warn', IN_GRACE_PERIOD: 'warn', EXPIRED: 'muted', REVOKED: 'bad', ON_HOLD: 'bad', PAUSED: 'warn', PENDING: 'warn' };
/** @type {Record<string, string | undefined>} */
const STORE_NAMES = { GG: 'Google Play', AS: 'App Store', ONESTORE: 'ONE store' };

async function loadLookupConfig() {
  try {
    const res = await api('/api/config');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const conf = await res.json();
    // Gamebase first: its answers carry purchase times and test flags.
    const apis = Object.keys(conf.apis ?? {}).sort((a, b) => (a === 'gamebase' ? -1 : b === 'gamebase' ? 1 : 0));
    const sel = $('api');
    sel.replaceChildren(...apis.map((a) => h('option', { value: a }, a === 'gamebase' ? 'Gamebase API' : 'IAP server API')));
    $('api-field').hidden = apis.length < 2;
    $('lookup-source').textContent = apis.length === 0
      ? 'No IAP or Gamebase server is configured on the dashboard server.'
      : `${conf.emulator ? 'Local IAP server (emulator, seeded data: try user-1 or user-2)' : 'Configured servers'}: ${apis.map((a) => `${a === 'gamebase' ? 'Gamebase' : 'IAP'} at ${conf.apis[a].baseUrl}`).join(', ')}. Credentials stay on the server.`;
  } catch {
    $('lookup-source').textContent = 'Lookup needs the dashboard server ("iap-verify dashboard"); this page was opened without it.';
    formButton('lookup-form').disabled = true;
  }
}

/** @param {unknown} price */
function money(price) {
  if (typeof price !== 'number') return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'decimal', minimumFractionDigits: 0, maximumFractionDigits: 6 }).format(price);
  } catch {
    return String(price);
  }
}

/** @param {LookupRow} r */
function lookupRow(r) {
  const status = r.status ?? 'UNKNOWN';
  return h('tr', {},
    h('td', {}, h('span', { class: 'id' }, h('code', {}, r.paymentSeq ?? '—'), r.paymentSeq ? copyButton(r.paymentSeq, `paymentSeq ${r.paymentSeq}`) : null)),
    h('td', {}, r.kind === 'subscription' ? 'Subscription' : 'Unconsumed'),
    h('td', {}, (r.marketId === undefined ? undefined : STORE_NAMES[r.marketId]) ?? r.marketId ?? '—'),
    h('td', {}, h('div', {}, r.productId ?? '—'), r.productSeq !== undefined ? h('div', { class: 'muted small' }, `productSeq ${r.productSeq}`) : null, r.paymentId ? h('div', { class: 'muted small' }, r.paymentId) : null),
    h('td', { class: 'num' }, money(r.price)),
    h('td', {}, r.currency ?? '—'),
    h('td', {}, timeCell(r.purchaseTime)),
    h('td', {}, timeCell(r.expiryTime)),
    h('td', {}, h('span', { class: `badge ${STATUS_CLASS[status] ?? ''}` }, status.replace(/_/g, ' ')), r.referenceStatus && r.referenceStatus !== status ? h('div', { class: 'muted small' }, r.referenceStatus) : null, r.test ? h('div', { class: 'tag warn' }, 'test purchase') : null));
}

$('lookup-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const userId = fieldEl('user-id').value.trim();
  const statusEl = $('lookup-status');
  const table = document.querySelector('[data-testid="lookup-results"]');
  if (!userId) {
    statusEl.className = 'lookup-status bad';
    statusEl.textContent = 'Enter a user ID.';
    $('user-id').focus();
    return;
  }
  /** @type {{ userId: string, store: string, api?: string }} */
  const body = { userId, store: fieldEl('store').value };
  if (!$('api-field').hidden) body.api = fieldEl('api').value;
  await postLookup({
    form: $('lookup-form'), statusEl, table: /** @type {HTMLElement} */ (table), tbody: $('lookup-body'), url: '/api/lookup', body, row: lookupRow,
    summary(rows, out) {
      const unconsumed = rows.filter((r) => r.kind === 'unconsumed').length;
      return `${rows.length === 0 ? 'Nothing found' : `${unconsumed} unconsumed payment${unconsumed === 1 ? '' : 's'}, ${rows.length - unconsumed} active subscription${rows.length - unconsumed === 1 ? '' : 's'}`} for "${userId}" (${body.store === 'ALL' ? 'all stores' : STORE_NAMES[body.store]}, via ${out.api === 'gamebase' ? 'Gamebase' : 'IAP server'} API).${(out.notes ?? []).map((n) => ` Note: ${n}.`).join('')}`;
    },
  });
});

/**
 * One lookup form's round trip: the POST, the error line (with the store's error name), the rows, the summary.
 * @template R
 * @param {{ form: HTMLElement, statusEl: HTMLElement, table: HTMLElement, tbody: HTMLElement, url: string, body: object,
 *   row: (r: R) => HTMLElement, summary: (rows: R[], out: LookupAnswer) => string }} lookup
 */
async function postLookup({ form, statusEl, table, tbody, url, body, row, summary }) {
  statusEl.className = 'lookup-status';
  statusEl.textContent = 'Looking up…';
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button'));
  button.disabled = true;
  try {
    const res = await api(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    /** @type {LookupAnswer} */
    const out = await res.json().catch(() => ({ error: { code: 'MALFORMED_INPUT', message: `HTTP ${res.status}, not JSON` } }));
    if (!res.ok || out.error) {
      table.hidden = true;
      statusEl.className = 'lookup-status bad';
      const name = out.error?.details?.errorName ? ` (${out.error.details.errorName})` : '';
      statusEl.textContent = `Lookup failed: ${out.error?.code ?? res.status}${name}: ${out.error?.message ?? ''}`;
      return;
    }
    // The dashboard server's rows, of the kind this form asks for.
    const rows = /** @type {R[]} */ (out.rows ?? []);
    tbody.replaceChildren(...rows.map(row));
    table.hidden = rows.length === 0;
    statusEl.className = 'lookup-status';
    statusEl.textContent = summary(rows, out);
  } catch (err) {
    statusEl.className = 'lookup-status bad';
    statusEl.textContent = `Lookup failed: NETWORK_ERROR: ${/** @type {Error} */ (err).message}`;
  } finally {
    button.disabled = false;
  }
}

// ---- store lookup (App Store Server API and Play Developer API, through the dashboard server) --

/** @type {Record<string, string | undefined>} */
const STATE_CLASS = {
  ACTIVE: 'ok', PURCHASED: 'ok', REFUNDED: 'bad', REVOKED: 'bad', EXPIRED: 'muted', BILLING_RETRY: 'warn', BILLING_GRACE_PERIOD: 'warn',
  IN_GRACE_PERIOD: 'warn', ON_HOLD: 'warn', PAUSED: 'warn', PENDING: 'warn', CANCELED: 'muted',
};

/**
 * Google's acknowledgement facts under the state: acknowledged, consumed, or the deadline.
 * @param {StoreRow} r
 */
function acknowledgement(r) {
  if ((r.store !== 'google' && r.store !== 'onestore') || r.acknowledged === undefined) return null;
  if (r.needsAcknowledgement) return h('div', { class: 'warn small', 'data-testid': 'ack-deadline' }, `not acknowledged: refunded by ${r.store === 'google' ? 'Google' : 'ONE store'} `, timeCell(r.acknowledgeBy), ' unless acknowledged');
  return h('div', { class: 'muted small' }, [r.acknowledged ? 'acknowledged' : 'not acknowledged', r.consumed ? 'consumed' : null].filter(Boolean).join(', '));
}

/**
 * A subscription's renewal under its state: the next payment, or that it will not renew.
 * @param {StoreRow} r
 */
function renewal(r) {
  if (r.kind !== 'subscription' || r.autoRenew === undefined) return null;
  if (r.autoRenew && r.renewalTime !== undefined) return h('div', { class: 'muted small', 'data-testid': 'renewal' }, 'renews ', timeCell(r.renewalTime));
  return h('div', { class: 'muted small', 'data-testid': 'renewal' }, r.autoRenew ? 'renews' : 'will not renew');
}

/** @param {StoreRow} r */
function storeRow(r) {
  const state = r.status ?? (r.refunded ? 'REFUNDED' : 'PURCHASED');
  const cls = STATE_CLASS[state] ?? '';
  return h('tr', {},
    h('td', {}, h('span', { class: 'id' }, h('code', {}, r.transactionId ?? '—'), r.transactionId ? copyButton(r.transactionId, `transaction ${r.transactionId}`) : null),
      r.originalTransactionId && r.originalTransactionId !== r.transactionId ? h('div', { class: 'muted small' }, `original ${r.originalTransactionId}`) : null),
    h('td', {}, r.productId ?? '—'),
    h('td', {}, r.kind === 'subscription' ? `${r.type ?? ''} (status)` : r.type ?? '—'),
    // Apple sends prices in milliunits.
    h('td', { class: 'num' }, typeof r.price === 'number' ? `${money(r.price / 1000)} ${r.currency ?? ''}` : '—'),
    h('td', {}, timeCell(r.purchaseTime)),
    h('td', {}, timeCell(r.expiryTime)),
    h('td', {}, h('span', { class: `badge ${cls}` }, state.replace(/_/g, ' ')),
      r.revocationTime !== undefined ? h('div', { class: 'muted small' }, 'refunded ', timeCell(r.revocationTime), r.revocationReason !== undefined && r.store === 'google' ? ` (${r.revocationReason})` : '') : null,
      acknowledgement(r), renewal(r)),
    h('td', {}, r.environment ?? '—'));
}

/** The id field says what to paste; the product field is for Google tokens only; voided takes none. */
function storeFormFields() {
  const by = fieldEl('store-by').value;
  /** @type {[string, string] | undefined} */
  const byId = /** @type {Record<string, [string, string] | undefined>} */ ({
    'apple:order': ['Order ID', 'e.g. MK5TTTVWJH'], 'apple:transaction': ['Transaction ID', 'e.g. 2000000100000003'],
    'google:order': ['Order ID', 'e.g. GPA.3300-1111-2222-00001'],
    'google:token': ['Purchase token', 'the token the app sent'],
    'onestore:token': ['Purchase token', 'the token the app sent'],
    'onestore:subscription': ['Purchase token', "the subscription's token the app sent"],
  })[by];
  $('store-id-field').hidden = !byId;
  inputEl('store-id').required = Boolean(byId);
  if (byId) {
    /** @type {HTMLLabelElement} */ ($('store-id-field').querySelector('label')).textContent = byId[0];
    inputEl('store-id').placeholder = byId[1];
  }
  $('store-product-field').hidden = by !== 'google:token' && by !== 'onestore:token' && by !== 'onestore:subscription';
  inputEl('store-product').required = by === 'onestore:token' || by === 'onestore:subscription';
}
$('store-by').addEventListener('change', storeFormFields);

async function loadStoreConfig() {
  try {
    const conf = await (await api('/api/config')).json();
    startCustomer(conf);
    const { apple, google, onestore } = conf.storeApis ?? {};
    const seeded = { apple: ' (local server, seeded: try order MK5TTTVWJH or transaction 2000000100000003)', google: conf.storeSamples?.google ? ` (local server, seeded: try token ${conf.storeSamples.google.token} with product ${conf.storeSamples.google.productId}, or order GPA.3300-1111-2222-00001)` : ' (local server)' };
    const says = [
      apple ? `App Store Server API at ${apple.baseUrl}${conf.emulator ? seeded.apple : ''}.` : 'No App Store Server API credentials are configured.',
      google ? `Play Developer API at ${google.baseUrl}${conf.emulator ? seeded.google : ''}.` : 'No Play Developer API service account is configured.',
      onestore ? `ONE store server API at ${onestore.baseUrl}${conf.emulator ? ' (local server)' : ''}.` : 'No ONE store client credentials are configured.',
    ];
    $('store-lookup-source').textContent = `${says.join(' ')} Keys stay on the dashboard server.`;
    // Only the lookups of configured stores can be chosen.
    for (const o of selectEl('store-by').options) o.disabled = !conf.storeApis?.[o.value.split(':')[0]];
    const first = [...selectEl('store-by').options].find((o) => !o.disabled);
    if (first && selectEl('store-by').selectedOptions[0]?.disabled) fieldEl('store-by').value = first.value;
    storeFormFields();
    formButton('store-lookup-form').disabled = !first;
  } catch {
    formButton('store-lookup-form').disabled = true;
  }
}

$('store-lookup-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = fieldEl('store-id').value.trim();
  const [store, by] = fieldEl('store-by').value.split(':');
  const needsId = !$('store-id-field').hidden;
  const productId = $('store-product-field').hidden ? '' : fieldEl('store-product').value.trim();
  const statusEl = $('store-lookup-status');
  const table = document.querySelector('[data-testid="store-lookup-results"]');
  if (needsId && !id) {
    statusEl.className = 'lookup-status bad';
    statusEl.textContent = 'Enter an ID.';
    $('store-id').focus();
    return;
  }
  const body = { store, by, ...(needsId ? { id } : {}), ...(productId ? { productId } : {}) };
  await postLookup({
    form: $('store-lookup-form'), statusEl, table: /** @type {HTMLElement} */ (table), tbody: $('store-lookup-body'), url: '/api/store-lookup', body, row: storeRow,
    summary(rows, out) {
      const refunded = rows.filter((r) => r.refunded).length;
      const what = needsId ? `${by} "${id}"` : store === 'onestore' ? 'the last month' : 'the last 30 days';
      const source = store === 'apple' ? 'Every row comes from data Apple signed, verified on the server.' : `Every row is ${store === 'onestore' ? 'ONE store' : 'Google'}'s answer to the dashboard server.`;
      return `${rows.length === 0 ? 'Nothing found' : `${rows.length} row${rows.length === 1 ? '' : 's'}, ${refunded} refunded`} for ${what}. ${source}${(out.notes ?? []).map((n) => ` Note: ${n}.`).join('')}`;
    },
  });
});

// ---- start -------------------------------------------------------------------------------------

showIdle();
updateDetection();
loadPackage();
startTeam().then((ready) => {
  if (!ready) return;
  loadServerSettings();
  loadLookupConfig();
  loadStoreConfig();
});
