// Per-store adapters for runPurchase: how to verify a purchase and settle it with its store, over
// a client the caller passes. Each maps its store's "already consumed / acknowledged" answer to
// ALREADY_SETTLED (looking the purchase up where the store's error says no more), so that no
// caller translates a store's error by hand. Anything an adapter does not recognise propagates:
// runPurchase leaves the record where it was (only a store's verdict on the purchase, answered as
// `{ refused }`, ends a flow in VERIFY_FAILED).
import { IapError } from './error.js';

/** @typedef {import('./run-purchase.js').PurchaseAdapter} PurchaseAdapter */
/** @typedef {{ code?: unknown, details?: { status?: unknown, errorStatus?: unknown, errorCode?: unknown, resultCode?: unknown } | null }} ErrorFields */

const fields = (/** @type {unknown} */ e) => /** @type {ErrorFields} */ (e ?? {});
/** @param {unknown} e @param {number} status */
const googleError = (e, status, errorStatus = 'FAILED_PRECONDITION') => {
  const { code, details } = fields(e);
  return code === 'API_ERROR' && details?.status === status && (errorStatus === '*' || details?.errorStatus === errorStatus);
};
/** @param {unknown} e @param {string[]} codes */
const oneStoreError = (e, codes) => {
  const { code, details } = fields(e);
  return code === 'API_ERROR' && typeof details?.errorCode === 'string' && codes.includes(details.errorCode);
};
/** @param {string} name @param {unknown} v */
const need = (name, v) => {
  if (v === null || typeof v !== 'object') throw new IapError('INVALID_ARGUMENT', `${name}: pass { client, ... }`);
};

/**
 * Google Play, over this package's `GooglePlayClient`. Verify: `getProductPurchase` (or
 * `getSubscriptionPurchaseV2` for a subscription); 404 and 410 are Google's verdict (no such
 * purchase for this app, or past its 60 days). Settle: `consumeProductPurchase` for a consumable,
 * `acknowledgeProductPurchase` / `acknowledgeSubscriptionPurchase` otherwise. Google answers a
 * second consume or subscription acknowledge with 400 `FAILED_PRECONDITION`, which also means "not
 * in a valid state": the adapter looks the purchase up and answers ALREADY_SETTLED only when Google
 * says it is consumed / acknowledged.
 * @param {{ client: any, packageName: string }} options
 * @returns {PurchaseAdapter}
 */
export function googlePlayAdapter(options) {
  need('googlePlayAdapter', options);
  const { client, packageName } = options;
  if (typeof packageName !== 'string' || packageName === '') throw new IapError('INVALID_ARGUMENT', 'googlePlayAdapter: `packageName` is required');
  /** @param {import('../web/iap_verify.js').PurchaseFlow} flow */
  const look = (flow) =>
    flow.kind === 'SUBSCRIPTION'
      ? client.getSubscriptionPurchaseV2({ packageName, token: flow.storeId })
      : client.getProductPurchase({ packageName, productId: flow.productId, token: flow.storeId });
  /** @param {import('../web/iap_verify.js').PurchaseFlow} flow @param {any} r */
  const isSettled = (flow, r) =>
    flow.kind === 'CONSUMABLE'
      ? r.consumptionState === 1
      : flow.kind === 'SUBSCRIPTION'
        ? r.acknowledgementState === 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED'
        : r.acknowledgementState === 1;
  return {
    store: 'GG',
    async verify(flow) {
      let r;
      try {
        r = await look(flow);
      } catch (e) {
        if (googleError(e, 404, '*') || googleError(e, 410, '*')) return { refused: `Google Play: ${fields(e).details?.errorStatus ?? 'no such purchase'} for this token` };
        throw e;
      }
      return { purchase: r, settled: isSettled(flow, r) };
    },
    async settle(effect, flow) {
      const token = flow.storeId;
      try {
        if (effect.settle === 'CONSUME') await client.consumeProductPurchase({ packageName, productId: flow.productId, token });
        else if (flow.kind === 'SUBSCRIPTION') await client.acknowledgeSubscriptionPurchase({ packageName, subscriptionId: flow.productId, token });
        else await client.acknowledgeProductPurchase({ packageName, productId: flow.productId, token });
        return 'SETTLED';
      } catch (e) {
        if (googleError(e, 400) && isSettled(flow, await look(flow))) return 'ALREADY_SETTLED';
        throw e;
      }
    },
  };
}

