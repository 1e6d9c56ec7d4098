// Wrong Apple calls that must not compile (see wrong.ts).
import { verifyAppReceipt, SignedDataVerifier, Environment, VerificationException, VerificationStatus } from 'iap-verify';

declare const jws: string;

// @ts-expect-error a receipt is base64 text or bytes
verifyAppReceipt(42);
// @ts-expect-error a misspelt option (Apple's spelling is bundleId)
verifyAppReceipt('', { bundleID: 'com.example' });
// @ts-expect-error roots are DER or PEM, as bytes or text; a number is neither (PEM text is
// accepted since issue 17)
verifyAppReceipt('', { rootCertificates: [42] });
// @ts-expect-error Apple's statuses are numbers
const st: string = new VerificationException(VerificationStatus.FAILURE).status;
// @ts-expect-error not one of Apple's environments
new SignedDataVerifier(null, false, 'Staging', 'com.example');
// @ts-expect-error the bundle id is required
new SignedDataVerifier(null, false, Environment.SANDBOX);
// @ts-expect-error Environment's values are read-only
Environment.SANDBOX = 'Production';
// @ts-expect-error a decoded transaction's expiresDate is epoch ms, not a Date
const d: Date | undefined = new SignedDataVerifier(null, false, 'Sandbox', 'x').verifyAndDecodeTransaction(jws).expiresDate;

declare const client: import('iap-verify').AppStoreServerAPIClient;
// @ts-expect-error the image is its bytes, not base64 text
client.uploadImage('id', 'iVBORw0KGgo=');
// @ts-expect-error a message needs its header and body
client.uploadMessage('id', { header: 'h' });
