// The names of Apple's `@apple/app-store-server-library` 3.1.0 that are values at run time (its
// enumerations, `APIException`, `ReceiptUtility`), with Apple's names and values (facts of Apple's
// documentation and library; tests/js/apple-names.test.mjs compares every one with the installed
// library), so that code written for Apple's library runs unchanged. Environment and
// VerificationStatus are in apple.js and error.js (both modules have them).
import { IapError } from './error.js';
import { extractTransactionIdFromAppReceipt, extractTransactionIdFromTransactionReceipt } from '../web/iap_verify.js';

/**
 * A TypeScript numeric enum as TypeScript compiles it: names to numbers, and numbers back to names.
 * @template {Record<string, number>} T
 * @param {T} names
 * @returns {Readonly<T & Record<number, string>>}
 */
function numeric(names) {
  /** @type {Record<string | number, string | number>} */
  const o = { ...names };
  for (const [k, v] of Object.entries(names)) o[v] = k;
  return /** @type {Readonly<T & Record<number, string>>} */ (Object.freeze(o));
}

/**
 * A string enum whose values are its names.
 * @template {string} N
 * @param {N[]} names
 * @returns {Readonly<{ [K in N]: K }>}
 */
function named(names) {
  return /** @type {Readonly<{ [K in N]: K }>} */ (Object.freeze(Object.fromEntries(names.map((n) => [n, n]))));
}

/**
 * Apple's `APIException`: what the App Store Server API client throws when Apple answers with an
 * error, with Apple's fields (`httpStatusCode`, `apiError`: Apple's `errorCode`, an `APIError`
 * value, `errorMessage`), and an `IapError` with code `API_ERROR` (its `details` as before).
 */
export class APIException extends IapError {
  /**
   * Apple's constructor, for code that makes its own (tests, fakes).
   * @param {number} httpStatusCode
   * @param {number | null} [apiError]
   * @param {string | null} [errorMessage]
   */
  constructor(httpStatusCode, apiError = null, errorMessage = null) {
    super('API_ERROR', `App Store Server API error: HTTP ${httpStatusCode}${apiError === null ? '' : `, errorCode ${apiError}`}`, {
      details: { status: httpStatusCode, ...(apiError === null ? {} : { errorCode: apiError }) },
    });
    this.httpStatusCode = httpStatusCode;
    this.apiError = apiError;
    this.errorMessage = errorMessage;
  }

  /**
   * An `API_ERROR` of the client as an `APIException`: the same code, message, details and
   * `retryable`, with Apple's fields from the details. Anything else is returned as it is.
   * @param {unknown} error
   * @returns {unknown}
   */
  static from(error) {
    if (error instanceof APIException || !(error instanceof IapError) || error.code !== 'API_ERROR') return error;
    const d = /** @type {{ status?: number, errorCode?: number, errorMessage?: string }} */ (error.details ?? {});
    const e = new APIException(d.status ?? 0, d.errorCode ?? null, d.errorMessage ?? null);
    // The client's error as it was (its message, retryable, details), with Apple's fields added.
    return Object.assign(e, { message: error.message, retryable: error.retryable, details: error.details, stack: error.stack, cause: error.cause });
  }
}

/**
 * Apple's `ReceiptUtility`: the transaction id of an app receipt or of an iOS 6 transaction
 * receipt, read without verifying anything (as Apple's; `verifyAppReceipt` verifies).
 */
export class ReceiptUtility {
  /**
   * @param {string} appReceipt the receipt, base64
   * @returns {string | null} a transaction id of its in-app purchases, `null` if it has none
   */
  extractTransactionIdFromAppReceipt(appReceipt) {
    return extractTransactionIdFromAppReceipt(appReceipt) ?? null;
  }

  /**
   * @param {string} transactionReceipt an iOS 6 style transaction receipt, base64
   * @returns {string | null} its transaction id, `null` if it has none
   */
  extractTransactionIdFromTransactionReceipt(transactionReceipt) {
    return extractTransactionIdFromTransactionReceipt(transactionReceipt) ?? null;
  }
}

