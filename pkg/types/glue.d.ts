// The WebAssembly glue's exports that the package's own JS uses but web/iap_verify.d.ts does not
// declare: the internals wasm-bindgen leaves out of the types (`skip_typescript`, or documented
// "Not public API") and the loader section scripts/build-pkg.mjs strips from them (so that a
// project without the DOM lib compiles). For type-checking this package's JS only (tsconfig.json):
// not shipped, and users never see these names. (The loader's default export cannot be declared
// here, a module augmentation adds no default: init.mjs says so where it imports it.)
import type { HttpRequest, HttpResponse, KeyOptions, OneStorePaymentNotification, StoreEvent } from '../web/iap_verify.js';
import type { CertificateInfo } from '../src/inspect.js';
import type { PubSubPushClaims } from '../src/pubsub.js';

/** The signature checks the Node entries hand the module (src/node-crypto.js). */
export interface NodeCryptoEngine {
  importKey(scheme: number, key: Uint8Array): unknown;
  verify(scheme: number, key: unknown, data: Uint8Array, signature: Uint8Array): boolean | undefined;
}

/** The capped body reader the module reads OCSP answers with (src/read-body.js). */
export type ReadBytes = typeof import('../src/read-body.js').readBytes;

declare module '../web/iap_verify.js' {
  /** Instantiates the module synchronously from a compiled module (or its bytes). */
  export function initSync(module: { module: WebAssembly.Module | BufferSource }): unknown;
  /** The entries register the package's error classes and body reader once. */
  export function __registerErrorClass(errorClass: Function, verification?: Function | null, readBody?: ReadBytes | null): void;
  /** The Node entries register node:crypto for the signature checks; null unregisters it. */
  export function __registerNodeCrypto(engine: NodeCryptoEngine | null): void;
  /** The size of the module's linear memory, in bytes (tests and benchmarks). */
  export function __wasmMemoryBytes(): number;
  /** One server API (`iap`, `gamebase`, `appstore`, `googleplay`), any of its declared endpoints. */
  export class __ServerApi {
    constructor(api: string, options: object);
    readonly baseUrl: string;
    clearToken(): void;
    tokenRequest(nowMs: number): HttpRequest;
    parseToken(response: HttpResponse, nowMs: number): unknown;
    request(name: string, params: object | undefined, nowMs: number): HttpRequest;
    parse(name: string, response: HttpResponse, nowMs: number, params?: object): unknown;
    free(): void;
  }
  /** One of Apple's signature creators (src/signature-creators.js), by its class name. */
  export class __SignatureCreator {
    constructor(kind: string, signingKey: unknown, keyId: unknown, issuerId: unknown, bundleId: unknown);
    sign(args: unknown[], nowMs: number, nonce?: string): string;
    free(): void;
  }
  /** The package's error for a transport failure (`network`, `timeout`, `too_large`), a malformed answer, or a bad argument. */
  export function __clientError(kind: 'network' | 'timeout' | 'too_large' | 'malformed' | 'argument', reason: string, n: number): Error;
  /** The most bytes an API response body may have. */
  export function __responseLimit(): number;
  /** The certificates of a receipt (`receipt` true) or the one DER certificate given, described. */
  export function __describeCertificates(input: Uint8Array | number[], receipt: boolean): CertificateInfo[];
  /** A ONE store PNS verified once: its message, and its event or why it makes none. */
  export function __oneStorePaymentNotification(body: string, licenseKey: string, options?: KeyOptions): { message: OneStorePaymentNotification; event?: StoreEvent; error?: Error };
  /** Google's key set for Pub/Sub push tokens, parsed and checked once. */
  export class __PubSubKeys {
    constructor(status: number, body: unknown);
    verify(authorization: string, audience: string, email: string, now: number): PubSubPushClaims;
    free(): void;
  }
}