/**
 * ONE store, over a `OneStoreClient` (`getPurchaseDetails`, `getSubscriptionDetail`,
 * `consumePurchase`, `acknowledgePurchase`, each taking `{ productId, purchaseToken }`; errors
 * `API_ERROR` with ONE store's code in `details.errorCode`). Verify: `getPurchaseDetails`, or
 * `getSubscriptionDetail` for a subscription (`NoSuchData` is ONE store's verdict), or the caller's `verify` (an offline check of the signed data with
 * `verifyOneStorePurchase`). Settle: consume a consumable, acknowledge anything else. ONE store
 * answers a consume of a consumed purchase with `InvalidConsumeState` and an acknowledge of an
 * acknowledged one with `InvalidPurchaseState` (also its answer for a canceled purchase): the
 * adapter looks the purchase up and answers ALREADY_SETTLED only when ONE store says it is
 * consumed / acknowledged and not canceled.
 * @param {{ client: any, verify?: PurchaseAdapter['verify'] }} options
 * @returns {PurchaseAdapter}
 */
export function oneStoreAdapter(options) {
  need('oneStoreAdapter', options);
  const { client } = options;
  /** @param {import('../web/iap_verify.js').PurchaseFlow} flow */
  const params = (flow) => ({ productId: flow.productId, purchaseToken: flow.storeId });
  /** @param {import('../web/iap_verify.js').PurchaseFlow} flow */
  const look = (flow) => (flow.kind === 'SUBSCRIPTION' ? client.getSubscriptionDetail(params(flow)) : client.getPurchaseDetails(params(flow)));
  /** @param {import('../web/iap_verify.js').PurchaseFlow} flow @param {any} r */
  const isSettled = (flow, r) =>
    flow.kind === 'SUBSCRIPTION'
      ? r.acknowledgementState === 1
      : r.purchaseState === 0 && (flow.kind === 'CONSUMABLE' ? r.consumptionState === 1 : r.acknowledgeState === 1 || r.consumptionState === 1);
  return {
    store: 'ONESTORE',
    async verify(flow) {
      if (typeof options.verify === 'function') return options.verify(flow);
      let r;
      try {
        r = await look(flow);
      } catch (e) {
        if (oneStoreError(e, ['NoSuchData', 'ResourceNotFound'])) return { refused: `ONE store: ${fields(e).details?.errorCode}` };
        throw e;
      }
      return { purchase: r, settled: isSettled(flow, r) };
    },
    async settle(effect, flow) {
      try {
        if (effect.settle === 'CONSUME') await client.consumePurchase(params(flow));
        else await client.acknowledgePurchase(params(flow));
        return 'SETTLED';
      } catch (e) {
        if (oneStoreError(e, ['InvalidConsumeState', 'InvalidPurchaseState']) && isSettled(flow, await look(flow))) {
          return 'ALREADY_SETTLED';
        }
        throw e;
      }
    },
  };
}

/**
 * The App Store: verify with the caller's `verify(flow)` (an offline check of the signed
 * transaction, `getTransactionInfo` of the App Store Server API, or both); nothing to settle on the
 * server, or `finish(effect, flow)` (tell the app to call `finishTransaction`) when the catalog
 * opts in with `finish: true`.
 * @param {{ verify: PurchaseAdapter['verify'], finish?: (effect: any, flow: import('../web/iap_verify.js').PurchaseFlow) => unknown }} options
 * @returns {PurchaseAdapter}
 */
export function appStoreAdapter(options) {
  need('appStoreAdapter', options);
  if (typeof options.verify !== 'function') throw new IapError('INVALID_ARGUMENT', 'appStoreAdapter: `verify` is required');
  return {
    store: 'AS',
    verify: options.verify,
    async settle(effect, flow) {
      if (typeof options.finish !== 'function') throw new IapError('INVALID_ARGUMENT', 'appStoreAdapter: the catalog asks for FINISH but no `finish` was given');
      await options.finish(effect, flow);
      return 'SETTLED';
    },
  };
}

/**
 * NHN IAP, over this package's `IapClient` (or Gamebase's `GamebaseClient`): verify with the caller's `verify(flow)` (as
 * runPayment's), settle with `consume({ paymentSeq, accessToken })`; 5018 (`ALREADY_CONSUMED`) is
 * ALREADY_SETTLED, which the core reads as ours only after a request of ours whose answer was lost.
 * @param {{ client: any, verify: PurchaseAdapter['verify'] }} options
 * @returns {PurchaseAdapter}
 */
export function nhnAdapter(options) {
  need('nhnAdapter', options);
  const { client } = options;
  if (typeof options.verify !== 'function') throw new IapError('INVALID_ARGUMENT', 'nhnAdapter: `verify` is required');
  return {
    store: 'NHN',
    verify: options.verify,
    async settle(effect) {
      try {
        await client.consume({ paymentSeq: effect.storeId, accessToken: effect.token });
        return 'SETTLED';
      } catch (e) {
        const { code, details } = fields(e);
        if (code === 'ALREADY_CONSUMED' || details?.resultCode === 5018) return 'ALREADY_SETTLED';
        throw e;
      }
    },
  };
}
