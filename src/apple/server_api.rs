//! The App Store Server API, sans-I/O: documented on [`AppStoreServerApi`].

use std::cell::RefCell;

use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Map, Value};

use super::jws::SignedKind;
use super::{Environment, SignedDataVerifier};
use crate::endpoint::{normalize_base_url, open_store_answer, require, Args, Endpoint, Headers, HttpResponse, Kind, Method, Param, ServerApi};
use crate::clean_text::upstream_text;
use crate::error::{Error, Result, StoreApiError};

/// Production host (Apple moved the API here from `api.storekit.itunes.apple.com` on 2026-05-05;
/// Apple's library 3.1.0 uses it too).
pub(crate) const PRODUCTION_URL: &str = "https://api.storekit.apple.com";
/// Sandbox host (formerly `api.storekit-sandbox.itunes.apple.com`).
pub(crate) const SANDBOX_URL: &str = "https://api.storekit-sandbox.apple.com";
/// What Apple's library uses for `LocalTesting` (a placeholder; pass `baseUrl`).
pub(crate) const LOCAL_TESTING_URL: &str = "https://local-testing-base-url";
/// How long a bearer token is valid (Apple refuses more than an hour).
pub(crate) const TOKEN_LIFETIME_S: i64 = 20 * 60;
/// A token this close to its end is replaced.
pub(crate) const TOKEN_RENEW_BEFORE_S: i64 = 60;
/// Apple's audience claim.
pub(crate) const AUDIENCE: &str = "appstoreconnect-v1";

/// `what` in errors about an answer.
const RESPONSE: &str = "App Store Server API response";

