// The TypeScript of wasm/src/google.rs that is not a model: options, parameters and answers as JavaScript
// passes and reads them. The models are generated from their Rust declarations (pkg/web/models.d.ts);
// scripts/build-pkg.mjs puts both into the declarations of the module (pkg/web/iap_verify.d.ts).

/** Options for the Google Play and ONE store verifiers. */
export interface KeyOptions {
  /** Accept 1024-bit licence keys (public test data). Default false: real keys are 2048-bit. */
  allowLegacy1024BitKeys?: boolean;
}

/** The body Cloud Pub/Sub POSTs to a push endpoint. */
export interface PubSubPushBody {
  message: { data: string; messageId?: string; publishTime?: string; attributes?: Record<string, string> };
  subscription?: string;
}
