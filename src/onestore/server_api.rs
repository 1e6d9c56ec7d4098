//! ONE store's IAP server API V7, sans-I/O: documented on [`OneStoreApi`].

use serde_json::Value;

use crate::clean_text::upstream_text;
use crate::endpoint::{encode_component, normalize_base_url, AccessToken, Args, Endpoint, Headers, HttpRequest, HttpResponse, Kind, Method, Param, ServerApi};
use crate::error::{Error, Result, StoreApiError};
use crate::limits;

/// The sandbox host (ONE store's "검증/개발" environment).
pub(crate) const SANDBOX_URL: &str = "https://sbpp.onestore.net";
/// The commercial host (V7, "usable for domestic and global").
pub(crate) const COMMERCIAL_URL: &str = "https://iap-apis.onestore.net";
/// The OAuth token path (client credentials).
pub(crate) const TOKEN_PATH: &str = "/v7/oauth/token";

const RESPONSE: &str = "ONE store API response";
const TOKEN_RESPONSE: &str = "ONE store OAuth token response";

/// The documented size limits of the path and body parameters, in characters.
const MAX_CLIENT_ID: usize = 128;
const MAX_PRODUCT_ID: usize = 150;
const MAX_DEVELOPER_PAYLOAD: usize = 200;
/// ONE store documents tokens of at most 20 characters; the check allows more (a longer token
/// would be ONE store's to refuse, not ours), but not without bound.
const MAX_PURCHASE_TOKEN: usize = 150;

/// The market a client speaks for: the `x-market-code` header, and the time zone of the times in
/// answers that are not epoch ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketCode {
    /// ONE store (Korea), the default; times in UTC+9.
    One,
    /// ONE store Global; times in UTC.
    Global,
}

impl MarketCode {
    /// The header's value.
    pub fn as_str(self) -> &'static str {
        match self {
            MarketCode::One => "MKT_ONE",
            MarketCode::Global => "MKT_GLB",
        }
    }

    /// The offset, as RFC 3339 writes it, of the times this market's answers give without one.
    pub fn utc_offset(self) -> &'static str {
        match self {
            MarketCode::One => "+09:00",
            MarketCode::Global => "Z",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "MKT_ONE" => Ok(MarketCode::One),
            "MKT_GLB" => Ok(MarketCode::Global),
            _ => Err(Error::invalid_argument("marketCode must be \"MKT_ONE\" or \"MKT_GLB\"")),
        }
    }
}

/// ONE store's two environments; their hosts and their tokens are separate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneStoreEnvironment {
    /// `https://sbpp.onestore.net`.
    Sandbox,
    /// `https://iap-apis.onestore.net`.
    Commercial,
}

impl OneStoreEnvironment {
    /// Its name (`SANDBOX`, `COMMERCIAL`), as PNS and SNS messages write it.
    pub fn as_str(self) -> &'static str {
        match self {
            OneStoreEnvironment::Sandbox => "SANDBOX",
            OneStoreEnvironment::Commercial => "COMMERCIAL",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "SANDBOX" => Ok(OneStoreEnvironment::Sandbox),
            "COMMERCIAL" => Ok(OneStoreEnvironment::Commercial),
            _ => Err(Error::invalid_argument("environment must be \"SANDBOX\" or \"COMMERCIAL\"")),
        }
    }

    fn host(self) -> &'static str {
        match self {
            OneStoreEnvironment::Sandbox => SANDBOX_URL,
            OneStoreEnvironment::Commercial => COMMERCIAL_URL,
        }
    }
}

// ---- the declarations ----

type Ep = Endpoint<OneStoreApi>;

const PRODUCT: Param = Param::path("productId", Kind::Str);
const TOKEN: Param = Param::path("purchaseToken", Kind::Str);
const IDS: &[Param] = &[PRODUCT, TOKEN];
const WITH_PAYLOAD: &[Param] = &[PRODUCT, TOKEN, Param::body("developerPayload", Kind::Str).optional()];

const fn get(name: &'static str, path: &'static str) -> Ep {
    Endpoint::new(name, Method::Get, path, resource).params(IDS).read()
}

