//! The decoded payloads of Apple's signed data, named and shaped as in Apple's
//! `app-store-server-library` (store-formats §3.3.3–3.3.5).
//!
//! Every field is optional (old payloads lack newer fields). Enumerations are open: a value this
//! version does not know decodes as `Unknown(raw)` and serializes back unchanged. Times are epoch
//! milliseconds as `f64`, because Xcode writes fractional and negative ones. Ids are strings, as
//! Apple sends them. Fields this version does not know are kept in `other` and serialized back,
//! so a JS caller sees every field Apple signed.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub(crate) use crate::model_fields::Kind;
use crate::model_fields::model;
use crate::open_enum::open_enum;


open_enum! {
    /// Where the data comes from (`Environment` in Apple's library).
    Environment: str {
        /// `Sandbox`
        Sandbox = "Sandbox",
        /// `Production`
        Production = "Production",
        /// `Xcode` (StoreKit testing in Xcode; signed by a local self-signed certificate)
        Xcode = "Xcode",
        /// `LocalTesting`
        LocalTesting = "LocalTesting",
    }
}

impl Environment {
    /// Whether data of this environment is signed by a local test certificate, not Apple.
    pub fn is_local_test(&self) -> bool {
        matches!(self, Environment::Xcode | Environment::LocalTesting)
    }
}

open_enum! {
    /// `type` of a transaction.
    ProductType: str {
        /// `Auto-Renewable Subscription`
        AutoRenewableSubscription = "Auto-Renewable Subscription",
        /// `Non-Consumable`
        NonConsumable = "Non-Consumable",
        /// `Consumable`
        Consumable = "Consumable",
        /// `Non-Renewing Subscription`
        NonRenewingSubscription = "Non-Renewing Subscription",
    }
}

open_enum! {
    /// `inAppOwnershipType`.
    InAppOwnershipType: str as "InAppOwnershipType" {
        /// `PURCHASED`
        Purchased = "PURCHASED",
        /// `FAMILY_SHARED`
        FamilyShared = "FAMILY_SHARED",
    }
}

open_enum! {
    /// `transactionReason`.
    TransactionReason: str as "TransactionReason" {
        /// `PURCHASE`
        Purchase = "PURCHASE",
        /// `RENEWAL`
        Renewal = "RENEWAL",
    }
}

open_enum! {
    /// `offerDiscountType`.
    OfferDiscountType: str as "OfferDiscountType" {
        /// `FREE_TRIAL`
        FreeTrial = "FREE_TRIAL",
        /// `PAY_AS_YOU_GO`
        PayAsYouGo = "PAY_AS_YOU_GO",
        /// `PAY_UP_FRONT`
        PayUpFront = "PAY_UP_FRONT",
        /// `ONE_TIME`
        OneTime = "ONE_TIME",
    }
}

open_enum! {
    /// `revocationType`.
    RevocationType: str as "RevocationType" {
        /// `REFUND_FULL`
        RefundFull = "REFUND_FULL",
        /// `REFUND_PRORATED`
        RefundProrated = "REFUND_PRORATED",
        /// `FAMILY_REVOKE`
        FamilyRevoke = "FAMILY_REVOKE",
    }
}

open_enum! {
    /// `revocationReason`.
    RevocationReason: int {
        /// 0: other
        Other = 0,
        /// 1: refunded due to an issue in the app
        RefundedDueToIssue = 1,
    }
}

open_enum! {
    /// `offerType`.
    OfferType: int {
        /// 1
        IntroductoryOffer = 1,
        /// 2
        PromotionalOffer = 2,
        /// 3
        SubscriptionOfferCode = 3,
        /// 4
        WinBackOffer = 4,
    }
}

open_enum! {
    /// `expirationIntent`.
    ExpirationIntent: int {
        /// 1
        CustomerCancelled = 1,
        /// 2
        BillingError = 2,
        /// 3
        CustomerDidNotConsentToPriceIncrease = 3,
        /// 4
        ProductNotAvailable = 4,
        /// 5
        Other = 5,
    }
}

