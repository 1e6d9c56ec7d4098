// Types of apple-names.js: the run-time names of Apple's library 3.1.0 (each enumeration a value and
// a type, as Apple's TypeScript enums are). Where the package's models already name a type (an open
// union that includes Apple's values), that type is kept.

import { IapError } from './error.js';

/** Apple's `APIException`, an `IapError` with code `API_ERROR`. */
export declare class APIException extends IapError {
  constructor(httpStatusCode: number, apiError?: number | null, errorMessage?: string | null);
  /** The HTTP status of Apple's answer. */
  httpStatusCode: number;
  /** Apple's `errorCode` (an `APIError` value), or null. */
  apiError: number | APIError | null;
  /** Apple's `errorMessage`, or null. */
  errorMessage: string | null;
  /** An `API_ERROR` as an `APIException` (anything else as it is). */
  static from(error: unknown): unknown;
}

/** Apple's `ReceiptUtility`: transaction ids read from receipts, nothing verified. */
export declare class ReceiptUtility {
  extractTransactionIdFromAppReceipt(appReceipt: string): string | null;
  extractTransactionIdFromTransactionReceipt(transactionReceipt: string): string | null;
}

export declare const APIError: {
  readonly GENERAL_BAD_REQUEST: 4000000; readonly INVALID_APP_IDENTIFIER: 4000002;
  readonly INVALID_REQUEST_REVISION: 4000005; readonly INVALID_TRANSACTION_ID: 4000006;
  readonly INVALID_ORIGINAL_TRANSACTION_ID: 4000008; readonly INVALID_EXTEND_BY_DAYS: 4000009;
  readonly INVALID_EXTEND_REASON_CODE: 4000010; readonly INVALID_REQUEST_IDENTIFIER: 4000011;
  readonly START_DATE_TOO_FAR_IN_PAST: 4000012; readonly START_DATE_AFTER_END_DATE: 4000013;
  readonly INVALID_PAGINATION_TOKEN: 4000014; readonly INVALID_START_DATE: 4000015;
  readonly INVALID_END_DATE: 4000016; readonly PAGINATION_TOKEN_EXPIRED: 4000017;
  readonly INVALID_NOTIFICATION_TYPE: 4000018; readonly MULTIPLE_FILTERS_SUPPLIED: 4000019;
  readonly INVALID_TEST_NOTIFICATION_TOKEN: 4000020; readonly INVALID_SORT: 4000021;
  readonly INVALID_PRODUCT_TYPE: 4000022; readonly INVALID_PRODUCT_ID: 4000023;
  readonly INVALID_SUBSCRIPTION_GROUP_IDENTIFIER: 4000024; readonly INVALID_EXCLUDE_REVOKED: 4000025;
  readonly INVALID_IN_APP_OWNERSHIP_TYPE: 4000026;
  readonly INVALID_EMPTY_STOREFRONT_COUNTRY_CODE_LIST: 4000027;
  readonly INVALID_STOREFRONT_COUNTRY_CODE: 4000028; readonly INVALID_REVOKED: 4000030;
  readonly INVALID_STATUS: 4000031; readonly INVALID_ACCOUNT_TENURE: 4000032;
  readonly INVALID_APP_ACCOUNT_TOKEN: 4000033; readonly INVALID_CONSUMPTION_STATUS: 4000034;
  readonly INVALID_CUSTOMER_CONSENTED: 4000035; readonly INVALID_DELIVERY_STATUS: 4000036;
  readonly INVALID_LIFETIME_DOLLARS_PURCHASED: 4000037;
  readonly INVALID_LIFETIME_DOLLARS_REFUNDED: 4000038; readonly INVALID_PLATFORM: 4000039;
  readonly INVALID_PLAY_TIME: 4000040; readonly INVALID_SAMPLE_CONTENT_PROVIDED: 4000041;
  readonly INVALID_USER_STATUS: 4000042; readonly INVALID_TRANSACTION_NOT_CONSUMABLE: 4000043;
  readonly INVALID_TRANSACTION_TYPE_NOT_SUPPORTED: 4000047;
  readonly APP_TRANSACTION_ID_NOT_SUPPORTED_ERROR: 4000048; readonly INVALID_IMAGE: 4000161;
  readonly HEADER_TOO_LONG: 4000162; readonly BODY_TOO_LONG: 4000163;
  readonly INVALID_LOCALE: 4000164; readonly ALT_TEXT_TOO_LONG: 4000175;
  readonly INVALID_APP_ACCOUNT_TOKEN_UUID_ERROR: 4000183;
  readonly FAMILY_TRANSACTION_NOT_SUPPORTED_ERROR: 4000185;
  readonly TRANSACTION_ID_IS_NOT_ORIGINAL_TRANSACTION_ID_ERROR: 4000187;
  readonly INVALID_PERFORMANCE_TEST_REQUEST: 4000211; readonly INVALID_REQUEST_ID: 4000212;
  readonly EXISTING_PERFORMANCE_TEST_RUN: 4000213; readonly BAD_REQUEST_REALTIME_URL: 4000215;
  readonly BAD_REQUEST_IMAGE_SIZE: 4000216; readonly BAD_REQUEST_TOO_MANY_BULLET_POINTS: 4000218;
  readonly BAD_REQUEST_BULLET_POINT_TEXT_TOO_LONG: 4000219;
  readonly BAD_REQUEST_ABOVE_IMAGE_REQUIRES_AN_IMAGE: 4000224;
  readonly SUBSCRIPTION_EXTENSION_INELIGIBLE: 4030004; readonly SUBSCRIPTION_MAX_EXTENSION: 4030005;
  readonly FAMILY_SHARED_SUBSCRIPTION_EXTENSION_INELIGIBLE: 4030007;
  readonly MAXIMUM_NUMBER_OF_IMAGES_REACHED: 4030014;
  readonly MAXIMUM_NUMBER_OF_MESSAGES_REACHED: 4030016; readonly MESSAGE_NOT_APPROVED: 4030017;
  readonly IMAGE_NOT_APPROVED: 4030018; readonly IMAGE_IN_USE: 4030019;
  readonly FORBIDDEN_NO_PASSING_TEST: 4030026; readonly ACCOUNT_NOT_FOUND: 4040001;
  readonly ACCOUNT_NOT_FOUND_RETRYABLE: 4040002; readonly APP_NOT_FOUND: 4040003;
  readonly APP_NOT_FOUND_RETRYABLE: 4040004; readonly ORIGINAL_TRANSACTION_ID_NOT_FOUND: 4040005;
  readonly ORIGINAL_TRANSACTION_ID_NOT_FOUND_RETRYABLE: 4040006;
  readonly SERVER_NOTIFICATION_URL_NOT_FOUND: 4040007; readonly TEST_NOTIFICATION_NOT_FOUND: 4040008;
  readonly STATUS_REQUEST_NOT_FOUND: 4040009; readonly TRANSACTION_ID_NOT_FOUND: 4040010;
  readonly IMAGE_NOT_FOUND: 4040014; readonly MESSAGE_NOT_FOUND: 4040015;
  readonly PERFORMANCE_TEST_RUN_NOT_FOUND: 4040018;
  readonly APP_TRANSACTION_DOES_NOT_EXIST_ERROR: 4040019; readonly DEFAULT_MESSAGE_NOT_FOUND: 4040020;
  readonly REALTIME_URL_NOT_FOUND: 4040021; readonly IMAGE_ALREADY_EXISTS: 4090000;
  readonly MESSAGE_ALREADY_EXISTS: 4090001; readonly RATE_LIMIT_EXCEEDED: 4290000;
  readonly GENERAL_INTERNAL: 5000000; readonly GENERAL_INTERNAL_RETRYABLE: 5000001;
  readonly [value: number]: string;
};
export type APIError = (typeof APIError)[Exclude<keyof typeof APIError, number>];
export declare const AccountTenure: {
  readonly UNDECLARED: 0; readonly ZERO_TO_THREE_DAYS: 1; readonly THREE_DAYS_TO_TEN_DAYS: 2;
  readonly TEN_DAYS_TO_THIRTY_DAYS: 3; readonly THIRTY_DAYS_TO_NINETY_DAYS: 4;
  readonly NINETY_DAYS_TO_ONE_HUNDRED_EIGHTY_DAYS: 5;
  readonly ONE_HUNDRED_EIGHTY_DAYS_TO_THREE_HUNDRED_SIXTY_FIVE_DAYS: 6;
  readonly GREATER_THAN_THREE_HUNDRED_SIXTY_FIVE_DAYS: 7;
  readonly [value: number]: string;
};
export type AccountTenure = (typeof AccountTenure)[Exclude<keyof typeof AccountTenure, number>];
export declare const AdvancedCommerceEffective: {
  readonly IMMEDIATELY: 'IMMEDIATELY'; readonly NEXT_BILL_CYCLE: 'NEXT_BILL_CYCLE';
};
export type AdvancedCommerceEffective = (typeof AdvancedCommerceEffective)[Exclude<keyof typeof AdvancedCommerceEffective, number>];
export declare const AdvancedCommerceOfferPeriod: {
  readonly P3D: 'P3D'; readonly P1W: 'P1W'; readonly P2W: 'P2W'; readonly P1M: 'P1M';
  readonly P2M: 'P2M'; readonly P3M: 'P3M'; readonly P6M: 'P6M'; readonly P9M: 'P9M';
  readonly P1Y: 'P1Y';
};
export type AdvancedCommerceOfferPeriod = (typeof AdvancedCommerceOfferPeriod)[Exclude<keyof typeof AdvancedCommerceOfferPeriod, number>];
export declare const AdvancedCommerceOfferReason: {
  readonly ACQUISITION: 'ACQUISITION'; readonly WIN_BACK: 'WIN_BACK'; readonly RETENTION: 'RETENTION';
};
export type AdvancedCommerceOfferReason = (typeof AdvancedCommerceOfferReason)[Exclude<keyof typeof AdvancedCommerceOfferReason, number>];
export declare const AdvancedCommercePeriod: {
  readonly P1W: 'P1W'; readonly P1M: 'P1M'; readonly P2M: 'P2M'; readonly P3M: 'P3M';
  readonly P6M: 'P6M'; readonly P1Y: 'P1Y';
};
export type AdvancedCommercePeriod = (typeof AdvancedCommercePeriod)[Exclude<keyof typeof AdvancedCommercePeriod, number>];
export declare const AdvancedCommercePriceIncreaseInfoStatus: {
  readonly SCHEDULED: 'SCHEDULED'; readonly PENDING: 'PENDING'; readonly ACCEPTED: 'ACCEPTED';
};
export type AdvancedCommercePriceIncreaseInfoStatus = (typeof AdvancedCommercePriceIncreaseInfoStatus)[Exclude<keyof typeof AdvancedCommercePriceIncreaseInfoStatus, number>];
export declare const AdvancedCommerceReason: {
  readonly UPGRADE: 'UPGRADE'; readonly DOWNGRADE: 'DOWNGRADE'; readonly APPLY_OFFER: 'APPLY_OFFER';
};
export type AdvancedCommerceReason = (typeof AdvancedCommerceReason)[Exclude<keyof typeof AdvancedCommerceReason, number>];
export declare const AdvancedCommerceRefundReason: {
  readonly UNINTENDED_PURCHASE: 'UNINTENDED_PURCHASE';
  readonly FULFILLMENT_ISSUE: 'FULFILLMENT_ISSUE';
  readonly UNSATISFIED_WITH_PURCHASE: 'UNSATISFIED_WITH_PURCHASE'; readonly LEGAL: 'LEGAL';
  readonly OTHER: 'OTHER'; readonly MODIFY_ITEMS_REFUND: 'MODIFY_ITEMS_REFUND';
  readonly SIMULATE_REFUND_DECLINE: 'SIMULATE_REFUND_DECLINE';
};
export type AdvancedCommerceRefundReason = (typeof AdvancedCommerceRefundReason)[Exclude<keyof typeof AdvancedCommerceRefundReason, number>];
export declare const AdvancedCommerceRefundType: {
  readonly FULL: 'FULL'; readonly PRORATED: 'PRORATED'; readonly CUSTOM: 'CUSTOM';
};
export type AdvancedCommerceRefundType = (typeof AdvancedCommerceRefundType)[Exclude<keyof typeof AdvancedCommerceRefundType, number>];
export declare const AutoRenewStatus: {
  readonly OFF: 0; readonly ON: 1;
  readonly [value: number]: string;
};
export type AutoRenewStatus = (typeof AutoRenewStatus)[Exclude<keyof typeof AutoRenewStatus, number>];
export declare const BillingPlanType: {
  readonly BILLED_UPFRONT: 'BILLED_UPFRONT'; readonly MONTHLY: 'MONTHLY';
};
export type BillingPlanType = (typeof BillingPlanType)[Exclude<keyof typeof BillingPlanType, number>];
export declare const ConsumptionStatus: {
  readonly UNDECLARED: 0; readonly NOT_CONSUMED: 1; readonly PARTIALLY_CONSUMED: 2;
  readonly FULLY_CONSUMED: 3;
  readonly [value: number]: string;
};
export type ConsumptionStatus = (typeof ConsumptionStatus)[Exclude<keyof typeof ConsumptionStatus, number>];
export declare const DeliveryStatus: {
  readonly DELIVERED: 'DELIVERED'; readonly UNDELIVERED_QUALITY_ISSUE: 'UNDELIVERED_QUALITY_ISSUE';
  readonly UNDELIVERED_WRONG_ITEM: 'UNDELIVERED_WRONG_ITEM';
  readonly UNDELIVERED_SERVER_OUTAGE: 'UNDELIVERED_SERVER_OUTAGE';
  readonly UNDELIVERED_OTHER: 'UNDELIVERED_OTHER';
};
export type DeliveryStatus = (typeof DeliveryStatus)[Exclude<keyof typeof DeliveryStatus, number>];
export declare const DeliveryStatusV1: {
  readonly DELIVERED_AND_WORKING_PROPERLY: 0; readonly DID_NOT_DELIVER_DUE_TO_QUALITY_ISSUE: 1;
  readonly DELIVERED_WRONG_ITEM: 2; readonly DID_NOT_DELIVER_DUE_TO_SERVER_OUTAGE: 3;
  readonly DID_NOT_DELIVER_DUE_TO_IN_GAME_CURRENCY_CHANGE: 4;
  readonly DID_NOT_DELIVER_FOR_OTHER_REASON: 5;
  readonly [value: number]: string;
};
export type DeliveryStatusV1 = (typeof DeliveryStatusV1)[Exclude<keyof typeof DeliveryStatusV1, number>];
export declare const ExpirationIntent: {
  readonly CUSTOMER_CANCELLED: 1; readonly BILLING_ERROR: 2;
  readonly CUSTOMER_DID_NOT_CONSENT_TO_PRICE_INCREASE: 3; readonly PRODUCT_NOT_AVAILABLE: 4;
  readonly OTHER: 5;
  readonly [value: number]: string;
};
export type ExpirationIntent = (typeof ExpirationIntent)[Exclude<keyof typeof ExpirationIntent, number>];
export declare const ExtendReasonCode: {
  readonly UNDECLARED: 0; readonly CUSTOMER_SATISFACTION: 1; readonly OTHER: 2;
  readonly SERVICE_ISSUE_OR_OUTAGE: 3;
  readonly [value: number]: string;
};
export type ExtendReasonCode = (typeof ExtendReasonCode)[Exclude<keyof typeof ExtendReasonCode, number>];
export declare const GetTransactionHistoryVersion: {
  readonly V1: 'v1'; readonly V2: 'v2';
};
export type GetTransactionHistoryVersion = (typeof GetTransactionHistoryVersion)[Exclude<keyof typeof GetTransactionHistoryVersion, number>];
export declare const HeaderPosition: {
  readonly ABOVE_BODY: 'ABOVE_BODY'; readonly ABOVE_IMAGE: 'ABOVE_IMAGE';
};
export type HeaderPosition = (typeof HeaderPosition)[Exclude<keyof typeof HeaderPosition, number>];
export declare const ImageSize: {
  readonly FULL_SIZE: 'FULL_SIZE'; readonly BULLET_POINT: 'BULLET_POINT';
};
export type ImageSize = (typeof ImageSize)[Exclude<keyof typeof ImageSize, number>];
export declare const ImageState: {
  readonly PENDING_REVIEW: 'PENDING_REVIEW'; readonly APPROVED: 'APPROVED';
  readonly REJECTED: 'REJECTED';
};
export type ImageState = (typeof ImageState)[Exclude<keyof typeof ImageState, number>];
export declare const InAppOwnershipType: {
  readonly FAMILY_SHARED: 'FAMILY_SHARED'; readonly PURCHASED: 'PURCHASED';
};
export type InAppOwnershipType = import('../web/iap_verify.js').InAppOwnershipType;
export declare const LifetimeDollarsPurchased: {
  readonly UNDECLARED: 0; readonly ZERO_DOLLARS: 1;
  readonly ONE_CENT_TO_FORTY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 2;
  readonly FIFTY_DOLLARS_TO_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 3;
  readonly ONE_HUNDRED_DOLLARS_TO_FOUR_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 4;
  readonly FIVE_HUNDRED_DOLLARS_TO_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 5;
  readonly ONE_THOUSAND_DOLLARS_TO_ONE_THOUSAND_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 6;
  readonly TWO_THOUSAND_DOLLARS_OR_GREATER: 7;
  readonly [value: number]: string;
};
export type LifetimeDollarsPurchased = (typeof LifetimeDollarsPurchased)[Exclude<keyof typeof LifetimeDollarsPurchased, number>];
export declare const LifetimeDollarsRefunded: {
  readonly UNDECLARED: 0; readonly ZERO_DOLLARS: 1;
  readonly ONE_CENT_TO_FORTY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 2;
  readonly FIFTY_DOLLARS_TO_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 3;
  readonly ONE_HUNDRED_DOLLARS_TO_FOUR_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 4;
  readonly FIVE_HUNDRED_DOLLARS_TO_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 5;
  readonly ONE_THOUSAND_DOLLARS_TO_ONE_THOUSAND_NINE_HUNDRED_NINETY_NINE_DOLLARS_AND_NINETY_NINE_CENTS: 6;
  readonly TWO_THOUSAND_DOLLARS_OR_GREATER: 7;
  readonly [value: number]: string;
};
export type LifetimeDollarsRefunded = (typeof LifetimeDollarsRefunded)[Exclude<keyof typeof LifetimeDollarsRefunded, number>];
export declare const MessageState: {
  readonly PENDING_REVIEW: 'PENDING_REVIEW'; readonly APPROVED: 'APPROVED';
  readonly REJECTED: 'REJECTED';
};
export type MessageState = (typeof MessageState)[Exclude<keyof typeof MessageState, number>];
export declare const NotificationTypeV2: {
  readonly SUBSCRIBED: 'SUBSCRIBED'; readonly DID_CHANGE_RENEWAL_PREF: 'DID_CHANGE_RENEWAL_PREF';
  readonly DID_CHANGE_RENEWAL_STATUS: 'DID_CHANGE_RENEWAL_STATUS';
  readonly OFFER_REDEEMED: 'OFFER_REDEEMED'; readonly DID_RENEW: 'DID_RENEW';
  readonly EXPIRED: 'EXPIRED'; readonly DID_FAIL_TO_RENEW: 'DID_FAIL_TO_RENEW';
  readonly GRACE_PERIOD_EXPIRED: 'GRACE_PERIOD_EXPIRED'; readonly PRICE_INCREASE: 'PRICE_INCREASE';
  readonly REFUND: 'REFUND'; readonly REFUND_DECLINED: 'REFUND_DECLINED';
  readonly CONSUMPTION_REQUEST: 'CONSUMPTION_REQUEST'; readonly RENEWAL_EXTENDED: 'RENEWAL_EXTENDED';
  readonly REVOKE: 'REVOKE'; readonly TEST: 'TEST'; readonly RENEWAL_EXTENSION: 'RENEWAL_EXTENSION';
  readonly REFUND_REVERSED: 'REFUND_REVERSED';
  readonly EXTERNAL_PURCHASE_TOKEN: 'EXTERNAL_PURCHASE_TOKEN';
  readonly ONE_TIME_CHARGE: 'ONE_TIME_CHARGE'; readonly RESCIND_CONSENT: 'RESCIND_CONSENT';
  readonly METADATA_UPDATE: 'METADATA_UPDATE'; readonly MIGRATION: 'MIGRATION';
  readonly PRICE_CHANGE: 'PRICE_CHANGE';
};
export type NotificationTypeV2 = import('../web/iap_verify.js').NotificationTypeV2;
export declare const OfferDiscountType: {
  readonly FREE_TRIAL: 'FREE_TRIAL'; readonly PAY_AS_YOU_GO: 'PAY_AS_YOU_GO';
  readonly PAY_UP_FRONT: 'PAY_UP_FRONT'; readonly ONE_TIME: 'ONE_TIME';
};
export type OfferDiscountType = import('../web/iap_verify.js').OfferDiscountType;
export declare const OfferType: {
  readonly INTRODUCTORY_OFFER: 1; readonly PROMOTIONAL_OFFER: 2; readonly OFFER_CODE: 3;
  readonly WIN_BACK_OFFER: 4;
  readonly [value: number]: string;
};
export type OfferType = (typeof OfferType)[Exclude<keyof typeof OfferType, number>];
export declare const Order: {
  readonly ASCENDING: 'ASCENDING'; readonly DESCENDING: 'DESCENDING';
};
export type Order = (typeof Order)[Exclude<keyof typeof Order, number>];
export declare const OrderLookupStatus: {
  readonly VALID: 0; readonly INVALID: 1;
  readonly [value: number]: string;
};
export type OrderLookupStatus = (typeof OrderLookupStatus)[Exclude<keyof typeof OrderLookupStatus, number>];
export declare const PerformanceTestStatus: {
  readonly PENDING: 'PENDING'; readonly PASS: 'PASS'; readonly FAIL: 'FAIL';
};
export type PerformanceTestStatus = (typeof PerformanceTestStatus)[Exclude<keyof typeof PerformanceTestStatus, number>];
export declare const Platform: {
  readonly UNDECLARED: 0; readonly APPLE: 1; readonly NON_APPLE: 2;
  readonly [value: number]: string;
};
export type Platform = (typeof Platform)[Exclude<keyof typeof Platform, number>];
export declare const PlayTime: {
  readonly UNDECLARED: 0; readonly ZERO_TO_FIVE_MINUTES: 1; readonly FIVE_TO_SIXTY_MINUTES: 2;
  readonly ONE_TO_SIX_HOURS: 3; readonly SIX_HOURS_TO_TWENTY_FOUR_HOURS: 4;
  readonly ONE_DAY_TO_FOUR_DAYS: 5; readonly FOUR_DAYS_TO_SIXTEEN_DAYS: 6;
  readonly OVER_SIXTEEN_DAYS: 7;
  readonly [value: number]: string;
};
export type PlayTime = (typeof PlayTime)[Exclude<keyof typeof PlayTime, number>];
export declare const PriceIncreaseStatus: {
  readonly CUSTOMER_HAS_NOT_RESPONDED: 0;
  readonly CUSTOMER_CONSENTED_OR_WAS_NOTIFIED_WITHOUT_NEEDING_CONSENT: 1;
  readonly [value: number]: string;
};
export type PriceIncreaseStatus = (typeof PriceIncreaseStatus)[Exclude<keyof typeof PriceIncreaseStatus, number>];
export declare const ProductType: {
  readonly AUTO_RENEWABLE: 'AUTO_RENEWABLE'; readonly NON_RENEWABLE: 'NON_RENEWABLE';
  readonly CONSUMABLE: 'CONSUMABLE'; readonly NON_CONSUMABLE: 'NON_CONSUMABLE';
};
export type ProductType = import('../web/iap_verify.js').ProductType;
export declare const PurchasePlatform: {
  readonly IOS: 'iOS'; readonly MAC_OS: 'macOS'; readonly TV_OS: 'tvOS';
  readonly VISION_OS: 'visionOS';
};
export type PurchasePlatform = (typeof PurchasePlatform)[Exclude<keyof typeof PurchasePlatform, number>];
export declare const RefundPreference: {
  readonly DECLINE: 'DECLINE'; readonly GRANT_FULL: 'GRANT_FULL';
  readonly GRANT_PRORATED: 'GRANT_PRORATED';
};
export type RefundPreference = (typeof RefundPreference)[Exclude<keyof typeof RefundPreference, number>];
export declare const RefundPreferenceV1: {
  readonly UNDECLARED: 0; readonly PREFER_GRANT: 1; readonly PREFER_DECLINE: 2;
  readonly NO_PREFERENCE: 3;
  readonly [value: number]: string;
};
export type RefundPreferenceV1 = (typeof RefundPreferenceV1)[Exclude<keyof typeof RefundPreferenceV1, number>];
export declare const RenewalBillingPlanType: {
  readonly BILLED_UPFRONT: 'BILLED_UPFRONT'; readonly MONTHLY: 'MONTHLY';
};
export type RenewalBillingPlanType = (typeof RenewalBillingPlanType)[Exclude<keyof typeof RenewalBillingPlanType, number>];
export declare const RevocationReason: {
  readonly REFUNDED_DUE_TO_ISSUE: 1; readonly REFUNDED_FOR_OTHER_REASON: 0;
  readonly [value: number]: string;
};
export type RevocationReason = (typeof RevocationReason)[Exclude<keyof typeof RevocationReason, number>];
export declare const RevocationType: {
  readonly REFUND_FULL: 'REFUND_FULL'; readonly REFUND_PRORATED: 'REFUND_PRORATED';
  readonly FAMILY_REVOKE: 'FAMILY_REVOKE';
};
export type RevocationType = import('../web/iap_verify.js').RevocationType;
export declare const SendAttemptResult: {
  readonly SUCCESS: 'SUCCESS'; readonly TIMED_OUT: 'TIMED_OUT'; readonly TLS_ISSUE: 'TLS_ISSUE';
  readonly CIRCULAR_REDIRECT: 'CIRCULAR_REDIRECT'; readonly NO_RESPONSE: 'NO_RESPONSE';
  readonly SOCKET_ISSUE: 'SOCKET_ISSUE'; readonly UNSUPPORTED_CHARSET: 'UNSUPPORTED_CHARSET';
  readonly INVALID_RESPONSE: 'INVALID_RESPONSE'; readonly PREMATURE_CLOSE: 'PREMATURE_CLOSE';
  readonly UNSUCCESSFUL_HTTP_RESPONSE_CODE: 'UNSUCCESSFUL_HTTP_RESPONSE_CODE';
  readonly OTHER: 'OTHER';
};
export type SendAttemptResult = (typeof SendAttemptResult)[Exclude<keyof typeof SendAttemptResult, number>];
export declare const Status: {
  readonly ACTIVE: 1; readonly EXPIRED: 2; readonly BILLING_RETRY: 3;
  readonly BILLING_GRACE_PERIOD: 4; readonly REVOKED: 5;
  readonly [value: number]: string;
};
export type Status = (typeof Status)[Exclude<keyof typeof Status, number>];
export declare const Subtype: {
  readonly INITIAL_BUY: 'INITIAL_BUY'; readonly RESUBSCRIBE: 'RESUBSCRIBE';
  readonly DOWNGRADE: 'DOWNGRADE'; readonly UPGRADE: 'UPGRADE';
  readonly AUTO_RENEW_ENABLED: 'AUTO_RENEW_ENABLED';
  readonly AUTO_RENEW_DISABLED: 'AUTO_RENEW_DISABLED'; readonly VOLUNTARY: 'VOLUNTARY';
  readonly BILLING_RETRY: 'BILLING_RETRY'; readonly PRICE_INCREASE: 'PRICE_INCREASE';
  readonly GRACE_PERIOD: 'GRACE_PERIOD'; readonly PENDING: 'PENDING'; readonly ACCEPTED: 'ACCEPTED';
  readonly BILLING_RECOVERY: 'BILLING_RECOVERY';
  readonly PRODUCT_NOT_FOR_SALE: 'PRODUCT_NOT_FOR_SALE'; readonly SUMMARY: 'SUMMARY';
  readonly FAILURE: 'FAILURE'; readonly UNREPORTED: 'UNREPORTED';
};
export type Subtype = import('../web/iap_verify.js').Subtype;
export declare const TransactionReason: {
  readonly PURCHASE: 'PURCHASE'; readonly RENEWAL: 'RENEWAL';
};
export type TransactionReason = import('../web/iap_verify.js').TransactionReason;
export declare const Type: {
  readonly AUTO_RENEWABLE_SUBSCRIPTION: 'Auto-Renewable Subscription';
  readonly NON_CONSUMABLE: 'Non-Consumable'; readonly CONSUMABLE: 'Consumable';
  readonly NON_RENEWING_SUBSCRIPTION: 'Non-Renewing Subscription';
};
export type Type = (typeof Type)[Exclude<keyof typeof Type, number>];
export declare const UserStatus: {
  readonly UNDECLARED: 0; readonly ACTIVE: 1; readonly SUSPENDED: 2; readonly TERMINATED: 3;
  readonly LIMITED_ACCESS: 4;
  readonly [value: number]: string;
};
export type UserStatus = (typeof UserStatus)[Exclude<keyof typeof UserStatus, number>];
