// What the local server's store faces share: their replies (`{ status, body, headers }`, which
// ./emulator.js sends) and base64url JSON, the encoding of JWT segments and of their page tokens.

/** A JSON reply. */
export const json = (body, status = 200) => ({ status, body, headers: {} });
/** A reply without a body. */
export const empty = (status) => ({ status, body: '', headers: {} });
/** A value as base64url JSON. */
export const toB64urlJson = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** base64url JSON as a value, or undefined when it is not. */
export function fromB64urlJson(text) {
  try {
    return JSON.parse(Buffer.from(String(text), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
