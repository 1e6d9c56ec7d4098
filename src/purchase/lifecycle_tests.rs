#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
use super::*;
use crate::purchase::sources::google_purchase_data;
use serde_json::json;

fn purchase(store: &str, product: &str, state: i64) -> Purchase {
    let p = google_purchase_data(&json!({
        "orderId": "GPA.1", "productId": product, "purchaseTime": 1000, "purchaseState": state,
        "purchaseToken": "tok", "quantity": 2, "obfuscatedAccountId": "acct-7"
    }))
    .unwrap();
    // An App Store purchase's id is its transaction id.
    let transaction_id = if store == "AS" { Some("tok".into()) } else { p.transaction_id.clone() };
    Purchase { store: Store::from_wire(store), transaction_id, ..p }
}

fn start(store: &str, nhn: bool, kind: ProductKind, finish: bool) -> PurchaseFlow {
    PurchaseFlow::start(PurchaseStart {
        store: Store::from_wire(store),
        store_id: "tok".into(),
        nhn,
        user_id: None,
        product_id: "gem".into(),
        kind,
        finish,
        token: nhn.then(|| "at-1".into()),
    })
    .unwrap()
}

fn verified(store: &str) -> PurchaseEvent {
    PurchaseEvent::Verified { purchase: Box::new(purchase(store, "gem", 0)) }
}

fn reload(f: &PurchaseFlow) -> PurchaseFlow {
    PurchaseFlow::from_json(&f.to_json().unwrap()).unwrap()
}

/// Drives a flow as the JS driver does, following `next_step`, and returns the effects performed
/// in order, by name.
fn drive(mut f: PurchaseFlow, store: &str) -> (PurchaseFlow, Vec<&'static str>) {
    let mut done = Vec::new();
    for _ in 0..20 {
        f = reload(&f);
        let event = match f.next_step() {
            Step::Verify => {
                done.push("VERIFY");
                verified(store)
            }
            Step::RequestSettle => {
                let a = f.apply(&PurchaseEvent::SettleRequested).unwrap();
                assert!(matches!(a.effects.as_slice(), [PurchaseEffect::Settle { attempt: 1, .. }]));
                f = a.flow;
                done.push("SETTLE");
                PurchaseEvent::Settled
            }
            Step::RetrySettle => PurchaseEvent::SettleTimeout,
            Step::Deliver => {
                done.push("DELIVER");
                PurchaseEvent::Delivered
            }
            Step::Complete => PurchaseEvent::Completed,
            Step::Wait | Step::None | Step::Revoke => return (f, done),
        };
        f = f.apply(&event).unwrap().flow;
    }
    panic!("no end")
}

#[test]
fn each_store_settles_in_its_order() {
    use ProductKind as K;
    let cases = [
        ("GG", false, K::Consumable, false, Settle::Consume, vec!["VERIFY", "DELIVER", "SETTLE"]),
        ("GG", false, K::NonConsumable, false, Settle::Acknowledge, vec!["VERIFY", "DELIVER", "SETTLE"]),
        ("ONESTORE", false, K::Subscription, false, Settle::Acknowledge, vec!["VERIFY", "DELIVER", "SETTLE"]),
        ("ONESTORE", false, K::Consumable, false, Settle::Consume, vec!["VERIFY", "DELIVER", "SETTLE"]),
        ("AS", false, K::Consumable, false, Settle::None, vec!["VERIFY", "DELIVER"]),
        ("AS", false, K::Consumable, true, Settle::Finish, vec!["VERIFY", "DELIVER", "SETTLE"]),
        ("GG", true, K::NonConsumable, false, Settle::Consume, vec!["VERIFY", "SETTLE", "DELIVER"]),
    ];
    for (store, nhn, kind, finish, settle, order) in cases {
        let f = start(store, nhn, kind, finish);
        assert_eq!(f.settle(), settle, "{store} {kind:?}");
        let (end, done) = drive(f, store);
        assert_eq!(done, order, "{store} nhn={nhn} {kind:?}");
        assert_eq!(end.state(), PurchaseFlowState::Completed);
        assert!(end.delivered() && end.settled() && end.token().is_none());
        assert_eq!(end.user_id(), Some("acct-7"), "the purchase's account id is the user");
    }
    assert_eq!(
        PurchaseFlow::start(PurchaseStart {
            store: Store::from_wire("XX"),
            store_id: "1".into(),
            nhn: false,
            user_id: None,
            product_id: "p".into(),
            kind: K::Consumable,
            finish: false,
            token: None,
        })
        .unwrap_err()
        .code(),
        "INVALID_ARGUMENT"
    );
}

