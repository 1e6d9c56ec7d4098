// Google Play and ONE store signed purchases, verified offline with the apps' licence keys.
import { GoogleVerifier, OneStoreVerifier, verifyGooglePurchase } from '../pkg/node.mjs';
import { read, show } from './lib.mjs';

console.log('Google Play and ONE store purchases (RSA signatures over the exact bytes):');
const fields = ['orderId', 'productId', 'purchaseTime', 'purchaseState', 'quantity', 'autoRenewing'];

const google = new GoogleVerifier(read('tests/vectors/google/test-key-2048.pub'));
const consumable = read('tests/vectors/google/consumable.json');
const sig = read('tests/vectors/google/consumable.sig');
show('Google', 'consumable (own test key)', () => google.verify(consumable, sig), fields);
show('Google', 'subscription, pretty JSON + newline', () =>
  google.verify(read('tests/vectors/google/subscription.json'), read('tests/vectors/google/subscription.sig')), fields);
show('Google', 'real Play subscription (voltrue2)', () =>
  verifyGooglePurchase(
    read('tests/vectors/public/google-voltrue2-subscription.json'),
    read('tests/vectors/public/google-voltrue2-subscription.sig'),
    read('tests/vectors/public/google-voltrue2-subscription.pub'),
  ), fields);
show('Google', 'go-iap sample, 1024-bit key', () =>
  verifyGooglePurchase(
    read('tests/vectors/public/google-awa-goiap.json'),
    read('tests/vectors/public/google-awa-goiap.sig'),
    read('tests/vectors/public/google-awa-goiap.pub'),
    { allowLegacy1024BitKeys: true },
  ), fields);
show('Google', 'tampered: quantity 2 -> 20', () => google.verify(consumable.replace('"quantity":2', '"quantity":20'), sig), fields);
show('Google', 'signed with SHA-256, not SHA-1', () => google.verify(consumable, read('tests/vectors/google/consumable.sha256.sig')), fields);

const onestore = new OneStoreVerifier(read('tests/vectors/onestore/test-key-2048.pub'));
const osFields = ['orderId', 'productId', 'purchaseTime', 'purchaseState', 'purchaseToken', 'purchaseId'];
show('ONE store', 'v21 purchase (SHA512withRSA)', () =>
  onestore.verify(read('tests/vectors/onestore/v21.json'), read('tests/vectors/onestore/v21.sig')), osFields);
show('ONE store', 'v17 purchase', () =>
  onestore.verify(read('tests/vectors/onestore/v17.json'), read('tests/vectors/onestore/v17.sig')), osFields);
show('ONE store', 'tampered: productId changed', () =>
  onestore.verify(read('tests/vectors/onestore/v21.json').replace('gem_pack_100', 'gem_pack_999'), read('tests/vectors/onestore/v21.sig')), osFields);