const fn post(name: &'static str, path: &'static str) -> Ep {
    Endpoint::new(name, Method::Post, path, result).params(IDS)
}

/// The eleven V7 endpoints, by ONE store's own method names. Paths follow the developer guide
/// exactly: acknowledge goes through `purchases/all`, consume through `purchases/inapp`.
pub(crate) const ENDPOINTS: &[&Ep] = &[
    &get("getPurchaseDetails", "/purchases/inapp/products/{productId}/{purchaseToken}")
        .doc("getPurchaseDetails: a managed (in-app) product purchase.", "OneStorePurchaseParams", "OneStorePurchaseDetails"),
    &get("getRecurringPurchaseDetails", "/purchases/auto/products/{productId}/{purchaseToken}")
        .doc("getRecurringPurchaseDetails: a monthly (auto, legacy) product purchase.", "OneStorePurchaseParams", "OneStoreRecurringPurchaseDetails"),
    &post("acknowledgePurchase", "/purchases/all/products/{productId}/{purchaseToken}/acknowledge")
        .params(WITH_PAYLOAD)
        .doc("acknowledgePurchase (managed or monthly), within 3 days of purchase or ONE store refunds it. Sent once.", "OneStoreSettleParams", "void"),
    &post("consumePurchase", "/purchases/inapp/products/{productId}/{purchaseToken}/consume")
        .params(WITH_PAYLOAD)
        .doc("consumePurchase (managed); a consumed purchase counts as acknowledged. Sent once.", "OneStoreSettleParams", "void"),
    &post("cancelRecurringPurchase", "/purchases/auto/products/{productId}/{purchaseToken}/cancel")
        .doc("cancelRecurringPurchase (monthly): stop renewals. Sent once.", "OneStorePurchaseParams", "void"),
    &post("reactivateRecurringPurchase", "/purchases/auto/products/{productId}/{purchaseToken}/reactivate")
        .doc("reactivateRecurringPurchase (monthly; the guide's heading spells it reactiveRecurringPurchase). Sent once.", "OneStorePurchaseParams", "void"),
    &Endpoint::new("getVoidedPurchases", Method::Get, "/voided-purchases", voided)
        .params(&[
            Param::query("continuationKey", Kind::Str),
            Param::query("startTime", Kind::Long),
            Param::query("endTime", Kind::Long),
            Param::query("maxResults", Kind::Long),
        ])
        .read()
        .pages("continuationKey")
        .next_page("continuationKey")
        .doc("getVoidedPurchases, one page, searched by voided time (at most one month back; maxResults default 100).", "OneStoreVoidedPurchasesParams", "OneStoreVoidedPurchases"),
    &get("getSubscriptionDetail", "/purchases/subscription/products/{productId}/{purchaseToken}")
        .doc("getSubscriptionDetail: a subscription purchase.", "OneStorePurchaseParams", "OneStoreSubscriptionDetail"),
    &post("cancelSubscription", "/purchases/subscription/products/{productId}/{purchaseToken}/cancel")
        .doc("cancelSubscription: reserve the cancellation (immediate when paused, in grace or on hold). Sent once.", "OneStorePurchaseParams", "void"),
    &post("reactivateSubscription", "/purchases/subscription/products/{productId}/{purchaseToken}/reactivate")
        .doc("reactivateSubscription: withdraw a reserved cancellation. Sent once.", "OneStorePurchaseParams", "void"),
    &post("deferSubscription", "/purchases/subscription/products/{productId}/{purchaseToken}/defer")
        .params(&[PRODUCT, TOKEN, Param::body("deferPeriod", Kind::Long)])
        .doc("deferSubscription: move the next payment by deferPeriod (days 1-365 in COMMERCIAL, minutes in SANDBOX). Sent once.", "OneStoreDeferParams", "void"),
];

// ---- readers ----

