//! The App Store Server API core: the bearer token, every request shape, the signed data in
//! answers, Apple's errors. Signed answers are made with the test PKI (tests/vectors/testpki/).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::{b64, b64url_decode, pki, test_jws};
use iap_verify::endpoint::{HttpResponse, Method, ServerApi};
use iap_verify::apple::AppStoreServerApi;
use iap_verify::apple::{Environment, SignedDataVerifier};
use serde_json::{json, Value};

const NOW: i64 = 1_717_243_300_000;
const SIGNED: i64 = 1_717_243_200_000;

fn api(env: Environment) -> AppStoreServerApi {
    let verifier = SignedDataVerifier::with_roots(Some(&[pki("root-ec.der")]), false, env, "com.example.app", Some(42)).unwrap();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", b64(&pki("leaf-ec.pk8")));
    AppStoreServerApi::new(pem.as_bytes(), "KEY123", "issuer-uuid", "com.example.app", verifier, None).unwrap()
}

fn endpoint(name: &str) -> &'static iap_verify::endpoint::Endpoint<AppStoreServerApi> {
    AppStoreServerApi::endpoint(name).unwrap()
}

fn request(a: &AppStoreServerApi, name: &str, params: Value) -> iap_verify::endpoint::HttpRequest {
    a.request(endpoint(name), &params, NOW).unwrap()
}

fn parse(a: &AppStoreServerApi, name: &str, status: u16, body: &str) -> iap_verify::Result<Value> {
    a.parse(endpoint(name), &HttpResponse::new(status, body), NOW)
}

fn segment(token: &str, i: usize) -> Value {
    let part = token.split('.').nth(i).unwrap();
    serde_json::from_slice(&b64url_decode(part)).unwrap()
}

fn tx(id: &str) -> String {
    test_jws(
        &format!(r#"{{"transactionId":"{id}","originalTransactionId":"1","bundleId":"com.example.app","environment":"Sandbox","signedDate":{SIGNED},"productId":"gems"}}"#),
        "leaf-ec",
        "int-ec",
        "root-ec",
    )
}

#[test]
fn bearer_token_follows_apples_rules_and_is_reused() {
    let a = api(Environment::Sandbox);
    let t = a.bearer_token(NOW).unwrap();
    assert_eq!(segment(&t, 0), json!({"alg":"ES256","kid":"KEY123","typ":"JWT"}));
    let claims = segment(&t, 1);
    let iat = NOW / 1000;
    assert_eq!(claims, json!({"iss":"issuer-uuid","iat":iat,"exp":iat + 1200,"aud":"appstoreconnect-v1","bid":"com.example.app"}));
    assert!(claims["exp"].as_i64().unwrap() - iat <= 3600);

    // The signature verifies with the key's public half (raw r||s, 64 bytes).
    let (input, sig) = t.rsplit_once('.').unwrap();
    let sig = b64url_decode(sig);
    assert_eq!(sig.len(), 64);
    let spki_point = {
        use ring::signature::KeyPair;
        let kp = ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &pki("leaf-ec.pk8"),
            &ring::rand::SystemRandom::new(),
        )
        .unwrap();
        kp.public_key().as_ref().to_vec()
    };
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, spki_point)
        .verify(input.as_bytes(), &sig)
        .unwrap();

    // Reused until a minute before it ends, then replaced; a clock that went back gets a new one.
    assert_eq!(a.bearer_token(NOW + 18 * 60_000).unwrap(), t);
    let renewed = a.bearer_token(NOW + 19 * 60_000 + 1_000).unwrap();
    assert_ne!(renewed, t);
    assert_eq!(segment(&renewed, 1)["iat"], json!(iat + 19 * 60 + 1));
    assert_ne!(a.bearer_token(NOW - 3_600_000).unwrap(), renewed);
}

