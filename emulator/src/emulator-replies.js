// What the local server's store faces share: their replies (`{ status, body, headers }`, which
// ./emulator.js sends) and base64url JSON, the encoding of JWT segments and of their page tokens.

/**
 * A fault to play, queued (`path`, `times`) or from the request's X-Emulator-Fault header.
 * @typedef {{ path?: string, times?: number, delayMs?: number, status?: number, retryAfter?: number, malformed?: boolean,
 *   drop?: boolean, lose?: boolean }} Fault
 */
/**
 * One request in the log (GET /admin/requests).
 * @typedef {{ at: number, method?: string, path: string, fault: Fault | null, aborted: boolean, status: number | string | null,
 *   resultCode?: number, errorCode?: number, [detail: string]: unknown }} LogEntry
 */
/**
 * A request's JSON body, or an answer's: each route checks the fields it reads, and writes its own.
 * @typedef {Record<string, any>} Json
 */
/**
 * A face's reply: what ./emulator.js sends.
 * @typedef {{ status: number, body: unknown, headers: Record<string, string> }} FaceReply
 */

/**
 * A JSON reply.
 * @param {unknown} body
 * @returns {FaceReply}
 */
export const json = (body, status = 200) => ({ status, body, headers: {} });
/**
 * A reply without a body.
 * @param {number} status
 * @returns {FaceReply}
 */
export const empty = (status) => ({ status, body: '', headers: {} });
/** A value as base64url JSON. */
/**
 * Copies the notification settings `keys` that an admin `POST .../config` body names into
 * `config`: each a URL (text) or null (not sent); a key the body leaves out keeps its value.
 * RangeError (the admin routes' 400) for a body that is not an object, or a value of another type.
 * @template {string} K
 * @param {Record<K, string | null>} config
 * @param {unknown} body
 * @param {readonly K[]} keys
 */
export function setUrls(config, body, keys) {
  if (body === undefined || body === null) return;
  if (typeof body !== 'object' || Array.isArray(body)) throw new RangeError(`the body must be a JSON object with ${keys.join(', ')}`);
  const given = /** @type {Record<string, unknown>} */ (body);
  for (const k of keys) {
    if (!(k in given)) continue;
    const v = given[k];
    if (v !== null && typeof v !== 'string') throw new RangeError(`${k} must be a URL (text) or null`);
    config[k] = v;
  }
}

export const toB64urlJson = (/** @type {unknown} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url');
/**
 * base64url JSON as a value, or undefined when it is not.
 * @param {unknown} text
 * @returns {any} the decoded JSON (the caller checks what it reads), or undefined
 */
export function fromB64urlJson(text) {
  try {
    return JSON.parse(Buffer.from(String(text), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
