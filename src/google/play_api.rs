//! The Google Play Developer API, sans-I/O: documented on [`GooglePlayApi`].

use std::cell::RefCell;

use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use serde_json::{json, Value};

use crate::endpoint::{encode_component, normalize_base_url, open_store_answer, AccessToken, Args, At, Endpoint, Headers, HttpRequest, HttpResponse, Kind, Method, Param, ServerApi};
use crate::clean_text::upstream_text;
use crate::error::{Error, Result, StoreApiError};
use crate::limits;

/// Where the API is.
pub(crate) const BASE_URL: &str = "https://androidpublisher.googleapis.com";
/// Google's OAuth 2.0 token endpoint (the key file's `token_uri`).
pub(crate) const TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
/// The scope the assertion asks for.
pub(crate) const SCOPE: &str = "https://www.googleapis.com/auth/androidpublisher";
/// The grant type of RFC 7523 §2.1.
pub(crate) const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// How long an assertion is valid (Google's maximum).
pub(crate) const ASSERTION_LIFETIME_S: i64 = 3600;

const RESPONSE: &str = "Google Play Developer API response";
const TOKEN_RESPONSE: &str = "Google OAuth token response";
/// Every path starts here; `{packageName}` is each call's parameter.
const PREFIX: &str = "/androidpublisher/v3/applications";

// ---- the declarations ----

type Ep = Endpoint<GooglePlayApi>;

const PACKAGE: Param = Param::path("packageName", Kind::Str);
const TOKEN: Param = Param::path("token", Kind::Str);
const PRODUCT: &[Param] = &[PACKAGE, Param::path("productId", Kind::Str), TOKEN];
const SUBSCRIPTION: &[Param] = &[PACKAGE, Param::path("subscriptionId", Kind::Str), TOKEN];
const PAYLOAD: Param = Param::body("developerPayload", Kind::Str).optional();
const ORDER: &[Param] = &[PACKAGE, Param::path("orderId", Kind::Str)];
/// The most ids one `orders:batchGet` takes (Google's limit; they must be distinct).
pub(crate) const MAX_BATCH_ORDERS: usize = 1000;

const fn post(name: &'static str, path: &'static str) -> Ep {
    Endpoint::new(name, Method::Post, path, resource)
}

