// The team's side of the page: who is signed in (GET /api/session), the sign-in form (local
// accounts) and the provider's sign-in link, sign-out, the customer actions (GET /api/actions,
// POST /api/action, each confirmed here first) and the audit trail (GET /api/audit, admins).
// Every request that changes anything carries the session's CSRF token in x-csrf-token; the
// session itself is an HttpOnly cookie this script never sees.
import { h } from './render.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @typedef {{ signIn: { required: boolean, local: boolean, oidc: boolean },
 *   user: { name: string, role: 'viewer' | 'agent' | 'admin', via: string } | null, csrf: string | null }} SessionInfo
 */
/**
 * @typedef {{ id: string, store: string, label: string, role: string, confirm: string, available: boolean,
 *   fields: { name: string, label: string, kind: string, choices?: string[] }[] }} ActionInfo
 */

/** @type {SessionInfo | undefined} */
let current;

const ROLE_RANK = { viewer: 0, agent: 1, admin: 2 };
/** Whether the signed-in user's role is at least `role`. */
export const may = (/** @type {string} */ role) =>
  current?.user != null && ROLE_RANK[current.user.role] >= (ROLE_RANK[/** @type {keyof typeof ROLE_RANK} */ (role)] ?? 99);

/**
 * fetch() to the dashboard server, with the CSRF token on anything but GET.
 * @param {string} url
 * @param {RequestInit} [init]
 */
export function api(url, init = {}) {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (method !== 'GET' && current?.csrf) headers.set('x-csrf-token', current.csrf);
  return fetch(url, { ...init, headers, credentials: 'same-origin' });
}

/** The error text of a failed answer. */
async function failure(/** @type {Response} */ res) {
  const out = await res.json().catch(() => ({}));
  return `${out?.error?.code ?? `HTTP ${res.status}`}: ${out?.error?.message ?? ''}`;
}

/** Shows who is signed in, or the sign-in form; resolves true once someone may use the page. */
export async function startTeam() {
  let res;
  try {
    res = await api('/api/session');
  } catch {
    return true; // opened without the server: the verifier still works
  }
  if (!res.ok) return true;
  current = /** @type {SessionInfo} */ (await res.json());
  const who = $('who');
  if (!current.user) {
    document.body.classList.add('signed-out');
    $('signin').hidden = false;
    $('signin-local').hidden = !current.signIn.local;
    $('signin-oidc').hidden = !current.signIn.oidc;
    $('signin-form').addEventListener('submit', signIn);
    return false;
  }
  who.replaceChildren(
    h('span', { 'data-testid': 'who' }, current.signIn.required ? `${current.user.name}` : 'No sign-in (this machine only)'),
    h('span', { class: `role role-${current.user.role}`, 'data-testid': 'role' }, current.user.role),
  );
  if (current.signIn.required) who.append(h('button', { type: 'button', class: 'ghost', 'data-testid': 'sign-out', onclick: signOut }, 'Sign out'));
  who.hidden = false;
  await loadActions();
  if (may('admin')) {
    $('audit').hidden = false;
    $('nav-audit').hidden = false;
    $('audit-form').addEventListener('submit', (e) => {
      e.preventDefault();
      loadAudit();
    });
    await loadAudit();
  }
  return true;
}

