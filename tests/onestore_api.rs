//! ONE store's server API V7 core: the options, the client-credentials token exchange, every
//! endpoint's request (method, URL, headers, body), every answer with its time twins, ONE store's
//! error envelope mapped by its code (not the status), the documented limits, and no secret in
//! any error or Debug output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use iap_verify::endpoint::{HttpRequest, HttpResponse, Method, ServerApi};
use iap_verify::onestore::{is_token_refused, MarketCode, OneStoreApi, OneStoreEnvironment};
use serde_json::{json, Value};

const NOW: i64 = 1_717_243_300_000;
const SECRET: &str = "s3cr3t+/=client&secret";
const ACCESS: &str = "0c0f5b1e-8d4e-4d1a-9d0b-3f2e1a7c9b11";
const PREFIX: &str = "https://sbpp.onestore.net/v7/apps/com.example.app";

fn api_in(market: MarketCode) -> OneStoreApi {
    OneStoreApi::new("com.example.app", SECRET, OneStoreEnvironment::Sandbox, market, None).unwrap()
}

fn authed_in(market: MarketCode) -> OneStoreApi {
    let a = api_in(market);
    let body = format!(r#"{{"client_id":"com.example.app","access_token":"{ACCESS}","token_type":"bearer","expires_in":3600,"scope":"DEFAULT"}}"#);
    a.parse_token(&HttpResponse::new(200, body), NOW).unwrap();
    a
}

fn authed() -> OneStoreApi {
    authed_in(MarketCode::One)
}

fn request(a: &OneStoreApi, name: &str, params: Value) -> HttpRequest {
    a.request(OneStoreApi::endpoint(name).unwrap(), &params, NOW).unwrap()
}

fn request_err(a: &OneStoreApi, name: &str, params: Value) -> iap_verify::Error {
    a.request(OneStoreApi::endpoint(name).unwrap(), &params, NOW).unwrap_err()
}

fn parse(a: &OneStoreApi, name: &str, status: u16, body: &str) -> iap_verify::Result<Value> {
    a.parse(OneStoreApi::endpoint(name).unwrap(), &HttpResponse::new(status, body), NOW)
}

const IDS: fn() -> Value = || json!({ "productId": "gem.100", "purchaseToken": "TOKEN3000000312345" });

#[test]
fn options_hosts_and_market() {
    let o = |extra: Value| {
        let mut base = json!({ "clientId": "com.example.app", "clientSecret": SECRET, "environment": "COMMERCIAL" });
        base.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        OneStoreApi::from_options(&base)
    };
    let a = o(json!({})).unwrap();
    assert_eq!(a.base_url(), "https://iap-apis.onestore.net");
    assert_eq!(a.market(), MarketCode::One);
    assert_eq!(a.environment(), OneStoreEnvironment::Commercial);
    assert_eq!(o(json!({ "environment": "SANDBOX" })).unwrap().base_url(), "https://sbpp.onestore.net");
    assert_eq!(o(json!({ "marketCode": "MKT_GLB" })).unwrap().market(), MarketCode::Global);
    assert_eq!(o(json!({ "baseUrl": "http://127.0.0.1:8787/" })).unwrap().base_url(), "http://127.0.0.1:8787");
    for bad in [
        json!({ "environment": "PRODUCTION" }),
        json!({ "environment": null }),
        json!({ "marketCode": "MKT_STM" }),
        json!({ "clientId": "" }),
        json!({ "clientId": "x".repeat(129) }),
        json!({ "clientSecret": " " }),
        json!({ "clientSecret": 5 }),
        json!({ "baseUrl": "http://onestore.example" }),
        json!({ "packageName": "com.example.app" }),
    ] {
        let e = o(bad.clone()).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "{bad}");
        assert!(!e.to_string().contains(SECRET));
    }
    assert!(o(json!({ "baseUrl": "http://10.0.0.1", "allowInsecureHttp": true })).is_ok());
    // A 128-character client id (the documented limit) is taken.
    assert!(o(json!({ "clientId": "p".repeat(128) })).is_ok());
}

