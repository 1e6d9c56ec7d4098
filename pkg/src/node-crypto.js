// The Node engine for the WebAssembly module's signature checks (see wasm/src/engine.rs): node:crypto
// with cached KeyObjects, registered by the Node entries (Bun loads them too). Each function
// returns undefined when it cannot answer, and the module then checks with ring itself.
import { createPublicKey, verify } from 'node:crypto';

// Indexed by the algorithm numbers of wasm/src/engine.rs (`node_id`); 4 is ES256.
const HASH = ['sha1', 'sha256', 'sha384', 'sha512', 'sha256'];
const ES256 = 4;
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

export const nodeCrypto = {
  /** @returns {import('node:crypto').KeyObject | {key: KeyObject, dsaEncoding: string} | undefined} */
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
  verify(scheme, key, data, signature) {
    try {
      return verify(HASH[scheme], data, key, signature);
    } catch {
      return undefined;
    }
  },
};