open_enum! {
    /// `autoRenewStatus`.
    AutoRenewStatus: int {
        /// 0
        Off = 0,
        /// 1
        On = 1,
    }
}

open_enum! {
    /// `priceIncreaseStatus`.
    PriceIncreaseStatus: int {
        /// 0
        CustomerHasNotResponded = 0,
        /// 1
        CustomerConsentedOrWasNotifiedWithoutNeedingConsent = 1,
    }
}

open_enum! {
    /// `status` of a subscription in a notification's `data`.
    Status: int {
        /// 1
        Active = 1,
        /// 2
        Expired = 2,
        /// 3
        BillingRetry = 3,
        /// 4
        BillingGracePeriod = 4,
        /// 5
        Revoked = 5,
    }
}

open_enum! {
    /// `consumptionRequestReason`.
    ConsumptionRequestReason: str as "ConsumptionRequestReason" {
        /// `UNINTENDED_PURCHASE`
        UnintendedPurchase = "UNINTENDED_PURCHASE",
        /// `FULFILLMENT_ISSUE`
        FulfillmentIssue = "FULFILLMENT_ISSUE",
        /// `UNSATISFIED_WITH_PURCHASE`
        UnsatisfiedWithPurchase = "UNSATISFIED_WITH_PURCHASE",
        /// `LEGAL`
        Legal = "LEGAL",
        /// `OTHER`
        Other = "OTHER",
    }
}

open_enum! {
    /// `notificationType` (App Store Server Notifications V2).
    NotificationTypeV2: str as "NotificationTypeV2" {
        /// `SUBSCRIBED`
        Subscribed = "SUBSCRIBED",
        /// `DID_CHANGE_RENEWAL_PREF`
        DidChangeRenewalPref = "DID_CHANGE_RENEWAL_PREF",
        /// `DID_CHANGE_RENEWAL_STATUS`
        DidChangeRenewalStatus = "DID_CHANGE_RENEWAL_STATUS",
        /// `OFFER_REDEEMED`
        OfferRedeemed = "OFFER_REDEEMED",
        /// `DID_RENEW`
        DidRenew = "DID_RENEW",
        /// `EXPIRED`
        Expired = "EXPIRED",
        /// `DID_FAIL_TO_RENEW`
        DidFailToRenew = "DID_FAIL_TO_RENEW",
        /// `GRACE_PERIOD_EXPIRED`
        GracePeriodExpired = "GRACE_PERIOD_EXPIRED",
        /// `PRICE_INCREASE`
        PriceIncrease = "PRICE_INCREASE",
        /// `REFUND`
        Refund = "REFUND",
        /// `REFUND_DECLINED`
        RefundDeclined = "REFUND_DECLINED",
        /// `CONSUMPTION_REQUEST`
        ConsumptionRequest = "CONSUMPTION_REQUEST",
        /// `RENEWAL_EXTENDED`
        RenewalExtended = "RENEWAL_EXTENDED",
        /// `REVOKE`
        Revoke = "REVOKE",
        /// `TEST`
        Test = "TEST",
        /// `RENEWAL_EXTENSION`
        RenewalExtension = "RENEWAL_EXTENSION",
        /// `REFUND_REVERSED`
        RefundReversed = "REFUND_REVERSED",
        /// `EXTERNAL_PURCHASE_TOKEN`
        ExternalPurchaseToken = "EXTERNAL_PURCHASE_TOKEN",
        /// `ONE_TIME_CHARGE`
        OneTimeCharge = "ONE_TIME_CHARGE",
        /// `RESCIND_CONSENT`
        RescindConsent = "RESCIND_CONSENT",
        /// `METADATA_UPDATE`
        MetadataUpdate = "METADATA_UPDATE",
        /// `MIGRATION`
        Migration = "MIGRATION",
        /// `PRICE_CHANGE`
        PriceChange = "PRICE_CHANGE",
    }
}

