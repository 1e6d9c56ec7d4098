//! The whole client against a fake transport: every request shape, every response parse.
//! Response bodies marked "reference" are the documented examples of NHN's API guides: the IAP
//! server API guide (S1), the legacy IAP API guide (S4) and the Gamebase API v1.3 guide (S10); see
//! `tests/vectors/SOURCES.md` for their addresses.

use std::collections::VecDeque;

use serde_json::{json, Value};

use super::gamebase::{self, GamebaseApi, GamebaseClient};
use super::iap::{self, IapApi, IapClient, PaymentRef};
use super::*;
use crate::error::Error;

/// Records every request and answers from a queue of canned responses.
#[derive(Default)]
struct Fake {
    sent: Vec<HttpRequest>,
    replies: VecDeque<crate::Result<HttpResponse>>,
}

impl Fake {
    fn replying(bodies: &[&str]) -> Self {
        Self { sent: Vec::new(), replies: bodies.iter().map(|b| Ok(HttpResponse::new(200, *b))).collect() }
    }
}

impl Transport for Fake {
    fn send(&mut self, request: &HttpRequest) -> crate::Result<HttpResponse> {
        self.sent.push(request.clone());
        self.replies.pop_front().unwrap_or_else(|| Err(Error::Network { reason: "no more replies".into() }))
    }
}

fn ok(result: Value) -> String {
    json!({ "header": { "isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS" }, "result": result }).to_string()
}

fn body_of(r: &HttpRequest) -> Value {
    serde_json::from_str(r.body.as_deref().unwrap()).unwrap()
}

fn iap_client(replies: &[&str]) -> IapClient<Fake> {
    IapClient::new(IapApi::new("APPKEY123", None).unwrap(), Fake::replying(replies))
}

fn gb_client(replies: &[&str]) -> GamebaseClient<Fake> {
    let api = GamebaseApi::new("C3JmSctU", "SECRET-KEY-XYZ", None, Some("tx-1")).unwrap();
    GamebaseClient::new(api, Fake::replying(replies))
}

const ALREADY: &str = r#"{"header":{"isSuccessful":false,"resultCode":5018,"resultMessage":"error message"}}"#;

// ---------------- IAP server API ----------------

#[test]
fn iap_consume_request_and_reference_result() {
    let mut c = iap_client(&[&ok(json!({"price":1500,"currency":"KRW","productSeq":12345}))]);
    let r = c.consume(&PaymentRef::new("2016122110023124", "tok/+=")).unwrap();
    assert_eq!((r.price, r.currency.as_str(), r.product_seq), (1500.0, "KRW", 12345));

    let req = &c.transport().sent[0];
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://api-iap.cloud.toast.com/v1/service/consume");
    assert_eq!(req.headers.get("content-type"), Some("application/json"));
    assert_eq!(req.headers.get("X-NHN-TCIAP-AppKey"), Some("APPKEY123"));
    assert_eq!(req.headers.len(), 2);
    assert_eq!(body_of(req), json!({"paymentSeq":"2016122110023124","accessToken":"tok/+="}));
}

#[test]
fn iap_consume_twice_is_already_consumed() {
    let mut c = iap_client(&[ALREADY]);
    let e = c.consume(&PaymentRef::new("2016122110023124", "t")).unwrap_err();
    assert_eq!(e.code(), "ALREADY_CONSUMED");
    assert_eq!(e.details(), json!({"resultCode":5018,"resultMessage":"error message"}));
}

#[test]
fn iap_consume_decimal_price() {
    let mut c = iap_client(&[&ok(json!({"price":2.29,"currency":"EUR","productSeq":"1000292"}))]);
    let r = c.consume(&PaymentRef::new("1", "t")).unwrap();
    assert_eq!((r.price, r.currency.as_str(), r.product_seq), (2.29, "EUR", 1000292));
    assert_eq!(serde_json::to_value(&r).unwrap(), json!({"price":2.29,"currency":"EUR","productSeq":1000292}));
}