/// A read's answer: the resource as sent, with the number twins of its times.
fn resource(api: &OneStoreApi, mut body: Value, _now_ms: i64) -> Result<Value> {
    if !body.is_object() {
        return Err(Error::malformed(RESPONSE, "the answer is not a JSON object"));
    }
    crate::google::play_api::refuse_derived_fields(&body, true)?;
    add_time_twins(&mut body, api.market);
    Ok(body)
}

/// The voided list: as [`resource`]; where the answer spells its list `"voidedPurchaseList "` (with
/// the stray space of the guide's example) and not without, the list is also given under the
/// documented name, so that callers read one name.
fn voided(api: &OneStoreApi, body: Value, now_ms: i64) -> Result<Value> {
    let mut body = resource(api, body, now_ms)?;
    if let Some(map) = body.as_object_mut() {
        if !map.contains_key("voidedPurchaseList") {
            if let Some(list) = map.get("voidedPurchaseList ").cloned() {
                map.insert("voidedPurchaseList".into(), list);
            }
        }
        match map.get("voidedPurchaseList") {
            None | Some(Value::Array(_)) => {}
            Some(_) => return Err(Error::malformed(RESPONSE, "voidedPurchaseList is not a list")),
        }
        match map.get("continuationKey") {
            None | Some(Value::Null | Value::String(_)) => {}
            Some(_) => return Err(Error::malformed(RESPONSE, "continuationKey is not a string")),
        }
    }
    Ok(body)
}

/// A mutation's answer: `{"result":{"code":"Success",…}}` (or an empty body) is nothing to
/// return; [`OneStoreApi::open`] has already turned any other code into `API_ERROR`.
fn result(_: &OneStoreApi, _body: Value, _now_ms: i64) -> Result<Value> {
    Ok(Value::Null)
}

/// Adds, at any depth, a number twin in epoch ms to every time: `xMillis` gets `xMs`, `xTime`
/// gets `xTimeMs`. A number or decimal text is epoch ms; RFC 3339 text with an offset is read
/// with it; a date-time without an offset (`2024-06-01 12:00:00`, `2024-06-01T12:00:00`) is read
/// in the market's zone (UTC+9 for `MKT_ONE`, UTC for `MKT_GLB`), as the guide says of times in
/// answers. A value that reads as none of these gets no twin; nothing ONE store sent is changed.
pub(crate) fn add_time_twins(value: &mut Value, market: MarketCode) {
    crate::google::play_api::add_time_twins_in(value, Some(market.utc_offset()));
}

/// A time value of an answer as epoch ms (see [`add_time_twins`]).
#[cfg(test)]
pub(crate) fn time_in_market(v: &Value, market: MarketCode) -> Option<i64> {
    crate::google::play_api::twin_value(v, false, Some(market.utc_offset()))
}

// ---- the API ----

/// ONE store's IAP server API V7 for one app, sans-I/O: the eleven endpoints as declarations (see
/// [`crate::endpoint`]), the OAuth client-credentials exchange that authorizes them, and ONE
/// store's error envelope. No I/O.
///
/// Hosts: `https://sbpp.onestore.net` (SANDBOX) and `https://iap-apis.onestore.net` (COMMERCIAL);
/// every path is under `/v7/apps/{clientId}` (the package name for apps registered before
/// 2025-03-20, the PID after). Every request carries `x-market-code` (`MKT_ONE` unless
/// `MKT_GLB`: sent even for the default, since a global app's lookups answer `NoSuchData`
/// without it), `Content-Type: application/json` (required by the guide, even on a GET) and
/// `Authorization: Bearer <token>`.
///
/// Auth: [`OneStoreApi::token_request`] posts `client_id`, `client_secret` and
/// `grant_type=client_credentials` form-encoded to `/v7/oauth/token`;
/// [`OneStoreApi::parse_token`] reads `{ access_token, token_type: "bearer", expires_in, scope }`
/// and keeps the token inside the object. When to renew (under 600 s left, once for many waiting
/// calls, once after `AccessTokenExpired` or `InvalidAccessToken`) is the caller's: the JS
/// client does it. Sandbox and commercial tokens are independent: one object is one environment.
///
/// Answers: a read's body is ONE store's resource as sent, each time with a `…Ms` number twin
/// (`…Millis` → `…Ms`, `…Time` → `…TimeMs`; a time without an offset read in the market's zone,
/// UTC+9 for `MKT_ONE`, UTC for `MKT_GLB`); a mutation answers `{"result":{"code":"Success"}}` and returns
/// nothing. An `{"error":{"code","message"}}` body is `API_ERROR` with `details.errorCode` the
/// code, whatever the HTTP status (the guide's own example shows `NoSuchData` with 400 where its
/// table says 404); `ServiceMaintenance`, `InternalError` and any 5xx or 429 are retryable.
/// Neither the client secret nor the access token ever appears in an error.
pub struct OneStoreApi {
    base_url: String,
    client_id: String,
    client_secret: String,
    environment: OneStoreEnvironment,
    market: MarketCode,
    /// The access token.
    access: AccessToken,
}