open_enum! {
    /// `subtype` (App Store Server Notifications V2).
    Subtype: str as "Subtype" {
        /// `INITIAL_BUY`
        InitialBuy = "INITIAL_BUY",
        /// `RESUBSCRIBE`
        Resubscribe = "RESUBSCRIBE",
        /// `DOWNGRADE`
        Downgrade = "DOWNGRADE",
        /// `UPGRADE`
        Upgrade = "UPGRADE",
        /// `AUTO_RENEW_ENABLED`
        AutoRenewEnabled = "AUTO_RENEW_ENABLED",
        /// `AUTO_RENEW_DISABLED`
        AutoRenewDisabled = "AUTO_RENEW_DISABLED",
        /// `VOLUNTARY`
        Voluntary = "VOLUNTARY",
        /// `BILLING_RETRY`
        BillingRetry = "BILLING_RETRY",
        /// `PRICE_INCREASE`
        PriceIncrease = "PRICE_INCREASE",
        /// `GRACE_PERIOD`
        GracePeriod = "GRACE_PERIOD",
        /// `PENDING`
        Pending = "PENDING",
        /// `ACCEPTED`
        Accepted = "ACCEPTED",
        /// `BILLING_RECOVERY`
        BillingRecovery = "BILLING_RECOVERY",
        /// `PRODUCT_NOT_FOR_SALE`
        ProductNotForSale = "PRODUCT_NOT_FOR_SALE",
        /// `SUMMARY`
        Summary = "SUMMARY",
        /// `FAILURE`
        Failure = "FAILURE",
        /// `UNREPORTED`
        Unreported = "UNREPORTED",
    }
}

model! {
    /// A StoreKit 2 / App Store Server API transaction (`JWSTransactionDecodedPayload`).
    #[cfg_attr(feature = "typescript", ts(rename = "JWSTransactionDecodedPayload"))]
    JwsTransactionDecodedPayload {
        /// Original transaction id.
        original_transaction_id "originalTransactionId": String,
        /// Transaction id.
        transaction_id "transactionId": String,
        /// Web order line item id.
        web_order_line_item_id "webOrderLineItemId": String,
        /// Bundle id.
        bundle_id "bundleId": String,
        /// Product id.
        product_id "productId": String,
        /// Subscription group id.
        subscription_group_identifier "subscriptionGroupIdentifier": String,
        /// Epoch ms.
        purchase_date "purchaseDate": f64,
        /// Epoch ms.
        original_purchase_date "originalPurchaseDate": f64,
        /// Epoch ms.
        expires_date "expiresDate": f64,
        /// Quantity.
        quantity "quantity": i64,
        /// Product type.
        r#type "type": ProductType,
        /// The app's account token (a UUID).
        app_account_token "appAccountToken": String,
        /// Ownership.
        in_app_ownership_type "inAppOwnershipType": InAppOwnershipType,
        /// Epoch ms when Apple signed it.
        signed_date "signedDate": f64,
        /// Why it was revoked.
        revocation_reason "revocationReason": RevocationReason,
        /// Epoch ms.
        revocation_date "revocationDate": f64,
        /// Whether a higher subscription replaced it.
        is_upgraded "isUpgraded": bool,
        /// Offer type.
        offer_type "offerType": OfferType,
        /// Offer id.
        offer_identifier "offerIdentifier": String,
        /// Environment.
        environment "environment": Environment,
        /// ISO 3166-1 alpha-3 storefront.
        storefront "storefront": String,
        /// Storefront id.
        storefront_id "storefrontId": String,
        /// Purchase or renewal.
        transaction_reason "transactionReason": TransactionReason,
        /// ISO 4217 currency.
        currency "currency": String,
        /// Price in milliunits.
        price "price": i64,
        /// Offer discount type.
        offer_discount_type "offerDiscountType": OfferDiscountType,
        /// App transaction id.
        app_transaction_id "appTransactionId": String,
        /// ISO 8601 offer period.
        offer_period "offerPeriod": String,
        /// Revocation type.
        revocation_type "revocationType": RevocationType,
        /// Revocation percentage (milli-percent).
        revocation_percentage "revocationPercentage": i64,
        /// Advanced Commerce API data, as sent.
        advanced_commerce_info "advancedCommerceInfo": Value,
        /// Billing plan type, as sent.
        billing_plan_type "billingPlanType": String,
        /// Commitment info, as sent.
        commitment_info "commitmentInfo": Value,
    }
}