#[test]
fn iap_list_consumables_reference_example() {
    let item = r#"{"paymentSeq":"2016122110023124","productSeq":1000292,"currency":"KRW","price":1000,"accessToken":"oJgM1EfDRjnQY7yqGjldTc1wkSktgzjsfkVTKE50DoGihsAvGQ"}"#;
    let body = format!(r#"{{"header":{{"isSuccessful":true,"resultCode":0,"resultMessage":"success"}},"result":[{item}]}}"#);
    let mut c = iap_client(&[&body]);
    let p = iap::ListConsumablesParams { market_id: MarketId::Google, user_key: "user1".into(), user_channel: "GF".into() };
    let list = c.list_consumables(&p).unwrap();
    assert_eq!(list.len(), 1);
    let it = &list[0];
    assert_eq!(it.payment.payment_seq, "2016122110023124");
    assert_eq!((it.payment.product_seq, it.payment.price, it.payment.currency.as_str()), (1000292, 1000.0, "KRW"));
    assert!(it.access_token.starts_with("oJgM1"));

    let req = &c.transport().sent[0];
    assert_eq!(req.url, "https://api-iap.cloud.toast.com/v1/service/consumable");
    assert_eq!(req.headers.get("x-nhn-tciap-appkey"), Some("APPKEY123"));
    assert_eq!(body_of(req), json!({"marketId":"GG","userChannel":"GF","userKey":"user1"}));
}

#[test]
fn iap_user_channel_defaults_to_gf_from_json() {
    let p = iap::ListConsumablesParams::from_json(&json!({"marketId":"ONESTORE","userKey":"u"})).unwrap();
    assert_eq!(p.user_channel, "GF");
    assert_eq!(p.market_id, MarketId::OneStore);
    let e = iap::ListConsumablesParams::from_json(&json!({"marketId":"GG","userKey":"u","typo":1})).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    assert_eq!(iap::ListConsumablesParams::from_json(&json!({"marketId":"GG"})).unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn iap_active_subscriptions_reference_example_with_duplicate_key() {
    // Reference E3 example verbatim: `productSeq` appears twice; the last value wins.
    let item = r#"{"channel":"GF","userId":"default_testUserx","paymentSeq":"2018102610330423","appId":"com.nhnent.iap.google.sample","productId":"subs_p1w","productType":"AUTO_RENEWABLE","productSeq":1002904,"currency":"KRW","price":1000,"paymentId":"GPA.3375-2193-1175-57698","originalPaymentId":"GPA.3375-2193-1175-57698","purchaseTimeMillis":1540522998289,"expiryTimeMillis":1541134994548,"renewTimeMillis":1540523045377,"productSeq":1000009}"#;
    let body = format!(r#"{{"header":{{"isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS"}},"result":[{item}]}}"#);
    let mut c = iap_client(&[&body]);
    let p = iap::ListActiveSubscriptionsParams {
        market_id: MarketId::Google,
        package_name: "com.nhnent.iap.google.sample".into(),
        user_key: "default_testUserx".into(),
        user_channel: "GF".into(),
    };
    let list = c.list_active_subscriptions(&p).unwrap();
    let s = &list[0];
    assert_eq!(s.product_seq, 1000009);
    assert_eq!(s.payment_seq, "2018102610330423");
    assert_eq!(s.product_type, ProductType::AutoRenewable);
    assert_eq!(s.times.expiry_time_millis, Some(1541134994548));
    assert_eq!(s.times.renew_time_millis, Some(1540523045377));
    assert_eq!(s.payment_id.as_deref(), Some("GPA.3375-2193-1175-57698"));
    assert_eq!(s.channel.as_deref(), Some("GF"));

    let req = &c.transport().sent[0];
    assert_eq!(req.url, "https://api-iap.cloud.toast.com/v1/service/activeSubscriptionList");
    assert_eq!(
        body_of(req),
        json!({"marketId":"GG","packageName":"com.nhnent.iap.google.sample","userChannel":"GF","userKey":"default_testUserx"})
    );
}

#[test]
fn iap_lists_accept_missing_result_and_ignore_unknown_fields() {
    let mut c = iap_client(&[
        r#"{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS"}}"#,
        &ok(json!([{"paymentSeq":"1","productSeq":2,"currency":"USD","price":0.99,"accessToken":"a","newField":{"x":1}}])),
    ]);
    let p = iap::ListConsumablesParams { market_id: MarketId::Apple, user_key: "u".into(), user_channel: "GF".into() };
    assert!(c.list_consumables(&p).unwrap().is_empty());
    assert_eq!(c.list_consumables(&p).unwrap()[0].payment.price, 0.99);
}

#[test]
fn iap_wrong_shapes_are_malformed() {
    let p = iap::ListConsumablesParams { market_id: MarketId::Apple, user_key: "u".into(), user_channel: "GF".into() };
    for body in [
        ok(json!({"not":"a list"})),
        ok(json!([{"paymentSeq":"1"}])),
        ok(json!([{"paymentSeq":"1","productSeq":2,"currency":"USD","price":"cheap","accessToken":"a"}])),
        "<html></html>".to_owned(),
    ] {
        let mut c = iap_client(&[&body]);
        assert_eq!(c.list_consumables(&p).unwrap_err().code(), "MALFORMED_INPUT", "{body}");
    }
    let mut c = iap_client(&[&ok(Value::Null)]);
    assert_eq!(c.consume(&PaymentRef::new("1", "t")).unwrap_err().code(), "MALFORMED_INPUT");
}

#[test]
fn iap_server_errors() {
    let mut c = IapClient::new(
        IapApi::new("k", Some("http://127.0.0.1:9/")).unwrap(),
        Fake {
            sent: vec![],
            replies: VecDeque::from(vec![
                Ok(HttpResponse::new(200, r#"{"header":{"isSuccessful":false,"resultCode":1100,"resultMessage":"INVALID_PARAMETERS"}}"#)),
                Ok(HttpResponse::new(502, "Bad Gateway")),
                Err(Error::Timeout { after_ms: 10 }),
            ]),
        },
    );
    let p = iap::ListConsumablesParams { market_id: MarketId::Google, user_key: "u".into(), user_channel: "GF".into() };
    let e = c.list_consumables(&p).unwrap_err();
    assert_eq!(e, Error::Api { status: 200, result_code: Some(1100), result_message: Some("INVALID_PARAMETERS".into()) });
    let e = c.list_consumables(&p).unwrap_err();
    assert_eq!(e, Error::Api { status: 502, result_code: None, result_message: None });
    assert!(e.retryable());
    assert_eq!(c.list_consumables(&p).unwrap_err().code(), "TIMEOUT");
    assert_eq!(c.transport().sent[0].url, "http://127.0.0.1:9/v1/service/consumable");
}

#[test]
fn iap_legacy_consume() {
    let mut c = iap_client(&[
        r#"{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":"request is successful"},"result":{"price":1000.0,"currency":"KRW"}}"#,
    ]);
    let p = iap::LegacyConsumeParams { payment_seq: "2015022410000000".into(), item_seq: 1000001, purchase_token: "a/b+c=".into() };
    let r = c.consume_legacy(&p).unwrap();
    assert_eq!((r.price, r.currency.as_str()), (1000.0, "KRW"));
    let req = &c.transport().sent[0];
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://api-iap.cloud.toast.com/inapp/v3/consume/2015022410000000/items/1000001");
    // The legacy API documents no auth header.
    assert_eq!(req.headers.get(iap::APP_KEY_HEADER), None);
    assert_eq!(req.headers.get("Content-Type"), Some("application/json"));
    assert_eq!(body_of(req), json!({"purchaseToken":"a/b+c="}));
}

#[test]
fn iap_legacy_consumable_list() {
    let mut c = iap_client(&[&ok(json!([
        {"paymentSeq":"2015022410000000","itemSeq":1000001,"currency":"KRW","price":1000,"purchaseToken":"tok"}
    ]))]);
    let p = iap::LegacyConsumablesParams::from_json(&json!({"appSeq":1000.0,"userKey":"user"})).unwrap();
    let list = c.list_consumables_legacy(&p).unwrap();
    assert_eq!((list[0].item_seq, list[0].purchase_token.as_str()), (1000001, "tok"));
    let req = &c.transport().sent[0];
    assert_eq!(req.url, "https://api-iap.cloud.toast.com/standard/inapp/v1/consumable/list");
    assert_eq!(body_of(req), json!({"appSeq":"1000","userChannel":"GF","userKey":"user"}));
    assert_eq!(req.headers.get(iap::APP_KEY_HEADER), None);
}

#[test]
fn iap_legacy_item_list() {
    let mut c = iap_client(&[&ok(json!({
        "appUsingStatus":"USE",
        "itemList":[{"itemSeq":1000001,"itemName":"Gem 100","marketItemId":"gem_100","usingStatus":"USE",
                     "regYmdt":"2014-12-05 07:02:34","appName":"Sample","marketId":"GG"}],
        "marketAppId":"com.example.app","appSeq":1000
    }))]);
    let list = c.list_items_legacy(&iap::LegacyItemListParams { app_seq: 1000 }).unwrap();
    assert_eq!(list.app_using_status.as_deref(), Some("USE"));
    assert_eq!(list.item_list[0].market_id, Some(MarketId::Google));
    assert_eq!(list.item_list[0].reg_ymdt.as_deref(), Some("2014-12-05 07:02:34"));
    let req = &c.transport().sent[0];
    assert_eq!((req.method, req.url.as_str()), (Method::Get, "https://api-iap.cloud.toast.com/standard/item/list/1000"));
    assert_eq!(req.body, None);
}

#[test]
fn iap_arguments_are_checked_before_sending() {
    let mut c = iap_client(&[]);
    assert_eq!(c.consume(&PaymentRef::new("", "t")).unwrap_err().code(), "INVALID_ARGUMENT");
    assert_eq!(c.consume(&PaymentRef::new("1", " ")).unwrap_err().code(), "INVALID_ARGUMENT");
    assert!(c.transport().sent.is_empty());
    assert_eq!(IapApi::new("", None).unwrap_err().code(), "INVALID_ARGUMENT");
    assert_eq!(IapApi::new("k", Some("api-iap.cloud.toast.com")).unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn legacy_path_segments_are_encoded() {
    let api = IapApi::new("k", None).unwrap();
    let req = api
        .consume_legacy_request(&iap::LegacyConsumeParams { payment_seq: "1/../x".into(), item_seq: 5, purchase_token: "t".into() })
        .unwrap();
    assert_eq!(req.url, "https://api-iap.cloud.toast.com/inapp/v3/consume/1%2F..%2Fx/items/5");
}

// ---------------- Gamebase ----------------

fn assert_gb_headers(req: &HttpRequest) {
    assert_eq!(req.headers.get("Content-Type"), Some("application/json; charset=UTF-8"));
    assert_eq!(req.headers.get("X-Secret-Key"), Some("SECRET-KEY-XYZ"));
    assert_eq!(req.headers.get("X-TCGB-Transaction-Id"), Some("tx-1"));
    assert!(!format!("{req:?}").contains("SECRET-KEY-XYZ"));
}

const GB: &str = "https://api-gamebase.nhncloudservice.com/tcgb-inapp/v1.3/apps/C3JmSctU";

#[test]
fn gamebase_consume() {
    let mut c = gb_client(&[&ok(json!({
        "price":2.29,"currency":"EUR","productSeq":1002904,"marketId":"GG","gamebaseProductId":"gem_100","payload":"p1"
    }))]);
    let r = c.consume(&PaymentRef::new("2019091931571201", "-tok_en")).unwrap();
    assert_eq!((r.price, r.product_seq), (2.29, 1002904));
    assert_eq!(r.market_id, Some(MarketId::Google));
    assert_eq!(r.payload.as_deref(), Some("p1"));
    let req = &c.transport().sent[0];
    assert_eq!((req.method, req.url.as_str()), (Method::Post, format!("{GB}/consume").as_str()));
    assert_gb_headers(req);
    assert_eq!(body_of(req), json!({"paymentSeq":"2019091931571201","accessToken":"-tok_en"}));
}

#[test]
fn gamebase_consume_already_consumed_and_reference_failure() {
    let failure = r#"{"header":{"transactionId":"88a1ae42-6b1d-48c8-894e-54e97aca07fq","resultCode":-4010002,"resultMessage":"Gamebase product appKey is invalid, appId:C3JmSctU","traceError":{"trackingTime":1489726350287,"throwPoint":"gateway","uri":"/tcgb-launching/v1.3/apps/C3JmSctU/configurations"},"isSuccessful":false}}"#;
    let mut c = gb_client(&[ALREADY, failure]);
    assert_eq!(c.consume(&PaymentRef::new("1", "t")).unwrap_err().code(), "ALREADY_CONSUMED");
    let e = c.consume(&PaymentRef::new("1", "t")).unwrap_err();
    assert_eq!(e.code(), "API_ERROR");
    assert_eq!(e.details()["resultCode"], -4010002);
    assert_eq!(e.details()["status"], 200);
}

#[test]
fn gamebase_list_consumables() {
    let mut c = gb_client(&[&ok(json!([{
        "paymentSeq":"2020060210000001","productSeq":1000001,"currency":"KRW","price":1500.0,"marketId":"ONESTORE",
        "accessToken":"tok","paymentId":"ONESTORE-1","gamebaseProductId":"gem","purchaseTime":"2020-06-02T13:38:56+09:00",
        "isTestPurchase":false
    }]))]);
    let p = gamebase::ListConsumablesParams { user_id: "QXG774PMRZMWR3BR".into(), market_ids: Some(vec![MarketId::Google, MarketId::Amazon]) };
    let list = c.list_consumables(&p).unwrap();
    assert_eq!(list[0].payment.market_id, Some(MarketId::OneStore));
    assert_eq!(list[0].payment.purchase_time.as_deref(), Some("2020-06-02T13:38:56+09:00"));
    assert_eq!(list[0].payment.payload, None);
    assert_eq!(list[0].payment.is_test_purchase, Some(false));
    let req = &c.transport().sent[0];
    assert_eq!(req.url, format!("{GB}/consumable"));
    assert_gb_headers(req);
    assert_eq!(body_of(req), json!({"userId":"QXG774PMRZMWR3BR","marketIds":["GG","AMAZON"]}));

    // Without marketIds the field is left out (all stores but AMAZON).
    let api = GamebaseApi::new("app", "s", None, None).unwrap();
    let req = api.list_consumables_request(&gamebase::ListConsumablesParams { user_id: "u".into(), market_ids: None }).unwrap();
    assert_eq!(body_of(&req), json!({"userId":"u"}));
    assert_eq!(req.headers.get(gamebase::TRANSACTION_ID_HEADER), None);
}

#[test]
fn gamebase_get_payment_transaction() {
    let mut c = gb_client(&[&ok(json!({
        "paymentSeq":"2019091931571201","productSeq":1000002,"currency":"USD","price":0.99,"marketId":"AS",
        "accessToken":"a/b+c","paymentId":"1000000571234567","productType":"CONSUMABLE","userId":"AS@QW4M1GM7W97YJDCN",
        "gamebaseProductId":"gem","purchaseTime":"2020-06-02T13:38:56+09:00","payload":"x","isTestPurchase":true,
        "isConsumable":true
    }))]);
    let t = c.get_payment_transaction(&gamebase::GetPaymentTransactionParams { access_token: "a/b+c =".into() }).unwrap();
    assert!(t.is_consumable);
    assert_eq!(t.user_id.as_deref(), Some("AS@QW4M1GM7W97YJDCN"));
    assert_eq!(t.product_type, Some(ProductType::Consumable));
    assert_eq!(t.payment_token, None);
    let req = &c.transport().sent[0];
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.url, format!("{GB}/payment/transaction?accessToken=a%2Fb%2Bc%20%3D"));
    assert_eq!(req.body, None);
    assert_gb_headers(req);
}

#[test]
fn gamebase_get_payment_transaction_needs_a_result() {
    let mut c = gb_client(&[&ok(Value::Null)]);
    let e = c.get_payment_transaction(&gamebase::GetPaymentTransactionParams { access_token: "t".into() }).unwrap_err();
    assert_eq!(e.code(), "MALFORMED_INPUT");
}

#[test]
fn gamebase_list_active_subscriptions() {
    let mut c = gb_client(&[&ok(json!([{
        "marketId":"GG","userId":"QXG774PMRZMWR3BR","paymentSeq":"2020060210000002","accessToken":"t","productSeq":1002904,
        "productId":"subs_p1w","productType":"CONSUMABLE_AUTO_RENEWABLE","originalPaymentId":"GPA.3333-7714-3477-48799",
        "paymentId":"GPA.3333-7714-3477-48799..5","linkedPaymentId":null,"price":1500.0,"currency":"KRW",
        "gamebaseProductId":"vip","payload":null,"purchaseTime":"2020-06-02T13:38:56+09:00",
        "expiryTime":"2020-06-09T13:38:56+09:00","renewTime":"2020-06-02T13:39:56+09:00","isTestPurchase":false,
        "referenceStatus":"SOMETHING_NEW"
    }]))]);
    let p = gamebase::ListActiveSubscriptionsParams {
        user_id: "QXG774PMRZMWR3BR".into(),
        package_name: "com.example".into(),
        market_ids: None,
        include_inactive_google_statuses: Some(vec![ReferenceStatus::OnHold]),
    };
    let list = c.list_active_subscriptions(&p).unwrap();
    let s = &list[0];
    assert_eq!(s.product_type, ProductType::ConsumableAutoRenewable);
    assert_eq!(s.reference_status, Some(ReferenceStatus::Unknown("SOMETHING_NEW".into())));
    assert_eq!(s.linked_payment_id, None);
    assert_eq!(s.times.expiry_time.as_deref(), Some("2020-06-09T13:38:56+09:00"));
    let req = &c.transport().sent[0];
    assert_eq!(req.url, format!("{GB}/active-subscriptions"));
    assert_gb_headers(req);
    assert_eq!(
        body_of(req),
        json!({"packageName":"com.example","userId":"QXG774PMRZMWR3BR","includeInactiveGoogleStatuses":["ON_HOLD"]})
    );
}

#[test]
fn one_record_model_serves_both_apis() {
    // The IAP server's E3 record and Gamebase's G4 record read into the same type; Gamebase's must
    // carry the access token its cancel, revoke and status calls take, the IAP server's never does.
    let iap = IapApi::new("k", None).unwrap();
    let e3 = json!([{"paymentSeq":"2018102610330423","productSeq":1,"productId":"p","productType":"AUTO_RENEWABLE",
                     "currency":"KRW","price":1000,"expiryTimeMillis":1541134994548_i64}]);
    let s: Vec<crate::nhn::ActiveSubscription> = iap.parse_list_active_subscriptions(&HttpResponse::new(200, ok(e3.clone()))).unwrap();
    assert_eq!((s[0].access_token.as_deref(), s[0].times.expiry_time_millis), (None, Some(1541134994548)));
    let gb = GamebaseApi::new("app", "s", None, None).unwrap();
    let e = gb.parse_list_active_subscriptions(&HttpResponse::new(200, ok(e3))).unwrap_err();
    assert_eq!(e.code(), "MALFORMED_INPUT");
    assert!(e.to_string().contains("result[0].accessToken"), "{e}");
    let mut with_token = json!([{"paymentSeq":"1","productSeq":1,"productId":"p","productType":"AUTO_RENEWABLE",
                                 "currency":"KRW","price":1,"accessToken":"t"}]);
    let s: Vec<crate::nhn::ActiveSubscription> = gb.parse_list_active_subscriptions(&HttpResponse::new(200, ok(with_token.clone()))).unwrap();
    assert_eq!(s[0].access_token.as_deref(), Some("t"));
    // A second entry without it is refused too, by its index.
    let first = with_token[0].clone();
    let mut second = first.clone();
    second.as_object_mut().unwrap().remove("accessToken");
    with_token = json!([first, second]);
    let e = gb.parse_list_active_subscriptions(&HttpResponse::new(200, ok(with_token))).unwrap_err();
    assert!(e.to_string().contains("result[1].accessToken"), "{e}");
}

fn status_item(seq: &str) -> Value {
    json!({"userId":"u","paymentSeq":seq,"accessToken":"t","paymentId":"GPA.3333-7714-3477-48799..5",
           "originalPaymentId":"GPA.3333-7714-3477-48799","purchaseTime":"2020-06-02T13:38:56+09:00",
           "expiryTime":"2020-06-09T13:38:56+09:00","renewTime":"2020-06-02T13:38:56+09:00","referenceStatus":"RENEWED"})
}

#[test]
fn gamebase_subscriptions_status_splits_by_ten_and_merges_in_order() {
    let payments: Vec<PaymentRef> = (0..23).map(|i| PaymentRef::new(format!("seq{i}"), format!("tok{i}"))).collect();
    let replies: Vec<String> = [0..10, 10..20, 20..23]
        .into_iter()
        .map(|r| ok(Value::Array(r.map(|i| status_item(&format!("seq{i}"))).collect())))
        .collect();
    let refs: Vec<&str> = replies.iter().map(String::as_str).collect();
    let mut c = gb_client(&refs);
    let all = c.get_subscriptions_status(&payments).unwrap();
    assert_eq!(all.len(), 23);
    assert!(all.iter().enumerate().all(|(i, s)| s.payment_seq == format!("seq{i}")));
    assert_eq!(all[0].reference_status, Some(ReferenceStatus::Renewed));
    let sent = &c.transport().sent;
    assert_eq!(sent.len(), 3);
    for (req, n) in sent.iter().zip([10, 10, 3]) {
        assert_eq!(req.url, format!("{GB}/subscriptions/status"));
        assert_gb_headers(req);
        assert_eq!(body_of(req)["payments"].as_array().unwrap().len(), n);
    }
    assert_eq!(body_of(&sent[1])["payments"][0], json!({"paymentSeq":"seq10","accessToken":"tok10"}));

    // No payments, no request.
    let mut c = gb_client(&[]);
    assert!(c.get_subscriptions_status(&[]).unwrap().is_empty());
    assert!(c.transport().sent.is_empty());
}

#[test]
fn gamebase_subscriptions_status_single_request_limit() {
    let api = GamebaseApi::new("app", "s", None, None).unwrap();
    let eleven = gamebase::SubscriptionsStatusParams { payments: (0..11).map(|i| PaymentRef::new(i.to_string(), "t")).collect() };
    let e = api.subscriptions_status_request(&eleven).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    assert!(e.to_string().contains("at most 10"), "{e}");
    let none = gamebase::SubscriptionsStatusParams { payments: vec![] };
    assert_eq!(api.subscriptions_status_request(&none).unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn gamebase_cancel_and_revoke() {
    let header_only = r#"{"header":{"transactionId":"tx-1","isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS"}}"#;
    let mut c = gb_client(&[header_only, header_only]);
    let p = PaymentRef::new("2020060210000002", "t");
    c.cancel_subscription(&p).unwrap();
    c.revoke_subscription(&p).unwrap();
    let sent = &c.transport().sent;
    assert_eq!(sent[0].url, format!("{GB}/subscriptions/cancel"));
    assert_eq!(sent[1].url, format!("{GB}/subscriptions/revoke"));
    for req in sent {
        assert_eq!(req.method, Method::Post);
        assert_gb_headers(req);
        assert_eq!(body_of(req), json!({"paymentSeq":"2020060210000002","accessToken":"t"}));
    }
}

#[test]
fn gamebase_secret_never_leaks() {
    let api = GamebaseApi::new("app", "SECRET-KEY-XYZ", None, None).unwrap();
    assert!(!format!("{api:?}").contains("SECRET-KEY-XYZ"));
    let body = r#"{"header":{"isSuccessful":false,"resultCode":-4010004,"resultMessage":"bad secret SECRET-KEY-XYZ"}}"#;
    let e = api.parse_consume(&HttpResponse::new(200, body)).unwrap_err();
    assert!(!e.to_string().contains("SECRET-KEY-XYZ"));
    assert!(!e.details().to_string().contains("SECRET-KEY-XYZ"));
    assert_eq!(GamebaseApi::new("app", "", None, None).unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn gamebase_app_id_and_base_url() {
    let api = GamebaseApi::new("a b/c", "s", Some("https://api-gamebase.cloud.toast.com/"), None).unwrap();
    let req = api.consume_request(&PaymentRef::new("1", "t")).unwrap();
    assert_eq!(req.url, "https://api-gamebase.cloud.toast.com/tcgb-inapp/v1.3/apps/a%20b%2Fc/consume");
}

#[test]
fn requests_round_trip_through_json() {
    let api = GamebaseApi::new("app", "s", None, None).unwrap();
    let req = api.get_payment_transaction_request(&gamebase::GetPaymentTransactionParams { access_token: "t".into() }).unwrap();
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(v["method"], "GET");
    assert!(v.get("body").is_none());
    let back: HttpRequest = serde_json::from_value(v).unwrap();
    assert_eq!(back, req);
    let resp: HttpResponse = serde_json::from_str(r#"{"status":200,"body":"{}"}"#).unwrap();
    assert_eq!(resp, HttpResponse::new(200, "{}"));
}

#[test]
fn payment_ref_takes_a_listed_entry_as_is() {
    let p: PaymentRef =
        PaymentRef::from_json(&json!({"paymentSeq":"1","productSeq":2,"currency":"KRW","price":1,"accessToken":"t"})).unwrap();
    assert_eq!(p, PaymentRef::new("1", "t"));
    assert_eq!(PaymentRef::from_json(&json!({"paymentSeq":"1"})).unwrap_err().code(), "INVALID_ARGUMENT");
}

// ---------------- vectors as data files, and damaged copies of them ----------------

fn vector(name: &str) -> String {
    let path = format!("{}/tests/vectors/nhn/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const VECTORS: &[&str] = &[
    "iap-consume.json",
    "iap-consume-already-consumed.json",
    "iap-consumable.json",
    "iap-active-subscriptions-duplicate-key.json",
    "gamebase-failure.json",
    "gamebase-payment-transaction.json",
];

#[test]
fn vector_files_parse_as_documented() {
    let iap = IapApi::new("k", None).unwrap();
    let gb = GamebaseApi::new("app", "s", None, None).unwrap();
    let r = |name| HttpResponse::new(200, vector(name));
    assert_eq!(iap.parse_consume(&r("iap-consume.json")).unwrap().product_seq, 12345);
    assert_eq!(iap.parse_consume(&r("iap-consume-already-consumed.json")).unwrap_err().code(), "ALREADY_CONSUMED");
    assert_eq!(iap.parse_list_consumables(&r("iap-consumable.json")).unwrap()[0].payment.product_seq, 1000292);
    assert_eq!(iap.parse_list_active_subscriptions(&r("iap-active-subscriptions-duplicate-key.json")).unwrap()[0].product_seq, 1000009);
    assert_eq!(gb.parse_consume(&r("gamebase-failure.json")).unwrap_err().details()["resultCode"], -4010002);
    let t = gb.parse_get_payment_transaction(&r("gamebase-payment-transaction.json")).unwrap();
    assert_eq!((t.payment.price, t.is_consumable), (2.29, true));
}

#[test]
fn damaged_vectors_never_panic() {
    for name in VECTORS {
        let bytes = vector(name).into_bytes();
        for i in 0..=bytes.len() {
            crate::fuzzing::nhn_response(&bytes[..i]);
            for b in [b'"', b'1', b'{', b']', b'x', 0xff] {
                let mut damaged = bytes.clone();
                if let Some(slot) = damaged.get_mut(i) {
                    *slot = b;
                    crate::fuzzing::nhn_response(&damaged);
                }
            }
        }
    }
}

#[test]
fn gamebase_times_get_epoch_millisecond_twins() {
    let gb = GamebaseApi::new("app", "s", None, None).unwrap();
    let r = HttpResponse::new(200, ok(Value::Array(vec![status_item("1")])));
    let s = &gb.parse_subscriptions_status(&r).unwrap()[0];
    assert_eq!(s.times.purchase_time_millis, Some(1_591_072_736_000));
    assert_eq!(s.times.expiry_time_millis, Some(1_591_677_536_000));
    let v = serde_json::to_value(s).unwrap();
    assert_eq!(v["expiryTime"], "2020-06-09T13:38:56+09:00");
    assert_eq!(v["expiryTimeMillis"], 1_591_677_536_000_i64);
    // A time it cannot read keeps its string and gets no twin: beside a text, the twin is never read
    // from the input.
    let odd = json!([{"paymentSeq":"1","expiryTime":"next tuesday","expiryTimeMillis":5}]);
    let s = &gb.parse_subscriptions_status(&HttpResponse::new(200, ok(odd))).unwrap()[0];
    assert_eq!((s.times.expiry_time.as_deref(), s.times.expiry_time_millis), (Some("next tuesday"), None));
    let t = gb.parse_get_payment_transaction(&HttpResponse::new(200, vector("gamebase-payment-transaction.json"))).unwrap();
    assert_eq!(t.payment.purchase_time_millis, Some(1_591_072_736_000));
}

#[test]
fn gamebase_params_from_json() {
    let p = gamebase::ListActiveSubscriptionsParams::from_json(
        &json!({"userId":"u","packageName":"p","marketIds":["GG"],"includeInactiveGoogleStatuses":["ON_HOLD"]}),
    )
    .unwrap();
    assert_eq!(p.market_ids, Some(vec![MarketId::Google]));
    assert_eq!(p.include_inactive_google_statuses, Some(vec![ReferenceStatus::OnHold]));
    let s = gamebase::SubscriptionsStatusParams::from_json(&json!({"payments":[{"paymentSeq":"1","accessToken":"t","extra":1}]})).unwrap();
    assert_eq!(s.payments, vec![PaymentRef::new("1", "t")]);
    for bad in [json!({"userId":"u"}), json!({"userId":"u","packageName":"p","marketIds":"GG"}), json!({"userId":1,"packageName":"p"})] {
        assert_eq!(gamebase::ListActiveSubscriptionsParams::from_json(&bad).unwrap_err().code(), "INVALID_ARGUMENT", "{bad}");
    }
    assert_eq!(gamebase::GetPaymentTransactionParams::from_json(&json!({"accessToken":"t"})).unwrap().access_token, "t");
    assert!(gamebase::ListConsumablesParams::from_json(&json!({"userId":"u","marketIds":null})).unwrap().market_ids.is_none());
}