#[test]
fn requests_have_apples_shapes() {
    let a = api(Environment::Sandbox);
    let r = request(&a, "getTransactionInfo", json!({"transactionId":"2000000012345678"}));
    assert_eq!((r.method, r.url.as_str()), (Method::Get, "https://api.storekit-sandbox.apple.com/inApps/v1/transactions/2000000012345678"));
    assert!(r.headers.get("authorization").unwrap().starts_with("Bearer ey"));
    assert_eq!(r.headers.get("accept"), Some("application/json"));
    assert_eq!((r.body.as_deref(), r.headers.get("content-type")), (None, None));
    // The token stays out of Debug output.
    assert!(!format!("{r:?}").contains("Bearer"), "{r:?}");
    assert!(!format!("{a:?}").contains("PRIVATE"));

    let r = request(
        &a,
        "getTransactionHistory",
        json!({"transactionId":"1","revision":"rev/1","startDate":1,"endDate":"2","productIds":["a","b"],"productTypes":["CONSUMABLE"],
               "sort":"DESCENDING","subscriptionGroupIdentifiers":["g"],"inAppOwnershipType":"PURCHASED","revoked":false,"version":"v2"}),
    );
    assert_eq!(
        r.url,
        "https://api.storekit-sandbox.apple.com/inApps/v2/history/1?revision=rev%2F1&startDate=1&endDate=2&productId=a&productId=b\
         &productType=CONSUMABLE&sort=DESCENDING&subscriptionGroupIdentifier=g&inAppOwnershipType=PURCHASED&revoked=false"
    );
    assert!(request(&a, "getTransactionHistory", json!({"transactionId":"1"})).url.ends_with("/inApps/v1/history/1"));
    let r = request(&a, "getAllSubscriptionStatuses", json!({"transactionId":"1","status":[1,4]}));
    assert!(r.url.ends_with("/inApps/v1/subscriptions/1?status=1&status=4"), "{}", r.url);
    let r = request(&a, "getStatusOfSubscriptionRenewalDateExtensions", json!({"requestIdentifier":"req","productId":"p"}));
    assert!(r.url.ends_with("/inApps/v1/subscriptions/extend/mass/p/req"));

    let body = json!({"customerConsented":true,"deliveryStatus":0});
    let r = request(&a, "sendConsumptionData", json!({"transactionId":"9","consumptionRequest":body}));
    assert_eq!((r.method, r.headers.get("content-type")), (Method::Put, Some("application/json")));
    assert_eq!(serde_json::from_str::<Value>(r.body.as_deref().unwrap()).unwrap(), body);
    let r = request(&a, "getNotificationHistory", json!({"paginationToken":"p1","notificationHistoryRequest":{"startDate":1,"endDate":2}}));
    assert_eq!((r.method, r.url.ends_with("/inApps/v1/notifications/history?paginationToken=p1")), (Method::Post, true));
    let r = request(&a, "requestTestNotification", json!({}));
    assert_eq!((r.method, r.body.as_deref()), (Method::Post, None));

    for (name, params) in [
        ("getTransactionInfo", json!({})),
        ("getTransactionInfo", json!({"transactionId":""})),
        ("getTransactionInfo", json!({"transactionId":1})),
        ("getTransactionInfo", json!({"transactionId":"1","typo":1})),
        ("getAllSubscriptionStatuses", json!({"transactionId":"1","status":["x"]})),
        ("sendConsumptionData", json!({"transactionId":"1"})),
        ("sendConsumptionData", json!({"transactionId":"1","consumptionRequest":"text"})),
        ("getTransactionHistory", json!({"transactionId":"1","revoked":"yes"})),
    ] {
        let e = a.request(endpoint(name), &params, NOW).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "{name} {params}");
    }
    // Path values are percent-encoded: no path traversal through an id.
    assert!(request(&a, "lookUpOrderId", json!({"orderId":"../x?y"})).url.ends_with("/inApps/v1/lookup/..%2Fx%3Fy"));
}