/// Apple's `errorCode`s and the names Apple's library gives them (facts from Apple's
/// documentation, "Error codes", and `APIError` of `@apple/app-store-server-library` 3.1.0).
const ERROR_NAMES: &[(i64, &str)] = &[
    (4_000_000, "GENERAL_BAD_REQUEST"),
    (4_000_002, "INVALID_APP_IDENTIFIER"),
    (4_000_005, "INVALID_REQUEST_REVISION"),
    (4_000_006, "INVALID_TRANSACTION_ID"),
    (4_000_008, "INVALID_ORIGINAL_TRANSACTION_ID"),
    (4_000_009, "INVALID_EXTEND_BY_DAYS"),
    (4_000_010, "INVALID_EXTEND_REASON_CODE"),
    (4_000_011, "INVALID_REQUEST_IDENTIFIER"),
    (4_000_012, "START_DATE_TOO_FAR_IN_PAST"),
    (4_000_013, "START_DATE_AFTER_END_DATE"),
    (4_000_014, "INVALID_PAGINATION_TOKEN"),
    (4_000_015, "INVALID_START_DATE"),
    (4_000_016, "INVALID_END_DATE"),
    (4_000_017, "PAGINATION_TOKEN_EXPIRED"),
    (4_000_018, "INVALID_NOTIFICATION_TYPE"),
    (4_000_019, "MULTIPLE_FILTERS_SUPPLIED"),
    (4_000_020, "INVALID_TEST_NOTIFICATION_TOKEN"),
    (4_000_021, "INVALID_SORT"),
    (4_000_022, "INVALID_PRODUCT_TYPE"),
    (4_000_023, "INVALID_PRODUCT_ID"),
    (4_000_024, "INVALID_SUBSCRIPTION_GROUP_IDENTIFIER"),
    (4_000_025, "INVALID_EXCLUDE_REVOKED"),
    (4_000_026, "INVALID_IN_APP_OWNERSHIP_TYPE"),
    (4_000_027, "INVALID_EMPTY_STOREFRONT_COUNTRY_CODE_LIST"),
    (4_000_028, "INVALID_STOREFRONT_COUNTRY_CODE"),
    (4_000_030, "INVALID_REVOKED"),
    (4_000_031, "INVALID_STATUS"),
    (4_000_032, "INVALID_ACCOUNT_TENURE"),
    (4_000_033, "INVALID_APP_ACCOUNT_TOKEN"),
    (4_000_034, "INVALID_CONSUMPTION_STATUS"),
    (4_000_035, "INVALID_CUSTOMER_CONSENTED"),
    (4_000_036, "INVALID_DELIVERY_STATUS"),
    (4_000_037, "INVALID_LIFETIME_DOLLARS_PURCHASED"),
    (4_000_038, "INVALID_LIFETIME_DOLLARS_REFUNDED"),
    (4_000_039, "INVALID_PLATFORM"),
    (4_000_040, "INVALID_PLAY_TIME"),
    (4_000_041, "INVALID_SAMPLE_CONTENT_PROVIDED"),
    (4_000_042, "INVALID_USER_STATUS"),
    (4_000_043, "INVALID_TRANSACTION_NOT_CONSUMABLE"),
    (4_000_047, "INVALID_TRANSACTION_TYPE_NOT_SUPPORTED"),
    (4_000_048, "APP_TRANSACTION_ID_NOT_SUPPORTED_ERROR"),
    (4_000_161, "INVALID_IMAGE"),
    (4_000_162, "HEADER_TOO_LONG"),
    (4_000_163, "BODY_TOO_LONG"),
    (4_000_164, "INVALID_LOCALE"),
    (4_000_175, "ALT_TEXT_TOO_LONG"),
    (4_000_183, "INVALID_APP_ACCOUNT_TOKEN_UUID_ERROR"),
    (4_000_185, "FAMILY_TRANSACTION_NOT_SUPPORTED_ERROR"),
    (4_000_187, "TRANSACTION_ID_IS_NOT_ORIGINAL_TRANSACTION_ID_ERROR"),
    (4_000_211, "INVALID_PERFORMANCE_TEST_REQUEST"),
    (4_000_212, "INVALID_REQUEST_ID"),
    (4_000_213, "EXISTING_PERFORMANCE_TEST_RUN"),
    (4_000_215, "BAD_REQUEST_REALTIME_URL"),
    (4_000_216, "BAD_REQUEST_IMAGE_SIZE"),
    (4_000_218, "BAD_REQUEST_TOO_MANY_BULLET_POINTS"),
    (4_000_219, "BAD_REQUEST_BULLET_POINT_TEXT_TOO_LONG"),
    (4_000_224, "BAD_REQUEST_ABOVE_IMAGE_REQUIRES_AN_IMAGE"),
    (4_030_004, "SUBSCRIPTION_EXTENSION_INELIGIBLE"),
    (4_030_005, "SUBSCRIPTION_MAX_EXTENSION"),
    (4_030_007, "FAMILY_SHARED_SUBSCRIPTION_EXTENSION_INELIGIBLE"),
    (4_030_014, "MAXIMUM_NUMBER_OF_IMAGES_REACHED"),
    (4_030_016, "MAXIMUM_NUMBER_OF_MESSAGES_REACHED"),
    (4_030_017, "MESSAGE_NOT_APPROVED"),
    (4_030_018, "IMAGE_NOT_APPROVED"),
    (4_030_019, "IMAGE_IN_USE"),
    (4_030_026, "FORBIDDEN_NO_PASSING_TEST"),
    (4_040_001, "ACCOUNT_NOT_FOUND"),
    (4_040_002, "ACCOUNT_NOT_FOUND_RETRYABLE"),
    (4_040_003, "APP_NOT_FOUND"),
    (4_040_004, "APP_NOT_FOUND_RETRYABLE"),
    (4_040_005, "ORIGINAL_TRANSACTION_ID_NOT_FOUND"),
    (4_040_006, "ORIGINAL_TRANSACTION_ID_NOT_FOUND_RETRYABLE"),
    (4_040_007, "SERVER_NOTIFICATION_URL_NOT_FOUND"),
    (4_040_008, "TEST_NOTIFICATION_NOT_FOUND"),
    (4_040_009, "STATUS_REQUEST_NOT_FOUND"),
    (4_040_010, "TRANSACTION_ID_NOT_FOUND"),
    (4_040_014, "IMAGE_NOT_FOUND"),
    (4_040_015, "MESSAGE_NOT_FOUND"),
    (4_040_018, "PERFORMANCE_TEST_RUN_NOT_FOUND"),
    (4_040_019, "APP_TRANSACTION_DOES_NOT_EXIST_ERROR"),
    (4_040_020, "DEFAULT_MESSAGE_NOT_FOUND"),
    (4_040_021, "REALTIME_URL_NOT_FOUND"),
    (4_090_000, "IMAGE_ALREADY_EXISTS"),
    (4_090_001, "MESSAGE_ALREADY_EXISTS"),
    (4_290_000, "RATE_LIMIT_EXCEEDED"),
    (5_000_000, "GENERAL_INTERNAL"),
    (5_000_001, "GENERAL_INTERNAL_RETRYABLE"),
];