model! {
    /// Subscription renewal info (`JWSRenewalInfoDecodedPayload`). It has no bundle id.
    #[cfg_attr(feature = "typescript", ts(rename = "JWSRenewalInfoDecodedPayload"))]
    JwsRenewalInfoDecodedPayload {
        /// Why the subscription expired.
        expiration_intent "expirationIntent": ExpirationIntent,
        /// Original transaction id.
        original_transaction_id "originalTransactionId": String,
        /// The product that renews next.
        auto_renew_product_id "autoRenewProductId": String,
        /// Product id.
        product_id "productId": String,
        /// Auto-renew on or off.
        auto_renew_status "autoRenewStatus": AutoRenewStatus,
        /// Whether Apple is retrying billing.
        is_in_billing_retry_period "isInBillingRetryPeriod": bool,
        /// Price increase consent.
        price_increase_status "priceIncreaseStatus": PriceIncreaseStatus,
        /// Epoch ms.
        grace_period_expires_date "gracePeriodExpiresDate": f64,
        /// Offer type.
        offer_type "offerType": OfferType,
        /// Offer id.
        offer_identifier "offerIdentifier": String,
        /// Epoch ms when Apple signed it.
        signed_date "signedDate": f64,
        /// Environment.
        environment "environment": Environment,
        /// Epoch ms.
        recent_subscription_start_date "recentSubscriptionStartDate": f64,
        /// Epoch ms.
        renewal_date "renewalDate": f64,
        /// ISO 4217 currency.
        currency "currency": String,
        /// Renewal price in milliunits.
        renewal_price "renewalPrice": i64,
        /// Offer discount type.
        offer_discount_type "offerDiscountType": OfferDiscountType,
        /// Win-back offer ids.
        eligible_win_back_offer_ids "eligibleWinBackOfferIds": Vec<String>,
        /// The app's account token.
        app_account_token "appAccountToken": String,
        /// App transaction id.
        app_transaction_id "appTransactionId": String,
        /// ISO 8601 offer period.
        offer_period "offerPeriod": String,
        /// Advanced Commerce API data, as sent.
        advanced_commerce_info "advancedCommerceInfo": Value,
        /// Commitment info, as sent.
        commitment_info "commitmentInfo": Value,
        /// Renewal billing plan type, as sent.
        renewal_billing_plan_type "renewalBillingPlanType": String,
    }
}

model! {
    /// The app transaction (`AppTransaction`).
    AppTransaction {
        /// The environment, as `receiptType`.
        receipt_type "receiptType": Environment,
        /// App Apple id.
        app_apple_id "appAppleId": i64,
        /// Bundle id.
        bundle_id "bundleId": String,
        /// App version.
        application_version "applicationVersion": String,
        /// Version external identifier.
        version_external_identifier "versionExternalIdentifier": i64,
        /// Epoch ms (the effective date for verification).
        receipt_creation_date "receiptCreationDate": f64,
        /// Epoch ms (Xcode writes year 1: negative).
        original_purchase_date "originalPurchaseDate": f64,
        /// Original app version.
        original_application_version "originalApplicationVersion": String,
        /// Device verification value (base64).
        device_verification "deviceVerification": String,
        /// Device verification nonce (UUID).
        device_verification_nonce "deviceVerificationNonce": String,
        /// Epoch ms.
        preorder_date "preorderDate": f64,
        /// App transaction id.
        app_transaction_id "appTransactionId": String,
        /// Original platform.
        original_platform "originalPlatform": String,
        /// Epoch ms when Apple signed it, when present.
        signed_date "signedDate": f64,
    }
}

