// Types of `iap-verify/detect`: what an input is, from its content alone (no WebAssembly, no Node
// built-ins; the `iap-verify` command and the dashboard's page use it). `inspect()` detects the
// same way before it verifies.
import type { InputKind } from './inspect.js';

/** Every kind of input, with its label ("Google Play purchase", "Apple app receipt", ...). */
export declare const KINDS: Readonly<Record<InputKind, string>>;

/** What `detect` found: the kind and what its verifier takes, or why nothing fits. */
export type Detected =
  | {
      kind: InputKind;
      /** What the verifier takes: for signed JSON the bytes if given, else the text exactly as it came (the signature covers those bytes). */
      input: string | Uint8Array;
      /** A JWS whose minimal payload (test data) names none of the fields that tell the kinds apart. */
      guessed?: true;
    }
  | { kind: undefined; reason: string };

/**
 * Detects the kind of `text`; `bytes`, when given, are the raw bytes it was decoded from (a file).
 * `store` says which store signed purchase JSON; without it the fields decide.
 */
export declare function detect(text: string, bytes?: Uint8Array, options?: { store?: 'google' | 'onestore' }): Detected;

/** Standard or URL-safe base64 (padding optional, whitespace ignored) to bytes; undefined if not base64. */
export declare function base64ToBytes(text: string): Uint8Array | undefined;

/** Bytes to standard base64. */
export declare function bytesToBase64(bytes: Uint8Array): string;

/** A compact JWS's header and payload, decoded without any check (undefined where not JSON). */
export declare function peekJws(jws: string): { header: unknown; payload: unknown };

/** True when `text` has the form of a compact JWS (three base64url parts). */
export declare function isJws(text: string): boolean;

/** Which Apple JWS payload this is, from the fields Apple's models name; undefined when none fits. */
export declare function jwsKind(payload: unknown): 'apple-notification' | 'apple-renewal-info' | 'apple-transaction' | 'apple-app-transaction' | undefined;