/// The name Apple's library gives `code`.
pub(crate) fn error_name(code: i64) -> Option<&'static str> {
    ERROR_NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The signed fields Apple's answers carry, and where their decoded payloads go.
const SIGNED_FIELDS: &[(&str, &str)] = &[
    ("signedTransactionInfo", "decodedTransactionInfo"),
    ("signedRenewalInfo", "decodedRenewalInfo"),
    ("signedTransactions", "decodedTransactions"),
    ("signedPayload", "decodedPayload"),
    ("signedAppTransactionInfo", "decodedAppTransactionInfo"),
];

// ---- the declarations ----

type Ep = Endpoint<AppStoreServerApi>;

const TRANSACTION_ID: Param = Param::path("transactionId", Kind::Str);
const ORIGINAL_TRANSACTION_ID: Param = Param::path("originalTransactionId", Kind::Str);
const REVISION: Param = Param::query("revision", Kind::Str);
const ONE_ID: &[Param] = &[TRANSACTION_ID];

/// The history filters: Apple's `TransactionHistoryRequest`, spread into the query.
const HISTORY: &[Param] = &[
    Param::path("version", Kind::Str).or("v1").one_of(&["v1", "v2"]),
    TRANSACTION_ID,
    REVISION,
    Param::query("startDate", Kind::Long),
    Param::query("endDate", Kind::Long),
    Param::query("productId", Kind::Strings).key("productIds"),
    Param::query("productType", Kind::Strings).key("productTypes"),
    Param::query("sort", Kind::Str),
    Param::query("subscriptionGroupIdentifier", Kind::Strings).key("subscriptionGroupIdentifiers"),
    Param::query("inAppOwnershipType", Kind::Str),
    Param::query("revoked", Kind::Bool),
];

const fn get(name: &'static str, path: &'static str) -> Ep {
    Endpoint::new(name, Method::Get, path, verified).read()
}

const fn put(name: &'static str, path: &'static str) -> Ep {
    Endpoint::new(name, Method::Put, path, verified)
}

const fn delete(name: &'static str, path: &'static str) -> Ep {
    Endpoint::new(name, Method::Delete, path, verified)
}

const MESSAGE_ID: Param = Param::path("messageIdentifier", Kind::Str);
const IMAGE_ID: Param = Param::path("imageIdentifier", Kind::Str);
const PRODUCT_ID: Param = Param::path("productId", Kind::Str);
const LOCALE: Param = Param::path("locale", Kind::Str);
const PRODUCT_LOCALE: &[Param] = &[PRODUCT_ID, LOCALE];