model! {
    /// A notification's `data`.
    NotificationData {
        /// Environment.
        environment "environment": Environment,
        /// App Apple id.
        app_apple_id "appAppleId": i64,
        /// Bundle id.
        bundle_id "bundleId": String,
        /// Bundle version.
        bundle_version "bundleVersion": String,
        /// The nested transaction JWS, as sent.
        signed_transaction_info "signedTransactionInfo": String,
        /// The nested renewal info JWS, as sent.
        signed_renewal_info "signedRenewalInfo": String,
        /// Subscription status.
        status "status": Status,
        /// Consumption request reason.
        consumption_request_reason "consumptionRequestReason": ConsumptionRequestReason,
        /// `signedTransactionInfo`, verified and decoded (added by this library).
        #[serde(skip_deserializing)]
        decoded_transaction_info "decodedTransactionInfo": JwsTransactionDecodedPayload = Kind::Added,
        /// `signedRenewalInfo`, verified and decoded (added by this library).
        #[serde(skip_deserializing)]
        decoded_renewal_info "decodedRenewalInfo": JwsRenewalInfoDecodedPayload = Kind::Added,
    }
}

model! {
    /// A notification's `summary` (renewal date extension results).
    #[cfg_attr(feature = "typescript", ts(rename = "NotificationSummary"))]
    Summary {
        /// Environment.
        environment "environment": Environment,
        /// App Apple id.
        app_apple_id "appAppleId": i64,
        /// Bundle id.
        bundle_id "bundleId": String,
        /// Product id.
        product_id "productId": String,
        /// Request id.
        request_identifier "requestIdentifier": String,
        /// Storefront country codes.
        storefront_country_codes "storefrontCountryCodes": Vec<String>,
        /// Count of extended subscriptions.
        succeeded_count "succeededCount": i64,
        /// Count of failures.
        failed_count "failedCount": i64,
    }
}

model! {
    /// A notification's `externalPurchaseToken`.
    ExternalPurchaseToken {
        /// External purchase id (starts with `SANDBOX` in the sandbox).
        external_purchase_id "externalPurchaseId": String,
        /// Epoch ms.
        token_creation_date "tokenCreationDate": f64,
        /// App Apple id.
        app_apple_id "appAppleId": i64,
        /// Bundle id.
        bundle_id "bundleId": String,
    }
}

model! {
    /// A notification's `appData`.
    #[cfg_attr(feature = "typescript", ts(rename = "NotificationAppData"))]
    AppData {
        /// App Apple id.
        app_apple_id "appAppleId": i64,
        /// Bundle id.
        bundle_id "bundleId": String,
        /// Environment.
        environment "environment": Environment,
        /// The nested app transaction JWS, as sent.
        signed_app_transaction_info "signedAppTransactionInfo": String,
        /// `signedAppTransactionInfo`, verified and decoded (added by this library).
        #[serde(skip_deserializing)]
        decoded_app_transaction_info "decodedAppTransactionInfo": AppTransaction = Kind::Added,
    }
}

model! {
    /// An App Store Server Notification V2 (`ResponseBodyV2DecodedPayload`).
    ResponseBodyV2DecodedPayload {
        /// Notification type.
        notification_type "notificationType": NotificationTypeV2,
        /// Subtype.
        subtype "subtype": Subtype,
        /// Notification id.
        notification_uuid "notificationUUID": String,
        /// Subscription/purchase data.
        data "data": NotificationData,
        /// Version (`2.0`).
        version "version": String,
        /// Epoch ms when Apple signed it (absent in early 2022 notifications).
        signed_date "signedDate": f64,
        /// Renewal extension summary.
        summary "summary": Summary,
        /// External purchase token.
        external_purchase_token "externalPurchaseToken": ExternalPurchaseToken,
        /// App data.
        app_data "appData": AppData,
    }
}

