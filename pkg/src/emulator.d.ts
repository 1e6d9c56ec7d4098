/** A running local IAP server. */
export interface Emulator {
  /** e.g. http://127.0.0.1:8787; use it as `baseUrl` for both clients. */
  readonly url: string;
  readonly port: number;
  /** The IAP app of the seed: `{ appKey, appSeq, packageName }`. */
  readonly iap: { appKey: string; appSeq: number; packageName: string };
  /** The Gamebase project of the seed: `{ appId, secretKey }` (the emulator's own, fake). */
  readonly gamebase: { appId: string; secretKey: string };
  /** Adds a payment as if the store had charged the user; returns it with its token. */
  addPayment(payment: EmulatorPaymentInput): EmulatorPayment;
  close(): Promise<void>;
}

export interface EmulatorPaymentInput {
  userId: string;
  productSeq?: number;
  productId?: string;
  marketId?: string;
  paymentSeq?: string;
  accessToken?: string;
  paymentId?: string;
  originalPaymentId?: string;
  /** Epoch ms or an offset from now such as "-1h", "+30d". */
  purchaseTime?: number | string;
  expiryTime?: number | string;
  payload?: string;
  isTestPurchase?: boolean;
  consumed?: boolean;
  referenceStatus?: string;
}

export interface EmulatorPayment {
  paymentSeq: string;
  accessToken: string;
  userId: string;
  productSeq: number;
  productId: string;
  productType: string;
  marketId: string;
  paymentId: string;
  originalPaymentId: string;
  price: number;
  currency: string;
  purchaseTime: number;
  expiryTime: number | null;
  consumed: boolean;
  refunded: boolean;
  [field: string]: unknown;
}

export declare const DEFAULT_SEED_URL: URL;
export declare function loadSeed(seed?: object | string | URL): object;
export declare function startEmulator(options?: {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A seed object, a JSON file path or URL; default pkg/src/emulator-seed.json. */
  seed?: object | string | URL;
  /** Time source in epoch ms; default Date.now. */
  clock?: () => number;
}): Promise<Emulator>;