/// Every endpoint, with the method names of Apple's library.
pub(crate) const ENDPOINTS: &[&Ep] = &[
    &get("getTransactionInfo", "/inApps/v1/transactions/{transactionId}")
        .params(ONE_ID)
        .positional(&["transactionId"])
        .doc("Get Transaction Info: one transaction, verified and decoded.", "string", "TransactionInfoResponse"),
    &get("getTransactionHistory", "/inApps/{version}/history/{transactionId}")
        .params(HISTORY)
        .positional(&["transactionId", "revision", "...transactionHistoryRequest", "version"])
        .pages("revision")
        .doc("Get Transaction History (v1 or v2), one page; `revision` from the previous page.", "TransactionHistoryRequest", "HistoryResponse"),
    &get("getAllSubscriptionStatuses", "/inApps/v1/subscriptions/{transactionId}")
        .params(&[TRANSACTION_ID, Param::query("status", Kind::Longs)])
        .positional(&["transactionId", "status"])
        .doc("Get All Subscription Statuses of the subscription groups of a transaction.", "number[]", "StatusResponse"),
    &get("lookUpOrderId", "/inApps/v1/lookup/{orderId}")
        .params(&[Param::path("orderId", Kind::Str)])
        .positional(&["orderId"])
        .doc("Look Up Order ID: the transactions of the order id on the customer's receipt e-mail.", "string", "OrderLookupResponse"),
    &get("getRefundHistory", "/inApps/v2/refund/lookup/{transactionId}")
        .params(&[TRANSACTION_ID, REVISION])
        .positional(&["transactionId", "revision"])
        .pages("revision")
        .doc("Get Refund History, one page; `revision` from the previous page.", "string", "RefundHistoryResponse"),
    &put("sendConsumptionData", "/inApps/v1/transactions/consumption/{transactionId}")
        .params(&[TRANSACTION_ID, Param::whole("consumptionRequest")])
        .positional(&["transactionId", "consumptionRequest"])
        .doc("Send Consumption Information (v1) for a refund request. Sent once.", "ConsumptionRequestV1", "void"),
    &put("sendConsumptionInformation", "/inApps/v2/transactions/consumption/{transactionId}")
        .params(&[TRANSACTION_ID, Param::whole("consumptionRequest")])
        .positional(&["transactionId", "consumptionRequest"])
        .doc("Send Consumption Information (v2) for a refund request. Sent once.", "ConsumptionRequest", "void"),
    &put("extendSubscriptionRenewalDate", "/inApps/v1/subscriptions/extend/{originalTransactionId}")
        .params(&[ORIGINAL_TRANSACTION_ID, Param::whole("extendRenewalDateRequest")])
        .positional(&["originalTransactionId", "extendRenewalDateRequest"])
        .doc("Extend a Subscription Renewal Date. Sent once.", "ExtendRenewalDateRequest", "ExtendRenewalDateResponse"),
    &Endpoint::new("extendRenewalDateForAllActiveSubscribers", Method::Post, "/inApps/v1/subscriptions/extend/mass", verified)
        .params(&[Param::whole("massExtendRenewalDateRequest")])
        .positional(&["massExtendRenewalDateRequest"])
        .doc("Extend Subscription Renewal Dates for All Active Subscribers. Sent once.", "MassExtendRenewalDateRequest", "MassExtendRenewalDateResponse"),
    &get("getStatusOfSubscriptionRenewalDateExtensions", "/inApps/v1/subscriptions/extend/mass/{productId}/{requestIdentifier}")
        .params(&[Param::path("requestIdentifier", Kind::Str), Param::path("productId", Kind::Str)])
        .positional(&["requestIdentifier", "productId"])
        .doc("Get Status of Subscription Renewal Date Extensions.", "string", "MassExtendRenewalDateStatusResponse"),
    &Endpoint::new("getNotificationHistory", Method::Post, "/inApps/v1/notifications/history", verified)
        .params(&[Param::query("paginationToken", Kind::Str), Param::whole("notificationHistoryRequest")])
        .positional(&["paginationToken", "notificationHistoryRequest"])
        .pages("paginationToken")
        .read()
        .doc("Get Notification History, one page, each notification verified and decoded.", "NotificationHistoryRequest", "NotificationHistoryResponse"),
    &Endpoint::new("requestTestNotification", Method::Post, "/inApps/v1/notifications/test", verified)
        .doc("Request a Test Notification. Sent once.", "void", "SendTestNotificationResponse"),
    &get("getTestNotificationStatus", "/inApps/v1/notifications/test/{testNotificationToken}")
        .params(&[Param::path("testNotificationToken", Kind::Str)])
        .positional(&["testNotificationToken"])
        .doc("Get Test Notification Status, the notification verified and decoded.", "string", "CheckTestNotificationResponse"),
    &put("setAppAccountToken", "/inApps/v1/transactions/{originalTransactionId}/appAccountToken")
        .params(&[ORIGINAL_TRANSACTION_ID, Param::whole("updateAppAccountTokenRequest")])
        .positional(&["originalTransactionId", "updateAppAccountTokenRequest"])
        .doc("Set App Account Token of a purchase. Sent once.", "UpdateAppAccountTokenRequest", "void"),
    &get("getAppTransactionInfo", "/inApps/v1/transactions/appTransactions/{transactionId}")
        .params(ONE_ID)
        .positional(&["transactionId"])
        .doc("Get App Transaction Info, verified and decoded.", "string", "AppTransactionInfoResponse"),
    &Endpoint::new("finishTransaction", Method::Post, "/inApps/v1/transactions/{transactionId}/finish", verified)
        .params(ONE_ID)
        .positional(&["transactionId"])
        .doc("Finish Transaction: your system has finished processing it. Sent once.", "string", "void"),
    // Retention Messaging API (Apple's library 3.x names; paths from Apple's documentation).
    &put("uploadImage", "/inApps/v1/messaging/image/{imageIdentifier}")
        .params(&[IMAGE_ID, Param::raw("image", "image/png"), Param::query("imageSize", Kind::Str)])
        .positional(&["imageIdentifier", "image", "imageSize"])
        .doc("Upload Image (PNG bytes) for retention messages; the identifier is a lowercase UUID. Sent once.", "string", "void"),
    &delete("deleteImage", "/inApps/v1/messaging/image/{imageIdentifier}")
        .params(&[IMAGE_ID])
        .positional(&["imageIdentifier"])
        .doc("Delete Image. Sent once.", "string", "void"),
    &get("getImageList", "/inApps/v1/messaging/image/list").doc("Get Image List, with each image's review state.", "void", "GetImageListResponse"),
    &put("uploadMessage", "/inApps/v1/messaging/message/{messageIdentifier}")
        .params(&[MESSAGE_ID, Param::whole("uploadMessageRequestBody")])
        .positional(&["messageIdentifier", "uploadMessageRequestBody"])
        .doc("Upload Message (header, body, image); the identifier is a lowercase UUID. Sent once.", "UploadMessageRequestBody", "void"),
    &delete("deleteMessage", "/inApps/v1/messaging/message/{messageIdentifier}")
        .params(&[MESSAGE_ID])
        .positional(&["messageIdentifier"])
        .doc("Delete Message. Sent once.", "string", "void"),
    &get("getMessageList", "/inApps/v1/messaging/message/list").doc("Get Message List, with each message's review state.", "void", "GetMessageListResponse"),
    &put("configureDefaultMessage", "/inApps/v1/messaging/default/{productId}/{locale}")
        .params(&[PRODUCT_ID, LOCALE, Param::whole("defaultConfigurationRequest")])
        .positional(&["productId", "locale", "defaultConfigurationRequest"])
        .doc("Configure Default Message of a product in a locale. Sent once.", "DefaultConfigurationRequest", "void"),
    &delete("deleteDefaultMessage", "/inApps/v1/messaging/default/{productId}/{locale}")
        .params(PRODUCT_LOCALE)
        .positional(&["productId", "locale"])
        .doc("Delete Default Message. Sent once.", "string", "void"),
    &get("getDefaultMessage", "/inApps/v1/messaging/default/{productId}/{locale}")
        .params(PRODUCT_LOCALE)
        .positional(&["productId", "locale"])
        .doc("Get Default Message of a product in a locale.", "string", "DefaultConfigurationResponse"),
    &put("configureRealtimeURL", "/inApps/v1/messaging/realtime/url")
        .params(&[Param::whole("realtimeUrlRequest")])
        .positional(&["realtimeUrlRequest"])
        .doc("Configure Realtime URL: your Get Retention Message endpoint. Sent once.", "RealtimeUrlRequest", "void"),
    &delete("deleteRealtimeURL", "/inApps/v1/messaging/realtime/url").doc("Delete Realtime URL. Sent once.", "void", "void"),
    &get("getRealtimeURL", "/inApps/v1/messaging/realtime/url").doc("Get Realtime URL.", "void", "RealtimeUrlResponse"),
    &Endpoint::new("initiatePerformanceTest", Method::Post, "/inApps/v1/messaging/performanceTest", verified)
        .params(&[Param::whole("performanceTestRequest")])
        .positional(&["performanceTestRequest"])
        .doc("Initiate Performance Test of your Get Retention Message endpoint (sandbox). Sent once.", "PerformanceTestRequest", "PerformanceTestResponse"),
    &get("getPerformanceTestResults", "/inApps/v1/messaging/performanceTest/result/{requestId}")
        .params(&[Param::path("requestId", Kind::Str)])
        .positional(&["requestId"])
        .doc("Get Performance Test Results.", "string", "PerformanceTestResultResponse"),
    // Advanced Commerce API (paths from Apple's documentation; no official Node client has these
    // calls yet, so the method names are this package's). Same host and token as the rest.
    &advanced("cancelSubscription", "/advancedCommerce/v1/subscription/cancel/{transactionId}")
        .doc("Advanced Commerce: Cancel a Subscription (turn off its renewal). Sent once.", "AdvancedCommerceSubscriptionCancelRequest", "AdvancedCommerceSubscriptionCancelResponse"),
    &advanced("changeSubscriptionMetadata", "/advancedCommerce/v1/subscription/changeMetadata/{transactionId}")
        .doc("Advanced Commerce: Change Subscription Metadata (descriptors, items' SKU, name, description). Sent once.", "AdvancedCommerceSubscriptionChangeMetadataRequest", "AdvancedCommerceSubscriptionChangeMetadataResponse"),
    &advanced("changeSubscriptionPrice", "/advancedCommerce/v1/subscription/changePrice/{transactionId}")
        .doc("Advanced Commerce: Change Subscription Price. Sent once.", "AdvancedCommerceSubscriptionPriceChangeRequest", "AdvancedCommerceSubscriptionPriceChangeResponse"),
    &advanced("migrateSubscription", "/advancedCommerce/v1/subscription/migrate/{transactionId}")
        .doc("Advanced Commerce: Migrate a Subscription from In-App Purchase to Advanced Commerce. Sent once.", "AdvancedCommerceSubscriptionMigrateRequest", "AdvancedCommerceSubscriptionMigrateResponse"),
    &advanced("requestTransactionRefund", "/advancedCommerce/v1/transaction/requestRefund/{transactionId}")
        .doc("Advanced Commerce: Request Transaction Refund. Sent once.", "AdvancedCommerceRequestRefundRequest", "AdvancedCommerceRequestRefundResponse"),
    &advanced("revokeSubscription", "/advancedCommerce/v1/subscription/revoke/{transactionId}")
        .doc("Advanced Commerce: Revoke a Subscription (refund and end access). Sent once.", "AdvancedCommerceSubscriptionRevokeRequest", "AdvancedCommerceSubscriptionRevokeResponse"),
];