/// The purchase endpoints, by the method names of the JS client.
pub(crate) const ENDPOINTS: &[&Ep] = &[
    &Endpoint::new("getProductPurchase", Method::Get, "/{packageName}/purchases/products/{productId}/tokens/{token}", resource)
        .params(PRODUCT)
        .read()
        .doc("purchases.products.get: a one-time product purchase.", "ProductPurchaseParams", "ProductPurchase"),
    &post("acknowledgeProductPurchase", "/{packageName}/purchases/products/{productId}/tokens/{token}:acknowledge")
        .params(&[PACKAGE, Param::path("productId", Kind::Str), TOKEN, PAYLOAD])
        .doc("purchases.products.acknowledge. Sent once.", "AcknowledgeProductPurchaseParams", "void"),
    &post("consumeProductPurchase", "/{packageName}/purchases/products/{productId}/tokens/{token}:consume")
        .params(PRODUCT)
        .doc("purchases.products.consume. Sent once.", "ProductPurchaseParams", "void"),
    &Endpoint::new("getSubscriptionPurchaseV2", Method::Get, "/{packageName}/purchases/subscriptionsv2/tokens/{token}", resource)
        .params(&[PACKAGE, TOKEN])
        .read()
        .doc("purchases.subscriptionsv2.get: a subscription purchase.", "SubscriptionPurchaseV2Params", "SubscriptionPurchaseV2"),
    &post("revokeSubscriptionPurchaseV2", "/{packageName}/purchases/subscriptionsv2/tokens/{token}:revoke")
        .params(&[PACKAGE, TOKEN, Param::body("revocationContext", Kind::Object)])
        .doc("purchases.subscriptionsv2.revoke: refund and end access now. Sent once.", "RevokeSubscriptionPurchaseV2Params", "RevokeSubscriptionPurchaseResponse"),
    &post("cancelSubscriptionPurchaseV2", "/{packageName}/purchases/subscriptionsv2/tokens/{token}:cancel")
        .params(&[PACKAGE, TOKEN, Param::body("cancellationContext", Kind::Object)])
        .doc("purchases.subscriptionsv2.cancel: stop renewals (access lasts to the period's end). Sent once.", "CancelSubscriptionPurchaseV2Params", "void"),
    &post("cancelSubscriptionPurchase", "/{packageName}/purchases/subscriptions/{subscriptionId}/tokens/{token}:cancel")
        .params(SUBSCRIPTION)
        .doc("purchases.subscriptions.cancel (v1): stop renewals. Sent once.", "SubscriptionPurchaseParams", "void"),
    &post("acknowledgeSubscriptionPurchase", "/{packageName}/purchases/subscriptions/{subscriptionId}/tokens/{token}:acknowledge")
        .params(&[
            PACKAGE,
            Param::path("subscriptionId", Kind::Str),
            TOKEN,
            PAYLOAD,
            // Since 2025-11-19, for re-subscriptions bought in the Play Store (outOfAppPurchaseContext).
            Param::body("externalAccountIds", Kind::Object).optional(),
        ])
        .doc("purchases.subscriptions.acknowledge (v1; v2 has none). Sent once.", "AcknowledgeSubscriptionPurchaseParams", "void"),
    &Endpoint::new("listVoidedPurchases", Method::Get, "/{packageName}/purchases/voidedpurchases", resource)
        .params(&[
            PACKAGE,
            Param::query("startTime", Kind::Long),
            Param::query("endTime", Kind::Long),
            Param::query("maxResults", Kind::Long),
            Param::query("startIndex", Kind::Long),
            Param::query("token", Kind::Str),
            Param::query("type", Kind::Long),
            Param::query("includeQuantityBasedPartialRefund", Kind::Bool),
        ])
        .read()
        .pages("token")
        .next_page("tokenPagination.nextPageToken")
        .doc("purchases.voidedpurchases.list, one page (with includeQuantityBasedPartialRefund, partial refunds by quantity too: voidedQuantity); `token` from the previous page's tokenPagination.nextPageToken.", "ListVoidedPurchasesParams", "VoidedPurchasesListResponse"),
    &Endpoint::new("getProductPurchaseV2", Method::Get, "/{packageName}/purchases/productsv2/tokens/{token}", resource)
        .params(&[PACKAGE, TOKEN])
        .read()
        .doc("purchases.productsv2.getproductpurchasev2: a one-time purchase (line items with quantities and refundable quantities, purchase options, rentals, pre-orders, pending).", "ProductPurchaseV2Params", "ProductPurchaseV2"),
    &post("deferSubscriptionPurchaseV2", "/{packageName}/purchases/subscriptionsv2/tokens/{token}:defer")
        .params(&[PACKAGE, TOKEN, Param::body("deferralContext", Kind::Object)])
        .doc("purchases.subscriptionsv2.defer: move the expiry later (deferralContext: deferDuration, the etag of the subscription as read, validateOnly?). Sent once.", "DeferSubscriptionPurchaseV2Params", "DeferSubscriptionPurchaseV2Response"),
    &Endpoint::new("getOrder", Method::Get, "/{packageName}/orders/{orderId}", resource)
        .params(ORDER)
        .read()
        .doc("orders.get: one order (GPA.…), its line items, revenue and history.", "GetOrderParams", "PlayOrder"),
    &Endpoint::new("batchGetOrders", Method::Get, "/{packageName}/orders:batchGet", resource)
        .params(&[PACKAGE, Param::query("orderIds", Kind::StringSet(MAX_BATCH_ORDERS)).required()])
        .read()
        .doc("orders.batchget: 1 to 1000 distinct orders; one unknown id fails the whole call.", "BatchGetOrdersParams", "BatchGetOrdersResponse"),
    &post("refundOrder", "/{packageName}/orders/{orderId}:refund")
        .params(&[PACKAGE, Param::path("orderId", Kind::Str), Param::query("revoke", Kind::Bool)])
        .doc("orders.refund: refund an order (revoke: also end access). Sent once.", "RefundOrderParams", "void"),
    &post("reviewRefundOrder", "/{packageName}/orders/{orderId}:reviewrefund")
        .params(&[
            PACKAGE,
            Param::path("orderId", Kind::Str),
            Param::body("pendingRefundToken", Kind::Str),
            Param::body("refundPreference", Kind::Str),
            Param::body("sampleContentProvided", Kind::Bool),
            Param::body("consumptionPercentageMilliunits", Kind::Long).optional(),
            Param::body("consumptionUsageEvents", Kind::Objects).optional(),
        ])
        .doc("orders.reviewrefund: your answer to a pending refund review notification. Sent once.", "ReviewRefundOrderParams", "void"),
];

