import type { RootCertificate } from '../web/iap_verify.js';
import type { IapError } from './error.js';

/** What `inspect` recognizes (the `iap-verify` command's `--type` values). */
export type InputKind =
  | 'google-purchase'
  | 'onestore-purchase'
  | 'apple-receipt'
  | 'apple-transaction-receipt'
  | 'apple-transaction'
  | 'apple-renewal-info'
  | 'apple-app-transaction'
  | 'apple-notification'
  | 'google-rtdn';

export interface InspectOptions {
  /** Skip detection: read the input as this kind. */
  type?: InputKind;
  /** Which store signed purchase JSON; default: told by its fields (ONE store's `purchaseId`, ...). */
  store?: 'google' | 'onestore';
  /** The app's base64 licence key (Google Play, ONE store). Without it, or `signature`, purchase JSON is decoded, not verified. */
  key?: string;
  /** The purchase's signature (`getSignature()`), base64. */
  signature?: string;
  /** Accept a 1024-bit licence key (old test data). */
  allowLegacy1024BitKeys?: boolean;
  /** Expected Apple bundle id; default: the data's own, not checked (a note says so). */
  bundleId?: string;
  /** Expected Apple environment; default: the data's own, not checked (a note says so). */
  environment?: 'Production' | 'Sandbox' | 'Xcode' | 'LocalTesting';
  /** Expected App Apple ID (Production data); default: the data's own. */
  appAppleId?: number;
  /**
   * Trust anchors besides Apple's roots (e.g. Xcode's StoreKitTestCertificate.cer), tried when the
   * chain does not lead to an Apple root; a note says when one was used.
   */
  extraRoots?: RootCertificate[];
  /** Epoch ms: where a format judges validity "now" (Apple data without a signed date). Default `Date.now()`. */
  now?: number;
  /** Decode only, check nothing: `status` is `'decoded'`; `result` as the command's `decode` prints it. */
  decodeOnly?: boolean;
}

/** One attribute of a certificate's subject or issuer. */
export interface NamePart {
  /** `CN`, `OU`, `O`, `C`, `L`, `ST` or `E`; any other attribute type as its dotted OID. */
  key: string;
  value: string;
}

/** What a certificate says about itself, read by the core's X.509 parser. Nothing in it is trusted. */
export interface CertificateInfo {
  subject: NamePart[];
  issuer: NamePart[];
  /** Lowercase hex. */
  serial: string;
  /** Epoch ms. */
  notBefore: number;
  /** Epoch ms. */
  notAfter: number;
  /** `EC P-256`, `EC P-384`, `RSA`, or the key algorithm's dotted OID. */
  keyAlgorithm: string;
  /** basicConstraints `cA`. */
  isCa: boolean;
  /** SHA-256 of the DER: uppercase hex pairs joined by colons. */
  sha256: string;
}

export type InspectNoteCode =
  /** The payload names none of the fields that tell the Apple kinds apart: read as the kind it fits best. */
  | 'GUESSED_KIND'
  /** Signed by Xcode's / LocalTesting's own key (`testData: true`), not by Apple. */
  | 'TEST_DATA'
  /** The chain leads to one of `extraRoots`, not to an Apple root. */
  | 'TRUSTED_BY_EXTRA_ROOT'
  /** No `bundleId` given: the data's own was taken, not checked. */
  | 'BUNDLE_ID_NOT_CHECKED'
  /** No `environment` given: the data's own was taken, not checked. */
  | 'ENVIRONMENT_NOT_CHECKED'
  /** The signature covers the purchase JSON without the input's final newline. */
  | 'TRAILING_NEWLINE_IGNORED'
  /** Purchase JSON without `signature` or `key`: decoded, not verified (`missing` says which). */
  | 'MISSING_SIGNATURE_OR_KEY'
  /** A Pub/Sub push body: not signed; authenticate the push request (`verifyPubSubPush`). */
  | 'NO_SIGNATURE'
  /** An iOS 6 transaction receipt: look the transaction up with the App Store Server API. */
  | 'NOT_VERIFIABLE_OFFLINE';

export interface InspectNote {
  /** Stable; `message` is for people and may change. */
  code: InspectNoteCode;
  message: string;
  /** `MISSING_SIGNATURE_OR_KEY`: which of the two is missing. */
  missing?: Array<'signature' | 'key'>;
}

export interface InspectResult {
  /** Undefined when the input is none of the kinds (`error` is MALFORMED_INPUT, `details.reason` says why). */
  kind: InputKind | undefined;
  /** The kind in words, e.g. "Apple signed transaction (JWS)". */
  label?: string;
  /** The kind was guessed from a minimal payload (a GUESSED_KIND note says so). */
  guessed?: true;
  /**
   * `verified`: the signature (and chain) check out and `result` is the verifier's value.
   * `decoded`: nothing was checked (a kind without a signature, purchase JSON without its key or
   * signature, or `decodeOnly`) and `result` is what the input says. `invalid`: see `error`.
   */
  status: 'verified' | 'decoded' | 'invalid';
  /** `status === 'verified'`. */
  verified: boolean;
  /** The verified or decoded value (the verifiers' result types); absent when invalid. */
  result?: unknown;
  /**
   * Invalid: what the input says, read without any check, where it could be read (the purchase
   * JSON, a JWS payload with a notification's nested JWS decoded as `decoded...` fields, a
   * receipt's transaction id). Never trust it.
   */
  unverified?: unknown;
  /**
   * Invalid: the IapError, as the verifier threw it. INVALID_ARGUMENT with `details.option`
   * (`environment`, `appAppleId`) names a value the input does not supply: pass it.
   */
  error?: IapError;
  /** What a person should know about the result, in this order: kind, trust, what was not checked. */
  notes: InspectNote[];
  /** Apple data: the certificates it carries as sent, leaf first; absent when none could be read. */
  certificates?: CertificateInfo[];
  /** With `certificates`: the instant their validity is judged at (epoch ms)... */
  judgedAt?: number;
  /** ...taken from the data's signed date, its receipt creation date, or `now` (none, or not yet verified). */
  judgedBy?: 'signedDate' | 'receiptCreationDate' | 'now';
}

/**
 * Detects what `input` is, verifies it (or decodes it, for the kinds that carry no signature or
 * with `decodeOnly`), with notes and, for Apple data, the certificates it carries. Anything about
 * the input comes back as `status: 'invalid'` with `error`; only the caller's own mistakes (an
 * input neither a string nor a Uint8Array, an unknown option, `type` or `store`) throw
 * IapError INVALID_ARGUMENT. The `iap-verify` command and the dashboard render what it returns.
 */
export declare function inspect(input: string | Uint8Array, options?: InspectOptions): InspectResult;