/// An Advanced Commerce call: `POST` of a caller-built request for a transaction; its signed
/// transaction and renewal info verified like every answer's.
const fn advanced(name: &'static str, path: &'static str) -> Ep {
    const PARAMS: &[Param] = &[TRANSACTION_ID, Param::whole("request")];
    Endpoint::new(name, Method::Post, path, verified).params(PARAMS).positional(&["transactionId", "request"])
}

// ---- the API ----

/// The App Store Server API for one app and key: builds requests (with the bearer token),
/// checks answers. No I/O.
///
/// The App Store Server API, sans-I/O: every endpoint of Apple's `AppStoreServerAPIClient` as a
/// declaration (see [`crate::endpoint`]), the ES256 bearer token Apple asks for, Apple's error bodies,
/// and the signed data in each answer verified before it is returned.
///
/// Auth (Apple, "Generating JSON Web Tokens for API requests"): header `alg: ES256`, `kid` (the
/// key id), `typ: JWT`; claims `iss` (issuer id), `iat`, `exp` (at most an hour later), `aud:
/// "appstoreconnect-v1"`, `bid` (bundle id). The key is the `.p8` file, PKCS#8 P-256, signed with
/// ring inside the module. A token lives 20 minutes and is reused until a minute before it
/// ends.
///
/// Answers: a 2xx body is JSON (or empty: `PUT` updates answer 202 with nothing). Every signed
/// field in it (`signedTransactionInfo`, `signedRenewalInfo`, `signedTransactions[]`,
/// `signedPayload`, `signedAppTransactionInfo`), at any depth, is verified with the client's
/// [`SignedDataVerifier`] and its decoded payload put beside it (`decodedTransactionInfo`, ...);
/// one that does not verify fails the whole answer. Errors are `API_ERROR` with Apple's
/// `errorCode` and its name; 429 carries `Retry-After`.
pub struct AppStoreServerApi {
    base_url: String,
    key: EcdsaKeyPair,
    key_id: String,
    issuer_id: String,
    bundle_id: String,
    verifier: SignedDataVerifier,
    /// The current token and when it expires (epoch seconds).
    token: RefCell<Option<(String, i64)>>,
}

