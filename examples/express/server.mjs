// An Express backend that checks what the app sends after a purchase, before it delivers anything.
//
//   GOOGLE_PLAY_LICENSE_KEY   the licence key from Play Console (Monetization setup), base64
//   APPLE_BUNDLE_ID           your app's bundle id
//   APPLE_ENVIRONMENT         Production (the default), Sandbox, or Xcode for StoreKit testing
//   APPLE_APP_ID              your app's Apple id (required in Production)
//   PORT                      default 3000
import express from 'express';
import { Environment, GoogleVerifier, IapError, SignedDataVerifier } from 'iap-verify';

// Built once: each keeps its key or roots parsed and remembers the chains it has checked.
const google = new GoogleVerifier(process.env.GOOGLE_PLAY_LICENSE_KEY);
const apple = new SignedDataVerifier(
  null, // Apple's roots, built in
  false,
  process.env.APPLE_ENVIRONMENT ?? Environment.PRODUCTION,
  process.env.APPLE_BUNDLE_ID,
  process.env.APPLE_APP_ID ? Number(process.env.APPLE_APP_ID) : undefined,
);

const app = express();
app.use(express.json({ limit: '300kb' }));

// Android: the app posts Purchase.getOriginalJson() and Purchase.getSignature(), unchanged.
app.post('/purchases/google', (req, res) => {
  const purchase = google.verify(req.body.originalJson, req.body.signature);
  if (purchase.purchaseState !== 0) return res.status(202).json({ state: 'PENDING' });
  // Deliver here, once per purchase.orderId (or purchaseToken); then consume or acknowledge it
  // with the Play Developer API (GooglePlayClient).
  res.json({ state: 'PURCHASED', productId: purchase.productId, orderId: purchase.orderId });
});

// iOS: the app posts the StoreKit 2 transaction's jwsRepresentation.
app.post('/purchases/apple', async (req, res) => {
  const tx = await apple.verifyAndDecodeTransactionAsync(req.body.jwsRepresentation);
  if (tx.revocationDate !== undefined) return res.status(409).json({ state: 'REVOKED' });
  // Deliver here, once per tx.transactionId; never key on the JWS text (ES256 is malleable).
  res.json({ state: 'PURCHASED', productId: tx.productId, transactionId: tx.transactionId });
});

// A purchase that does not verify is the client's fault (400); a retryable error is ours (503).
app.use((err, req, res, next) => {
  if (!(err instanceof IapError)) return next(err);
  res.status(err.retryable ? 503 : 400).json({ error: err.code, message: err.message });
});

const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
