//! The Play Developer API core: the service account, the RS256 token assertion (checked with the
//! certificate's public key), the token exchange, every request shape, the answers with their time
//! twins, Google's errors, and no secret in any error or Debug output. The key is the test PKI's
//! RSA leaf (tests/vectors/testpki/leaf-rsa.pk8, certificate leaf-rsa.der).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::{b64, b64url_decode, cert_public_key, pki};
use iap_verify::endpoint::{HttpRequest, HttpResponse, ServerApi};
use iap_verify::google::GooglePlayApi;
use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use serde_json::{json, Value};

const NOW: i64 = 1_717_243_300_000;
const EMAIL: &str = "play@example-project.iam.gserviceaccount.com";
const ACCESS: &str = "ya29.test-access-token";

fn pem() -> String {
    format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", b64(&pki("leaf-rsa.pk8")))
}

fn key_file() -> Value {
    json!({
        "type": "service_account", "project_id": "example-project", "private_key_id": "kid-1",
        "private_key": pem(), "client_email": EMAIL, "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    })
}

fn api() -> GooglePlayApi {
    GooglePlayApi::new(&key_file(), None, None).unwrap()
}

/// An API holding an access token, as after a token exchange.
fn authed() -> GooglePlayApi {
    let a = api();
    a.parse_token(&HttpResponse::new(200, format!(r#"{{"access_token":"{ACCESS}","expires_in":3599,"token_type":"Bearer"}}"#)), NOW)
        .unwrap();
    a
}

fn request(a: &GooglePlayApi, name: &str, params: Value) -> HttpRequest {
    a.request(GooglePlayApi::endpoint(name).unwrap(), &params, NOW).unwrap()
}

fn parse(a: &GooglePlayApi, name: &str, status: u16, body: &str) -> iap_verify::Result<Value> {
    a.parse(GooglePlayApi::endpoint(name).unwrap(), &HttpResponse::new(status, body), NOW)
}

fn segment(token: &str, i: usize) -> Value {
    serde_json::from_slice(&b64url_decode(token.split('.').nth(i).unwrap())).unwrap()
}

/// The form body's fields, percent-decoded.
fn form(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let mut out = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&').map(|kv| kv.split_once('=').unwrap()).map(|(k, v)| (decode(k), decode(v))).collect()
}

#[test]
fn the_token_request_carries_an_rs256_assertion_that_verifies_with_the_certificate_key() {
    let a = api();
    let r = a.token_request(NOW).unwrap();
    assert_eq!(r.method.as_str(), "POST");
    assert_eq!(r.url, "https://oauth2.googleapis.com/token");
    assert_eq!(r.headers.get("content-type"), Some("application/x-www-form-urlencoded"));
    let fields = form(r.body.as_deref().unwrap());
    // The signed assertion is a credential for an hour: a logged request shows its name only.
    let logged = format!("{r:?}");
    assert!(!logged.contains(&fields[1].1), "{logged}");
    assert!(logged.contains("assertion=<redacted>"), "{logged}");
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0], ("grant_type".into(), "urn:ietf:params:oauth:grant-type:jwt-bearer".into()));
    assert_eq!(fields[1].0, "assertion");
    let jwt = &fields[1].1;
    assert_eq!(segment(jwt, 0), json!({"alg": "RS256", "typ": "JWT", "kid": "kid-1"}));
    let claims = segment(jwt, 1);
    assert_eq!(claims["iss"], EMAIL);
    assert_eq!(claims["scope"], "https://www.googleapis.com/auth/androidpublisher");
    assert_eq!(claims["aud"], "https://oauth2.googleapis.com/token");
    assert_eq!(claims["iat"], NOW / 1000);
    assert_eq!(claims["exp"], NOW / 1000 + 3600);
    assert_eq!(claims.as_object().unwrap().len(), 5);

    // Verified with the public key of the certificate issued for that key, not the key pair.
    let cert = pki("leaf-rsa.der");
    let public = cert_public_key(&cert);
    let (input, sig) = jwt.rsplit_once('.').unwrap();
    let sig = b64url_decode(sig);
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &public).verify(input.as_bytes(), &sig).unwrap();
    // One changed claim and it no longer verifies.
    let forged = input.replacen(&input[input.find('.').unwrap() + 1..][..4], "AAAA", 1);
    assert!(UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &public).verify(forged.as_bytes(), &sig).is_err());
}

#[test]
fn service_account_as_text_or_object_token_url_override_and_bad_files() {
    let text = key_file().to_string();
    let a = GooglePlayApi::new(&Value::String(text), Some("http://127.0.0.1:9/"), Some("http://127.0.0.1:9/token")).unwrap();
    assert_eq!(a.base_url(), "http://127.0.0.1:9");
    assert_eq!(a.token_url(), "http://127.0.0.1:9/token");
    assert_eq!(segment(&a.assertion(NOW).unwrap(), 1)["aud"], "http://127.0.0.1:9/token");
    // token_uri of the file when no override; no private_key_id: no kid.
    let mut f = key_file();
    f["token_uri"] = json!("https://oauth2.example/token");
    f.as_object_mut().unwrap().remove("private_key_id");
    let a = GooglePlayApi::new(&f, None, None).unwrap();
    assert_eq!(a.token_url(), "https://oauth2.example/token");
    assert_eq!(segment(&a.assertion(NOW).unwrap(), 0), json!({"alg": "RS256", "typ": "JWT"}));

    let ec = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", b64(&pki("leaf-ec.pk8")));
    let cases: Vec<(Value, &str)> = vec![
        (json!("{not json"), "not JSON"),
        (json!({"type": "authorized_user", "client_email": EMAIL, "private_key": pem()}), "type"),
        (json!({"private_key": pem()}), "client_email"),
        (json!({"client_email": EMAIL}), "private_key"),
        (json!({"client_email": EMAIL, "private_key": "-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----"}), "private_key"),
        (json!({"client_email": EMAIL, "private_key": ec}), "PKCS#8 RSA"),
        (json!({"client_email": EMAIL, "private_key": pem(), "token_uri": "oauth2.googleapis.com"}), "tokenUrl"),
    ];
    for (file, says) in cases {
        let e = GooglePlayApi::new(&file, None, None).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "{file}");
        assert!(e.to_string().contains(says), "{e}");
        // The key never appears in the error.
        assert!(!e.to_string().contains("MII"), "{e}");
    }
    let big = Value::String("x".repeat(70_000));
    assert_eq!(GooglePlayApi::new(&big, None, None).unwrap_err().code(), "INPUT_TOO_LARGE");
}