impl std::fmt::Debug for AppStoreServerApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppStoreServerApi")
            .field("base_url", &self.base_url)
            .field("key", &"<redacted>")
            .field("key_id", &self.key_id)
            .field("issuer_id", &self.issuer_id)
            .field("bundle_id", &self.bundle_id)
            .finish_non_exhaustive()
    }
}

impl AppStoreServerApi {
    /// `signing_key` is the `.p8` file's text (PKCS#8 PEM, P-256) or its DER. `verifier` checks
    /// the signed data of every answer; its environment picks the default base URL (Xcode is
    /// refused: there is no server for it).
    pub fn new(
        signing_key: &[u8],
        key_id: &str,
        issuer_id: &str,
        bundle_id: &str,
        verifier: SignedDataVerifier,
        base_url: Option<&str>,
    ) -> Result<Self> {
        require("keyId", key_id)?;
        require("issuerId", issuer_id)?;
        require("bundleId", bundle_id)?;
        let default_url = match verifier.environment() {
            Environment::Production => PRODUCTION_URL,
            Environment::Sandbox => SANDBOX_URL,
            Environment::LocalTesting => LOCAL_TESTING_URL,
            other => {
                return Err(Error::invalid_argument(format!(
                    "environment {} has no App Store Server API (use Sandbox, Production or LocalTesting)",
                    other.as_str()
                )))
            }
        };
        let base_url = normalize_base_url(base_url.unwrap_or(default_url), false)?;
        let key = signing_key_pair(signing_key)?;
        Ok(Self {
            base_url,
            key,
            key_id: key_id.to_owned(),
            issuer_id: issuer_id.to_owned(),
            bundle_id: bundle_id.to_owned(),
            verifier,
            token: RefCell::new(None),
        })
    }