/** @param {SubmitEvent} e */
async function signIn(e) {
  e.preventDefault();
  const form = /** @type {HTMLFormElement} */ (e.target);
  const data = new FormData(form);
  const status = $('signin-status');
  status.textContent = 'Signing in…';
  const res = await api('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: data.get('username'), password: data.get('password') }) });
  if (!res.ok) {
    status.textContent = `Sign-in failed: ${await failure(res)}`;
    return;
  }
  location.reload();
}

async function signOut() {
  await api('/api/auth/logout', { method: 'POST' });
  location.reload();
}

// ---- customer actions ----------------------------------------------------------------------------

async function loadActions() {
  const res = await api('/api/actions');
  if (!res.ok) return;
  const { actions } = /** @type {{ actions: ActionInfo[] }} */ (await res.json());
  const list = $('actions-list');
  list.replaceChildren(...actions.map(actionForm));
  $('actions').hidden = false;
}

/** One action's form: its fields, and a button that asks for confirmation before it is sent. */
function actionForm(/** @type {ActionInfo} */ a) {
  const allowed = may(a.role);
  const status = h('p', { class: 'lookup-status', role: 'status', 'data-testid': `action-status-${a.id}` });
  const fields = a.fields.map((f) => {
    const id = `act-${a.id}-${f.name}`.replace(/\W/g, '-');
    const input = f.kind === 'choice'
      ? h('select', { id, name: f.name }, ...(f.choices ?? []).map((c) => h('option', { value: c }, c)))
      : h('input', { id, name: f.name, required: true, autocomplete: 'off', spellcheck: 'false', ...(f.kind === 'number' ? { inputmode: 'numeric' } : {}) });
    return h('div', { class: 'field' }, h('label', { for: id }, f.label), input);
  });
  const why = !a.available ? (a.store === 'ledger' ? 'no purchase ledger is configured' : 'this store is not configured') : !allowed ? `needs the ${a.role} role` : '';
  const form = h('form', { class: 'lookup-form action', 'data-testid': `action-${a.id}` },
    ...fields,
    h('button', { type: 'submit', class: 'primary', disabled: why !== '', title: why || undefined, 'data-testid': `action-submit-${a.id}` }, 'Do it'),
    why ? h('span', { class: 'muted small' }, `(${why})`) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    /** @type {Record<string, string>} */
    const input = {};
    for (const [k, v] of new FormData(/** @type {HTMLFormElement} */ (form))) input[k] = String(v);
    const target = a.fields[0] ? input[a.fields[0].name] : '';
    if (!confirm(`${a.confirm}\n\n${a.label}: ${target}`)) {
      status.textContent = 'Not sent.';
      return;
    }
    status.className = 'lookup-status';
    status.textContent = 'Sending…';
    const res = await api('/api/action', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: a.id, input }) });
    if (!res.ok) {
      status.className = 'lookup-status bad';
      status.textContent = `Refused or failed: ${await failure(res)}`;
    } else {
      const out = await res.json();
      status.className = 'lookup-status ok';
      status.textContent = `Done: ${out.done ?? 'ok'}.`;
    }
    if (may('admin')) loadAudit();
  });
  return h('section', { class: 'action-item' }, h('h3', {}, a.label, ' ', h('span', { class: 'muted small' }, `(${a.role})`)), form, status);
}

/**
 * Fills the form of action `id` with `values` (by field name), shows it and puts the cursor in its
 * first empty field; nothing is sent. False when the page has no such form.
 * @param {string} id
 * @param {Record<string, string>} values
 */
export function prefillAction(id, values) {
  const form = /** @type {HTMLFormElement | null} */ (document.querySelector(`[data-testid="action-${CSS.escape(id)}"]`));
  if (!form) return false;
  for (const [name, value] of Object.entries(values)) {
    const el = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (form.elements.namedItem(name));
    if (el) el.value = value;
  }
  form.scrollIntoView({ block: 'center' });
  const empty = [...form.querySelectorAll('input')].find((i) => i.value === '');
  (empty ?? form.querySelector('button'))?.focus();
  return true;
}

// ---- audit trail (admins) ---------------------------------------------------------------------------

/**
 * @typedef {{ at: string, user: string, role: string, action: string, store?: string, target?: string, result: string, detail?: string }} AuditRow
 */
export async function loadAudit() {
  const form = /** @type {HTMLFormElement} */ ($('audit-form'));
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (String(v).trim() !== '') q.set(k, String(v).trim());
  const res = await api(`/api/audit?${q}`);
  const status = $('audit-status');
  if (!res.ok) {
    status.textContent = `Cannot read the audit trail: ${await failure(res)}`;
    return;
  }
  const { entries, kind, retentionDays } = /** @type {{ entries: AuditRow[], kind: string, retentionDays: number }} */ (await res.json());
  $('audit-body').replaceChildren(...entries.map((e) =>
    h('tr', { class: e.result === 'ok' ? '' : 'refused' },
      h('td', {}, e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')), h('td', {}, e.user), h('td', {}, e.role), h('td', {}, e.action),
      h('td', {}, e.store ?? ''), h('td', {}, e.target ?? ''), h('td', { class: `state ${e.result === 'ok' ? 'ok' : 'bad'}` }, e.result), h('td', {}, e.detail ?? ''))));
  /** @type {HTMLElement} */ (document.querySelector('[data-testid="audit-results"]')).hidden = entries.length === 0;
  status.textContent = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first (${kind === 'memory' ? 'kept in memory until the server stops' : `${kind}, kept ${retentionDays} days`}).`;
}