impl std::fmt::Debug for OneStoreApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OneStoreApi")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("environment", &self.environment)
            .field("market", &self.market)
            .field("access_token", &self.access)
            .finish()
    }
}

fn within(name: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::invalid_argument(format!("{name} is longer than ONE store's {max} characters")));
    }
    Ok(())
}

impl OneStoreApi {
    /// An API for the app `client_id` with its `client_secret` (Developer Center, licence
    /// management) in `environment`, speaking for `market`; `base_url` replaces the
    /// environment's host (`http://` only to a loopback host).
    pub fn new(client_id: &str, client_secret: &str, environment: OneStoreEnvironment, market: MarketCode, base_url: Option<&str>) -> Result<Self> {
        Self::build(client_id, client_secret, environment, market, base_url, false)
    }

    fn build(client_id: &str, client_secret: &str, environment: OneStoreEnvironment, market: MarketCode, base_url: Option<&str>, insecure: bool) -> Result<Self> {
        crate::endpoint::require("clientId", client_id)?;
        within("clientId", client_id, MAX_CLIENT_ID)?;
        // The secret is never quoted, whatever is wrong with it.
        if client_secret.trim().is_empty() {
            return Err(Error::invalid_argument("clientSecret must not be blank"));
        }
        if client_secret.len() > 1024 || client_secret.chars().any(char::is_control) {
            return Err(Error::invalid_argument("clientSecret is not a ONE store client secret"));
        }
        Ok(Self {
            base_url: normalize_base_url(base_url.unwrap_or(environment.host()), insecure)?,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            environment,
            market,
            access: AccessToken::default(),
        })
    }