#[test]
fn token_request_is_client_credentials_form_encoded() {
    for (market, code) in [(MarketCode::One, "MKT_ONE"), (MarketCode::Global, "MKT_GLB")] {
        let r = api_in(market).token_request().unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, "https://sbpp.onestore.net/v7/oauth/token");
        assert_eq!(r.headers.get("Content-Type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(r.headers.get("x-market-code"), Some(code));
        assert_eq!(r.headers.get("Authorization"), None);
        assert_eq!(
            r.body.as_deref(),
            Some("client_id=com.example.app&client_secret=s3cr3t%2B%2F%3Dclient%26secret&grant_type=client_credentials")
        );
        // A Rust caller logging the request sees the form's field names, never the secret.
        let logged = format!("{r:?}");
        assert!(!logged.contains("s3cr3t"), "{logged}");
        assert!(logged.contains("client_secret=<redacted>"), "{logged}");
        assert!(logged.contains("sbpp.onestore.net/v7/oauth/token"), "{logged}");
    }
}

#[test]
fn token_answer_kept_inside() {
    let a = api_in(MarketCode::One);
    // Nothing can be sent before a token.
    let e = request_err(&a, "getPurchaseDetails", IDS());
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let info = a
        .parse_token(&HttpResponse::new(200, format!(r#"{{"client_id":"com.example.app","access_token":"{ACCESS}","token_type":"bearer","expires_in":3010,"scope":"DEFAULT"}}"#)), NOW)
        .unwrap();
    assert_eq!(info, json!({ "tokenType": "Bearer", "expiresIn": 3010, "expiresAtMs": NOW + 3_010_000 }));
    assert!(!info.to_string().contains(ACCESS));
    assert_eq!(request(&a, "getPurchaseDetails", IDS()).headers.get("Authorization"), Some(format!("Bearer {ACCESS}").as_str()));
    // Past its expiry the token is not used.
    let e = a.request(OneStoreApi::endpoint("getPurchaseDetails").unwrap(), &IDS(), NOW + 3_010_000).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    a.clear_token();
    assert_eq!(request_err(&a, "getPurchaseDetails", IDS()).code(), "INVALID_ARGUMENT");
    // expires_in left out: the documented hour.
    let info = a.parse_token(&HttpResponse::new(200, format!(r#"{{"access_token":"{ACCESS}"}}"#)), NOW).unwrap();
    assert_eq!(info["expiresIn"], 3600);
    for bad in [
        r#"{"token_type":"bearer","expires_in":3600}"#.to_owned(),
        format!(r#"{{"access_token":"{ACCESS}","token_type":"mac","expires_in":3600}}"#),
        format!(r#"{{"access_token":"{ACCESS}","expires_in":-5}}"#),
        format!(r#"{{"access_token":"{ACCESS}","expires_in":"soon"}}"#),
        r#"{"access_token":"has space"}"#.to_owned(),
        "not json".to_owned(),
    ] {
        assert_eq!(a.parse_token(&HttpResponse::new(200, bad.clone()), NOW).unwrap_err().code(), "MALFORMED_INPUT", "{bad}");
    }
}

#[test]
fn token_endpoint_errors_never_show_the_secret() {
    let a = api_in(MarketCode::One);
    for body in [
        format!(r#"{{"error":{{"code":"UnauthorizedAccess","message":"bad client_secret={SECRET}"}}}}"#),
        format!(r#"{{"error":"invalid_client","error_description":"secret {SECRET} refused"}}"#),
        r#"{"error":{"code":"BadRequest","message":"body client_secret=s3cr3t%2B%2F%3Dclient%26secret"}}"#.to_owned(),
    ] {
        let e = a.parse_token(&HttpResponse::new(401, body), NOW).unwrap_err();
        assert_eq!(e.code(), "API_ERROR");
        let all = format!("{e} {e:?} {}", e.details());
        assert!(!all.contains(SECRET) && !all.contains("s3cr3t"), "{all}");
        assert!(e.details()["errorMessage"].as_str().unwrap().contains("<redacted>"));
    }
    assert!(!format!("{a:?}").contains(SECRET));
    assert!(!format!("{:?}", authed()).contains(ACCESS));
}

#[test]
fn every_endpoint_request() {
    let a = authed();
    let cases: Vec<(&str, Value, Method, &str, Option<Value>)> = vec![
        ("getPurchaseDetails", IDS(), Method::Get, "/purchases/inapp/products/gem.100/TOKEN3000000312345", None),
        ("getRecurringPurchaseDetails", IDS(), Method::Get, "/purchases/auto/products/gem.100/TOKEN3000000312345", None),
        (
            "acknowledgePurchase",
            json!({ "productId": "gem.100", "purchaseToken": "TOKEN3000000312345", "developerPayload": "order-7" }),
            Method::Post,
            "/purchases/all/products/gem.100/TOKEN3000000312345/acknowledge",
            Some(json!({ "developerPayload": "order-7" })),
        ),
        ("acknowledgePurchase", IDS(), Method::Post, "/purchases/all/products/gem.100/TOKEN3000000312345/acknowledge", Some(json!({}))),
        ("consumePurchase", IDS(), Method::Post, "/purchases/inapp/products/gem.100/TOKEN3000000312345/consume", Some(json!({}))),
        ("cancelRecurringPurchase", IDS(), Method::Post, "/purchases/auto/products/gem.100/TOKEN3000000312345/cancel", None),
        ("reactivateRecurringPurchase", IDS(), Method::Post, "/purchases/auto/products/gem.100/TOKEN3000000312345/reactivate", None),
        ("getVoidedPurchases", json!({}), Method::Get, "/voided-purchases", None),
        (
            "getVoidedPurchases",
            json!({ "continuationKey": "k/1+2", "startTime": 1_716_000_000_000_i64, "endTime": 1_717_000_000_000_i64, "maxResults": 50 }),
            Method::Get,
            "/voided-purchases?continuationKey=k%2F1%2B2&startTime=1716000000000&endTime=1717000000000&maxResults=50",
            None,
        ),
        ("getSubscriptionDetail", IDS(), Method::Get, "/purchases/subscription/products/gem.100/TOKEN3000000312345", None),
        ("cancelSubscription", IDS(), Method::Post, "/purchases/subscription/products/gem.100/TOKEN3000000312345/cancel", None),
        ("reactivateSubscription", IDS(), Method::Post, "/purchases/subscription/products/gem.100/TOKEN3000000312345/reactivate", None),
        (
            "deferSubscription",
            json!({ "productId": "gem.100", "purchaseToken": "TOKEN3000000312345", "deferPeriod": 10 }),
            Method::Post,
            "/purchases/subscription/products/gem.100/TOKEN3000000312345/defer",
            Some(json!({ "deferPeriod": 10 })),
        ),
    ];
    let mut names: Vec<&str> = cases.iter().map(|c| c.0).collect();
    names.dedup();
    assert_eq!(names.len(), 11);
    assert_eq!(OneStoreApi::endpoints().len(), 11);
    for (name, params, method, path, body) in cases {
        let r = request(&a, name, params);
        assert_eq!(r.method, method, "{name}");
        assert_eq!(r.url, format!("{PREFIX}{path}"), "{name}");
        assert_eq!(r.body.as_deref().map(|b| serde_json::from_str::<Value>(b).unwrap()), body, "{name}");
        assert_eq!(r.headers.get("Authorization"), Some(format!("Bearer {ACCESS}").as_str()), "{name}");
        assert_eq!(r.headers.get("Content-Type"), Some("application/json"), "{name}");
        assert_eq!(r.headers.get("x-market-code"), Some("MKT_ONE"), "{name}");
        // Reads are retried; mutations are sent once.
        assert_eq!(OneStoreApi::endpoint(name).unwrap().read, method == Method::Get, "{name}");
    }
    let global = authed_in(MarketCode::Global);
    assert_eq!(request(&global, "getSubscriptionDetail", IDS()).headers.get("x-market-code"), Some("MKT_GLB"));
    // Path segments are encoded; the client id too.
    let odd = OneStoreApi::new("0000012345 PID", SECRET, OneStoreEnvironment::Sandbox, MarketCode::One, None).unwrap();
    odd.parse_token(&HttpResponse::new(200, format!(r#"{{"access_token":"{ACCESS}"}}"#)), NOW).unwrap();
    let r = request(&odd, "getPurchaseDetails", json!({ "productId": "a/b", "purchaseToken": "t?x" }));
    assert_eq!(r.url, "https://sbpp.onestore.net/v7/apps/0000012345%20PID/purchases/inapp/products/a%2Fb/t%3Fx");
    // The voided pages follow continuationKey.
    let voided = OneStoreApi::endpoint("getVoidedPurchases").unwrap().describe();
    assert_eq!(voided["pages"], "continuationKey");
    assert_eq!(voided["nextPage"], "continuationKey");
}

#[test]
fn documented_limits_and_required_parameters() {
    let a = authed();
    let with = |k: &str, v: Value| {
        let mut p = IDS();
        p[k] = v;
        p
    };
    for (name, params) in [
        ("getPurchaseDetails", json!({ "productId": "gem.100" })),
        ("getPurchaseDetails", with("purchaseToken", json!(""))),
        ("getPurchaseDetails", with("productId", json!("p".repeat(151)))),
        ("getPurchaseDetails", with("purchaseToken", json!("t".repeat(151)))),
        ("getPurchaseDetails", with("packageName", json!("com.example.app"))),
        ("acknowledgePurchase", with("developerPayload", json!("d".repeat(201)))),
        ("consumePurchase", with("developerPayload", json!(7))),
        ("deferSubscription", IDS()),
        ("deferSubscription", with("deferPeriod", json!(0))),
        ("deferSubscription", with("deferPeriod", json!("ten"))),
        ("getVoidedPurchases", json!({ "maxResults": -1 })),
        ("getVoidedPurchases", json!({ "startTime": "yesterday" })),
    ] {
        assert_eq!(request_err(&a, name, params.clone()).code(), "INVALID_ARGUMENT", "{name} {params}");
    }
    assert!(a.request(OneStoreApi::endpoint("acknowledgePurchase").unwrap(), &with("developerPayload", json!("d".repeat(200))), NOW).is_ok());
    assert!(a.request(OneStoreApi::endpoint("getPurchaseDetails").unwrap(), &with("productId", json!("p".repeat(150))), NOW).is_ok());
    // deferPeriod: minutes in the sandbox, days (1-365) in commercial.
    assert!(a.request(OneStoreApi::endpoint("deferSubscription").unwrap(), &with("deferPeriod", json!(400)), NOW).is_ok());
    let c = OneStoreApi::new("com.example.app", SECRET, OneStoreEnvironment::Commercial, MarketCode::One, None).unwrap();
    c.parse_token(&HttpResponse::new(200, format!(r#"{{"access_token":"{ACCESS}"}}"#)), NOW).unwrap();
    assert_eq!(request_err(&c, "deferSubscription", with("deferPeriod", json!(366))).code(), "INVALID_ARGUMENT");
    assert_eq!(request(&c, "deferSubscription", with("deferPeriod", json!(365))).body.as_deref(), Some(r#"{"deferPeriod":365}"#));
}

#[test]
fn purchase_details_answer_with_twins() {
    let a = authed();
    let body = r#"{"consumptionState":0,"developerPayload":"order-7","purchaseState":0,"purchaseTime":1717243200000,"purchaseId":"SANDBOX3000000004564","acknowledgeState":0,"quantity":1}"#;
    let v = parse(&a, "getPurchaseDetails", 200, body).unwrap();
    assert_eq!(v["purchaseTime"], 1_717_243_200_000_i64);
    assert_eq!(v["purchaseTimeMs"], 1_717_243_200_000_i64);
    assert_eq!(v["purchaseId"], "SANDBOX3000000004564");
    assert_eq!(v.as_object().unwrap().len(), 8);
    // A field named like a twin is refused: it would read as ours.
    let e = parse(&a, "getPurchaseDetails", 200, r#"{"purchaseTime":1,"purchaseTimeMs":2}"#).unwrap_err();
    assert_eq!(e.code(), "MALFORMED_INPUT");
    for bad in ["[]", "\"x\"", "{", "5"] {
        assert_eq!(parse(&a, "getPurchaseDetails", 200, bad).unwrap_err().code(), "MALFORMED_INPUT", "{bad}");
    }
}

#[test]
fn recurring_and_subscription_answers_with_twins_in_the_market_zone() {
    let body = r#"{"startTime":1717243200000,"expiryTime":"2024-07-01 12:00:00","nextPaymentTime":"1719835200000","autoRenewing":true,"cancelReason":0,"cancelledTime":null,"acknowledgeState":1,"lastPurchaseId":"P1","lastPurchaseState":0}"#;
    let kst = parse(&authed_in(MarketCode::One), "getRecurringPurchaseDetails", 200, body).unwrap();
    let utc = parse(&authed_in(MarketCode::Global), "getRecurringPurchaseDetails", 200, body).unwrap();
    assert_eq!(kst["startTimeMs"], 1_717_243_200_000_i64);
    assert_eq!(kst["nextPaymentTimeMs"], 1_719_835_200_000_i64);
    assert_eq!(utc["expiryTimeMs"].as_i64().unwrap(), 1_719_835_200_000);
    assert_eq!(kst["expiryTimeMs"].as_i64().unwrap(), 1_719_835_200_000 - 9 * 3_600_000);
    assert_eq!(kst["expiryTime"], "2024-07-01 12:00:00");
    assert!(kst.get("cancelledTimeMs").is_none());

    let detail = r#"{"acknowledgementState":1,"autoRenewing":true,"paymentState":1,"priceAmount":"4900","priceAmountMicros":4900000000,"nextPaymentTimeMillis":1719835200000,"priceCurrencyCode":"KRW","countryCode":"KR","startTimeMillis":1717243200000,"expiryTimeMillis":1719835200000,"linkedPurchaseToken":null,"lastPurchaseId":"P2","promotionPrice":{"promotionPrice":"0","promotionPriceMicros":0,"promotionPeriod":1},"priceChange":{"seq":1,"previousPrice":"4900","newPrice":"5900","applyTimeMillis":1722427200000,"agreement":false,"agreementDueDateTimeMillis":1725624000000}}"#;
    let v = parse(&authed(), "getSubscriptionDetail", 200, detail).unwrap();
    assert_eq!(v["expiryTimeMs"], 1_719_835_200_000_i64);
    assert_eq!(v["startTimeMs"], 1_717_243_200_000_i64);
    assert_eq!(v["nextPaymentTimeMs"], 1_719_835_200_000_i64);
    assert_eq!(v["priceChange"]["applyTimeMs"], 1_722_427_200_000_i64);
    assert_eq!(v["priceChange"]["agreementDueDateTimeMs"], 1_725_624_000_000_i64);
    assert_eq!(v["priceAmountMicros"], 4_900_000_000_i64);
}

#[test]
fn voided_answer_pages_and_the_stray_space() {
    let a = authed();
    let v = parse(
        &a,
        "getVoidedPurchases",
        200,
        r#"{"continuationKey":"next-1","voidedPurchaseList":[{"purchaseId":"P1","purchaseTime":1717000000000,"voidedTime":1717100000000,"purchaseToken":"T1","marketCode":"MKT_ONE"}]}"#,
    )
    .unwrap();
    assert_eq!(v["continuationKey"], "next-1");
    assert_eq!(v["voidedPurchaseList"][0]["voidedTimeMs"], 1_717_100_000_000_i64);
    assert_eq!(v["voidedPurchaseList"][0]["purchaseTimeMs"], 1_717_000_000_000_i64);
    // The guide's example spells the key with a trailing space: the list is also under its name.
    let v = parse(&a, "getVoidedPurchases", 200, r#"{"continuationKey":"","voidedPurchaseList ":[{"purchaseId":"P2","voidedTime":5}]}"#).unwrap();
    assert_eq!(v["voidedPurchaseList"][0]["purchaseId"], "P2");
    assert_eq!(v["voidedPurchaseList "][0]["purchaseId"], "P2");
    for bad in [r#"{"voidedPurchaseList":{}}"#, r#"{"continuationKey":5}"#] {
        assert_eq!(parse(&a, "getVoidedPurchases", 200, bad).unwrap_err().code(), "MALFORMED_INPUT", "{bad}");
    }
}

#[test]
fn mutations_answer_the_result_envelope() {
    let a = authed();
    for name in ["acknowledgePurchase", "consumePurchase", "cancelRecurringPurchase", "reactivateRecurringPurchase", "cancelSubscription", "reactivateSubscription", "deferSubscription"] {
        let v = parse(&a, name, 200, r#"{"result":{"code":"Success","message":"Request has been completed successfully."}}"#).unwrap();
        assert_eq!(v, Value::Null, "{name}");
        assert_eq!(parse(&a, name, 200, "").unwrap(), Value::Null, "{name}");
        // A result that is not Success is an error, whatever the status.
        let e = parse(&a, name, 200, r#"{"result":{"code":"InvalidPurchaseState","message":"no"}}"#).unwrap_err();
        assert_eq!(e.code(), "API_ERROR", "{name}");
        assert_eq!(e.details()["errorCode"], "InvalidPurchaseState");
    }
}

#[test]
fn error_envelope_by_code_not_status() {
    let a = authed();
    let err = |status: u16, code: &str| {
        parse(&a, "getPurchaseDetails", status, &format!(r#"{{"error":{{"code":"{code}","message":"m for {code}"}}}}"#)).unwrap_err()
    };
    // The guide's own example: NoSuchData with HTTP 400 (its table says 404).
    let e = err(400, "NoSuchData");
    assert_eq!(e.code(), "API_ERROR");
    assert_eq!(e.details()["errorCode"], "NoSuchData");
    assert_eq!(e.details()["status"], 400);
    assert_eq!(e.details()["errorMessage"], "m for NoSuchData");
    assert!(!e.retryable());
    assert!(e.to_string().contains("NoSuchData"), "{e}");
    // Even a 200 carrying an error envelope is an error.
    assert_eq!(err(200, "NoSuchData").details()["errorCode"], "NoSuchData");
    for (status, code, retryable, token) in [
        (503, "ServiceMaintenance", true, false),
        (400, "ServiceMaintenance", true, false),
        (500, "InternalError", true, false),
        (401, "AccessTokenExpired", false, true),
        (401, "InvalidAccessToken", false, true),
        (400, "InvalidAuthorizationHeader", false, false),
        (403, "AccessBlocked", false, false),
        (409, "InvalidPurchaseState", false, false),
        (409, "InvalidConsumeState", false, false),
        (400, "DeveloperPayloadNotMatch", false, false),
        (404, "ResourceNotFound", false, false),
        (415, "InvalidContentType", false, false),
    ] {
        let e = err(status, code);
        assert_eq!(e.details()["errorCode"], code);
        assert_eq!(e.retryable(), retryable, "{code}");
        assert_eq!(is_token_refused(&e), token, "{code}");
    }
    // No envelope: the status decides.
    let e = parse(&a, "getPurchaseDetails", 502, "<html>bad gateway</html>").unwrap_err();
    assert!(e.retryable());
    assert_eq!(e.details()["errorCode"], Value::Null);
    let e = parse(&a, "getPurchaseDetails", 429, "").unwrap_err();
    assert!(e.retryable());
    // A code that is not a name is not shown.
    let e = parse(&a, "getPurchaseDetails", 400, r#"{"error":{"code":"<script>alert(1)</script>","message":"x"}}"#).unwrap_err();
    assert_eq!(e.details()["errorCode"], Value::Null);
    // Retry-After is read.
    let mut r = HttpResponse::new(503, r#"{"error":{"code":"ServiceMaintenance","message":"later"}}"#);
    r.headers.push("Retry-After", "30");
    let e = a.parse(OneStoreApi::endpoint("getSubscriptionDetail").unwrap(), &r, NOW).unwrap_err();
    assert_eq!(e.details()["retryAfterMs"], 30_000);
}

#[test]
fn errors_never_show_the_token_or_the_secret() {
    let a = authed();
    let body = format!(r#"{{"error":{{"code":"InvalidAccessToken","message":"token {ACCESS} (Bearer {ACCESS}) secret {SECRET}"}}}}"#);
    let e = parse(&a, "getPurchaseDetails", 401, &body).unwrap_err();
    let all = format!("{e} {e:?} {}", e.details());
    assert!(!all.contains(ACCESS) && !all.contains(SECRET), "{all}");
    // Even escaped in the JSON text.
    let escaped = ACCESS.replace('-', "\\u002d");
    let e = parse(&a, "getPurchaseDetails", 401, &format!(r#"{{"error":{{"code":"InvalidAccessToken","message":"{escaped}"}}}}"#)).unwrap_err();
    assert!(!e.details().to_string().contains(ACCESS));
}

#[test]
fn oversize_answers_are_refused() {
    let a = authed();
    let big = format!(r#"{{"developerPayload":"{}"}}"#, "x".repeat(5 * 1024 * 1024));
    assert_eq!(parse(&a, "getPurchaseDetails", 200, &big).unwrap_err().code(), "INPUT_TOO_LARGE");
    assert_eq!(a.parse_token(&HttpResponse::new(200, big), NOW).unwrap_err().code(), "INPUT_TOO_LARGE");
}
