// The Node engine for the WebAssembly module's signature checks (see wasm/src/engine.rs): node:crypto
// with cached KeyObjects, registered by the Node entries (Bun loads them too). Each function
// returns undefined when it cannot answer, and the module then checks with ring itself.
import { createPublicKey, verify } from 'node:crypto';

// Indexed by the algorithm numbers of wasm/src/engine.rs (`node_id`); 4 is ES256.
const HASH = ['sha1', 'sha256', 'sha384', 'sha512', 'sha256'];
const ES256 = 4;
const b64url = (/** @type {Uint8Array} */ bytes) => Buffer.from(bytes).toString('base64url');

export const nodeCrypto = {
  /**
   * @param {number} scheme
   * @param {Uint8Array} key
   * @returns {import('node:crypto').KeyObject | import('node:crypto').VerifyKeyObjectInput | undefined}
   */
  importKey(scheme, key) {
    try {
      if (scheme === ES256) {
        if (key.length !== 65 || key[0] !== 4) return undefined;
        const jwk = { kty: 'EC', crv: 'P-256', x: b64url(key.subarray(1, 33)), y: b64url(key.subarray(33)) };
        return { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' };
      }
      return createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
    } catch {
      return undefined;
    }
  },
  /**
   * @param {number} scheme
   * @param {import('node:crypto').KeyObject | import('node:crypto').VerifyKeyObjectInput} key what importKey returned
   * @param {Uint8Array} data
   * @param {Uint8Array} signature
   */
  verify(scheme, key, data, signature) {
    try {
      return verify(HASH[scheme], data, key, signature);
    } catch {
      return undefined;
    }
  },
};