    /// From the JS options `{ clientId, clientSecret, environment, marketCode?, baseUrl?, allowInsecureHttp? }`.
    pub fn from_options(options: &Value) -> Result<Self> {
        let o = Args::new(options, "OneStoreClient options", Some(&["clientId", "clientSecret", "environment", "marketCode", "baseUrl", "allowInsecureHttp"]))?;
        let environment = OneStoreEnvironment::parse(&o.str("environment").map_err(|_| Error::invalid_argument("environment must be \"SANDBOX\" or \"COMMERCIAL\""))?)?;
        let market = match o.opt_str("marketCode")? {
            Some(m) => MarketCode::parse(&m)?,
            None => MarketCode::One,
        };
        let secret = match options.get("clientSecret") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err(Error::invalid_argument("clientSecret must be a string")),
        };
        let insecure = o.opt_bool("allowInsecureHttp")?.unwrap_or(false);
        Self::build(&o.str("clientId")?, &secret, environment, market, o.opt_str("baseUrl")?.as_deref(), insecure)
    }

    /// The environment.
    pub fn environment(&self) -> OneStoreEnvironment {
        self.environment
    }

    /// The market code.
    pub fn market(&self) -> MarketCode {
        self.market
    }

    /// The client id (the paths' `{clientId}`).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The token request: client credentials, form-encoded.
    pub fn token_request(&self) -> Result<HttpRequest> {
        let mut headers = Headers::new();
        headers.push("Content-Type", "application/x-www-form-urlencoded");
        headers.push("Accept", "application/json");
        headers.push("x-market-code", self.market.as_str());
        let body = format!(
            "client_id={}&client_secret={}&grant_type=client_credentials",
            encode_component(&self.client_id),
            encode_component(&self.client_secret)
        );
        Ok(HttpRequest { method: Method::Post, url: format!("{}{TOKEN_PATH}", self.base_url), headers, body: Some(body) })
    }

    /// Reads the token answer and keeps its access token for the requests that follow. Returns
    /// `{ tokenType, expiresIn, expiresAtMs }` (the token itself stays inside).
    pub fn parse_token(&self, response: &HttpResponse, now_ms: i64) -> Result<Value> {
        let body = self.open_as(response, TOKEN_RESPONSE)?;
        self.access.accept(&body, TOKEN_RESPONSE, 1024, now_ms)
    }

    /// Forgets the access token (after `AccessTokenExpired` or `InvalidAccessToken`).
    pub fn clear_token(&self) {
        self.access.clear();
    }

    /// Text from ONE store, cleaned, with the client secret (as sent, form-encoded, and as is)
    /// and the access token redacted.
    fn clean(&self, text: &str) -> String {
        let sent = upstream_text(text, Some(&encode_component(&self.client_secret)));
        self.access.redact(&upstream_text(&sent, Some(&self.client_secret)))
    }

    /// An answer: within the size limit; an `error` envelope (whatever the status), a
    /// `result` whose code is not `Success`, or a status outside 2xx is `API_ERROR`; otherwise
    /// the JSON body (`Null` when empty).
    fn open_as(&self, response: &HttpResponse, what: &'static str) -> Result<Value> {
        limits::check(what, response.body.len(), limits::MAX_API_RESPONSE)?;
        let status = response.status;
        let ok = (200..300).contains(&status);
        let text = response.body.trim();
        let body = if text.is_empty() {
            Value::Null
        } else {
            match serde_json::from_str::<Value>(text) {
                Ok(v) => v,
                Err(_) if ok => return Err(Error::malformed(what, "the body is not JSON")),
                Err(_) => Value::Null,
            }
        };
        let envelope = match (body.get("error"), body.get("result")) {
            (Some(Value::Object(e)), _) => Some((e, true)),
            (_, Some(Value::Object(r))) if r.get("code").and_then(Value::as_str) != Some("Success") => Some((r, false)),
            _ => None,
        };
        // The token endpoint may answer as RFC 6749 §5.2 does: `{ error, error_description }`.
        let oauth = body.get("error").and_then(Value::as_str);
        if ok && envelope.is_none() && oauth.is_none() {
            return Ok(body);
        }
        let mut e = StoreApiError { status, ..StoreApiError::default() };
        e.retry_after_ms = response.headers.get("retry-after").and_then(|v| v.trim().parse::<u64>().ok()).map(|s| s.saturating_mul(1000));
        let code = match envelope {
            Some((o, _)) => {
                e.error_message = o.get("message").and_then(Value::as_str).map(|m| self.clean(m));
                o.get("code").and_then(Value::as_str)
            }
            None => {
                e.error_message = body.get("error_description").and_then(Value::as_str).map(|m| self.clean(m));
                oauth
            }
        };
        // A code is a name (`NoSuchData`): anything else ONE store might put there is not one,
        // and is not shown.
        e.error_code_name = code.filter(|c| !c.is_empty() && c.len() <= 64 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).map(str::to_owned);
        if envelope.is_some_and(|(_, is_error)| !is_error) && e.error_code_name.is_none() {
            e.error_code_name = Some("UnknownResult".into());
        }
        e.retryable = status >= 500 || status == 429 || matches!(e.error_code_name.as_deref(), Some("ServiceMaintenance" | "InternalError"));
        Err(Error::StoreApi(Box::new(e)))
    }
}

/// Whether `error` is ONE store refusing the access token (`AccessTokenExpired`,
/// `InvalidAccessToken`): the one case where a new token is fetched and the call sent again.
pub fn is_token_refused(error: &Error) -> bool {
    matches!(error, Error::StoreApi(e) if matches!(e.error_code_name.as_deref(), Some("AccessTokenExpired" | "InvalidAccessToken")))
}

