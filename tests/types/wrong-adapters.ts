// The purchase adapters take this package's client of their store: the right one compiles, another
// store's client (or a bare object) does not. Each line below `@ts-expect-error` must be an error.
import {
  GamebaseClient, GooglePlayClient, IapClient, OneStoreClient, googlePlayAdapter, nhnAdapter, oneStoreAdapter,
  type PurchaseAdapter, type Verdict,
} from 'iap-verify';

declare const play: GooglePlayClient;
declare const one: OneStoreClient;
declare const iap: IapClient;
declare const gamebase: GamebaseClient;
declare const verdict: Verdict;
const verify = () => verdict;

const ok: PurchaseAdapter[] = [
  googlePlayAdapter({ client: play, packageName: 'com.example.app' }),
  oneStoreAdapter({ client: one }),
  oneStoreAdapter({ client: one, verify }),
  nhnAdapter({ client: iap, verify }),
  nhnAdapter({ client: gamebase, verify }),
];

// @ts-expect-error a ONE store client is not a Google Play client
googlePlayAdapter({ client: one, packageName: 'com.example.app' });
// @ts-expect-error a bare object is not a Google Play client
googlePlayAdapter({ client: {}, packageName: 'com.example.app' });
// @ts-expect-error a Google Play client is not a ONE store client
oneStoreAdapter({ client: play });
// @ts-expect-error the client's options are not the client
oneStoreAdapter({ client: { clientId: 'id', clientSecret: 'secret' } });
// @ts-expect-error a Google Play client does not consume NHN payments
nhnAdapter({ client: play, verify });
// @ts-expect-error a ONE store client does not consume NHN payments
nhnAdapter({ client: one, verify });