/// The endpoints' reader: the resource as sent, with the number twins of its times.
fn resource(_: &GooglePlayApi, mut body: Value, _now_ms: i64) -> Result<Value> {
    refuse_derived_fields(&body, true)?;
    add_time_twins(&mut body);
    Ok(body)
}

/// Refuses a resource that already carries a field this package writes: a `…Ms` number twin (at
/// any depth; Google's resources name their int64 times `…Millis` and have no `…Ms` field) or, at
/// the top, `purchase` (the model `iap-verify google` puts beside an answer). Kept, such a field
/// would read as ours, derived from what Google sent, when it is not.
pub(crate) fn refuse_derived_fields(value: &Value, top: bool) -> Result<()> {
    match value {
        Value::Object(map) => {
            let ours = |k: &str| (top && k == "purchase") || k.strip_suffix("Ms").is_some_and(|base| base.ends_with(|c: char| c.is_ascii_lowercase()));
            if let Some(k) = map.keys().find(|k| ours(k)) {
                return Err(Error::malformed(RESPONSE, format!("the answer carries `{k}`, a field this package writes")));
            }
            map.values().try_for_each(|v| refuse_derived_fields(v, false))
        }
        Value::Array(items) => items.iter().try_for_each(|v| refuse_derived_fields(v, false)),
        _ => Ok(()),
    }
}

/// Adds, at any depth, a number twin in epoch ms to every time of a resource: `xTimeMillis`
/// (int64 as a decimal string) gets `xTimeMs`, an RFC 3339 `xTime` gets `xTimeMs`. Values that
/// do not read as a time get no twin; nothing Google sent is changed or removed.
pub(crate) fn add_time_twins(value: &mut Value) {
    add_time_twins_in(value, None);
}

