// DOM rendering of verification results. Every value from the input goes through textContent
// (never innerHTML): the data is untrusted.
import { isTimeKey } from './verify.js';

/** @typedef {import('iap-verify').CertificateInfo} CertificateInfo */
/** @typedef {import('iap-verify').NamePart} NamePart */
/** @typedef {{ label: string, time: number, cls: string }} TimelineEvent */
/**
 * What the page shows of a subscription: its status now (or why there is none) and its events.
 * @typedef {{ status?: import('iap-verify').SubscriptionStatus, statusError?: { code?: string, message?: string }, events: TimelineEvent[],
 *   product?: string, periods?: number }} SubscriptionView
 */
/** @typedef {{ certs: CertificateInfo[], judgedAt: number, judgedBy: string, note?: string }} Chain */

/**
 * Creates an element: h('td', { class: 'x', dataset: {...} }, child, 'text', ...).
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs] `class`, `dataset` (an object), `style` (an object of
 *   properties), `on<event>` (a listener), anything else an attribute (true: present)
 * @param {...unknown} kids nodes, text (anything else is shown as its String), lists of them; null, undefined and false are left out
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    // Through the CSSOM: the page's CSP refuses inline style attributes.
    else if (k === 'style') for (const [prop, val] of Object.entries(/** @type {object} */ (v))) el.style.setProperty(prop, String(val));
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat()) if (kid !== undefined && kid !== null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
  return el;
}

/** Entries of a list of objects rendered at first; the rest on request. */
const SHOWN_ITEMS = 100;

const pad = (/** @type {number} */ n, w = 2) => String(n).padStart(w, '0');

/**
 * Local time with its offset, e.g. "2026-11-26 13:41:32 GMT+9".
 * @param {number} ms
 */
export function localTime(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  // Historic local mean time offsets have seconds; minutes are enough here.
  const off = Math.round(-d.getTimezoneOffset());
  const zone = off === 0 ? 'UTC' : `GMT${off > 0 ? '+' : '-'}${Math.floor(Math.abs(off) / 60)}${Math.abs(off) % 60 ? `:${pad(Math.abs(off) % 60)}` : ''}`;
  const y = d.getFullYear();
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone}`;
}

/** @param {number} ms */
export function utcTime(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return d.toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z').replace(/Z$/, ' UTC');
}

/**
 * A time cell: local and UTC, the raw number on hover and for copying.
 * @param {unknown} ms
 */
export function timeCell(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'time', title: `${ms} (epoch ms)` }, h('time', { datetime: new Date(ms).toISOString() }, localTime(ms)), h('span', { class: 'utc' }, utcTime(ms)));
}

const ID_KEY = /(Id|ID|Token|UUID|Uuid|Seq|Hash|Value|Identifier|orderId|purchaseToken)$/;

/**
 * A button that copies `text`; says so for screen readers and sighted users alike.
 * @param {string} text
 * @param {string} label
 */
export function copyButton(text, label) {
  const b = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${label}`, title: 'Copy' }, 'Copy');
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch {
      // Clipboard refused (not a secure context): select the text so Ctrl+C works.
      const sel = window.getSelection();
      const node = b.previousElementSibling;
      if (sel && node) {
        sel.selectAllChildren(node);
      }
      b.textContent = 'Selected';
    }
    setTimeout(() => (b.textContent = 'Copy'), 1500);
  });
  return b;
}

/**
 * @param {string} key
 * @param {unknown} value
 * @param {string} path
 */
function valueCell(key, value, path) {
  if (value === null) return h('span', { class: 'muted' }, 'null');
  if (typeof value === 'number' && isTimeKey(key)) return timeCell(value);
  if (typeof value === 'boolean') return h('span', { class: `bool ${value}` }, String(value));
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Ids by name, and long opaque tokens whatever their name.
  if (typeof value === 'string' && (ID_KEY.test(key) || (/^[A-Za-z0-9._:+/=-]{24,}$/.test(value) && /\d/.test(value)))) {
    return h('span', { class: 'id' }, h('code', {}, text), copyButton(text, path));
  }
  return h('span', {}, text);
}

/**
 * Rows of a decoded object, nested objects and arrays as labelled groups. `known` is the set of
 * field names the store documents for this kind; others are tagged as unknown (kept as sent).
 * @param {unknown} obj
 * @param {{ known?: Set<string>, verified?: boolean, path?: string, depth?: number }} [options]
 */
