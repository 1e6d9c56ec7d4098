// The model types of Apple's library 3.1.0 that the package's own models do not already declare:
// the Advanced Commerce API's requests and responses, the Retention Messaging API's parts, the
// 12-month commitment info and the notification parts Apple exports by name. Field names, types and
// optionality are those of Apple's declarations (Apple's documentation); enumerations are typed by
// their values (Apple's names are values of the package, `AdvancedCommerceReason.UPGRADE` and so on).
// Answers of the Advanced Commerce API also carry the decoded payloads this package verifies.

export interface AbstractAdvancedCommerceBaseItem {
  SKU: string;
}
export interface AbstractAdvancedCommerceInAppRequest extends AdvancedCommerceRequest {
  readonly operation: string;
  readonly version: string;
}
export interface AbstractAdvancedCommerceItem extends AbstractAdvancedCommerceBaseItem {
  description: string;
  displayName: string;
}
export interface AbstractAdvancedCommerceResponse {
  /** `signedRenewalInfo`, verified and decoded. */
  decodedRenewalInfo?: JWSRenewalInfoDecodedPayload;
  /** `signedTransactionInfo`, verified and decoded. */
  decodedTransactionInfo?: JWSTransactionDecodedPayload;
  signedRenewalInfo?: string;
  signedTransactionInfo?: string;
}
export interface AdvancedCommerceDescriptors {
  description: string;
  displayName: string;
}
export interface AdvancedCommerceInfo {
  messageIdentifier?: string;
  advancedCommerceData?: string;
}
export interface AdvancedCommerceOffer {
  period: string;
  periodCount: number;
  price: number;
  reason: string;
}
export interface AdvancedCommerceOneTimeChargeCreateRequest extends AbstractAdvancedCommerceInAppRequest {
  operation: "CREATE_ONE_TIME_CHARGE";
  version: "1";
  currency: string;
  item: AdvancedCommerceOneTimeChargeItem;
  storefront?: string;
  taxCode: string;
}
export interface AdvancedCommerceOneTimeChargeItem extends AbstractAdvancedCommerceItem {
  price: number;
}
export interface AdvancedCommercePriceIncreaseInfo {
  dependentSKUs?: string[];
  price?: number;
  status?: string;
}
export interface AdvancedCommerceRefund {
  refundAmount?: number;
  refundDate?: number;
  refundReason?: string;
  refundType?: string;
}
export interface AdvancedCommerceRenewalInfo {
  consistencyToken?: string;
  descriptors?: AdvancedCommerceDescriptors;
  items?: AdvancedCommerceRenewalItem[];
  period?: string;
  requestReferenceId?: string;
  taxCode?: string;
}
export interface AdvancedCommerceRenewalItem {
  SKU?: string;
  description?: string;
  displayName?: string;
  offer?: AdvancedCommerceOffer;
  price?: number;
  priceIncreaseInfo?: AdvancedCommercePriceIncreaseInfo;
}
export interface AdvancedCommerceRequest {
  requestInfo: AdvancedCommerceRequestInfo;
}
export interface AdvancedCommerceRequestInfo {
  appAccountToken?: string;
  consistencyToken?: string;
  requestReferenceId: string;
}
export interface AdvancedCommerceRequestRefundItem extends AbstractAdvancedCommerceBaseItem {
  refundAmount?: number;
  refundReason: string;
  refundType: string;
  revoke: boolean;
}
export interface AdvancedCommerceRequestRefundRequest extends AdvancedCommerceRequest {
  currency?: string;
  items: AdvancedCommerceRequestRefundItem[];
  refundRiskingPreference: boolean;
  storefront?: string;
}
export interface AdvancedCommerceRequestRefundResponse extends AbstractAdvancedCommerceResponse {}
export interface AdvancedCommerceSubscriptionCancelRequest extends AdvancedCommerceRequest {
  storefront?: string;
}
export interface AdvancedCommerceSubscriptionCancelResponse extends AbstractAdvancedCommerceResponse {}
export interface AdvancedCommerceSubscriptionChangeMetadataDescriptors {
  effective: string;
  description?: string;
  displayName?: string;
}
export interface AdvancedCommerceSubscriptionChangeMetadataItem {
  currentSKU: string;
  effective: string;
  description?: string;
  displayName?: string;
  SKU?: string;
}
export interface AdvancedCommerceSubscriptionChangeMetadataRequest extends AdvancedCommerceRequest {
  descriptors?: AdvancedCommerceSubscriptionChangeMetadataDescriptors;
  items?: AdvancedCommerceSubscriptionChangeMetadataItem[];
  storefront?: string;
  taxCode?: string;
}
export interface AdvancedCommerceSubscriptionChangeMetadataResponse extends AbstractAdvancedCommerceResponse {}
export interface AdvancedCommerceSubscriptionCreateItem extends AbstractAdvancedCommerceItem {
  offer?: AdvancedCommerceOffer;
  price: number;
}
export interface AdvancedCommerceSubscriptionCreateRequest extends AbstractAdvancedCommerceInAppRequest {
  operation: "CREATE_SUBSCRIPTION";
  version: "1";
  currency: string;
  descriptors: AdvancedCommerceDescriptors;
  items: AdvancedCommerceSubscriptionCreateItem[];
  period: string;
  previousTransactionId?: string;
  storefront?: string;
  taxCode: string;
}
export interface AdvancedCommerceSubscriptionMigrateDescriptors extends AdvancedCommerceDescriptors {}
export interface AdvancedCommerceSubscriptionMigrateItem extends AbstractAdvancedCommerceItem {}
export interface AdvancedCommerceSubscriptionMigrateRenewalItem extends AbstractAdvancedCommerceItem {}
export interface AdvancedCommerceSubscriptionMigrateRequest extends AdvancedCommerceRequest {
  descriptors: AdvancedCommerceSubscriptionMigrateDescriptors;
  items: AdvancedCommerceSubscriptionMigrateItem[];
  renewalItems?: AdvancedCommerceSubscriptionMigrateRenewalItem[];
  storefront?: string;
  targetProductId: string;
  taxCode: string;
}
export interface AdvancedCommerceSubscriptionMigrateResponse extends AbstractAdvancedCommerceResponse {}
export interface AdvancedCommerceSubscriptionModifyAddItem extends AbstractAdvancedCommerceItem {
  offer?: AdvancedCommerceOffer;
  price: number;
  proratedPrice?: number;
}
export interface AdvancedCommerceSubscriptionModifyChangeItem extends AbstractAdvancedCommerceItem {
  currentSKU: string;
  effective: string;
  offer?: AdvancedCommerceOffer;
  price: number;
  proratedPrice?: number;
  reason: string;
}
export interface AdvancedCommerceSubscriptionModifyDescriptors {
  effective: string;
  description?: string;
  displayName?: string;
}
export interface AdvancedCommerceSubscriptionModifyInAppRequest extends AbstractAdvancedCommerceInAppRequest {
  operation: "MODIFY_SUBSCRIPTION";
  version: "1";
  addItems?: AdvancedCommerceSubscriptionModifyAddItem[];
  changeItems?: AdvancedCommerceSubscriptionModifyChangeItem[];
  currency?: string;
  descriptors?: AdvancedCommerceSubscriptionModifyDescriptors;
  periodChange?: AdvancedCommerceSubscriptionModifyPeriodChange;
  removeItems?: AdvancedCommerceSubscriptionModifyRemoveItem[];
  retainBillingCycle: boolean;
  storefront?: string;
  taxCode?: string;
  transactionId: string;
}
export interface AdvancedCommerceSubscriptionModifyPeriodChange {
  effective: string;
  period: string;
}
export interface AdvancedCommerceSubscriptionModifyRemoveItem extends AbstractAdvancedCommerceBaseItem {}
export interface AdvancedCommerceSubscriptionPriceChangeItem extends AbstractAdvancedCommerceBaseItem {
  price: number;
  dependentSKUs?: string[];
}
export interface AdvancedCommerceSubscriptionPriceChangeRequest extends AdvancedCommerceRequest {
  currency?: string;
  items: AdvancedCommerceSubscriptionPriceChangeItem[];
  storefront?: string;
}
export interface AdvancedCommerceSubscriptionPriceChangeResponse extends AbstractAdvancedCommerceResponse {}
export interface AdvancedCommerceSubscriptionReactivateInAppRequest extends AbstractAdvancedCommerceInAppRequest {
  operation: "REACTIVATE_SUBSCRIPTION";
  version: "1";
  items?: AdvancedCommerceSubscriptionReactivateItem[];
  storefront?: string;
  transactionId: string;
}
export interface AdvancedCommerceSubscriptionReactivateItem extends AbstractAdvancedCommerceBaseItem {}
export interface AdvancedCommerceSubscriptionRevokeRequest extends AdvancedCommerceRequest {
  refundReason: string;
  refundRiskingPreference: boolean;
  refundType: string;
  storefront?: string;
}
export interface AdvancedCommerceSubscriptionRevokeResponse extends AbstractAdvancedCommerceResponse {}
export interface AdvancedCommerceTransactionInfo {
  descriptors?: AdvancedCommerceDescriptors;
  estimatedTax?: number;
  items?: AdvancedCommerceTransactionItem[];
  period?: string;
  requestReferenceId?: string;
  taxCode?: string;
  taxExclusivePrice?: number;
  taxRate?: string;
}
export interface AdvancedCommerceTransactionItem {
  SKU?: string;
  description?: string;
  displayName?: string;
  offer?: AdvancedCommerceOffer;
  price?: number;
  refunds?: AdvancedCommerceRefund[];
  revocationDate?: number;
}
export interface AlternateProduct {
  messageIdentifier?: string;
  productId?: string;
  billingPlanType?: string;
}
/** Apple's name of the package's `NotificationAppData`. */
export type AppData = NotificationAppData;
export interface BulletPoint {
  text: string;
  imageIdentifier: string;
  altText: string;
}
/** Apple's name of the package's `NotificationData`. */
export type Data = NotificationData;
export interface DecodedSignedData {
  signedDate?: number;
}
export interface GetImageListResponseItem {
  imageIdentifier?: string;
  imageState?: string;
  imageSize?: string;
}
export interface GetMessageListResponseItem {
  messageIdentifier?: string;
  messageState?: string;
}
export interface Message {
  messageIdentifier?: string;
}
export interface NotificationHistoryResponseItem {
  signedPayload?: string;
  sendAttempts?: SendAttemptItem[];
}
export interface PerformanceTestResponseTimes {
  average: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}