/// [`add_time_twins`] with Google's rules (`zone` `None`), or ONE store's (`zone` the offset of
/// the market's times, `+09:00` or `Z`): there a number or decimal text is epoch ms under either
/// name, and a date-time without an offset is read in the zone.
pub(crate) fn add_time_twins_in(value: &mut Value, zone: Option<&'static str>) {
    match value {
        Value::Object(map) => {
            let mut twins = Vec::new();
            for (k, v) in map.iter_mut() {
                add_time_twins_in(v, zone);
                let (name, millis) = if let Some(base) = k.strip_suffix("Millis") {
                    (format!("{base}Ms"), true)
                } else if k.ends_with("Time") {
                    (format!("{k}Ms"), false)
                } else {
                    continue;
                };
                if let Some(ms) = twin_value(v, millis, zone) {
                    twins.push((name, ms));
                }
            }
            for (name, ms) in twins {
                map.entry(name).or_insert(Value::from(ms));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| add_time_twins_in(v, zone)),
        _ => {}
    }
}

/// The epoch ms of one time value (see [`add_time_twins_in`]).
pub(crate) fn twin_value(v: &Value, millis: bool, zone: Option<&'static str>) -> Option<i64> {
    let s = match v {
        Value::Number(n) if zone.is_some() => return n.as_i64(),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    if millis || zone.is_some() {
        if let Ok(n) = s.parse::<i64>() {
            return Some(n);
        }
    }
    if millis && zone.is_none() {
        return None;
    }
    crate::time::parse_rfc3339_ms(s).or_else(|| {
        // Without an offset: `yyyy-MM-dd[T ]HH:mm:ss[.fff]` and nothing after.
        let zone = zone?;
        let local = (19..=29).contains(&s.len()) && s.bytes().skip(19).all(|b| b == b'.' || b.is_ascii_digit());
        local.then(|| crate::time::parse_rfc3339_ms(&format!("{s}{zone}"))).flatten()
    })
}

// ---- the API ----

/// The Play Developer API for one service account: signs the token assertion, builds requests
/// (with the access token [`GooglePlayApi::parse_token`] kept), reads answers. No I/O.
///
/// The Google Play Developer API (androidpublisher v3), sans-I/O: the purchase endpoints as
/// declarations (see [`crate::endpoint`]), the OAuth 2.0 service-account flow that authorizes them,
/// and Google's error bodies.
///
/// Auth (RFC 7523, the JWT-bearer grant, as Google's "Using OAuth 2.0 for server to server
/// applications" describes it): an assertion signed RS256 with the key file's PKCS#8
/// `private_key` (ring, inside the module), header `alg: RS256`, `typ: JWT`, `kid` (the key
/// file's `private_key_id`); claims `iss` (`client_email`), `scope`
/// (`https://www.googleapis.com/auth/androidpublisher`), `aud` (the token URL), `iat`, `exp` (an
/// hour later, the most Google accepts). [`GooglePlayApi::token_request`] posts it form-encoded to the
/// token URL; [`GooglePlayApi::parse_token`] reads `{ access_token, expires_in, token_type }` and
/// keeps the access token inside the API object, which every later request carries as
/// `Authorization: Bearer`. When to ask for a new one (shortly before `expires_in`, once for many
/// waiting calls, again after a 401) is the caller's: the JS client does it.
///
/// Answers: a 2xx body is the documented resource, as JSON (or empty: acknowledge, consume and
/// cancel answer nothing). Every time in it gets a number twin in epoch ms, at any depth: an
/// `xTimeMillis` (int64 as decimal text) gets `xTimeMs`, an RFC 3339 `xTime` gets `xTimeMs`;
/// nothing Google sent is changed or removed, and an answer that already carries a field named
/// like a twin (`…Ms`) is refused (`MALFORMED_INPUT`).
/// Errors are `API_ERROR` with the status and Google's `error.status` (`errorStatus`) and
/// `error.message` (cleaned, in details only); 410 is a purchase token past its 60 days.
pub struct GooglePlayApi {
    base_url: String,
    token_url: String,
    client_email: String,
    key_id: Option<String>,
    key: RsaKeyPair,
    /// The access token.
    access: AccessToken,
    /// The last assertion sent, kept only to redact it from the token endpoint's error text.
    assertion: RefCell<String>,
}

impl std::fmt::Debug for GooglePlayApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GooglePlayApi")
            .field("base_url", &self.base_url)
            .field("token_url", &self.token_url)
            .field("client_email", &self.client_email)
            .field("key", &"<redacted>")
            .field("access_token", &self.access)
            .finish_non_exhaustive()
    }
}

/// A URL option: https (http only to a loopback host, unless `insecure`), no blanks; trailing
/// slashes kept off.
fn url_option(name: &'static str, url: &str, insecure: bool) -> Result<String> {
    normalize_base_url(url, insecure).map_err(|e| Error::invalid_argument(e.to_string().replacen("baseUrl", name, 1)))
}

impl GooglePlayApi {
    /// An API for the service account's key file (`service_account`: its JSON text or the parsed
    /// object). `token_url` replaces the key file's `token_uri` (default `https://oauth2.googleapis.com/token`).
    pub fn new(service_account: &Value, base_url: Option<&str>, token_url: Option<&str>) -> Result<Self> {
        Self::build(service_account, base_url, token_url, false)
    }