export function fieldRows(obj, { known, verified = true, path = '', depth = 0 } = {}) {
  /** @type {HTMLElement[]} */
  const rows = [];
  if (obj === null || typeof obj !== 'object') return rows;
  for (const [key, value] of Object.entries(obj)) {
    const p = path ? `${path}.${key}` : key;
    // A notification's nested JWS strings: shown folded next to their decoded payload.
    if (typeof value === 'string' && /^signed[A-Z]/.test(key) && value.split('.').length === 3 && value.length > 64) {
      rows.push(h('tr', { class: 'jws-row' }, h('th', { scope: 'row', style: { '--depth': depth } }, key),
        h('td', {}, h('details', { class: 'jws' }, h('summary', {}, `JWS, ${value.length.toLocaleString('en')} characters (${verified ? 'verified' : 'NOT verified'}; decoded below)`), h('code', { class: 'wrap' }, value), copyButton(value, p)))));
      continue;
    }
    // Receipt attributes the package does not interpret: one line each, as sent.
    if (key === 'unknownAttributes' && Array.isArray(value)) {
      rows.push(h('tr', {}, h('th', { scope: 'row', style: { '--depth': depth } }, key, h('span', { class: 'tag warn', title: 'Receipt attributes Apple does not document; kept as sent.' }, `${value.length} undocumented`)),
        h('td', {}, h('ul', { class: 'attrs' }, ...value.map((/** @type {{ type?: unknown, version?: unknown, value?: unknown } | null} */ a) => h('li', {}, h('span', { class: 'muted' }, `type ${a?.type} v${a?.version}: `), h('code', {}, String(a?.value ?? '')), ` (base64)`))))));
      continue;
    }
    if (value !== null && typeof value === 'object') {
      const isArray = Array.isArray(value);
      const nested = Array.isArray(value) ? value : [value];
      if (isArray && value.every((v) => v === null || typeof v !== 'object')) {
        rows.push(h('tr', {}, h('th', { scope: 'row', style: { '--depth': depth } }, key), h('td', {}, value.length === 0 ? h('span', { class: 'muted' }, '(none)') : value.map(String).join(', '))));
        continue;
      }
      const label = isArray ? `${key} (${value.length})` : key;
      const decodedJws = /^decoded[A-Z]/.test(key);
      /** @type {HTMLElement[]} */
      const body = [];
      const itemRows = (/** @type {unknown} */ item, /** @type {number} */ i) => [
        ...(isArray ? [h('tr', { class: 'group sub' }, h('th', { colspan: 2, style: { '--depth': depth + 1 } }, `${key}[${i}]`))] : []),
        ...fieldRows(item, { known, verified, path: isArray ? `${p}[${i}]` : p, depth: depth + 1 }),
      ];
      // A long list (a receipt may hold thousands of in-app entries) shows its first entries; the
      // rest are rendered only when asked for, so the page stays responsive.
      nested.slice(0, SHOWN_ITEMS).forEach((item, i) => body.push(...itemRows(item, i)));
      if (nested.length > SHOWN_ITEMS) {
        const rest = nested.length - SHOWN_ITEMS;
        const more = h('tr', { class: 'more' }, h('td', { colspan: 2, style: { '--depth': depth + 1 } },
          h('button', { type: 'button', class: 'ghost', 'data-testid': 'show-more' }, `Show the other ${rest.toLocaleString('en')} of ${nested.length.toLocaleString('en')} ${key} entries`)));
        /** @type {HTMLButtonElement} */ (more.querySelector('button')).addEventListener('click', () => {
          const all = document.createDocumentFragment();
          nested.slice(SHOWN_ITEMS).forEach((item, i) => all.append(...itemRows(item, i + SHOWN_ITEMS)));
          more.replaceWith(all);
        });
        body.push(more);
      }
      if (body.length === 0) continue;
      const unknownGroup = known && depth === 0 && !known.has(key);
      rows.push(h('tr', { class: `group${decodedJws ? ' decoded' : ''}${unknownGroup ? ' unknown' : ''}` }, h('th', { colspan: 2, style: { '--depth': depth } }, label,
        decodedJws ? h('span', { class: `tag ${verified ? 'ok' : 'bad'}` }, verified ? 'nested JWS, verified' : 'nested JWS, NOT verified') : null,
        unknownGroup ? h('span', { class: 'tag warn', title: 'Not in the store\'s documented fields for this kind; shown as sent.' }, 'unknown field') : null)));
      rows.push(...body);
      continue;
    }
    const unknown = known && depth === 0 && !known.has(key);
    rows.push(h('tr', { class: unknown ? 'unknown' : undefined },
      h('th', { scope: 'row', style: { '--depth': depth } }, key, unknown ? h('span', { class: 'tag warn', title: 'Not in the store\'s documented fields for this kind; shown as sent.' }, 'unknown field') : null),
      h('td', {}, valueCell(key, value, p))));
  }
  return rows;
}

/**
 * "CN, OU, O, C" in that order of importance, for one line.
 * @param {NamePart[]} parts
 */
export function nameLine(parts) {
  const order = ['CN', 'OU', 'O', 'C'];
  return order.flatMap((k) => parts.filter((p) => p.key === k).map((p) => p.value)).join(', ');
}

/**
 * The certificates the input carries (the package's descriptions), leaf first, with their validity at the judged date.
 * @param {Chain} chain
 * @param {{ open?: boolean }} [options]
 */