    /// The environment the answers are verified for.
    pub fn environment(&self) -> &Environment {
        self.verifier.environment()
    }

    /// The bearer token at `now_ms`: the cached one while it has more than a minute left, else a
    /// new one (valid for 20 minutes).
    pub fn bearer_token(&self, now_ms: i64) -> Result<String> {
        let now = now_ms.div_euclid(1000);
        if let Some((token, exp)) = self.token.borrow().as_ref() {
            if now + TOKEN_RENEW_BEFORE_S < *exp && now >= exp - TOKEN_LIFETIME_S {
                return Ok(token.clone());
            }
        }
        let exp = now + TOKEN_LIFETIME_S;
        let header = json!({ "alg": "ES256", "kid": self.key_id, "typ": "JWT" });
        let claims = json!({ "iss": self.issuer_id, "iat": now, "exp": exp, "aud": AUDIENCE, "bid": self.bundle_id });
        let token = sign_es256(&self.key, &header, &claims)?;
        *self.token.borrow_mut() = Some((token.clone(), exp));
        Ok(token)
    }

    /// Verifies every signed field of `value`, at any depth, and puts each decoded payload beside it.
    fn verify_signed(&self, value: &mut Value, now_ms: i64) -> Result<()> {
        match value {
            Value::Object(map) => {
                // A decoded field is ours to write: one that came with the answer (beside its
                // signed field, or without it) would read as verified when it is not.
                if let Some((_, out)) = SIGNED_FIELDS.iter().find(|(_, out)| map.contains_key(*out)) {
                    return Err(Error::malformed(RESPONSE, format!("the answer carries `{out}`, a field this package writes after verifying")));
                }
                let mut decoded = Map::new();
                for (signed, out) in SIGNED_FIELDS {
                    match map.get(*signed) {
                        None | Some(Value::Null) => {}
                        Some(Value::String(jws)) => {
                            decoded.insert((*out).to_owned(), self.decode(signed, jws, now_ms)?);
                        }
                        Some(Value::Array(list)) => {
                            let items = list
                                .iter()
                                .map(|v| match v {
                                    Value::String(jws) => self.decode(signed, jws, now_ms),
                                    _ => Err(Error::malformed(RESPONSE, format!("`{signed}` holds a non-string"))),
                                })
                                .collect::<Result<Vec<_>>>()?;
                            decoded.insert((*out).to_owned(), Value::Array(items));
                        }
                        Some(_) => return Err(Error::malformed(RESPONSE, format!("`{signed}` is not a string"))),
                    }
                }
                for v in map.values_mut() {
                    self.verify_signed(v, now_ms)?;
                }
                map.extend(decoded);
                Ok(())
            }
            Value::Array(items) => items.iter_mut().try_for_each(|v| self.verify_signed(v, now_ms)),
            _ => Ok(()),
        }
    }

    fn decode(&self, field: &str, jws: &str, now_ms: i64) -> Result<Value> {
        let v = &self.verifier;
        let verified = match field {
            "signedRenewalInfo" => v.json(SignedKind::RenewalInfo, jws, now_ms)?,
            "signedPayload" => v.json(SignedKind::Notification, jws, now_ms)?,
            "signedAppTransactionInfo" => v.json(SignedKind::AppTransaction, jws, now_ms)?,
            _ => v.json(SignedKind::Transaction, jws, now_ms)?,
        };
        Ok(verified.into_json())
    }