    /// [`GooglePlayApi::new`]; `insecure` lets `http://` URLs name any host (`allowInsecureHttp`).
    fn build(service_account: &Value, base_url: Option<&str>, token_url: Option<&str>, insecure: bool) -> Result<Self> {
        let parsed;
        let sa = match service_account {
            Value::String(text) => {
                limits::check("serviceAccount", text.len(), limits::MAX_SIGNED_DATA)?;
                // Neither the text nor serde's message (which can quote it) goes into the error.
                parsed = serde_json::from_slice::<Value>(text.as_bytes())
                    .map_err(|_| Error::invalid_argument("serviceAccount is not JSON (pass the key file's text or its parsed object)"))?;
                &parsed
            }
            other => other,
        };
        let a = Args::new(sa, "serviceAccount", None)?;
        if let Some(t) = a.opt_str("type")? {
            if t != "service_account" {
                return Err(Error::invalid_argument("serviceAccount.type must be \"service_account\""));
            }
        }
        let client_email = a.str("client_email")?;
        crate::endpoint::require("serviceAccount.client_email", &client_email)?;
        let pem = a.str("private_key")?;
        let der = crate::b64::pem_or_der("serviceAccount.private_key", pem.as_bytes(), "PRIVATE KEY")
            .map_err(|_| Error::invalid_argument("serviceAccount.private_key is not a PEM PRIVATE KEY block"))?;
        let key = RsaKeyPair::from_pkcs8(&der)
            .map_err(|_| Error::invalid_argument("serviceAccount.private_key is not a PKCS#8 RSA private key"))?;
        let token_url = match token_url {
            Some(u) => u.to_owned(),
            None => a.opt_str("token_uri")?.unwrap_or_else(|| TOKEN_URL.to_owned()),
        };
        Ok(Self {
            base_url: normalize_base_url(base_url.unwrap_or(BASE_URL), insecure)?,
            // The key file's token_uri is checked like an option: a typo in it must not post the
            // signed assertion in clear text.
            token_url: url_option("tokenUrl", &token_url, insecure)?,
            client_email,
            key_id: a.opt_str("private_key_id")?.filter(|k| !k.is_empty()),
            key,
            access: AccessToken::default(),
            assertion: RefCell::new(String::new()),
        })
    }

    /// From the JS options `{ serviceAccount, baseUrl?, tokenUrl?, allowInsecureHttp? }`.
    pub fn from_options(options: &Value) -> Result<Self> {
        let o = Args::new(options, "GooglePlayClient options", Some(&["serviceAccount", "baseUrl", "tokenUrl", "allowInsecureHttp"]))?;
        let sa = options
            .get("serviceAccount")
            .filter(|v| v.is_string() || v.is_object())
            .ok_or_else(|| Error::invalid_argument("serviceAccount must be the key file's JSON text or its parsed object"))?;
        let insecure = o.opt_bool("allowInsecureHttp")?.unwrap_or(false);
        Self::build(sa, o.opt_str("baseUrl")?.as_deref(), o.opt_str("tokenUrl")?.as_deref(), insecure)
    }

    /// The token URL in use (the assertion's audience).
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The signed assertion at `now_ms`.
    pub fn assertion(&self, now_ms: i64) -> Result<String> {
        let now = now_ms.div_euclid(1000);
        let mut header = json!({ "alg": "RS256", "typ": "JWT" });
        if let (Some(kid), Some(h)) = (&self.key_id, header.as_object_mut()) {
            h.insert("kid".into(), kid.as_str().into());
        }
        let claims = json!({
            "iss": self.client_email, "scope": SCOPE, "aud": self.token_url,
            "iat": now, "exp": now + ASSERTION_LIFETIME_S,
        });
        let input = format!(
            "{}.{}",
            crate::b64::encode_url(header.to_string().as_bytes()),
            crate::b64::encode_url(claims.to_string().as_bytes())
        );
        let mut sig = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut sig)
            .map_err(|_| Error::invalid_argument("signing the token assertion failed (no randomness source?)"))?;
        Ok(format!("{input}.{}", crate::b64::encode_url(&sig)))
    }

    /// The token request (RFC 7523 §2.1) with an assertion signed at `now_ms`.
    pub fn token_request(&self, now_ms: i64) -> Result<HttpRequest> {
        let mut headers = Headers::new();
        headers.push("Content-Type", "application/x-www-form-urlencoded");
        headers.push("Accept", "application/json");
        let assertion = self.assertion(now_ms)?;
        let body = format!("grant_type={}&assertion={}", encode_component(GRANT_TYPE), encode_component(&assertion));
        *self.assertion.borrow_mut() = assertion;
        Ok(HttpRequest { method: Method::Post, url: self.token_url.clone(), headers, body: Some(body) })
    }

    /// Reads the token response and keeps its access token for the requests that follow.
    /// Returns `{ tokenType, expiresIn, expiresAtMs }` (the token itself stays inside).
    pub fn parse_token(&self, response: &HttpResponse, now_ms: i64) -> Result<Value> {
        let body = open_redacted(response, TOKEN_RESPONSE, &self.assertion.borrow())?;
        self.access.accept(&body, TOKEN_RESPONSE, 8 * 1024, now_ms)
    }

    /// Forgets the access token (after a 401).
    pub fn clear_token(&self) {
        self.access.clear();
    }
}

impl ServerApi for GooglePlayApi {
    const RESPONSE: &'static str = RESPONSE;