impl ServerApi for OneStoreApi {
    const RESPONSE: &'static str = RESPONSE;

    fn endpoints() -> &'static [&'static Endpoint<Self>] {
        ENDPOINTS
    }

    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn prefix(&self) -> String {
        // The client id was checked at construction; encoded like any path segment.
        format!("/v7/apps/{}", encode_component(&self.client_id))
    }

    fn headers(&self, _endpoint: &Endpoint<Self>, now_ms: i64) -> Result<Headers> {
        let mut h = Headers::new();
        h.push("Authorization", self.access.bearer(now_ms)?);
        h.push("Content-Type", "application/json");
        h.push("Accept", "application/json");
        h.push("x-market-code", self.market.as_str());
        Ok(h)
    }

    fn check(&self, endpoint: &Endpoint<Self>, values: &[Value]) -> Result<()> {
        for (p, v) in endpoint.params.iter().zip(values) {
            match (p.name, v) {
                ("productId", Value::String(s)) => within("productId", s, MAX_PRODUCT_ID)?,
                ("purchaseToken", Value::String(s)) => within("purchaseToken", s, MAX_PURCHASE_TOKEN)?,
                ("developerPayload", Value::String(s)) => within("developerPayload", s, MAX_DEVELOPER_PAYLOAD)?,
                ("deferPeriod", v) => {
                    let n = v.as_i64().unwrap_or(0);
                    let ok = match self.environment {
                        OneStoreEnvironment::Commercial => (1..=365).contains(&n),
                        // Minutes in the sandbox; the guide gives no range, so only its sign is checked.
                        OneStoreEnvironment::Sandbox => (1..=525_600).contains(&n),
                    };
                    if !ok {
                        return Err(Error::invalid_argument(match self.environment {
                            OneStoreEnvironment::Commercial => "deferPeriod must be 1 to 365 (days, in COMMERCIAL)",
                            OneStoreEnvironment::Sandbox => "deferPeriod must be 1 to 525600 (minutes, in SANDBOX)",
                        }));
                    }
                }
                ("startTime" | "endTime" | "maxResults", Value::Number(n)) if n.as_i64().is_some_and(|n| n < 0) => {
                    return Err(Error::invalid_argument(format!("params.{} must not be negative", p.name)));
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn open(&self, response: &HttpResponse) -> Result<Value> {
        self.open_as(response, RESPONSE)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hosts_are_one_store_s() {
        assert_eq!(SANDBOX_URL, "https://sbpp.onestore.net");
        assert_eq!(COMMERCIAL_URL, "https://iap-apis.onestore.net");
        assert_eq!(TOKEN_PATH, "/v7/oauth/token");
    }

    #[test]
    fn times_in_the_market_zone() {
        let kst = time_in_market(&json!("2024-06-01 12:00:00"), MarketCode::One).unwrap();
        let utc = time_in_market(&json!("2024-06-01 12:00:00"), MarketCode::Global).unwrap();
        assert_eq!(utc - kst, 9 * 3_600_000);
        assert_eq!(utc, crate::time::parse_rfc3339_ms("2024-06-01T12:00:00Z").unwrap());
        assert_eq!(time_in_market(&json!("2024-06-01T12:00:00.250"), MarketCode::One), Some(kst + 250));
        // An explicit offset wins over the market's.
        assert_eq!(time_in_market(&json!("2024-06-01T12:00:00Z"), MarketCode::One), Some(utc));
        assert_eq!(time_in_market(&json!(1_717_243_200_000_i64), MarketCode::One), Some(1_717_243_200_000));
        assert_eq!(time_in_market(&json!("1717243200000"), MarketCode::One), Some(1_717_243_200_000));
        for bad in [json!("soon"), json!("2024-06-01 12:00:00 junk"), json!(1.5), json!(null), json!("2024-13-01 00:00:00")] {
            assert_eq!(time_in_market(&bad, MarketCode::One), None, "{bad}");
        }
    }
}
