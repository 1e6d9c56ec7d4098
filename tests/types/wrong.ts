// Wrong calls that must not compile: each line below `@ts-expect-error` has a type error, and tsc
// fails on a directive that finds none ("Unused '@ts-expect-error' directive"). Checked together
// with usage.ts by tests/package/package.test.mjs.
import {
  GoogleVerifier,
  OneStoreVerifier,
  verifyGooglePurchase,
  verifyOneStorePurchase,
  decodeGoogleNotification,
  IapError,
  inspect,
  type GooglePurchase,
} from 'iap-verify';
import { init } from 'iap-verify/init';

declare const key: string;
declare const data: string;
declare const sig: string;

// @ts-expect-error the licence key is required
new GoogleVerifier();
// @ts-expect-error the key is base64 text, not bytes
new GoogleVerifier(new Uint8Array(4));
// @ts-expect-error a misspelt option
new GoogleVerifier(key, { allowLegacy1024BitKey: true });
// @ts-expect-error the option is a boolean
new OneStoreVerifier(key, { allowLegacy1024BitKeys: 'yes' });
// @ts-expect-error the signature is a string, not a number
verifyGooglePurchase(data, 42, key);
// @ts-expect-error the signed data is a string or bytes
verifyGooglePurchase({ orderId: 'GPA.1' }, sig, key);
// @ts-expect-error the key is missing
verifyOneStorePurchase(data, sig);
// @ts-expect-error verify takes the signature too
new GoogleVerifier(key).verify(data);
// @ts-expect-error verifyAsync resolves to a purchase, not a boolean
const b: Promise<boolean> = new GoogleVerifier(key).verifyAsync(data, sig);
// @ts-expect-error the push body is a string or { message: { data } }
decodeGoogleNotification(42);
// @ts-expect-error a push body without data
decodeGoogleNotification({ message: {} });
// @ts-expect-error an unknown error code
new IapError('NOT_A_CODE', 'x');
// @ts-expect-error code is read-only
new IapError('TIMEOUT', 'x').code = 'API_ERROR';
// @ts-expect-error purchaseTime is a number (epoch ms), not a string
const t: string = ({} as GooglePurchase).purchaseTime;
// @ts-expect-error init takes a wasm source or nothing, not null (WebAssembly.Module is an empty
// interface in lib.dom, so TypeScript cannot refuse other objects or numbers)
init(null);
// @ts-expect-error init returns a promise: nothing to call synchronously
init().then((x: number) => x);

// The emulator's App Store options.
import { startEmulator as startEmu } from 'iap-verify-emulator';
// @ts-expect-error environment is Sandbox or Production
void startEmu({ appStore: { environment: 'Xcode' } });
// @ts-expect-error a refund names its transaction
void startEmu().then((e) => e.appStore.refund({}));
// Google Play Developer API client.
import { GooglePlayClient as WrongPlay } from 'iap-verify';
// @ts-expect-error the service account is required
new WrongPlay({});
// @ts-expect-error a misspelt option
new WrongPlay({ serviceAccount: '{}', tokenUri: 'x' });
const wrongPlay = new WrongPlay({ serviceAccount: '{}' });
// @ts-expect-error the purchase token is required
void wrongPlay.getProductPurchase({ packageName: 'p', productId: 'x' });
// @ts-expect-error revoke needs a revocationContext
void wrongPlay.revokeSubscriptionPurchaseV2({ packageName: 'p', token: 't' });
// @ts-expect-error startTime is epoch ms, a number
void wrongPlay.listVoidedPurchases({ packageName: 'p', startTime: 'yesterday' });

// @ts-expect-error inspect: not a kind
inspect(data, { type: 'amazon-purchase' });
// @ts-expect-error inspect: a misspelt option
inspect(data, { bundleID: 'com.example' });
// @ts-expect-error inspect: a parsed object is not an input
inspect({ signedPayload: data });

// iap-verify/detect and iap-verify-dashboard.
import { detect as wrongDetect } from 'iap-verify/detect';
import { startDashboard as wrongDashboard } from 'iap-verify-dashboard';
// @ts-expect-error detect: the store is google or onestore
wrongDetect('{}', undefined, { store: 'amazon' });
// @ts-expect-error detect: a result without a kind has no input
void (wrongDetect('x').kind === undefined && wrongDetect('x').input);
// @ts-expect-error startDashboard: a misspelt option
void wrongDashboard({ allowedHost: ['x'] });
// @ts-expect-error startDashboard: the ledger's table names a string, not a number
void wrongDashboard({ ledger: { postgres: 'postgres://localhost/shop', table: 1 } });