    /// An API from the JS options: `{ signingKey, keyId, issuerId, bundleId, environment,
    /// baseUrl?, rootCertificates? (DER, base64), appAppleId?, allowInsecureHttp? }`.
    pub fn from_options(options: &Value) -> Result<Self> {
        const KEYS: &[&str] = &[
            "signingKey",
            "keyId",
            "issuerId",
            "bundleId",
            "environment",
            "baseUrl",
            "rootCertificates",
            "appAppleId",
            "allowInsecureHttp",
        ];
        let o = Args::new(options, "AppStoreServerAPIClient options", Some(KEYS))?;
        let roots = match o.opt_strings::<String>("rootCertificates")? {
            None => None,
            Some(list) => Some(
                list.iter().map(|r| crate::b64::decode_standard("rootCertificates", r)).collect::<Result<Vec<_>>>()?,
            ),
        };
        let environment = Environment::from_wire(&o.str("environment")?);
        let bundle_id = o.str("bundleId")?;
        // Apple's client takes no app Apple id: without one, Production answers are checked for
        // everything but it (see SignedDataVerifier::for_api_answers).
        let verifier = SignedDataVerifier::for_api_answers(roots.as_deref(), environment, bundle_id.as_str(), o.opt_long("appAppleId")?)?;
        let key = o.str("signingKey")?;
        // As the NHN APIs: the default host first, then the caller's, checked with their http rule.
        let mut api = Self::new(key.as_bytes(), &o.str("keyId")?, &o.str("issuerId")?, &bundle_id, verifier, None)?;
        if let Some(url) = o.opt_str("baseUrl")? {
            api.base_url = normalize_base_url(&url, o.opt_bool("allowInsecureHttp")?.unwrap_or(false))?;
        }
        Ok(api)
    }
}

/// The endpoints' reader: the answer with its signed data verified and decoded.
fn verified(api: &AppStoreServerApi, mut body: Value, now_ms: i64) -> Result<Value> {
    api.verify_signed(&mut body, now_ms)?;
    Ok(body)
}

impl ServerApi for AppStoreServerApi {
    const RESPONSE: &'static str = RESPONSE;

    fn endpoints() -> &'static [&'static Endpoint<Self>] {
        ENDPOINTS
    }

    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn headers(&self, endpoint: &Endpoint<Self>, now_ms: i64) -> Result<Headers> {
        let mut h = Headers::new();
        h.push("Authorization", format!("Bearer {}", self.bearer_token(now_ms)?));
        h.push("Accept", "application/json");
        if endpoint.params.iter().any(|p| p.at == crate::endpoint::At::Whole) {
            h.push("Content-Type", "application/json");
        }
        Ok(h)
    }

    fn open(&self, response: &HttpResponse) -> Result<Value> {
        let token = self.token.borrow();
        open_store_answer(response, RESPONSE, apple_error, token.as_ref().map(|(t, _)| t.as_str()))
    }
}

/// Apple's error body `{ errorCode, errorMessage }`; `secret` (the bearer token) never survives in it.
fn apple_error(e: &mut StoreApiError, body: &Value, secret: Option<&str>) {
    e.error_code = body.get("errorCode").and_then(Value::as_i64);
    e.error_name = e.error_code.and_then(error_name);
    e.error_message = body.get("errorMessage").and_then(Value::as_str).map(|m| upstream_text(m, secret));
    // Apple names the codes worth trying again.
    if e.error_name.is_some_and(|n| n.ends_with("_RETRYABLE")) {
        e.retryable = true;
    }
}

/// The P-256 key pair of a `.p8` (PEM) or PKCS#8 DER. ring needs the public key inside; a key
/// without it is refused with a message that says so.
pub(crate) fn signing_key_pair(key: &[u8]) -> Result<EcdsaKeyPair> {
    let der = crate::b64::pem_or_der("signingKey", key, "PRIVATE KEY")?;
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &SystemRandom::new())
        .map_err(|_| Error::invalid_argument("signingKey is not a PKCS#8 P-256 private key (the .p8 file from App Store Connect)"))
}

/// A compact JWS: `header.claims.signature`, ES256 (raw r‖s).
pub(crate) fn sign_es256(key: &EcdsaKeyPair, header: &Value, claims: &Value) -> Result<String> {
    let input = format!("{}.{}", crate::b64::encode_url(header.to_string().as_bytes()), crate::b64::encode_url(claims.to_string().as_bytes()));
    let sig = key
        .sign(&SystemRandom::new(), input.as_bytes())
        .map_err(|_| Error::invalid_argument("signing the token failed (no randomness source?)"))?;
    Ok(format!("{input}.{}", crate::b64::encode_url(sig.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apples_error_codes_keep_their_names() {
        assert_eq!(error_name(4_090_001), Some("MESSAGE_ALREADY_EXISTS"));
        // Apple's "transaction id not found", after which Apple documents trying the sandbox.
        assert_eq!(error_name(4_040_010), Some("TRANSACTION_ID_NOT_FOUND"));
    }
}