export const APIError = numeric({
  GENERAL_BAD_REQUEST: 4000000, INVALID_APP_IDENTIFIER: 4000002, INVALID_REQUEST_REVISION: 4000005,
  INVALID_TRANSACTION_ID: 4000006, INVALID_ORIGINAL_TRANSACTION_ID: 4000008,
  INVALID_EXTEND_BY_DAYS: 4000009, INVALID_EXTEND_REASON_CODE: 4000010,
  INVALID_REQUEST_IDENTIFIER: 4000011, START_DATE_TOO_FAR_IN_PAST: 4000012,
  START_DATE_AFTER_END_DATE: 4000013, INVALID_PAGINATION_TOKEN: 4000014, INVALID_START_DATE: 4000015,
  INVALID_END_DATE: 4000016, PAGINATION_TOKEN_EXPIRED: 4000017, INVALID_NOTIFICATION_TYPE: 4000018,
  MULTIPLE_FILTERS_SUPPLIED: 4000019, INVALID_TEST_NOTIFICATION_TOKEN: 4000020, INVALID_SORT: 4000021,
  INVALID_PRODUCT_TYPE: 4000022, INVALID_PRODUCT_ID: 4000023,
  INVALID_SUBSCRIPTION_GROUP_IDENTIFIER: 4000024, INVALID_EXCLUDE_REVOKED: 4000025,
  INVALID_IN_APP_OWNERSHIP_TYPE: 4000026, INVALID_EMPTY_STOREFRONT_COUNTRY_CODE_LIST: 4000027,
  INVALID_STOREFRONT_COUNTRY_CODE: 4000028, INVALID_REVOKED: 4000030, INVALID_STATUS: 4000031,
  INVALID_ACCOUNT_TENURE: 4000032, INVALID_APP_ACCOUNT_TOKEN: 4000033,
  INVALID_CONSUMPTION_STATUS: 4000034, INVALID_CUSTOMER_CONSENTED: 4000035,
  INVALID_DELIVERY_STATUS: 4000036, INVALID_LIFETIME_DOLLARS_PURCHASED: 4000037,
  INVALID_LIFETIME_DOLLARS_REFUNDED: 4000038, INVALID_PLATFORM: 4000039, INVALID_PLAY_TIME: 4000040,
  INVALID_SAMPLE_CONTENT_PROVIDED: 4000041, INVALID_USER_STATUS: 4000042,
  INVALID_TRANSACTION_NOT_CONSUMABLE: 4000043, INVALID_TRANSACTION_TYPE_NOT_SUPPORTED: 4000047,
  APP_TRANSACTION_ID_NOT_SUPPORTED_ERROR: 4000048, INVALID_IMAGE: 4000161, HEADER_TOO_LONG: 4000162,
  BODY_TOO_LONG: 4000163, INVALID_LOCALE: 4000164, ALT_TEXT_TOO_LONG: 4000175,
  INVALID_APP_ACCOUNT_TOKEN_UUID_ERROR: 4000183, FAMILY_TRANSACTION_NOT_SUPPORTED_ERROR: 4000185,
  TRANSACTION_ID_IS_NOT_ORIGINAL_TRANSACTION_ID_ERROR: 4000187,
  INVALID_PERFORMANCE_TEST_REQUEST: 4000211, INVALID_REQUEST_ID: 4000212,
  EXISTING_PERFORMANCE_TEST_RUN: 4000213, BAD_REQUEST_REALTIME_URL: 4000215,
  BAD_REQUEST_IMAGE_SIZE: 4000216, BAD_REQUEST_TOO_MANY_BULLET_POINTS: 4000218,
  BAD_REQUEST_BULLET_POINT_TEXT_TOO_LONG: 4000219, BAD_REQUEST_ABOVE_IMAGE_REQUIRES_AN_IMAGE: 4000224,
  SUBSCRIPTION_EXTENSION_INELIGIBLE: 4030004, SUBSCRIPTION_MAX_EXTENSION: 4030005,
  FAMILY_SHARED_SUBSCRIPTION_EXTENSION_INELIGIBLE: 4030007, MAXIMUM_NUMBER_OF_IMAGES_REACHED: 4030014,
  MAXIMUM_NUMBER_OF_MESSAGES_REACHED: 4030016, MESSAGE_NOT_APPROVED: 4030017,
  IMAGE_NOT_APPROVED: 4030018, IMAGE_IN_USE: 4030019, FORBIDDEN_NO_PASSING_TEST: 4030026,
  ACCOUNT_NOT_FOUND: 4040001, ACCOUNT_NOT_FOUND_RETRYABLE: 4040002, APP_NOT_FOUND: 4040003,
  APP_NOT_FOUND_RETRYABLE: 4040004, ORIGINAL_TRANSACTION_ID_NOT_FOUND: 4040005,
  ORIGINAL_TRANSACTION_ID_NOT_FOUND_RETRYABLE: 4040006, SERVER_NOTIFICATION_URL_NOT_FOUND: 4040007,
  TEST_NOTIFICATION_NOT_FOUND: 4040008, STATUS_REQUEST_NOT_FOUND: 4040009,
  TRANSACTION_ID_NOT_FOUND: 4040010, IMAGE_NOT_FOUND: 4040014, MESSAGE_NOT_FOUND: 4040015,
  PERFORMANCE_TEST_RUN_NOT_FOUND: 4040018, APP_TRANSACTION_DOES_NOT_EXIST_ERROR: 4040019,
  DEFAULT_MESSAGE_NOT_FOUND: 4040020, REALTIME_URL_NOT_FOUND: 4040021, IMAGE_ALREADY_EXISTS: 4090000,
  MESSAGE_ALREADY_EXISTS: 4090001, RATE_LIMIT_EXCEEDED: 4290000, GENERAL_INTERNAL: 5000000,
  GENERAL_INTERNAL_RETRYABLE: 5000001,
});
export const AccountTenure = numeric({
  UNDECLARED: 0, ZERO_TO_THREE_DAYS: 1, THREE_DAYS_TO_TEN_DAYS: 2, TEN_DAYS_TO_THIRTY_DAYS: 3,
  THIRTY_DAYS_TO_NINETY_DAYS: 4, NINETY_DAYS_TO_ONE_HUNDRED_EIGHTY_DAYS: 5,
  ONE_HUNDRED_EIGHTY_DAYS_TO_THREE_HUNDRED_SIXTY_FIVE_DAYS: 6,
  GREATER_THAN_THREE_HUNDRED_SIXTY_FIVE_DAYS: 7,
});
export const AdvancedCommerceEffective = named([
  'IMMEDIATELY', 'NEXT_BILL_CYCLE',
]);
export const AdvancedCommerceOfferPeriod = named([
  'P3D', 'P1W', 'P2W', 'P1M', 'P2M', 'P3M', 'P6M', 'P9M', 'P1Y',
]);
export const AdvancedCommerceOfferReason = named([
  'ACQUISITION', 'WIN_BACK', 'RETENTION',
]);
export const AdvancedCommercePeriod = named([
  'P1W', 'P1M', 'P2M', 'P3M', 'P6M', 'P1Y',
]);
export const AdvancedCommercePriceIncreaseInfoStatus = named([
  'SCHEDULED', 'PENDING', 'ACCEPTED',
]);
export const AdvancedCommerceReason = named([
  'UPGRADE', 'DOWNGRADE', 'APPLY_OFFER',
]);
export const AdvancedCommerceRefundReason = named([
  'UNINTENDED_PURCHASE', 'FULFILLMENT_ISSUE', 'UNSATISFIED_WITH_PURCHASE', 'LEGAL', 'OTHER',
  'MODIFY_ITEMS_REFUND', 'SIMULATE_REFUND_DECLINE',
]);
export const AdvancedCommerceRefundType = named([
  'FULL', 'PRORATED', 'CUSTOM',
]);
export const AutoRenewStatus = numeric({
  OFF: 0, ON: 1,
});
export const BillingPlanType = named([
  'BILLED_UPFRONT', 'MONTHLY',
]);
export const ConsumptionStatus = numeric({
  UNDECLARED: 0, NOT_CONSUMED: 1, PARTIALLY_CONSUMED: 2, FULLY_CONSUMED: 3,
});
export const DeliveryStatus = named([
  'DELIVERED', 'UNDELIVERED_QUALITY_ISSUE', 'UNDELIVERED_WRONG_ITEM', 'UNDELIVERED_SERVER_OUTAGE',
  'UNDELIVERED_OTHER',
]);
export const DeliveryStatusV1 = numeric({
  DELIVERED_AND_WORKING_PROPERLY: 0, DID_NOT_DELIVER_DUE_TO_QUALITY_ISSUE: 1, DELIVERED_WRONG_ITEM: 2,
  DID_NOT_DELIVER_DUE_TO_SERVER_OUTAGE: 3, DID_NOT_DELIVER_DUE_TO_IN_GAME_CURRENCY_CHANGE: 4,
  DID_NOT_DELIVER_FOR_OTHER_REASON: 5,
});
export const ExpirationIntent = numeric({
  CUSTOMER_CANCELLED: 1, BILLING_ERROR: 2, CUSTOMER_DID_NOT_CONSENT_TO_PRICE_INCREASE: 3,
  PRODUCT_NOT_AVAILABLE: 4, OTHER: 5,
});
export const ExtendReasonCode = numeric({
  UNDECLARED: 0, CUSTOMER_SATISFACTION: 1, OTHER: 2, SERVICE_ISSUE_OR_OUTAGE: 3,
});
export const GetTransactionHistoryVersion = Object.freeze({
  V1: 'v1', V2: 'v2',
});
export const HeaderPosition = named([
  'ABOVE_BODY', 'ABOVE_IMAGE',
]);
export const ImageSize = named([
  'FULL_SIZE', 'BULLET_POINT',
]);
export const ImageState = named([
  'PENDING_REVIEW', 'APPROVED', 'REJECTED',
]);
export const InAppOwnershipType = named([
  'FAMILY_SHARED', 'PURCHASED',
]);
export const LifetimeDollarsPurchased = numeric({
  UNDECLARED: 0, ZERO_DOLLARS: 1, ONE_CENT_TO_FORTY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 2,
  FIFTY_DOLLARS_TO_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 3,
  ONE_HUNDRED_DOLLARS_TO_FOUR_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 4,
  FIVE_HUNDRED_DOLLARS_TO_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 5,
  ONE_THOUSAND_DOLLARS_TO_ONE_THOUSAND_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 6,
  TWO_THOUSAND_DOLLARS_OR_GREATER: 7,
});
export const LifetimeDollarsRefunded = numeric({
  UNDECLARED: 0, ZERO_DOLLARS: 1, ONE_CENT_TO_FORTY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 2,
  FIFTY_DOLLARS_TO_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 3,
  ONE_HUNDRED_DOLLARS_TO_FOUR_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 4,
  FIVE_HUNDRED_DOLLARS_TO_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 5,
  ONE_THOUSAND_DOLLARS_TO_ONE_THOUSAND_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 6,
  TWO_THOUSAND_DOLLARS_OR_GREATER: 7,
});
export const MessageState = named([
  'PENDING_REVIEW', 'APPROVED', 'REJECTED',
]);
export const NotificationTypeV2 = named([
  'SUBSCRIBED', 'DID_CHANGE_RENEWAL_PREF', 'DID_CHANGE_RENEWAL_STATUS', 'OFFER_REDEEMED', 'DID_RENEW',
  'EXPIRED', 'DID_FAIL_TO_RENEW', 'GRACE_PERIOD_EXPIRED', 'PRICE_INCREASE', 'REFUND',
  'REFUND_DECLINED', 'CONSUMPTION_REQUEST', 'RENEWAL_EXTENDED', 'REVOKE', 'TEST', 'RENEWAL_EXTENSION',
  'REFUND_REVERSED', 'EXTERNAL_PURCHASE_TOKEN', 'ONE_TIME_CHARGE', 'RESCIND_CONSENT',
  'METADATA_UPDATE', 'MIGRATION', 'PRICE_CHANGE',
]);
export const OfferDiscountType = named([
  'FREE_TRIAL', 'PAY_AS_YOU_GO', 'PAY_UP_FRONT', 'ONE_TIME',
]);
export const OfferType = numeric({
  INTRODUCTORY_OFFER: 1, PROMOTIONAL_OFFER: 2, OFFER_CODE: 3, WIN_BACK_OFFER: 4,
});
export const Order = named([
  'ASCENDING', 'DESCENDING',
]);
export const OrderLookupStatus = numeric({
  VALID: 0, INVALID: 1,
});
export const PerformanceTestStatus = named([
  'PENDING', 'PASS', 'FAIL',
]);
export const Platform = numeric({
  UNDECLARED: 0, APPLE: 1, NON_APPLE: 2,
});
export const PlayTime = numeric({
  UNDECLARED: 0, ZERO_TO_FIVE_MINUTES: 1, FIVE_TO_SIXTY_MINUTES: 2, ONE_TO_SIX_HOURS: 3,
  SIX_HOURS_TO_TWENTY_FOUR_HOURS: 4, ONE_DAY_TO_FOUR_DAYS: 5, FOUR_DAYS_TO_SIXTEEN_DAYS: 6,
  OVER_SIXTEEN_DAYS: 7,
});
export const PriceIncreaseStatus = numeric({
  CUSTOMER_HAS_NOT_RESPONDED: 0, CUSTOMER_CONSENTED_OR_WAS_NOTIFIED_WITHOUT_NEEDING_CONSENT: 1,
});
export const ProductType = named([
  'AUTO_RENEWABLE', 'NON_RENEWABLE', 'CONSUMABLE', 'NON_CONSUMABLE',
]);
export const PurchasePlatform = Object.freeze({
  IOS: 'iOS', MAC_OS: 'macOS', TV_OS: 'tvOS', VISION_OS: 'visionOS',
});
export const RefundPreference = named([
  'DECLINE', 'GRANT_FULL', 'GRANT_PRORATED',
]);
export const RefundPreferenceV1 = numeric({
  UNDECLARED: 0, PREFER_GRANT: 1, PREFER_DECLINE: 2, NO_PREFERENCE: 3,
});
export const RenewalBillingPlanType = named([
  'BILLED_UPFRONT', 'MONTHLY',
]);
export const RevocationReason = numeric({
  REFUNDED_DUE_TO_ISSUE: 1, REFUNDED_FOR_OTHER_REASON: 0,
});
export const RevocationType = named([
  'REFUND_FULL', 'REFUND_PRORATED', 'FAMILY_REVOKE',
]);
export const SendAttemptResult = named([
  'SUCCESS', 'TIMED_OUT', 'TLS_ISSUE', 'CIRCULAR_REDIRECT', 'NO_RESPONSE', 'SOCKET_ISSUE',
  'UNSUPPORTED_CHARSET', 'INVALID_RESPONSE', 'PREMATURE_CLOSE', 'UNSUCCESSFUL_HTTP_RESPONSE_CODE',
  'OTHER',
]);
export const Status = numeric({
  ACTIVE: 1, EXPIRED: 2, BILLING_RETRY: 3, BILLING_GRACE_PERIOD: 4, REVOKED: 5,
});
export const Subtype = named([
  'INITIAL_BUY', 'RESUBSCRIBE', 'DOWNGRADE', 'UPGRADE', 'AUTO_RENEW_ENABLED', 'AUTO_RENEW_DISABLED',
  'VOLUNTARY', 'BILLING_RETRY', 'PRICE_INCREASE', 'GRACE_PERIOD', 'PENDING', 'ACCEPTED',
  'BILLING_RECOVERY', 'PRODUCT_NOT_FOR_SALE', 'SUMMARY', 'FAILURE', 'UNREPORTED',
]);
export const TransactionReason = named([
  'PURCHASE', 'RENEWAL',
]);
export const Type = Object.freeze({
  AUTO_RENEWABLE_SUBSCRIPTION: 'Auto-Renewable Subscription', NON_CONSUMABLE: 'Non-Consumable',
  CONSUMABLE: 'Consumable', NON_RENEWING_SUBSCRIPTION: 'Non-Renewing Subscription',
});
export const UserStatus = numeric({
  UNDECLARED: 0, ACTIVE: 1, SUSPENDED: 2, TERMINATED: 3, LIMITED_ACCESS: 4,
});