#[test]
fn token_answers_are_kept_inside_and_errors_are_typed() {
    let a = api();
    // Before a token: no request can be built.
    let e = a.request(GooglePlayApi::endpoint("getProductPurchase").unwrap(), &json!({"packageName": "p", "productId": "x", "token": "t"}), NOW).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let r = a
        .parse_token(&HttpResponse::new(200, format!(r#"{{"access_token":"{ACCESS}","expires_in":"3599","token_type":"Bearer"}}"#)), NOW)
        .unwrap();
    assert_eq!(r, json!({"tokenType": "Bearer", "expiresIn": 3599, "expiresAtMs": NOW + 3_599_000}));
    assert!(!r.to_string().contains(ACCESS));
    let dbg = format!("{a:?}");
    assert!(!dbg.contains(ACCESS) && !dbg.contains("MII"), "{dbg}");
    let ep = GooglePlayApi::endpoint("getProductPurchase").unwrap();
    let p = json!({"packageName": "p", "productId": "x", "token": "t"});
    assert_eq!(a.request(ep, &p, NOW).unwrap().headers.get("authorization"), Some(format!("Bearer {ACCESS}").as_str()));
    // Expired: refused, never sent stale.
    assert_eq!(a.request(ep, &p, NOW + 3_599_000).unwrap_err().code(), "INVALID_ARGUMENT");
    a.clear_token();
    assert!(a.request(ep, &p, NOW).is_err());

    for (status, body, code) in [
        (200, r#"{"expires_in":3599}"#, "MALFORMED_INPUT"),
        (200, r#"{"access_token":"a b","expires_in":3599}"#, "MALFORMED_INPUT"),
        (200, r#"{"access_token":"a","token_type":"MAC"}"#, "MALFORMED_INPUT"),
        (200, r#"{"access_token":"a","expires_in":-5}"#, "MALFORMED_INPUT"),
        (200, "not json", "MALFORMED_INPUT"),
        (400, r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#, "API_ERROR"),
    ] {
        let e = a.parse_token(&HttpResponse::new(status, body), NOW).unwrap_err();
        assert_eq!(e.code(), code, "{body}");
    }
    // An error text that echoes the assertion just sent: redacted before it is cut to length.
    let sent = form(a.token_request(NOW).unwrap().body.as_deref().unwrap()).remove(1).1;
    let echo = format!(r#"{{"error":"invalid_grant","error_description":"bad {sent}"}}"#);
    let e = a.parse_token(&HttpResponse::new(400, echo), NOW).unwrap_err();
    assert_eq!(e.details()["errorMessage"], "bad <redacted>");
    let e = a.parse_token(&HttpResponse::new(400, r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#), NOW).unwrap_err();
    assert_eq!(e.details()["status"], 400);
    assert_eq!(e.details()["errorStatus"], "invalid_grant");
    assert_eq!(e.details()["errorMessage"], "Invalid JWT Signature.");
    assert!(!e.retryable());
}

#[test]
fn every_request_shape() {
    let a = authed();
    let base = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/com.example.app/purchases";
    let tok = "tok/with+odd=chars";
    let enc = "tok%2Fwith%2Bodd%3Dchars";
    let cases: Vec<(&str, Value, &str, String, Option<Value>)> = vec![
        ("getProductPurchase", json!({"packageName": "com.example.app", "productId": "gems.100", "token": tok}), "GET", format!("{base}/products/gems.100/tokens/{enc}"), None),
        ("acknowledgeProductPurchase", json!({"packageName": "com.example.app", "productId": "gems.100", "token": tok, "developerPayload": "order-7"}), "POST", format!("{base}/products/gems.100/tokens/{enc}:acknowledge"), Some(json!({"developerPayload": "order-7"}))),
        ("acknowledgeProductPurchase", json!({"packageName": "com.example.app", "productId": "gems.100", "token": tok}), "POST", format!("{base}/products/gems.100/tokens/{enc}:acknowledge"), Some(json!({}))),
        ("consumeProductPurchase", json!({"packageName": "com.example.app", "productId": "gems.100", "token": tok}), "POST", format!("{base}/products/gems.100/tokens/{enc}:consume"), None),
        ("getSubscriptionPurchaseV2", json!({"packageName": "com.example.app", "token": tok}), "GET", format!("{base}/subscriptionsv2/tokens/{enc}"), None),
        ("revokeSubscriptionPurchaseV2", json!({"packageName": "com.example.app", "token": tok, "revocationContext": {"proratedRefund": {}}}), "POST", format!("{base}/subscriptionsv2/tokens/{enc}:revoke"), Some(json!({"revocationContext": {"proratedRefund": {}}}))),
        ("cancelSubscriptionPurchaseV2", json!({"packageName": "com.example.app", "token": tok, "cancellationContext": {"cancellationType": "DEVELOPER_REQUESTED_STOP_PAYMENTS"}}), "POST", format!("{base}/subscriptionsv2/tokens/{enc}:cancel"), Some(json!({"cancellationContext": {"cancellationType": "DEVELOPER_REQUESTED_STOP_PAYMENTS"}}))),
        ("cancelSubscriptionPurchase", json!({"packageName": "com.example.app", "subscriptionId": "monthly", "token": tok}), "POST", format!("{base}/subscriptions/monthly/tokens/{enc}:cancel"), None),
        ("acknowledgeSubscriptionPurchase", json!({"packageName": "com.example.app", "subscriptionId": "monthly", "token": tok}), "POST", format!("{base}/subscriptions/monthly/tokens/{enc}:acknowledge"), Some(json!({}))),
        ("listVoidedPurchases", json!({"packageName": "com.example.app"}), "GET", format!("{base}/voidedpurchases"), None),
        ("listVoidedPurchases", json!({"packageName": "com.example.app", "startTime": 1_700_000_000_000_i64, "endTime": "1700000100000", "maxResults": 100, "token": "next/1", "type": 1, "includeQuantityBasedPartialRefund": true}), "GET",
            format!("{base}/voidedpurchases?startTime=1700000000000&endTime=1700000100000&maxResults=100&token=next%2F1&type=1&includeQuantityBasedPartialRefund=true"), None),
    ];
    let app = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/com.example.app";
    let ids = ["GPA.1111-2222-3333-44444", "GPA.5555-6666-7777-88888"];
    let mut cases = cases;
    cases.extend([
        ("getProductPurchaseV2", json!({"packageName": "com.example.app", "token": tok}), "GET", format!("{base}/productsv2/tokens/{enc}"), None),
        ("deferSubscriptionPurchaseV2", json!({"packageName": "com.example.app", "token": tok, "deferralContext": {"deferDuration": "604800s", "etag": "e1"}}), "POST",
            format!("{base}/subscriptionsv2/tokens/{enc}:defer"), Some(json!({"deferralContext": {"deferDuration": "604800s", "etag": "e1"}}))),
        ("acknowledgeSubscriptionPurchase", json!({"packageName": "com.example.app", "subscriptionId": "monthly", "token": tok, "externalAccountIds": {"obfuscatedAccountId": "a1"}}), "POST",
            format!("{base}/subscriptions/monthly/tokens/{enc}:acknowledge"), Some(json!({"externalAccountIds": {"obfuscatedAccountId": "a1"}}))),
        ("getOrder", json!({"packageName": "com.example.app", "orderId": ids[0]}), "GET", format!("{app}/orders/{}", ids[0]), None),
        ("batchGetOrders", json!({"packageName": "com.example.app", "orderIds": ids}), "GET", format!("{app}/orders:batchGet?orderIds={}&orderIds={}", ids[0], ids[1]), None),
        ("refundOrder", json!({"packageName": "com.example.app", "orderId": ids[0], "revoke": true}), "POST", format!("{app}/orders/{}:refund?revoke=true", ids[0]), None),
        ("reviewRefundOrder", json!({"packageName": "com.example.app", "orderId": ids[0], "pendingRefundToken": "prt", "refundPreference": "DECLINE", "sampleContentProvided": false,
            "consumptionPercentageMilliunits": 50_000, "consumptionUsageEvents": [{"consumptionTime": "2026-11-01T10:00:00Z"}]}), "POST", format!("{app}/orders/{}:reviewrefund", ids[0]),
            Some(json!({"pendingRefundToken": "prt", "refundPreference": "DECLINE", "sampleContentProvided": false, "consumptionPercentageMilliunits": 50_000, "consumptionUsageEvents": [{"consumptionTime": "2026-11-01T10:00:00Z"}]}))),
    ]);
    assert_eq!(GooglePlayApi::endpoints().len(), 15);
    for (name, params, method, url, body) in cases {
        let r = request(&a, name, params);
        assert_eq!(r.method.as_str(), method, "{name}");
        assert_eq!(r.url, url, "{name}");
        assert_eq!(r.headers.get("authorization"), Some(format!("Bearer {ACCESS}").as_str()));
        assert_eq!(r.headers.get("accept"), Some("application/json"));
        assert_eq!(r.body.as_deref().map(|b| serde_json::from_str::<Value>(b).unwrap()), body, "{name}");
        assert_eq!(r.headers.get("content-type").is_some(), body.is_some(), "{name}");
        // Reads are retried, mutations sent once.
        assert_eq!(GooglePlayApi::endpoint(name).unwrap().read, method == "GET", "{name}");
    }
    // 1000 distinct ids are one request.
    let many: Vec<String> = (0..1000).map(|i| format!("GPA.{i}")).collect();
    assert_eq!(request(&a, "batchGetOrders", json!({"packageName": "p", "orderIds": many})).url.matches("orderIds=").count(), 1000);
    let voided = GooglePlayApi::endpoint("listVoidedPurchases").unwrap().describe();
    assert_eq!(voided["pages"], "token");
    assert_eq!(voided["nextPage"], "tokenPagination.nextPageToken");
}

#[test]
fn bad_parameters_are_refused_before_anything_is_sent() {
    let a = authed();
    let ep = |n| GooglePlayApi::endpoint(n).unwrap();
    for (name, params) in [
        ("getProductPurchase", json!({"packageName": "p", "productId": "x"})),
        ("getProductPurchase", json!({"packageName": "p", "productId": "x", "token": " "})),
        ("getProductPurchase", json!({"packageName": "p", "productId": "x", "token": "t", "tokn": "t"})),
        ("revokeSubscriptionPurchaseV2", json!({"packageName": "p", "token": "t"})),
        ("revokeSubscriptionPurchaseV2", json!({"packageName": "p", "token": "t", "revocationContext": "full"})),
        ("cancelSubscriptionPurchaseV2", json!({"packageName": "p", "token": "t"})),
        ("listVoidedPurchases", json!({"packageName": "p", "startTime": "yesterday"})),
        ("listVoidedPurchases", json!({"packageName": "p", "includeQuantityBasedPartialRefund": "yes"})),
        ("listVoidedPurchases", json!({})),
        ("batchGetOrders", json!({"packageName": "p", "orderIds": []})),
        ("batchGetOrders", json!({"packageName": "p", "orderIds": ["a", "a"]})),
        ("batchGetOrders", json!({"packageName": "p", "orderIds": ["a", " "]})),
        ("batchGetOrders", json!({"packageName": "p", "orderIds": (0..1001).map(|i| format!("GPA.{i}")).collect::<Vec<_>>()})),
        ("batchGetOrders", json!({"packageName": "p"})),
        ("reviewRefundOrder", json!({"packageName": "p", "orderId": "o", "refundPreference": "DECLINE", "sampleContentProvided": false})),
        ("reviewRefundOrder", json!({"packageName": "p", "orderId": "o", "pendingRefundToken": "t", "refundPreference": "DECLINE"})),
        ("reviewRefundOrder", json!({"packageName": "p", "orderId": "o", "pendingRefundToken": "t", "refundPreference": "DECLINE", "sampleContentProvided": false, "consumptionUsageEvents": ["x"]})),
        ("deferSubscriptionPurchaseV2", json!({"packageName": "p", "token": "t"})),
        ("getOrder", json!({"packageName": "p", "orderId": ""})),
    ] {
        assert_eq!(a.request(ep(name), &params, NOW).unwrap_err().code(), "INVALID_ARGUMENT", "{name} {params}");
    }
}

#[test]
fn answers_keep_the_resource_and_add_time_twins() {
    let a = authed();
    let product = r#"{"kind":"androidpublisher#productPurchase","purchaseTimeMillis":"1717243200000","purchaseState":0,
        "consumptionState":0,"orderId":"GPA.3312-1111-2222-33333","acknowledgementState":0,"regionCode":"KR","quantity":1}"#;
    let r = parse(&a, "getProductPurchase", 200, product).unwrap();
    assert_eq!(r["purchaseTimeMillis"], "1717243200000");
    assert_eq!(r["purchaseTimeMs"], 1_717_243_200_000_i64);
    assert_eq!(r["orderId"], "GPA.3312-1111-2222-33333");

    let sub = r#"{"kind":"androidpublisher#subscriptionPurchaseV2","startTime":"2024-06-01T12:00:00.123Z",
        "subscriptionState":"SUBSCRIPTION_STATE_ACTIVE","latestOrderId":"GPA.1-2-3..1","acknowledgementState":"ACKNOWLEDGEMENT_STATE_PENDING",
        "lineItems":[{"productId":"monthly","expiryTime":"2024-07-01T12:00:00Z","autoRenewingPlan":{"autoRenewEnabled":true}}]}"#;
    let r = parse(&a, "getSubscriptionPurchaseV2", 200, sub).unwrap();
    assert_eq!(r["startTimeMs"], 1_717_243_200_123_i64);
    assert_eq!(r["lineItems"][0]["expiryTimeMs"], 1_719_835_200_000_i64);

    let voided = r#"{"pageInfo":{"totalResults":2,"resultPerPage":1,"startIndex":0},"tokenPagination":{"nextPageToken":"p2"},
        "voidedPurchases":[{"kind":"androidpublisher#voidedPurchase","purchaseToken":"t1","purchaseTimeMillis":"1717000000000",
        "voidedTimeMillis":"1717100000000","orderId":"GPA.9","voidedSource":0,"voidedReason":1,"voidedQuantity":1}]}"#;
    let r = parse(&a, "listVoidedPurchases", 200, voided).unwrap();
    assert_eq!(r["tokenPagination"]["nextPageToken"], "p2");
    assert_eq!(r["voidedPurchases"][0]["voidedTimeMs"], 1_717_100_000_000_i64);
    assert_eq!(r["voidedPurchases"][0]["purchaseTimeMs"], 1_717_000_000_000_i64);

    // The mutations answer nothing.
    for name in ["acknowledgeProductPurchase", "consumeProductPurchase", "cancelSubscriptionPurchase", "cancelSubscriptionPurchaseV2", "acknowledgeSubscriptionPurchase"] {
        assert_eq!(parse(&a, name, 200, "").unwrap(), Value::Null, "{name}");
        assert_eq!(parse(&a, name, 204, "").unwrap(), Value::Null, "{name}");
    }
    assert_eq!(parse(&a, "revokeSubscriptionPurchaseV2", 200, "{}").unwrap(), json!({}));
    assert_eq!(parse(&a, "getProductPurchase", 200, "<html>").unwrap_err().code(), "MALFORMED_INPUT");
    let big = format!(r#"{{"x":"{}"}}"#, "a".repeat(iap_verify::limits::MAX_API_RESPONSE));
    assert_eq!(parse(&a, "getProductPurchase", 200, &big).unwrap_err().code(), "INPUT_TOO_LARGE");
}

#[test]
fn google_errors_410_401_5xx_429() {
    let a = authed();
    let gone = r#"{"error":{"code":410,"message":"The purchase token is no longer valid.","status":"GONE","errors":[{"reason":"purchaseTokenNoLongerValid"}]}}"#;
    let e = parse(&a, "getSubscriptionPurchaseV2", 410, gone).unwrap_err();
    assert_eq!(e.code(), "API_ERROR");
    let d = e.details();
    assert_eq!(d["status"], 410);
    assert_eq!(d["errorStatus"], "GONE");
    assert_eq!(d["errorMessage"], "The purchase token is no longer valid.");
    assert!(!e.retryable());

    let e = parse(&a, "getProductPurchase", 401, r#"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#).unwrap_err();
    assert_eq!(e.details()["errorStatus"], "UNAUTHENTICATED");
    assert!(!e.retryable());

    let e = parse(&a, "getProductPurchase", 503, "upstream down").unwrap_err();
    assert_eq!(e.details()["status"], 503);
    assert!(e.retryable());

    let mut r = HttpResponse::new(429, r#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#);
    r.headers.push("Retry-After", "7");
    let e = a.parse(GooglePlayApi::endpoint("listVoidedPurchases").unwrap(), &r, NOW).unwrap_err();
    assert!(e.retryable());
    assert_eq!(e.details()["retryAfterMs"], 7000);
    assert_eq!(e.details()["errorStatus"], "RESOURCE_EXHAUSTED");

    // A message that echoes the access token is redacted.
    let echo = format!(r#"{{"error":{{"code":403,"message":"token {ACCESS} lacks scope","status":"PERMISSION_DENIED"}}}}"#);
    let e = parse(&a, "getProductPurchase", 403, &echo).unwrap_err();
    assert_eq!(e.details()["errorMessage"], "token <redacted> lacks scope");
    assert!(!format!("{e} {e:?} {}", e.details()).contains(ACCESS));
}

// ---- hardening (issue 25) --------------------------------------------------------------------

#[test]
fn an_answer_that_already_carries_a_field_the_package_writes_is_refused() {
    let a = authed();
    for body in [
        // A twin that disagrees with its source, a twin alone, a twin at depth, our `purchase` model.
        json!({"purchaseTimeMillis": "1700000000000", "purchaseTimeMs": 1}),
        json!({"purchaseState": 0, "purchaseTimeMs": 1_700_000_000_000_i64}),
        json!({"lineItems": [{"productId": "p", "expiryTime": "2024-02-02T03:04:05Z", "expiryTimeMs": 9_999_999_999_999_i64}]}),
        json!({"purchaseState": 0, "purchase": {"state": "PURCHASED", "productId": "gems"}}),
    ] {
        let e = parse(&a, "getProductPurchase", 200, &body.to_string()).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{body}");
    }
    let e = parse(&a, "listVoidedPurchases", 200, r#"{"voidedPurchases":[{"purchaseToken":"t","voidedTimeMillis":"5","voidedTimeMs":6}]}"#).unwrap_err();
    assert_eq!(e.code(), "MALFORMED_INPUT");
    // Google's own fields that only look alike stay fine: `items`, `…Millis`, a nested `purchase`.
    let v = parse(&a, "getSubscriptionPurchaseV2", 200, r#"{"lineItems":[{"items":1,"purchase":{}}],"startTime":"2024-01-02T03:04:05Z"}"#).unwrap();
    assert!(v["startTimeMs"].is_i64());
}

#[test]
fn an_echoed_access_token_or_assertion_is_redacted_even_when_json_escaped() {
    let a = authed();
    // `ya29.test-access-token` with its dot written as a JSON escape: the raw bytes do not hold the
    // token, the decoded string does.
    let escaped = ACCESS.replace('.', "\\u002e");
    for body in [
        format!(r#"{{"error":{{"code":401,"message":"token {escaped} expired","status":"UNAUTHENTICATED"}}}}"#),
        format!(r#"{{"error":{{"code":400,"message":"x","status":"{escaped}"}}}}"#),
        format!(r#"{{"error":{{"code":400,"message":"Authorization: Bearer {ACCESS}"}}}}"#),
    ] {
        let e = parse(&a, "getProductPurchase", 401, &body).unwrap_err();
        let shown = format!("{} {} {e:?}", e.details(), e);
        assert!(!shown.contains("test-access-token"), "{shown}");
    }
    // The assertion, echoed by the token endpoint, escaped the same way.
    let a = api();
    let req = a.token_request(NOW).unwrap();
    let assertion = form(req.body.as_deref().unwrap()).into_iter().find(|(k, _)| k == "assertion").unwrap().1;
    let escaped = assertion.replace('.', "\\u002e");
    let e = a
        .parse_token(&HttpResponse::new(400, format!(r#"{{"error":"invalid_grant","error_description":"bad {escaped}"}}"#)), NOW)
        .unwrap_err();
    let (header, claims) = (assertion.split('.').next().unwrap(), assertion.split('.').nth(1).unwrap());
    let shown = format!("{} {e:?}", e.details());
    assert!(!shown.contains(header) && !shown.contains(claims), "{shown}");
}

#[test]
fn plain_http_urls_only_to_loopback_hosts_key_files_included() {
    let mut file = key_file();
    file["token_uri"] = json!("http://oauth2.googleapis.com/token");
    let e = GooglePlayApi::new(&file, None, None).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    assert!(e.to_string().contains("tokenUrl") && e.to_string().contains("allowInsecureHttp"), "{e}");
    assert_eq!(GooglePlayApi::new(&key_file(), Some("http://androidpublisher.googleapis.com"), None).unwrap_err().code(), "INVALID_ARGUMENT");
    file["token_uri"] = json!("http://127.0.0.1:8787/token");
    assert_eq!(GooglePlayApi::new(&file, Some("http://localhost:8787"), None).unwrap().token_url(), "http://127.0.0.1:8787/token");
    file["token_uri"] = json!("http://10.1.2.3/token");
    let a = GooglePlayApi::from_options(&json!({"serviceAccount": file, "baseUrl": "http://10.1.2.3", "allowInsecureHttp": true})).unwrap();
    assert_eq!((a.token_url(), ServerApi::base_url(&a)), ("http://10.1.2.3/token", "http://10.1.2.3"));
}

#[test]
fn path_parameters_cannot_leave_their_endpoint() {
    let a = authed();
    for (k, v) in [("token", ".."), ("productId", "."), ("packageName", "..")] {
        let mut params = json!({"packageName": "com.example.app", "productId": "gems", "token": "t"});
        params[k] = json!(v);
        let e = a.request(GooglePlayApi::endpoint("consumeProductPurchase").unwrap(), &params, NOW).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "{k}={v}");
    }
}