#[test]
fn retention_messaging_requests_have_apples_shapes() {
    let a = api(Environment::Sandbox);
    let url = |r: &iap_verify::endpoint::HttpRequest| r.url.trim_start_matches("https://api.storekit-sandbox.apple.com").to_owned();
    let id = "a1b2c3d4-0000-4000-8000-000000000001";

    // The image's bytes are the body, sent by the transport: the core declares their type only, and
    // never reads them (one passed in the JSON parameters is ignored, not sent).
    let r = request(&a, "uploadImage", json!({"imageIdentifier":id,"imageSize":"FULL_SIZE"}));
    assert_eq!((r.method, url(&r)), (Method::Put, format!("/inApps/v1/messaging/image/{id}?imageSize=FULL_SIZE")));
    assert_eq!((r.headers.get("content-type"), r.body.as_deref()), (Some("image/png"), None));
    assert_eq!(endpoint("uploadImage").raw_body(), Some("image/png"));
    assert_eq!(endpoint("uploadImage").describe()["raw"], json!("image"));
    assert_eq!(request(&a, "uploadImage", json!({"imageIdentifier":id,"image":[1,2]})).body, None);
    assert_eq!(endpoint("uploadMessage").raw_body(), None);

    let r = request(&a, "deleteImage", json!({"imageIdentifier":id}));
    assert_eq!((r.method, url(&r), r.body.as_deref()), (Method::Delete, format!("/inApps/v1/messaging/image/{id}"), None));
    let r = request(&a, "getImageList", json!({}));
    assert_eq!((r.method, url(&r)), (Method::Get, "/inApps/v1/messaging/image/list".to_owned()));

    let message = json!({"header":"Stay","body":"50% off","image":{"imageIdentifier":id,"altText":"a gem"}});
    let r = request(&a, "uploadMessage", json!({"messageIdentifier":id,"uploadMessageRequestBody":message}));
    assert_eq!((r.method, url(&r), r.headers.get("content-type")), (Method::Put, format!("/inApps/v1/messaging/message/{id}"), Some("application/json")));
    assert_eq!(serde_json::from_str::<Value>(r.body.as_deref().unwrap()).unwrap(), message);
    let r = request(&a, "deleteMessage", json!({"messageIdentifier":id}));
    assert_eq!((r.method, url(&r)), (Method::Delete, format!("/inApps/v1/messaging/message/{id}")));
    assert_eq!(url(&request(&a, "getMessageList", json!({}))), "/inApps/v1/messaging/message/list");

    let r = request(&a, "configureDefaultMessage", json!({"productId":"gold.month","locale":"en-US","defaultConfigurationRequest":{"messageIdentifier":id}}));
    assert_eq!((r.method, url(&r)), (Method::Put, "/inApps/v1/messaging/default/gold.month/en-US".to_owned()));
    assert_eq!(r.body.as_deref(), Some(format!(r#"{{"messageIdentifier":"{id}"}}"#).as_str()));
    for (name, method) in [("deleteDefaultMessage", Method::Delete), ("getDefaultMessage", Method::Get)] {
        let r = request(&a, name, json!({"productId":"gold/month","locale":"en-US"}));
        assert_eq!((r.method, url(&r)), (method, "/inApps/v1/messaging/default/gold%2Fmonth/en-US".to_owned()), "{name}");
    }

    let r = request(&a, "configureRealtimeURL", json!({"realtimeUrlRequest":{"realtimeURL":"https://example.com/retention"}}));
    assert_eq!((r.method, url(&r), r.body.as_deref()), (Method::Put, "/inApps/v1/messaging/realtime/url".to_owned(), Some(r#"{"realtimeURL":"https://example.com/retention"}"#)));
    for (name, method) in [("deleteRealtimeURL", Method::Delete), ("getRealtimeURL", Method::Get)] {
        let r = request(&a, name, json!({}));
        assert_eq!((r.method, url(&r), r.body.as_deref()), (method, "/inApps/v1/messaging/realtime/url".to_owned(), None), "{name}");
    }
    let r = request(&a, "initiatePerformanceTest", json!({"performanceTestRequest":{"originalTransactionId":"1"}}));
    assert_eq!((r.method, url(&r)), (Method::Post, "/inApps/v1/messaging/performanceTest".to_owned()));
    let r = request(&a, "getPerformanceTestResults", json!({"requestId":"run-1"}));
    assert_eq!((r.method, url(&r)), (Method::Get, "/inApps/v1/messaging/performanceTest/result/run-1".to_owned()));
    let r = request(&a, "finishTransaction", json!({"transactionId":"2000000012345678"}));
    assert_eq!((r.method, url(&r), r.body.as_deref()), (Method::Post, "/inApps/v1/transactions/2000000012345678/finish".to_owned(), None));

    for (name, params) in [
        ("uploadImage", json!({})),
        ("uploadImage", json!({"imageIdentifier":id,"imageSize":1})),
        ("deleteMessage", json!({"messageIdentifier":""})),
        ("configureDefaultMessage", json!({"productId":"p","locale":"en-US"})),
        ("getDefaultMessage", json!({"productId":"p"})),
        ("configureRealtimeURL", json!({"realtimeUrlRequest":"https://example.com"})),
        ("getImageList", json!({"typo":1})),
    ] {
        assert_eq!(a.request(endpoint(name), &params, NOW).unwrap_err().code(), "INVALID_ARGUMENT", "{name} {params}");
    }
    // Apple's retention messaging errors keep their names.
    let e = parse(&a, "deleteImage", 404, r#"{"errorCode":4040014,"errorMessage":"Image not found."}"#).unwrap_err();
    let d = e.details();
    assert_eq!((d["errorCode"].clone(), d["errorName"].clone()), (json!(4_040_014), json!("IMAGE_NOT_FOUND")));
    assert_eq!(parse(&a, "uploadImage", 200, "").unwrap(), Value::Null);
    assert_eq!(parse(&a, "getRealtimeURL", 200, r#"{"realtimeURL":"https://example.com/r"}"#).unwrap(), json!({"realtimeURL":"https://example.com/r"}));
}

#[test]
fn every_endpoint_is_declared_once_with_apples_method() {
    let names: Vec<&str> = AppStoreServerApi::endpoints().iter().map(|e| e.call).collect();
    for apple in [
        "getTransactionInfo", "getTransactionHistory", "getAllSubscriptionStatuses", "lookUpOrderId", "getRefundHistory",
        "sendConsumptionData", "sendConsumptionInformation", "extendSubscriptionRenewalDate",
        "extendRenewalDateForAllActiveSubscribers", "getStatusOfSubscriptionRenewalDateExtensions", "getNotificationHistory",
        "requestTestNotification", "getTestNotificationStatus", "setAppAccountToken", "getAppTransactionInfo",
        "finishTransaction", "uploadImage", "deleteImage", "getImageList", "uploadMessage", "deleteMessage", "getMessageList",
        "configureDefaultMessage", "deleteDefaultMessage", "getDefaultMessage", "configureRealtimeURL", "deleteRealtimeURL",
        "getRealtimeURL", "initiatePerformanceTest", "getPerformanceTestResults",
    ] {
        assert_eq!(names.iter().filter(|n| **n == apple).count(), 1, "{apple}");
    }
    // Mutations are sent once; the rest are reads.
    for e in AppStoreServerApi::endpoints() {
        let mutation = matches!(e.method, Method::Put | Method::Delete)
            || ["requestTestNotification", "extendRenewalDateForAllActiveSubscribers", "finishTransaction", "initiatePerformanceTest"]
                .contains(&e.name)
            || e.path.starts_with("/advancedCommerce/");
        assert_eq!(e.read, !mutation, "{}", e.name);
    }
}

#[test]
fn advanced_commerce_calls_post_the_request_and_verify_the_answer() {
    let a = api(Environment::Sandbox);
    let request = json!({"requestInfo": {"requestReferenceId": "ref-1"}, "storefront": "USA"});
    for (name, path) in [
        ("cancelSubscription", "/advancedCommerce/v1/subscription/cancel/7"),
        ("changeSubscriptionMetadata", "/advancedCommerce/v1/subscription/changeMetadata/7"),
        ("changeSubscriptionPrice", "/advancedCommerce/v1/subscription/changePrice/7"),
        ("migrateSubscription", "/advancedCommerce/v1/subscription/migrate/7"),
        ("requestTransactionRefund", "/advancedCommerce/v1/transaction/requestRefund/7"),
        ("revokeSubscription", "/advancedCommerce/v1/subscription/revoke/7"),
    ] {
        let r = a.request(endpoint(name), &json!({"transactionId": "7", "request": request}), NOW).unwrap();
        assert_eq!(r.method, Method::Post, "{name}");
        assert!(r.url.ends_with(path), "{name}: {}", r.url);
        assert_eq!(serde_json::from_str::<Value>(r.body.as_deref().unwrap()).unwrap(), request);
        assert_eq!(r.headers.get("content-type"), Some("application/json"));
        assert!(r.headers.get("authorization").unwrap().starts_with("Bearer "));
        // The answer's signed transaction is verified and decoded; a forged one fails the call.
        let v = parse(&a, name, 200, &json!({"signedTransactionInfo": tx("7")}).to_string()).unwrap();
        assert_eq!(v["decodedTransactionInfo"]["transactionId"], "7");
        let forged = format!("{}x", tx("7"));
        assert!(parse(&a, name, 200, &json!({"signedTransactionInfo": forged}).to_string()).is_err());
        // No request, or not an object: refused before anything is sent.
        assert_eq!(a.request(endpoint(name), &json!({"transactionId": "7"}), NOW).unwrap_err().code(), "INVALID_ARGUMENT");
    }
}

#[test]
fn signed_data_in_answers_is_verified_and_decoded() {
    let a = api(Environment::Sandbox);
    let t7 = tx("7");
    let v = parse(&a, "getTransactionInfo", 200, &json!({"signedTransactionInfo": t7}).to_string()).unwrap();
    assert_eq!(v["decodedTransactionInfo"]["transactionId"], "7");
    assert_eq!(v["signedTransactionInfo"], t7, "the signed string is kept beside its decoding");

    let body = json!({"signedTransactions":[tx("1"), tx("2")],"revision":"r2","hasMore":true,"bundleId":"com.example.app"}).to_string();
    let v = parse(&a, "getTransactionHistory", 200, &body).unwrap();
    assert_eq!((v["decodedTransactions"][1]["transactionId"].as_str(), v["hasMore"].as_bool()), (Some("2"), Some(true)));

    // Nested: statuses hold lastTransactions with both kinds of signed data.
    let renewal = test_jws(&format!(r#"{{"originalTransactionId":"1","environment":"Sandbox","signedDate":{SIGNED},"autoRenewStatus":1}}"#), "leaf-ec", "int-ec", "root-ec");
    let body = json!({"data":[{"subscriptionGroupIdentifier":"g","lastTransactions":[{"status":1,"signedTransactionInfo":tx("3"),"signedRenewalInfo":renewal}]}]}).to_string();
    let v = parse(&a, "getAllSubscriptionStatuses", 200, &body).unwrap();
    let last = &v["data"][0]["lastTransactions"][0];
    assert_eq!((last["decodedTransactionInfo"]["transactionId"].as_str(), last["decodedRenewalInfo"]["autoRenewStatus"].as_i64()), (Some("3"), Some(1)));

    // One bad signature anywhere fails the whole answer: never a partial success.
    // A signature with one character changed, and a payload with one added.
    let t4 = tx("4");
    let last = t4.chars().last().unwrap();
    let forged = format!("{}{}", &t4[..t4.len() - 1], if last == 'A' { 'B' } else { 'A' });
    let tampered = tx("5").replacen('.', ".e", 1);
    for bad in [forged, tampered, test_jws(&format!(r#"{{"transactionId":"6","bundleId":"com.other","environment":"Sandbox","signedDate":{SIGNED}}}"#), "leaf-ec", "int-ec", "root-ec")] {
        let body = json!({"signedTransactions":[tx("1"), bad]}).to_string();
        assert!(parse(&a, "getRefundHistory", 200, &body).is_err());
    }
    let body = json!({"signedTransactions":[tx("1"), 7]}).to_string();
    assert_eq!(parse(&a, "lookUpOrderId", 200, &body).unwrap_err().code(), "MALFORMED_INPUT");
    // Production data in a Sandbox client is refused.
    let prod = test_jws(&format!(r#"{{"transactionId":"8","bundleId":"com.example.app","environment":"Production","signedDate":{SIGNED}}}"#), "leaf-ec", "int-ec", "root-ec");
    assert_eq!(parse(&a, "getTransactionInfo", 200, &json!({"signedTransactionInfo":prod}).to_string()).unwrap_err().code(), "INVALID_ENVIRONMENT");

    // Empty bodies (202 of a PUT) read as nothing; a 2xx body that is not JSON is malformed.
    assert_eq!(parse(&a, "setAppAccountToken", 202, "").unwrap(), Value::Null);
    assert_eq!(parse(&a, "getTransactionInfo", 200, "<html>").unwrap_err().code(), "MALFORMED_INPUT");
    assert_eq!(parse(&a, "getTransactionInfo", 200, &" ".repeat(5 << 20)).unwrap_err().code(), "INPUT_TOO_LARGE");
}

#[test]
fn apples_errors_keep_code_name_and_retry_after() {
    let a = api(Environment::Production);
    let e = parse(&a, "getTransactionInfo", 404, r#"{"errorCode":4040010,"errorMessage":"Transaction id not found."}"#).unwrap_err();
    assert_eq!((e.code(), e.retryable()), ("API_ERROR", false));
    assert_eq!(e.details()["errorCode"], 4_040_010);
    assert_eq!(e.details()["errorName"], "TRANSACTION_ID_NOT_FOUND");
    assert_eq!(e.details()["errorMessage"], "Transaction id not found.");
    assert!(e.to_string().contains("TRANSACTION_ID_NOT_FOUND") && !e.to_string().contains("not found."), "{e}");

    let mut r = HttpResponse::new(429, r#"{"errorCode":4290000,"errorMessage":"Rate limit exceeded."}"#);
    r.headers.push("Retry-After", "7");
    let e = a.parse(endpoint("getTransactionInfo"), &r, NOW).unwrap_err();
    assert!(e.retryable());
    assert_eq!((e.details()["retryAfterMs"].as_i64(), e.details()["errorName"].as_str()), (Some(7000), Some("RATE_LIMIT_EXCEEDED")));
    let e = parse(&a, "getTransactionInfo", 404, r#"{"errorCode":4040002,"errorMessage":"x"}"#).unwrap_err();
    assert!(e.retryable(), "Apple's …_RETRYABLE codes may be tried again");
    let e = parse(&a, "getTransactionInfo", 401, "").unwrap_err();
    assert_eq!((e.retryable(), e.details()["status"].as_i64()), (false, Some(401)));
    assert!(parse(&a, "getTransactionInfo", 503, "<html>").unwrap_err().retryable());
    // Apple's text is cleaned: no control characters reach the details.
    let e = parse(&a, "getTransactionInfo", 400, "{\"errorCode\":4000006,\"errorMessage\":\"bad\\u001b[31m id\"}").unwrap_err();
    assert!(!e.details()["errorMessage"].as_str().unwrap().contains('\u{1b}'));
}

#[test]
fn environments_and_keys() {
    let verifier = |env| SignedDataVerifier::with_roots(Some(&[pki("root-ec.der")]), false, env, "com.example.app", Some(42)).unwrap();
    let key = pki("leaf-ec.pk8");
    let p = AppStoreServerApi::new(&key, "K", "I", "com.example.app", verifier(Environment::Production), None).unwrap();
    assert_eq!(ServerApi::base_url(&p), "https://api.storekit.apple.com");
    let e = AppStoreServerApi::new(&key, "K", "I", "com.example.app", verifier(Environment::Xcode), None).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let local = AppStoreServerApi::new(&key, "K", "I", "b", verifier(Environment::Sandbox), Some("http://127.0.0.1:9/")).unwrap();
    assert_eq!(ServerApi::base_url(&local), "http://127.0.0.1:9");
    // Not a P-256 PKCS#8 key: a clear INVALID_ARGUMENT, with no key bytes in the message.
    for bad in [pki("leaf-rsa.pk8"), b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----".to_vec(), b"junk".to_vec()] {
        let e = AppStoreServerApi::new(&bad, "K", "I", "b", verifier(Environment::Sandbox), None).unwrap_err();
        assert!(["INVALID_ARGUMENT", "MALFORMED_INPUT"].contains(&e.code()), "{e}");
        assert!(!e.to_string().contains("AAAA"));
    }
    for (k, i, b) in [("", "I", "b"), ("K", " ", "b"), ("K", "I", "")] {
        assert_eq!(AppStoreServerApi::new(&key, k, i, b, verifier(Environment::Sandbox), None).unwrap_err().code(), "INVALID_ARGUMENT");
    }
}

// ---- hardening (issue 25) --------------------------------------------------------------------

#[test]
fn an_answer_that_already_carries_a_decoded_field_is_refused_at_every_depth() {
    let a = api(Environment::Sandbox);
    let fake = json!({"transactionId":"999","productId":"gems","bundleId":"com.example.app","environment":"Sandbox"});
    let renewal = test_jws(&format!(r#"{{"originalTransactionId":"1","environment":"Sandbox","signedDate":{SIGNED},"autoRenewStatus":1}}"#), "leaf-ec", "int-ec", "root-ec");
    let cases = [
        // A transaction answer with only the decoded field, or with its signed field null.
        ("getTransactionInfo", json!({"decodedTransactionInfo": fake})),
        ("getTransactionInfo", json!({"signedTransactionInfo": null, "decodedTransactionInfo": fake})),
        // Beside a genuine signed field: ours would replace it, but the answer is still not Apple's.
        ("getTransactionInfo", json!({"signedTransactionInfo": tx("7"), "decodedTransactionInfo": fake})),
        // History and refunds, order lookup.
        ("getTransactionHistory", json!({"signedTransactions": [], "decodedTransactions": [fake], "hasMore": false})),
        ("getRefundHistory", json!({"decodedTransactions": [fake]})),
        ("lookUpOrderId", json!({"status": 0, "decodedTransactions": [fake]})),
        // Status items, at depth: a renewal info or a transaction decoded by someone else.
        ("getAllSubscriptionStatuses", json!({"data":[{"lastTransactions":[{"status":1,"signedTransactionInfo":tx("3"),"decodedRenewalInfo":{"autoRenewStatus":1}}]}]})),
        ("getAllSubscriptionStatuses", json!({"data":[{"lastTransactions":[{"status":1,"signedRenewalInfo":renewal,"decodedTransactionInfo":fake}]}]})),
        // Notification history and the test notification.
        ("getNotificationHistory", json!({"notificationHistory":[{"signedPayload":null,"decodedPayload":{"notificationType":"REFUND"}}],"hasMore":false})),
        ("getTestNotificationStatus", json!({"decodedPayload":{"notificationType":"TEST"}})),
        ("getAppTransactionInfo", json!({"decodedAppTransactionInfo":{"bundleId":"com.example.app"}})),
    ];
    for (endpoint, body) in cases {
        let e = parse(&a, endpoint, 200, &body.to_string()).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{endpoint}: {body}");
        assert!(e.to_string().contains("decoded"), "{e}");
    }
    // Without such keys the same shapes verify.
    let body = json!({"data":[{"lastTransactions":[{"status":1,"signedTransactionInfo":tx("3"),"signedRenewalInfo":renewal}]}]});
    assert!(parse(&a, "getAllSubscriptionStatuses", 200, &body.to_string()).is_ok());
}

#[test]
fn an_echoed_bearer_token_never_reaches_the_details() {
    let a = api(Environment::Sandbox);
    let token = a.bearer_token(NOW).unwrap();
    // An upstream (or a proxy before it) that echoes the request's Authorization header.
    for message in [format!("bad header Authorization: Bearer {token}"), format!("token={token}; retry"), token.clone()] {
        let body = json!({"errorCode": 4000000, "errorMessage": message}).to_string();
        let e = parse(&a, "getTransactionInfo", 400, &body).unwrap_err();
        let details = e.details().to_string();
        let (header, claims) = (token.split('.').next().unwrap(), token.split('.').nth(1).unwrap());
        assert!(!details.contains(header) && !details.contains(claims), "{details}");
        assert!(details.contains("<redacted>"), "{details}");
    }
    // Any JWT-shaped text (another token, not ours) is redacted too, before the cut.
    let other = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl";
    let body = json!({"errorCode": 4000000, "errorMessage": format!("{} {other}", "x".repeat(240))}).to_string();
    let e = parse(&a, "getTransactionInfo", 400, &body).unwrap_err();
    assert!(!e.details()["errorMessage"].as_str().unwrap().contains("eyJ"), "{}", e.details());
}

#[test]
fn plain_http_only_to_a_loopback_host() {
    let verifier = || SignedDataVerifier::with_roots(Some(&[pki("root-ec.der")]), false, Environment::Sandbox, "com.example.app", Some(42)).unwrap();
    let key = pki("leaf-ec.pk8");
    for ok in ["http://127.0.0.1:9", "http://localhost:8787/x", "http://[::1]:1", "http://127.8.9.10", "https://api.example.com"] {
        assert!(AppStoreServerApi::new(&key, "K", "I", "b", verifier(), Some(ok)).is_ok(), "{ok}");
    }
    for bad in ["http://api.storekit.apple.com", "http://10.0.0.1:8080", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "http://[::2]"] {
        let e = AppStoreServerApi::new(&key, "K", "I", "b", verifier(), Some(bad)).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "{bad}");
        assert!(e.to_string().contains("allowInsecureHttp"), "{e}");
    }
    let api = AppStoreServerApi::from_options(&json!({
        "signingKey": format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", b64(&key)),
        "keyId": "K", "issuerId": "I", "bundleId": "b", "environment": "Sandbox",
        "baseUrl": "http://10.0.0.1:8080", "allowInsecureHttp": true,
    }));
    assert_eq!(ServerApi::base_url(&api.unwrap()), "http://10.0.0.1:8080");
}

#[test]
fn path_parameters_stay_in_their_endpoint() {
    let a = api(Environment::Sandbox);
    for id in [".", "..", ""] {
        let e = a.request(endpoint("getTransactionInfo"), &json!({"transactionId": id}), NOW).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "{id:?}");
    }
    // Everything else is one encoded segment.
    let r = request(&a, "getTransactionInfo", json!({"transactionId": "../../v1/notifications/test"}));
    assert!(r.url.ends_with("/inApps/v1/transactions/..%2F..%2Fv1%2Fnotifications%2Ftest"), "{}", r.url);
    let r = request(&a, "getTransactionInfo", json!({"transactionId": "..."}));
    assert!(r.url.ends_with("/transactions/..."), "{}", r.url);
    // The version of the history is one of Apple's, not a path.
    let e = a.request(endpoint("getTransactionHistory"), &json!({"transactionId": "1", "version": ".."}), NOW).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
}
