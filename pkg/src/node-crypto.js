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
   * Keys are imported as JWKs, which node:crypto builds directly (a DER key goes through OpenSSL's
   * decoder lookup, about twice as slow the first time).
   * @param {number} scheme
   * @param {Uint8Array} key the uncompressed P-256 point for ES256, else the RSA modulus
   * @param {Uint8Array} [exponent] the RSA public exponent
   * @returns {import('node:crypto').KeyObject | import('node:crypto').VerifyKeyObjectInput | undefined}
   */
  importKey(scheme, key, exponent) {
    try {
      if (scheme === ES256) {
        if (key.length !== 65 || key[0] !== 4) return undefined;
        const jwk = { kty: 'EC', crv: 'P-256', x: b64url(key.subarray(1, 33)), y: b64url(key.subarray(33)) };
        return { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' };
      }
      if (exponent === undefined) return undefined;
      return createPublicKey({ key: { kty: 'RSA', n: b64url(key), e: b64url(exponent) }, format: 'jwk' });
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
