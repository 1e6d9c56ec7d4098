// Field names each store documents for each kind (top level). Anything else in a decoded value is
// shown with an "unknown field" tag: the package keeps fields it does not know, as sent.
const set = (s) => new Set(s.split(/\s+/).filter(Boolean));

const APPLE_TX = `originalTransactionId transactionId webOrderLineItemId bundleId productId subscriptionGroupIdentifier
  purchaseDate originalPurchaseDate expiresDate quantity type appAccountToken inAppOwnershipType signedDate
  revocationReason revocationDate isUpgraded offerType offerIdentifier environment storefront storefrontId
  transactionReason currency price offerDiscountType appTransactionId offerPeriod deviceVerification
  deviceVerificationNonce testData`;

export const KNOWN_FIELDS = {
  'google-purchase': set(`orderId packageName productId productIds purchaseTime purchaseState purchaseToken quantity
    autoRenewing acknowledged developerPayload obfuscatedAccountId obfuscatedProfileId`),
  'onestore-purchase': set(`orderId packageName productId purchaseTime purchaseId purchaseToken developerPayload
    purchaseState recurringState quantity acknowledgeState billingKey`),
  'apple-transaction': set(APPLE_TX),
  'apple-renewal-info': set(`expirationIntent originalTransactionId autoRenewProductId productId autoRenewStatus
    isInBillingRetryPeriod priceIncreaseStatus gracePeriodExpiresDate offerType offerIdentifier signedDate environment
    recentSubscriptionStartDate renewalDate currency renewalPrice offerDiscountType eligibleWinBackOfferIds
    appAccountToken appTransactionId offerPeriod testData`),
  'apple-app-transaction': set(`receiptType appAppleId bundleId applicationVersion versionExternalIdentifier
    receiptCreationDate originalPurchaseDate originalApplicationVersion deviceVerification deviceVerificationNonce
    preorderDate appTransactionId originalPlatform signedDate testData`),
  'apple-notification': set('notificationType subtype notificationUUID data version signedDate summary externalPurchaseToken appData testData'),
  'apple-receipt': set(`receiptType appItemId bundleId applicationVersion opaqueValue sha1Hash transactionDate
    fulfillmentToolVersion ageRating developerId receiptCreationDate downloadId inApp originalPurchaseDate
    originalApplicationVersion expirationDate unknownAttributes`),
};