/// A Retention Messaging API real-time request (`DecodedRealtimeRequestBody`). It has no bundle
/// id. Kept as the JSON object Apple signed (every field, known or not), read through typed
/// accessors; the fields Apple's library validates must have their types
/// ([`Self::check_types`], else `MALFORMED_INPUT`, as Apple's validator fails). A map rather than
/// a serde struct because it is smaller in WebAssembly, where every derived model costs kilobytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DecodedRealtimeRequestBody(pub Map<String, Value>);

impl DecodedRealtimeRequestBody {
    /// The fields of Apple's model and their JSON types.
    const FIELDS: [(&'static str, &'static str); 7] = [
        ("originalTransactionId", "string"),
        ("appAppleId", "integer"),
        ("productId", "string"),
        ("userLocale", "string"),
        ("requestIdentifier", "string"),
        ("signedDate", "number"),
        ("environment", "string"),
    ];

    fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// The subscription's original transaction id.
    pub fn original_transaction_id(&self) -> Option<&str> {
        self.text("originalTransactionId")
    }
    /// App Apple id.
    pub fn app_apple_id(&self) -> Option<i64> {
        self.0.get("appAppleId").and_then(Value::as_i64)
    }
    /// The subscription's product id.
    pub fn product_id(&self) -> Option<&str> {
        self.text("productId")
    }
    /// The device's locale (`en-US`).
    pub fn user_locale(&self) -> Option<&str> {
        self.text("userLocale")
    }
    /// A UUID per request.
    pub fn request_identifier(&self) -> Option<&str> {
        self.text("requestIdentifier")
    }
    /// Epoch ms when Apple signed it.
    pub fn signed_date(&self) -> Option<f64> {
        self.0.get("signedDate").and_then(Value::as_f64)
    }
    /// Environment.
    pub fn environment(&self) -> Option<Environment> {
        self.text("environment").map(Environment::from_wire)
    }

    /// `MALFORMED_INPUT` when a field of Apple's model is present with another JSON type.
    pub fn check_types(&self) -> crate::error::Result<()> {
        for (name, kind) in Self::FIELDS {
            let ok = match (self.0.get(name), kind) {
                (None, _) => true,
                (Some(v), "string") => v.is_string(),
                (Some(v), "integer") => v.is_i64() || v.is_u64(),
                (Some(v), _) => v.is_number(),
            };
            if !ok {
                return Err(crate::error::Error::malformed("JWS payload", format!("{name} is not a {kind}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        let t: JwsTransactionDecodedPayload = serde_json::from_str(
            r#"{"type":"Consumable","environment":"Moon","offerType":9,"purchaseDate":-1.5,"newField":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(t.r#type, Some(ProductType::Consumable));
        assert_eq!(t.environment, Some(Environment::Unknown("Moon".into())));
        assert_eq!(t.offer_type, Some(OfferType::Unknown(9)));
        assert_eq!(t.purchase_date, Some(-1.5));
        let back = serde_json::to_value(&t).unwrap();
        assert_eq!(back["environment"], "Moon");
        assert_eq!(back["offerType"], 9);
        assert_eq!(back["newField"]["a"], 1);
        assert!(back.get("bundleId").is_none());
    }

    #[test]
    fn notification_uuid_keeps_apples_spelling() {
        let n: ResponseBodyV2DecodedPayload =
            serde_json::from_str(r#"{"notificationType":"TEST","notificationUUID":"x","subtype":"NEW_ONE"}"#).unwrap();
        assert_eq!(n.notification_uuid.as_deref(), Some("x"));
        assert_eq!(n.subtype, Some(Subtype::Unknown("NEW_ONE".into())));
        let v = serde_json::to_value(&n).unwrap();
        assert_eq!(v["notificationUUID"], "x");
        assert!(v.get("other").is_none());
    }
}