export interface PromotionalOffer {
  messageIdentifier?: string;
  promotionalOfferSignatureV2?: string;
  promotionalOfferSignatureV1?: PromotionalOfferSignatureV1;
}
export interface PromotionalOfferSignatureV1 {
  encodedSignature: string;
  productId: string;
  nonce: string;
  timestamp: number;
  keyId: string;
  offerIdentifier: string;
  appAccountToken?: string;
}
export interface RealtimeRequestBody {
  signedPayload?: string;
}
export interface RealtimeResponseBody {
  message?: Message;
  alternateProduct?: AlternateProduct;
  promotionalOffer?: PromotionalOffer;
  advancedCommerceInfo?: AdvancedCommerceInfo;
}
export interface RenewalCommitmentInfo {
  commitmentAutoRenewProductId?: string;
  commitmentAutoRenewStatus?: number;
  commitmentRenewalBillingPlanType?: string;
  commitmentRenewalDate?: number;
  commitmentRenewalPrice?: number;
}
export interface ResponseBodyV2 {
  signedPayload?: string;
}
export interface SubscriptionGroupIdentifierItem {
  subscriptionGroupIdentifier?: string;
  lastTransactions?: LastTransactionsItem[];
}
/** Apple's name of the package's `NotificationSummary`. */
export type Summary = NotificationSummary;
export interface TransactionCommitmentInfo {
  billingPeriodNumber?: number;
  commitmentExpiresDate?: number;
  commitmentPrice?: number;
  totalBillingPeriods?: number;
}
export interface UploadMessageImage {
  imageIdentifier: string;
  altText: string;
}