    fn endpoints() -> &'static [&'static Endpoint<Self>] {
        ENDPOINTS
    }

    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn prefix(&self) -> String {
        PREFIX.to_owned()
    }

    fn headers(&self, endpoint: &Endpoint<Self>, now_ms: i64) -> Result<Headers> {
        let mut h = Headers::new();
        h.push("Authorization", self.access.bearer(now_ms)?);
        h.push("Accept", "application/json");
        if endpoint.params.iter().any(|p| p.at == At::Body) {
            h.push("Content-Type", "application/json");
        }
        Ok(h)
    }

    fn open(&self, response: &HttpResponse) -> Result<Value> {
        self.access.with(|token| open_redacted(response, RESPONSE, token))
    }
}

/// [`open_store_answer`] with Google's error reader; should an error body ever echo `secret` (the
/// access token, the assertion), it is replaced in the decoded strings (so a JSON escape such as
/// `ya29\u002e…` hides nothing) before they are cut, so that not even a prefix of it reaches a message.
fn open_redacted(response: &HttpResponse, what: &'static str, secret: &str) -> Result<Value> {
    open_store_answer(response, what, google_error, Some(secret))
}

/// Google's error bodies: the API's `{ error: { code, message, status } }` and the token
/// endpoint's `{ error, error_description }` (RFC 6749 §5.2).
fn google_error(e: &mut StoreApiError, body: &Value, secret: Option<&str>) {
    let Some(error) = body.get("error") else { return };
    let (status, message) = match error {
        Value::Object(o) => (o.get("status"), o.get("message")),
        Value::String(_) => (Some(error), body.get("error_description")),
        _ => return,
    };
    e.error_status = status.and_then(Value::as_str).map(|s| upstream_text(s, secret));
    e.error_message = message.and_then(Value::as_str).map(|m| upstream_text(m, secret));
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn time_twins_for_millis_and_rfc3339_at_any_depth() {
        let mut v = json!({
            "purchaseTimeMillis": "1700000000123", "startTime": "2024-01-02T03:04:05.678Z",
            "lineItems": [{ "expiryTime": "2024-02-02T03:04:05Z" }, { "expiryTime": "soon" }],
            "voidedTimeMillis": "x", "regionCode": "KR", "pausedStateContext": { "autoResumeTime": "2024-03-01T00:00:00Z" }
        });
        add_time_twins(&mut v);
        assert_eq!(v["purchaseTimeMillis"], "1700000000123");
        assert_eq!(v["purchaseTimeMs"], 1_700_000_000_123_i64);
        assert_eq!(v["startTimeMs"], crate::time::parse_rfc3339_ms("2024-01-02T03:04:05.678Z").unwrap());
        assert_eq!(v["lineItems"][0]["expiryTimeMs"], crate::time::parse_rfc3339_ms("2024-02-02T03:04:05Z").unwrap());
        assert!(v["lineItems"][1].get("expiryTimeMs").is_none());
        assert!(v.get("voidedTimeMs").is_none());
        assert!(v["pausedStateContext"]["autoResumeTimeMs"].is_i64());
        assert!(v.get("regionCodeMs").is_none());
    }

    #[test]
    fn google_error_bodies() {
        let mut e = StoreApiError::default();
        google_error(&mut e, &json!({"error": {"code": 410, "message": "The subscription purchase is no longer available\nfor query", "status": "GONE"}}), None);
        assert_eq!(e.error_status.as_deref(), Some("GONE"));
        assert_eq!(e.error_message.as_deref(), Some("The subscription purchase is no longer available for query"));
        let mut e = StoreApiError::default();
        google_error(&mut e, &json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}), None);
        assert_eq!(e.error_status.as_deref(), Some("invalid_grant"));
        assert_eq!(e.error_message.as_deref(), Some("Invalid JWT Signature."));
        let mut e = StoreApiError::default();
        google_error(&mut e, &json!({"error": 5}), None);
        assert_eq!(e.error_status, None);
    }

    #[test]
    fn constants_are_google_s() {
        assert_eq!(BASE_URL, "https://androidpublisher.googleapis.com");
        assert_eq!(TOKEN_URL, "https://oauth2.googleapis.com/token");
        assert_eq!(ASSERTION_LIFETIME_S, 3600);
    }
}