export function chainTable(chain, { open = false } = {}) {
  const roles = chain.certs.length === 1 ? ['Self-signed'] : ['Leaf (signer)', 'Intermediate', 'Root (as sent)'];
  const items = chain.certs.map((c, i) => {
    const valid = c.notBefore <= chain.judgedAt && chain.judgedAt <= c.notAfter;
    const cn = c.subject.filter((p) => p.key === 'CN').map((p) => p.value).join(', ') || nameLine(c.subject);
    const rest = c.subject.filter((p) => p.key !== 'CN');
    return h('li', { class: 'cert' },
      h('div', { class: 'cert-head' }, h('span', { class: 'role' }, roles[i] ?? `Certificate ${i + 1}`), h('span', { class: 'cn' }, cn),
        h('span', { class: `tag ${valid ? 'ok' : 'bad'}` }, valid ? 'valid at judged date' : 'NOT valid at judged date')),
      h('dl', {},
        rest.length ? [h('dt', {}, 'Subject'), h('dd', {}, rest.map((p) => `${p.key}=${p.value}`).join(', '))] : null,
        h('dt', {}, 'Issuer'), h('dd', {}, nameLine(c.issuer)),
        h('dt', {}, 'Valid'), h('dd', { class: 'validity' }, timeCell(c.notBefore), h('span', { class: 'arrow', 'aria-label': 'to' }, '→'), timeCell(c.notAfter)),
        h('dt', {}, 'Serial'), h('dd', {}, h('code', {}, c.serial)),
        h('dt', {}, 'SHA-256'), h('dd', {}, h('code', { class: 'fp' }, c.sha256))));
  });
  const allValid = chain.certs.every((c) => c.notBefore <= chain.judgedAt && chain.judgedAt <= c.notAfter);
  const path = chain.certs.map((c) => c.subject.filter((p) => p.key === 'CN').map((p) => p.value).join(', ') || nameLine(c.subject)).join('  ←  ');
  return h('details', { class: 'chain', 'data-testid': 'chain', open: open || !allValid },
    h('summary', {},
      h('span', { class: `tag ${allValid ? 'ok' : 'bad'}` }, allValid ? `${chain.certs.length} valid at judged date` : 'not all valid at judged date'),
      h('span', { class: 'path' }, path)),
    h('p', { class: 'judged' }, h('span', {}, 'Judged at'), timeCell(chain.judgedAt), h('span', { class: 'muted' }, `(${chain.judgedBy})`)),
    h('ol', { class: 'certs' }, items),
    chain.note ? h('p', { class: 'muted small' }, chain.note) : null);
}

/** @type {Record<string, string | undefined>} */
const STATUS_CLASS = { ACTIVE: 'ok', CANCELED: 'warn', IN_GRACE_PERIOD: 'warn', IN_BILLING_RETRY: 'bad', ON_HOLD: 'bad', PAUSED: 'warn', EXPIRED: 'muted', REVOKED: 'bad', PENDING: 'warn' };

/**
 * Status now and the timeline of a subscription.
 * @param {SubscriptionView} sub
 * @param {number} now
 */
export function subscriptionView(sub, now, nowLabel = 'Now') {
  const s = sub.status;
  const head = s
    ? h('div', { class: 'status-now', 'data-testid': 'status' },
        h('span', { class: `badge ${STATUS_CLASS[s.status] ?? ''}` }, s.status.replace(/_/g, ' ')),
        h('span', {}, s.entitled ? 'Entitled now' : 'Not entitled now'),
        s.expiresTime ? h('span', { class: 'muted' }, 'paid until ', timeCell(s.expiresTime)) : null,
        h('span', { class: 'muted' }, s.autoRenewing == null ? 'auto-renew unknown' : s.autoRenewing ? 'auto-renew on' : 'auto-renew off'),
        s.reason ? h('span', { class: 'muted' }, s.reason) : null)
    : h('div', { class: 'status-now', 'data-testid': 'status' }, h('span', { class: 'badge muted' }, 'STATUS UNKNOWN'), h('span', { class: 'muted' }, sub.statusError?.message ?? ''));
  const events = [...sub.events].sort((a, b) => a.time - b.time);
  const times = events.map((e) => e.time).concat(now);
  const min = Math.min(...times);
  const max = Math.max(...times);
  const span = Math.max(1, max - min);
  const x = (/** @type {number} */ t) => `${(((t - min) / span) * 100).toFixed(2)}%`;
  const track = h('div', { class: 'track', 'aria-hidden': 'true' },
    ...events.map((e) => h('span', { class: `dot ${e.cls}`, style: { left: x(e.time) }, title: `${e.label}: ${utcTime(e.time)}` })),
    h('span', { class: 'dot now', style: { left: x(now) }, title: `Now: ${utcTime(now)}` }));
  const list = h('ol', { class: 'events' },
    ...[...events, { label: nowLabel, time: now, cls: 'now' }].sort((a, b) => a.time - b.time)
      .map((e) => h('li', { class: e.cls }, h('span', { class: `dot ${e.cls}` }), h('span', { class: 'ev' }, e.label), timeCell(e.time))));
  return h('div', { class: 'subscription' }, sub.product ? h('p', { class: 'muted small' }, 'Product ', h('code', {}, sub.product), sub.periods ? ` · ${sub.periods} period(s) in the receipt` : '') : null, head, track, list);
}