#[test]
fn pending_is_never_delivered_and_moves_on() {
    let f = start("GG", false, ProductKind::Consumable, false);
    let a = f.apply(&PurchaseEvent::Pending).unwrap();
    assert_eq!(a.flow.next_step(), Step::Wait);
    assert_eq!(a.flow.apply(&PurchaseEvent::Delivered).unwrap_err().code(), "INVALID_STATE_TRANSITION");
    let pending = PurchaseEvent::Verified { purchase: Box::new(purchase("GG", "gem", 4)) };
    assert_eq!(a.flow.apply(&pending).unwrap_err().code(), "INVALID_ARGUMENT");
    let v = a.flow.apply(&verified("GG")).unwrap();
    assert_eq!(v.flow.next_step(), Step::Deliver);
}

#[test]
fn the_verified_purchase_must_be_this_flows() {
    let other = PurchaseFlow::start(PurchaseStart {
        store: Store::GooglePlay,
        store_id: "another-token".into(),
        nhn: false,
        user_id: None,
        product_id: "gem".into(),
        kind: ProductKind::Consumable,
        finish: false,
        token: None,
    })
    .unwrap();
    let e = other.apply(&verified("GG")).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    assert!(e.to_string().contains("another-token"), "{e}");
    let e = start("GG", false, ProductKind::Consumable, false).apply(&PurchaseEvent::Verified { purchase: Box::new(purchase("GG", "coin", 0)) });
    assert_eq!(e.unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn lost_settle_answer_is_ours_on_retry() {
    for nhn in [false, true] {
        let mut f = start("GG", nhn, ProductKind::Consumable, false).apply(&verified("GG")).unwrap().flow;
        if !nhn {
            f = f.apply(&PurchaseEvent::Delivered).unwrap().flow;
        }
        f = f.apply(&PurchaseEvent::SettleRequested).unwrap().flow;
        // Crash: the resumed run retries, and the store says "already consumed".
        let f = reload(&f);
        assert_eq!(f.next_step(), Step::RetrySettle);
        let a = f.apply(&PurchaseEvent::SettleTimeout).unwrap();
        assert!(matches!(a.effects.as_slice(), [PurchaseEffect::Settle { attempt: 2, .. }]));
        let a = a.flow.apply(&PurchaseEvent::AlreadySettled).unwrap();
        assert!(!a.flow.flagged());
        if nhn {
            assert_eq!(a.flow.state(), PurchaseFlowState::Settled);
            assert!(matches!(a.effects.as_slice(), [PurchaseEffect::Deliver { quantity: 2, .. }]));
        } else {
            assert_eq!(a.flow.state(), PurchaseFlowState::Completed);
        }
    }
}

#[test]
fn consumed_before_us_is_flagged_never_delivered() {
    // Google consumable consumed before our request; NHN 5018 at attempt 1.
    let g = start("GG", false, ProductKind::Consumable, false).apply(&verified("GG")).unwrap().flow;
    let n = start("GG", true, ProductKind::Consumable, false).apply(&verified("GG")).unwrap().flow;
    let n1 = n.apply(&PurchaseEvent::SettleRequested).unwrap().flow;
    for f in [g, n.clone(), n1] {
        let a = f.apply(&PurchaseEvent::AlreadySettled).unwrap();
        assert_eq!(a.flow.state(), PurchaseFlowState::ConsumedElsewhere);
        assert!(a.flow.flagged() && a.flow.token().is_none());
        assert!(matches!(a.effects.as_slice(), [PurchaseEffect::Flag { .. }]));
        assert_eq!(a.flow.next_step(), Step::None);
        assert_eq!(a.flow.apply(&PurchaseEvent::Delivered).unwrap_err().code(), "INVALID_STATE_TRANSITION");
        reload(&a.flow);
    }
    // A non-consumable the app acknowledged itself is delivered, and not acknowledged again.
    let f = start("GG", false, ProductKind::NonConsumable, false).apply(&verified("GG")).unwrap().flow;
    let a = f.apply(&PurchaseEvent::AlreadySettled).unwrap();
    assert!(a.effects.is_empty() && a.flow.settled());
    let (end, done) = drive(a.flow, "GG");
    assert_eq!(done, vec!["DELIVER"]);
    assert_eq!(end.state(), PurchaseFlowState::Completed);
}

#[test]
fn refund_owes_a_revoke_until_revoked_and_only_after_delivery() {
    let f = start("GG", false, ProductKind::Consumable, false);
    let v = f.apply(&verified("GG")).unwrap().flow;
    let d = v.apply(&PurchaseEvent::Delivered).unwrap().flow;
    let (c, _) = drive(d.clone(), "GG");
    for (flow, revokes) in [(v, false), (d, true), (c.clone(), true)] {
        let a = flow.apply(&PurchaseEvent::Refunded { reason: Some("voided".into()) }).unwrap();
        assert_eq!(matches!(a.effects.as_slice(), [PurchaseEffect::Revoke { quantity: 2, .. }]), revokes);
        assert_eq!(a.flow.state(), PurchaseFlowState::Refunded);
        assert_eq!(a.flow.revoke_pending(), revokes);
        let f = reload(&a.flow);
        assert_eq!(f.next_step(), if revokes { Step::Revoke } else { Step::None });
        if revokes {
            assert_eq!(a.effects, vec![f.revoke_effect()]);
            // The revoke threw (nothing recorded): another notice of the refund asks again, any reason.
            for again in [PurchaseEvent::Refunded { reason: Some("voided".into()) }, PurchaseEvent::Refunded { reason: None }] {
                let b = f.apply(&again).unwrap();
                assert!(!b.duplicate, "a retry, not a duplicate");
                assert_eq!(b.effects, vec![f.revoke_effect()]);
                assert_eq!(b.flow, f, "nothing changes until REVOKED");
            }
            let r = f.apply(&PurchaseEvent::Revoked).unwrap();
            assert!(!r.duplicate && r.effects.is_empty());
            assert!(!r.flow.revoke_pending());
            assert_eq!(r.flow.next_step(), Step::None);
            assert_eq!(r.flow.reason(), Some("voided"));
            let f = reload(&r.flow);
            assert!(f.to_json().unwrap().find("revokePending").is_none(), "absent once done");
            // Done: a second REVOKED (an instance that lost the race) and any later refund are duplicates.
            for again in [PurchaseEvent::Revoked, PurchaseEvent::Refunded { reason: Some("voided".into()) }, PurchaseEvent::Refunded { reason: None }] {
                let b = f.apply(&again).unwrap();
                assert!(b.duplicate && b.effects.is_empty(), "{again:?}");
            }
        } else {
            // Nothing was delivered: nothing owed, REVOKED is a duplicate, a second refund too.
            for again in [PurchaseEvent::Refunded { reason: Some("voided".into()) }, PurchaseEvent::Refunded { reason: None }, PurchaseEvent::Revoked] {
                let b = f.apply(&again).unwrap();
                assert!(b.duplicate && b.effects.is_empty());
            }
        }
    }
    assert_eq!(f.apply(&PurchaseEvent::Refunded { reason: None }).unwrap_err().code(), "INVALID_STATE_TRANSITION");
    // REVOKED reports a revoke of a refund: from any other state it is refused.
    for s in [f.clone(), f.apply(&verified("GG")).unwrap().flow, c] {
        assert_eq!(s.apply(&PurchaseEvent::Revoked).unwrap_err().code(), "INVALID_STATE_TRANSITION", "{:?}", s.state());
    }
    assert_eq!(PurchaseEvent::from_json(r#"{"type":"REVOKED"}"#).unwrap(), PurchaseEvent::Revoked);
}

#[test]
fn revoke_pending_is_read_from_stored_records() {
    let d = start("GG", false, ProductKind::Consumable, false).apply(&verified("GG")).unwrap().flow;
    let d = d.apply(&PurchaseEvent::Delivered).unwrap().flow;
    let owed = d.apply(&PurchaseEvent::Refunded { reason: None }).unwrap().flow;
    let v: Value = serde_json::from_str(&owed.to_json().unwrap()).unwrap();
    assert_eq!(v["revokePending"], json!(true));
    // A record written before the field existed (absent): nothing owed, as then.
    let mut old = v.clone();
    old.as_object_mut().unwrap().remove("revokePending");
    let old = PurchaseFlow::from_json(&old.to_string()).unwrap();
    assert!(!old.revoke_pending() && old.next_step() == Step::None);
    // Owed anywhere but a delivered purchase's refund: no sequence of events makes it.
    let mut m: Value = serde_json::from_str(&d.to_json().unwrap()).unwrap();
    m["revokePending"] = json!(true);
    assert_eq!(PurchaseFlow::from_json(&m.to_string()).unwrap_err().code(), "MALFORMED_INPUT");
    let undelivered = start("GG", false, ProductKind::Consumable, false).apply(&verified("GG")).unwrap().flow;
    let mut m: Value = serde_json::from_str(&undelivered.apply(&PurchaseEvent::Refunded { reason: None }).unwrap().flow.to_json().unwrap()).unwrap();
    m["revokePending"] = json!(true);
    assert_eq!(PurchaseFlow::from_json(&m.to_string()).unwrap_err().code(), "MALFORMED_INPUT");
    let mut m = v;
    m["revokePending"] = json!("yes");
    assert_eq!(PurchaseFlow::from_json(&m.to_string()).unwrap_err().code(), "MALFORMED_INPUT");
}

#[test]
fn a_renewal_extends_a_subscription_once_per_renewal() {
    let f = start("GG", false, ProductKind::Subscription, false);
    let renewed = |at, expires_at| PurchaseEvent::Renewed { at, expires_at };
    // Not before the purchase is verified.
    assert_eq!(f.apply(&renewed(10, None)).unwrap_err().code(), "INVALID_STATE_TRANSITION");
    let (done, _) = drive(f, "GG");
    assert_eq!((done.state(), done.renewals(), done.renewed_at(), done.expires_at()), (PurchaseFlowState::Completed, 0, None, None));
    let a = done.apply(&renewed(2_000, Some(5_000))).unwrap();
    assert!(!a.duplicate && a.effects.is_empty());
    let f = reload(&a.flow);
    assert_eq!((f.state(), f.renewals(), f.renewed_at(), f.expires_at()), (PurchaseFlowState::Completed, 1, Some(2_000), Some(5_000)));
    // The same renewal again, or an older one delivered late: nothing changes.
    for again in [renewed(2_000, Some(5_000)), renewed(1_500, Some(9_000))] {
        let b = f.apply(&again).unwrap();
        assert!(b.duplicate && b.flow == f);
    }
    // A later one without an expiry keeps the known expiry; a later expiry extends it.
    let g = f.apply(&renewed(3_000, None)).unwrap().flow;
    assert_eq!((g.renewals(), g.renewed_at(), g.expires_at()), (2, Some(3_000), Some(5_000)));
    let h = reload(&g.apply(&renewed(4_000, Some(8_000))).unwrap().flow);
    assert_eq!((h.renewals(), h.expires_at()), (3, Some(8_000)));
    // Renewals never fill the history (a subscription renews without end).
    assert_eq!(h.history, done.history);
    // Not for a refunded record, and not for a product that is no subscription.
    let refunded = h.apply(&PurchaseEvent::Refunded { reason: None }).unwrap().flow;
    assert_eq!(refunded.apply(&renewed(9_000, None)).unwrap_err().code(), "INVALID_STATE_TRANSITION");
    let (gem, _) = drive(start("GG", false, ProductKind::Consumable, false), "GG");
    assert_eq!(gem.apply(&renewed(9_000, None)).unwrap_err().code(), "INVALID_ARGUMENT");
    // The JSON event, and stored forms that no renewal makes.
    assert_eq!(PurchaseEvent::from_json(r#"{"type":"RENEWED","at":7,"expiresAt":8}"#).unwrap(), renewed(7, Some(8)));
    for bad in [r#"{"type":"RENEWED"}"#, r#"{"type":"RENEWED","at":-1}"#, r#"{"type":"RENEWED","at":"7"}"#] {
        assert_eq!(PurchaseEvent::from_json(bad).unwrap_err().code(), "INVALID_ARGUMENT", "{bad}");
    }
    let mut stored: Value = serde_json::from_str(&h.to_json().unwrap()).unwrap();
    stored["renewedAt"] = Value::Null;
    assert_eq!(PurchaseFlow::from_json(&stored.to_string()).unwrap_err().code(), "MALFORMED_INPUT");
    stored.as_object_mut().unwrap().remove("renewedAt");
    assert_eq!(PurchaseFlow::from_json(&stored.to_string()).unwrap_err().code(), "MALFORMED_INPUT");
    let mut gem_json: Value = serde_json::from_str(&gem.to_json().unwrap()).unwrap();
    gem_json["renewals"] = json!(1);
    gem_json["renewedAt"] = json!(5);
    assert_eq!(PurchaseFlow::from_json(&gem_json.to_string()).unwrap_err().code(), "MALFORMED_INPUT");
}

#[test]
fn tokens_are_dropped_once_settled_and_at_the_ends() {
    let f = start("AS", true, ProductKind::Consumable, false);
    assert_eq!(f.token(), Some("at-1"));
    let f = f.apply(&verified("AS")).unwrap().flow.apply(&PurchaseEvent::SettleRequested).unwrap().flow;
    assert_eq!(f.token(), Some("at-1"));
    let f = f.apply(&PurchaseEvent::Settled).unwrap().flow;
    assert_eq!(f.token(), None);
    assert!(!f.to_json().unwrap().contains("at-1"));
    let failed = start("AS", true, ProductKind::Consumable, false)
        .apply(&PurchaseEvent::VerifyFailed { reason: "bad signature".into() })
        .unwrap()
        .flow;
    assert!(!failed.to_json().unwrap().contains("at-1"));
}

#[test]
fn reopen_is_audited_and_only_from_the_refusals() {
    let failed = start("GG", false, ProductKind::Consumable, false)
        .apply(&PurchaseEvent::VerifyFailed { reason: "no".into() })
        .unwrap()
        .flow;
    let e = PurchaseEvent::Reopened { by: "ops@example".into(), reason: "ticket 12".into() };
    let a = failed.apply(&e).unwrap();
    assert_eq!(a.flow.state(), PurchaseFlowState::Received);
    assert_eq!(a.flow.reopened(), ["ops@example: ticket 12 (was VERIFY_FAILED)"]);
    let (end, _) = drive(a.flow, "GG");
    assert_eq!(end.state(), PurchaseFlowState::Completed);
    assert_eq!(end.reopened().len(), 1);
    assert_eq!(end.apply(&e).unwrap_err().code(), "INVALID_STATE_TRANSITION");
    // Consumed elsewhere, reopened: delivered, never consumed again.
    let g = start("GG", false, ProductKind::Consumable, false).apply(&verified("GG")).unwrap().flow;
    let flagged = g.apply(&PurchaseEvent::AlreadySettled).unwrap().flow;
    let (end, done) = drive(flagged.apply(&e).unwrap().flow, "GG");
    assert_eq!(done, vec!["DELIVER"]);
    assert_eq!(end.state(), PurchaseFlowState::Completed);
    let empty = PurchaseEvent::Reopened { by: String::new(), reason: "x".into() };
    assert_eq!(flagged.apply(&empty).unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn unsettled_and_acknowledge_by() {
    let f = start("GG", false, ProductKind::NonConsumable, false).apply(&verified("GG")).unwrap().flow;
    let d = f.apply(&PurchaseEvent::Delivered).unwrap().flow;
    assert!(!f.unsettled() && d.unsettled());
    assert_eq!(d.acknowledge_by(), Some(1000 + ACKNOWLEDGE_WINDOW_MS));
    let r = d.apply(&PurchaseEvent::SettleRequested).unwrap().flow;
    assert!(r.unsettled());
    let done = r.apply(&PurchaseEvent::Settled).unwrap().flow;
    assert!(!done.unsettled());
    let apple = start("AS", false, ProductKind::Consumable, false).apply(&verified("AS")).unwrap().flow;
    let apple = apple.apply(&PurchaseEvent::Delivered).unwrap().flow;
    assert!(!apple.unsettled() && apple.acknowledge_by().is_none());
}

#[test]
fn events_read_by_hand() {
    assert_eq!(PurchaseEvent::from_json(r#"{"type":"SETTLE_TIMEOUT"}"#).unwrap(), PurchaseEvent::SettleTimeout);
    assert_eq!(
        PurchaseEvent::from_json(r#"{"type":"REOPENED","by":"a","reason":"b"}"#).unwrap(),
        PurchaseEvent::Reopened { by: "a".into(), reason: "b".into() }
    );
    for bad in [r#"{"type":"VERIFIED","purchase":{}}"#, r#"{"type":"SETTLED","x":1}"#, r#"{"type":"VERIFY_FAILED"}"#, "[]", "", r#"{"type":1}"#] {
        assert_eq!(PurchaseEvent::from_json(bad).unwrap_err().code(), "INVALID_ARGUMENT", "{bad}");
    }
    let s = PurchaseStart::from_json(r#"{"store":"GG","storeId":"t","productId":"p","kind":"CONSUMABLE"}"#).unwrap();
    assert_eq!(s.kind, ProductKind::Consumable);
    assert!(PurchaseStart::from_json(r#"{"store":"GG","storeId":"t","productId":"p","kind":"GEM"}"#).is_err());
}

#[test]
fn tampered_records_are_malformed() {
    let d = start("GG", true, ProductKind::Consumable, false).apply(&verified("GG")).unwrap().flow;
    let d = d.apply(&PurchaseEvent::SettleRequested).unwrap().flow;
    let v: Value = serde_json::from_str(&d.to_json().unwrap()).unwrap();
    let edits: Vec<(&str, Value)> = vec![
        ("state", json!("DELIVERED")),
        ("state", json!("SHIPPED")),
        ("delivered", json!(true)),
        ("settled", json!(true)),
        ("settleAttempts", json!(0)),
        ("settle", json!("ACKNOWLEDGE")),
        ("format", json!(2)),
        ("extra", json!(1)),
        ("history", json!(["nope"])),
        ("flagged", json!(true)),
        ("storeId", json!("")),
        ("nhn", json!("yes")),
    ];
    for (k, val) in edits {
        let mut m = v.clone();
        m[k] = val.clone();
        let e = PurchaseFlow::from_json(&m.to_string()).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{k}={val}: {e}");
    }
    for k in ["token", "purchase", "history", "store"] {
        let mut m = v.clone();
        m.as_object_mut().unwrap().remove(k);
        assert_eq!(PurchaseFlow::from_json(&m.to_string()).unwrap_err().code(), "MALFORMED_INPUT", "{k}");
    }
    assert_eq!(PurchaseFlow::from_json(&" ".repeat(limits::MAX_FLOW_JSON + 1)).unwrap_err().code(), "INPUT_TOO_LARGE");
    assert_eq!(reload(&d), d);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    fn event() -> impl Strategy<Value = PurchaseEvent> {
        use PurchaseEvent as E;
        prop_oneof![
            prop_oneof![Just("GG"), Just("AS")].prop_map(verified),
            Just(E::Pending),
            Just(E::VerifyFailed { reason: "r".into() }),
            Just(E::AlreadySettled),
            Just(E::SettleRequested),
            Just(E::Settled),
            Just(E::SettleTimeout),
            Just(E::Delivered),
            Just(E::Completed),
            Just(E::Refunded { reason: None }),
            Just(E::Revoked),
            Just(E::Reopened { by: "a".into(), reason: "b".into() }),
            (0..4i64).prop_map(|at| E::Renewed { at, expires_at: Some(at * 10) }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Random sequences, reloaded at random: at most one delivery between reopenings, none
        /// before an NHN consume, none from a pending purchase; a REVOKE asked only of a
        /// delivered purchase's refund and only while owed, at most one REVOKED applied, none
        /// asked after it; every stored form readable.
        #[test]
        fn never_delivers_twice(nhn in any::<bool>(), kind in 0..3u8, steps in proptest::collection::vec((event(), any::<bool>()), 0..40)) {
            let kind = [ProductKind::Consumable, ProductKind::NonConsumable, ProductKind::Subscription][usize::from(kind)];
            let mut flow = start("GG", nhn, kind, false);
            let mut delivered = 0;
            let mut revokes = 0;
            for (e, r) in steps {
                let before = flow.clone();
                if let Ok(a) = flow.apply(&e) {
                    if matches!(e, PurchaseEvent::Reopened { .. }) { delivered = 0; }
                    if a.flow.delivered() && !before.delivered() {
                        delivered += 1;
                        prop_assert!(matches!(before.state(), PurchaseFlowState::Verified | PurchaseFlowState::Settled));
                        prop_assert!(!nhn || before.settled());
                    }
                    let asked = a.effects.iter().filter(|e| matches!(e, PurchaseEffect::Revoke { .. })).count();
                    if asked > 0 {
                        prop_assert_eq!(asked, 1);
                        prop_assert!(a.flow.revoke_pending() && a.flow.delivered() && a.flow.next_step() == Step::Revoke);
                        prop_assert_eq!(revokes, 0, "no REVOKE after REVOKED");
                    }
                    if matches!(e, PurchaseEvent::Revoked) && !a.duplicate {
                        prop_assert!(before.revoke_pending() && !a.flow.revoke_pending());
                        revokes += 1;
                    }
                    if a.duplicate { prop_assert!(a.effects.is_empty()); prop_assert_eq!(&a.flow, &flow); }
                    flow = a.flow;
                }
                if r { flow = reload(&flow); }
                prop_assert!(delivered <= 1);
                prop_assert!(revokes <= 1);
                prop_assert_eq!(flow.revoke_pending(), flow.next_step() == Step::Revoke);
            }
        }
    }
}
