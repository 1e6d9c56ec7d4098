//! One purchase lifecycle for every store, as a pure reducer: documented on [`PurchaseFlow`].

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Purchase, PurchaseState, Store, StoredPurchase};
use crate::error::{Error, Result, Unit};
use crate::limits;

/// Three days: Google's and ONE store's deadline to acknowledge (or consume) a purchase before the
/// store refunds it, when the purchase does not say its own.
pub const ACKNOWLEDGE_WINDOW_MS: i64 = 3 * 24 * 60 * 60 * 1000;

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $v,)* }
        impl $name {
            /// The wire name.
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s,)* } }
            /// The value of a wire name.
            pub fn from_wire(s: &str) -> Option<Self> { match s { $($s => Some($name::$v),)* _ => None } }
        }
    };
}

wire_enum! {
    /// What the caller's catalog says a product is.
    ProductKind {
        /// Bought again and again (gems): consumed at the store once delivered.
        Consumable = "CONSUMABLE",
        /// Bought once (remove ads): acknowledged.
        NonConsumable = "NON_CONSUMABLE",
        /// A subscription: acknowledged.
        Subscription = "SUBSCRIPTION",
    }
}

wire_enum! {
    /// What settles a purchase with its store.
    Settle {
        /// Google Play / ONE store consume (a consumable), NHN consume (every NHN payment).
        Consume = "CONSUME",
        /// Google Play / ONE store acknowledge (a non-consumable or a subscription).
        Acknowledge = "ACKNOWLEDGE",
        /// App Store `finishTransaction`, when the caller opts in (it is the app's call).
        Finish = "FINISH",
        /// Nothing to settle (App Store by default).
        None = "NONE",
    }
}

wire_enum! {
    /// Where a purchase is. See [`PurchaseFlow`] for the transitions.
    PurchaseFlowState {
        /// What the app sent is recorded; verify it.
        Received = "RECEIVED",
        /// The store says the purchase is pending (not paid yet): nothing is delivered; verify again later.
        Pending = "PENDING",
        /// Verified and paid.
        Verified = "VERIFIED",
        /// A settle request is (or is about to be) in flight.
        SettleRequested = "SETTLE_REQUESTED",
        /// Settled before delivery (NHN: consumed); next, deliver.
        Settled = "SETTLED",
        /// The item was granted.
        Delivered = "DELIVERED",
        /// Delivered and settled: done.
        Completed = "COMPLETED",
        /// End: the store refused the purchase (bad signature, wrong app, not paid).
        VerifyFailed = "VERIFY_FAILED",
        /// End: refunded, voided or revoked. While `revokePending`, a `REVOKE` is owed (next step `REVOKE`).
        Refunded = "REFUNDED",
        /// End: consumed by someone else before us. Flagged, never delivered.
        ConsumedElsewhere = "CONSUMED_ELSEWHERE",
    }
}

impl PurchaseFlowState {
    /// True for the ends (reopen and refund aside).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::VerifyFailed | Self::Refunded | Self::ConsumedElsewhere)
    }
}

/// A fact the driver reports. JSON `{"type": "SETTLED"}`; see [`PurchaseEvent::from_json`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE", rename_all_fields = "camelCase")]
pub enum PurchaseEvent {
    /// The purchase verified (built from a verified value only; never read from JSON).
    Verified {
        /// The verified purchase.
        #[cfg_attr(feature = "typescript", ts(as = "Purchase"))]
        purchase: Box<Purchase>,
    },
    /// The store says the purchase is pending.
    Pending,
    /// The store refused the purchase (its verdict, not a mistake of ours).
    VerifyFailed {
        /// Why.
        reason: String,
    },
    /// The store says it is already consumed / acknowledged (the adapter maps the store's answer).
    AlreadySettled,
    /// The settle request is about to be sent.
    SettleRequested,
    /// The store settled it.
    Settled,
    /// The settle request got no answer.
    SettleTimeout,
    /// The item was granted.
    Delivered,
    /// Done (NHN: the client was told).
    Completed,
    /// A subscription renewed (a store's renewal notification, or a look-up): the record's
    /// paid period is extended. Not kept in the history (a subscription renews without end): a
    /// renewal at or before the last one applied is the duplicate.
    Renewed {
        /// When the store says it renewed (epoch ms).
        at: i64,
        /// The renewed period's end (epoch ms), where the store said it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<i64>,
    },
    /// The driver's report that the app's `revoke` returned: the owed `REVOKE` is done.
    Revoked,
    /// A refund, void or revocation.
    Refunded {
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        reason: Option<String>,
    },
    /// An operator reopens a `VERIFY_FAILED` or `CONSUMED_ELSEWHERE` record.
    Reopened {
        /// Who.
        by: String,
        /// Why.
        reason: String,
    },
}

impl PurchaseEvent {
    /// The wire name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Verified { .. } => "VERIFIED",
            Self::Pending => "PENDING",
            Self::VerifyFailed { .. } => "VERIFY_FAILED",
            Self::AlreadySettled => "ALREADY_SETTLED",
            Self::SettleRequested => "SETTLE_REQUESTED",
            Self::Settled => "SETTLED",
            Self::SettleTimeout => "SETTLE_TIMEOUT",
            Self::Delivered => "DELIVERED",
            Self::Completed => "COMPLETED",
            Self::Renewed { .. } => "RENEWED",
            Self::Revoked => "REVOKED",
            Self::Refunded { .. } => "REFUNDED",
            Self::Reopened { .. } => "REOPENED",
        }
    }

    /// An event from its JSON (every event but `VERIFIED`, which only a verified value makes).
    /// Unknown types, missing or unknown fields are `INVALID_ARGUMENT`.
    pub fn from_json(text: &str) -> Result<PurchaseEvent> {
        let bad = |m: String| Error::invalid_argument(format!("purchase event: {m}"));
        limits::check("purchase event", text.len(), limits::MAX_FLOW_FIELD * 4)?;
        let v: Value = serde_json::from_slice(text.as_bytes()).map_err(|e| bad(e.to_string()))?;
        let Value::Object(mut m) = v else { return Err(bad("not an object".into())) };
        let kind = match m.remove("type") {
            Some(Value::String(s)) => s,
            _ => return Err(bad("`type` must be a string".into())),
        };
        let mut r = Reader { m, what: "purchase event" };
        let e = match kind.as_str() {
            "PENDING" => Self::Pending,
            "VERIFY_FAILED" => Self::VerifyFailed { reason: r.string("reason")? },
            "ALREADY_SETTLED" => Self::AlreadySettled,
            "SETTLE_REQUESTED" => Self::SettleRequested,
            "SETTLED" => Self::Settled,
            "SETTLE_TIMEOUT" => Self::SettleTimeout,
            "DELIVERED" => Self::Delivered,
            "COMPLETED" => Self::Completed,
            "RENEWED" => Self::Renewed { at: r.time("at")?, expires_at: r.opt_time("expiresAt")? },
            "REVOKED" => Self::Revoked,
            "REFUNDED" => Self::Refunded { reason: r.opt_string("reason")? },
            "REOPENED" => Self::Reopened { by: r.string("by")?, reason: r.string("reason")? },
            other => return Err(bad(format!("unknown type {other:?}"))),
        };
        r.done().map_err(|e| bad(e.to_string()))?;
        Ok(e)
    }
}

/// What the driver does next in the current state: the per-state decision, for every store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "PurchaseStep"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Step {
    /// Verify with the store (offline, server API, or both), then apply `VERIFIED`, `PENDING`,
    /// `VERIFY_FAILED` (a store's refusal only) or, after `VERIFIED`, `ALREADY_SETTLED`.
    Verify,
    /// Apply `SETTLE_REQUESTED` (recorded), then perform the `SETTLE` it returns.
    RequestSettle,
    /// A settle was in flight when the last run stopped: apply `SETTLE_TIMEOUT`, then perform
    /// the `SETTLE` it returns.
    RetrySettle,
    /// Perform `deliver_effect()`, then apply `DELIVERED` (in one transaction where the store can).
    Deliver,
    /// Apply `COMPLETED` (NHN: after telling the client).
    Complete,
    /// Refunded after delivery, and the revoke is owed: perform `revoke_effect()`, then apply
    /// `REVOKED` (in one transaction where the store can).
    Revoke,
    /// Pending at the store: nothing to do until it completes. A driver's run that has not asked
    /// the store yet verifies again (as `Verify`); one that has, stops.
    Wait,
    /// An end: nothing to do.
    None,
}

/// A command for the driver, performed after saving the flow that returned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE", rename_all_fields = "camelCase")]
pub enum PurchaseEffect {
    /// Settle with the store, then apply `SETTLED`, `ALREADY_SETTLED` or `SETTLE_TIMEOUT`.
    Settle {
        /// Store code.
        store: Store,
        /// The store's id of the purchase.
        store_id: String,
        /// The product.
        product_id: String,
        /// Consume, acknowledge or finish.
        settle: Settle,
        /// The settle credential (NHN's accessToken), when the store needs one.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        token: Option<String>,
        /// 1, then 2, 3, … for retries.
        attempt: u32,
    },
    /// Grant the item, idempotently on (store, storeId).
    Deliver {
        /// Store code.
        store: Store,
        /// The idempotency key with `store`.
        store_id: String,
        /// Who.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        user_id: Option<String>,
        /// What.
        product_id: String,
        /// How many.
        quantity: u32,
    },
    /// Take back what a refunded purchase granted, idempotently on (store, storeId): asked again
    /// until `REVOKED` is recorded.
    Revoke {
        /// Store code.
        store: Store,
        /// The store's id.
        store_id: String,
        /// From whom.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        user_id: Option<String>,
        /// What.
        product_id: String,
        /// How many.
        quantity: u32,
    },
    /// A person should look (consumed elsewhere).
    Flag {
        /// Store code.
        store: Store,
        /// The store's id.
        store_id: String,
        /// What happened.
        reason: String,
    },
}

/// What [`PurchaseFlow::start`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename_all = "camelCase", optional_fields))]
pub struct PurchaseStart {
    /// The purchase's store.
    pub store: Store,
    /// The store's id: Google / ONE store purchase token, App Store transaction id, NHN paymentSeq.
    pub store_id: String,
    /// Through NHN's IAP server (settled by NHN's consume, before delivery).
    #[cfg_attr(feature = "typescript", ts(as = "Option<bool>"))]
    pub nhn: bool,
    /// The app's user id, when the caller knows it (else the purchase's account id, once verified).
    pub user_id: Option<String>,
    /// The product id.
    pub product_id: String,
    /// What the catalog says the product is.
    pub kind: ProductKind,
    /// App Store: settle with `finishTransaction` (the caller opts in).
    #[cfg_attr(feature = "typescript", ts(as = "Option<bool>"))]
    pub finish: bool,
    /// The settle credential (NHN's accessToken); dropped once settled.
    pub token: Option<String>,
}

impl PurchaseStart {
    /// Reads `{store, storeId, nhn?, userId?, productId, kind, finish?, token?}`; anything else is
    /// `INVALID_ARGUMENT`.
    pub fn from_json(text: &str) -> Result<PurchaseStart> {
        let bad = |m: String| Error::invalid_argument(format!("purchase start: {m}"));
        limits::check("purchase start", text.len(), limits::MAX_FLOW_FIELD * 8)?;
        let v: Value = serde_json::from_slice(text.as_bytes()).map_err(|e| bad(e.to_string()))?;
        let Value::Object(m) = v else { return Err(bad("not an object".into())) };
        let mut r = Reader { m, what: "purchase start" };
        let kind = r.string("kind")?;
        let start = PurchaseStart {
            store: Store::from_wire(&r.string("store")?),
            store_id: r.string("storeId")?,
            nhn: r.opt_bool("nhn")?.unwrap_or(false),
            user_id: r.opt_string("userId")?,
            product_id: r.string("productId")?,
            kind: ProductKind::from_wire(&kind).ok_or_else(|| bad(format!("unknown kind {kind:?}")))?,
            finish: r.opt_bool("finish")?.unwrap_or(false),
            token: r.opt_string("token")?,
        };
        r.done().map_err(|e| bad(e.to_string()))?;
        Ok(start)
    }
}

/// The result of [`PurchaseFlow::apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct PurchaseApplied {
    /// The flow after the event (unchanged for a duplicate).
    pub flow: PurchaseFlow,
    /// What to do after saving `flow`.
    pub effects: Vec<PurchaseEffect>,
    /// Applied before: nothing changed, nothing to do.
    pub duplicate: bool,
}

const FORMAT: u32 = 1;
const WHAT: &str = "purchase flow";
/// Audited reopenings kept on a record.
const MAX_REOPENED: usize = 8;

/// One purchase's lifecycle, any store. Immutable: [`PurchaseFlow::apply`] returns the next one.
///
/// The driver asks [`PurchaseFlow::next_step`] what to do, performs it, and reports the outcome as
/// an event; the flow is saved before each effect (compare-and-set in a shared store), so a crash
/// anywhere resumes without a second delivery. How a purchase is settled follows from its store
/// and the catalog's kind ([`PurchaseFlow::settle`]): NHN consumes *before* delivery (NHN's
/// rule); Google Play and ONE store deliver, then consume a consumable or acknowledge anything
/// else; the App Store has nothing to settle, or `FINISH` when the caller opts in.
///
/// # Transitions (anything else is `INVALID_STATE_TRANSITION`)
///
/// | from | event | to | effects |
/// | --- | --- | --- | --- |
/// | `RECEIVED`, `PENDING` | `VERIFIED {purchase}` (this store, product and id, `PURCHASED`) | `VERIFIED` | |
/// | `RECEIVED`, `PENDING` | `PENDING` | `PENDING` | |
/// | `RECEIVED`, `PENDING` | `VERIFY_FAILED` | `VERIFY_FAILED` (token dropped) | |
/// | `VERIFIED` (consume, before any request of ours) | `ALREADY_SETTLED` | `CONSUMED_ELSEWHERE` (flagged) | `FLAG` |
/// | `VERIFIED` (acknowledge/finish) | `ALREADY_SETTLED` | `VERIFIED`, settled | |
/// | `VERIFIED` (NHN), `DELIVERED` (not settled) | `SETTLE_REQUESTED` | `SETTLE_REQUESTED` | `SETTLE` (attempt 1) |
/// | `SETTLE_REQUESTED` | `SETTLE_TIMEOUT` | `SETTLE_REQUESTED` | `SETTLE` (attempt n+1) |
/// | `SETTLE_REQUESTED` (NHN) | `SETTLED`, or `ALREADY_SETTLED` at attempt ≥ 2 | `SETTLED` | `DELIVER` |
/// | `SETTLE_REQUESTED` (NHN, attempt 1) | `ALREADY_SETTLED` | `CONSUMED_ELSEWHERE` (flagged) | `FLAG` |
/// | `SETTLE_REQUESTED` (after delivery) | `SETTLED`, `ALREADY_SETTLED` | `COMPLETED` | |
/// | `VERIFIED` (not NHN), `SETTLED` (NHN) | `DELIVERED` | `DELIVERED` | |
/// | `DELIVERED` (settled, or nothing to settle) | `COMPLETED` | `COMPLETED` | |
/// | any but `RECEIVED`, `REFUNDED` | `REFUNDED` | `REFUNDED`, `revokePending` if delivered | `REVOKE` if delivered |
/// | `REFUNDED`, `revokePending` | `REFUNDED` (any reason) | unchanged (a retry, not a duplicate) | `REVOKE` |
/// | `REFUNDED`, `revokePending` | `REVOKED` | `REFUNDED`, `revokePending` cleared | |
/// | `REFUNDED`, revoke done or none owed | `REFUNDED` (any reason), `REVOKED` | duplicate | |
/// | a subscription's `VERIFIED`, `SETTLE_REQUESTED`, `SETTLED`, `DELIVERED`, `COMPLETED` | `RENEWED {at, expiresAt?}` after the last renewal | same state, `renewals` + 1, `renewedAt` = `at`, `expiresAt` the later | |
/// | the same | `RENEWED` at or before `renewedAt` | duplicate | |
/// | `VERIFY_FAILED` | `REOPENED {by, reason}` | `RECEIVED` | |
/// | `CONSUMED_ELSEWHERE` | `REOPENED {by, reason}` | `SETTLED` (NHN) / `VERIFIED`, settled | |
///
/// # Rules
///
/// 1. **Deliver only when paid and, for NHN, consumed**: `DELIVERED` only from `VERIFIED`
///    (deliver-then-settle stores) or `SETTLED` (NHN). A pending purchase is never delivered.
/// 2. **Duplicates**: an event equal to one applied before is `duplicate`, no effect.
///    `SETTLE_TIMEOUT` is a retry, never a duplicate. A refund asks for `REVOKE` until `REVOKED`
///    is recorded (`revokePending`, next step `REVOKE`): a second refund while it is owed asks
///    again, one after it is a duplicate, so a revoke is at least once, and at most one `REVOKED`
///    is applied (the driver revokes idempotently on the key, or in the record's transaction).
/// 3. **Already settled**: after a request of ours whose answer was lost (attempt ≥ 2) it was ours.
///    For NHN, before any request or at attempt 1, someone else consumed the payment:
///    `CONSUMED_ELSEWHERE`, flagged, never delivered. For a Google / ONE store consumable reported
///    consumed before our request, the same. An acknowledgement made by the app is fine.
/// 4. **Secrets**: the settle token is dropped once settled and in every end.
/// 5. **Reopen** is audited: `by` and `reason` stay on the record (`reopened`).
/// 6. **Stored JSON is checked** ([`PurchaseFlow::from_json`]): unknown or missing fields, unknown
///    states and combinations no sequence of events produces are `MALFORMED_INPUT`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "PurchaseFlowJSON", optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct PurchaseFlow {
    #[cfg_attr(feature = "typescript", ts(type = "1"))]
    format: u32,
    store: Store,
    store_id: String,
    nhn: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    product_id: String,
    kind: ProductKind,
    settle: Settle,
    state: PurchaseFlowState,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purchase: Option<Purchase>,
    delivered: bool,
    settled: bool,
    flagged: bool,
    settle_attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    reopened: Vec<String>,
    history: Vec<String>,
    /// Renewals applied (a subscription); absent until the first.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<u32>", optional))]
    renewals: u32,
    /// The last renewal's time.
    #[serde(skip_serializing_if = "Option::is_none")]
    renewed_at: Option<i64>,
    /// The paid period's end as the last renewal said it.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
    /// Refunded after delivery and the `REVOKE` not reported done yet; absent otherwise.
    #[serde(skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<bool>", optional))]
    revoke_pending: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The settle a store and kind call for; `INVALID_ARGUMENT` for a store this version cannot settle.
pub fn settle_for(store: &Store, nhn: bool, kind: ProductKind, finish: bool) -> Result<Settle> {
    Ok(match (store, nhn) {
        (_, true) => Settle::Consume,
        (Store::GooglePlay | Store::OneStore, false) => match kind {
            ProductKind::Consumable => Settle::Consume,
            ProductKind::NonConsumable | ProductKind::Subscription => Settle::Acknowledge,
        },
        (Store::AppStore, false) if finish => Settle::Finish,
        (Store::AppStore, false) => Settle::None,
        (other, false) => return Err(Error::invalid_argument(format!("store {other} has no purchase lifecycle"))),
    })
}

fn check_text(name: &str, v: &str) -> Result<()> {
    if v.is_empty() {
        return Err(Error::invalid_argument(format!("{name} must not be empty")));
    }
    limits::check("purchase flow field", v.len(), limits::MAX_FLOW_FIELD)
}

fn history_key(event: &PurchaseEvent) -> Result<String> {
    super::flow::event_digest(event.name(), "purchase event", event)
}

impl PurchaseFlow {
    /// A new flow in `RECEIVED`. `INVALID_ARGUMENT` for an empty id, an empty token, a store with no lifecycle.
    pub fn start(p: PurchaseStart) -> Result<PurchaseFlow> {
        check_text("storeId", &p.store_id)?;
        check_text("productId", &p.product_id)?;
        for (name, v) in [("userId", &p.user_id), ("token", &p.token)] {
            if let Some(v) = v {
                check_text(name, v)?;
            }
        }
        if !p.nhn && p.token.is_some() {
            return Err(Error::invalid_argument("`token` is NHN's accessToken; other stores settle by storeId"));
        }
        if p.nhn && p.token.is_none() {
            return Err(Error::invalid_argument("an NHN payment needs its accessToken as `token`"));
        }
        let settle = settle_for(&p.store, p.nhn, p.kind, p.finish)?;
        Ok(PurchaseFlow {
            format: FORMAT,
            store: p.store,
            store_id: p.store_id,
            nhn: p.nhn,
            user_id: p.user_id,
            product_id: p.product_id,
            kind: p.kind,
            settle,
            state: PurchaseFlowState::Received,
            token: p.token,
            purchase: None,
            delivered: false,
            settled: false,
            flagged: false,
            settle_attempts: 0,
            reason: None,
            reopened: Vec::new(),
            history: Vec::new(),
            renewals: 0,
            renewed_at: None,
            expires_at: None,
            revoke_pending: false,
        })
    }

    /// The state.
    pub fn state(&self) -> PurchaseFlowState {
        self.state
    }
    /// The purchase's store.
    pub fn store(&self) -> &Store {
        &self.store
    }
    /// The ledger's store key: `NHN` for a payment through NHN, else the store code.
    pub fn ledger_store(&self) -> &str {
        if self.nhn {
            "NHN"
        } else {
            self.store.as_str()
        }
    }
    /// The store's id.
    pub fn store_id(&self) -> &str {
        &self.store_id
    }
    /// Through NHN.
    pub fn nhn(&self) -> bool {
        self.nhn
    }
    /// The app's user id, when known.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }
    /// The product id.
    pub fn product_id(&self) -> &str {
        &self.product_id
    }
    /// The catalog's kind.
    pub fn kind(&self) -> ProductKind {
        self.kind
    }
    /// How it is settled.
    pub fn settle(&self) -> Settle {
        self.settle
    }
    /// The settle token, while it is needed.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
    /// The verified purchase.
    pub fn purchase(&self) -> Option<&Purchase> {
        self.purchase.as_ref()
    }
    /// Granted (and not taken back).
    pub fn delivered(&self) -> bool {
        self.delivered
    }
    /// Settled with the store (or nothing to settle and done).
    pub fn settled(&self) -> bool {
        self.settled
    }
    /// A person should look.
    pub fn flagged(&self) -> bool {
        self.flagged
    }
    /// Settle requests so far.
    pub fn settle_attempts(&self) -> u32 {
        self.settle_attempts
    }
    /// Why it ended, when known.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
    /// The audit trail of reopenings, `by: reason`.
    pub fn reopened(&self) -> &[String] {
        &self.reopened
    }
    /// Refunded after delivery, and the `REVOKE` is owed (not reported done yet).
    pub fn revoke_pending(&self) -> bool {
        self.revoke_pending
    }
    /// Renewals applied to this subscription.
    pub fn renewals(&self) -> u32 {
        self.renewals
    }
    /// When the last renewal applied happened (epoch ms).
    pub fn renewed_at(&self) -> Option<i64> {
        self.renewed_at
    }
    /// The end of the paid period (epoch ms): the latest a renewal said, else the verified
    /// purchase's expiry.
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at.or_else(|| self.purchase.as_ref().and_then(Purchase::expires_time))
    }

    /// Delivered but not settled with a store that refunds what is not settled in time (Google
    /// Play, ONE store, NHN never: it settles first).
    pub fn unsettled(&self) -> bool {
        self.delivered
            && !self.settled
            && matches!(self.settle, Settle::Consume | Settle::Acknowledge)
            && matches!(self.state, PurchaseFlowState::Delivered | PurchaseFlowState::SettleRequested)
    }

    /// When the store refunds a purchase not settled by then (epoch ms): the purchase's own
    /// `acknowledgeBy`, else its purchase time plus three days, for Google Play and ONE store.
    pub fn acknowledge_by(&self) -> Option<i64> {
        if self.nhn || !matches!(self.settle, Settle::Consume | Settle::Acknowledge) {
            return None;
        }
        let p = self.purchase.as_ref()?;
        p.acknowledge_by().or_else(|| p.purchase_time().checked_add(ACKNOWLEDGE_WINDOW_MS))
    }

    /// The id the verified purchase gives for this flow's `storeId`: its purchase token (Google
    /// Play, ONE store) or transaction id (App Store); none for NHN, whose id is the paymentSeq
    /// the store's purchase does not carry.
    fn purchase_id<'a>(&self, p: &'a Purchase) -> Option<&'a str> {
        if self.nhn {
            return None;
        }
        match self.store {
            Store::GooglePlay | Store::OneStore => p.purchase_token(),
            Store::AppStore => p.transaction_id(),
            _ => None,
        }
    }

    /// The per-state decision: what the driver does now.
    pub fn next_step(&self) -> Step {
        use PurchaseFlowState as S;
        match self.state {
            S::Received => Step::Verify,
            S::Pending => Step::Wait,
            S::Verified if self.nhn => Step::RequestSettle,
            S::Verified | S::Settled => Step::Deliver,
            S::SettleRequested => Step::RetrySettle,
            S::Delivered if self.settled || self.settle == Settle::None => Step::Complete,
            S::Delivered => Step::RequestSettle,
            S::Refunded if self.revoke_pending => Step::Revoke,
            S::Completed | S::VerifyFailed | S::Refunded | S::ConsumedElsewhere => Step::None,
        }
    }

    /// The `DELIVER` the `Deliver` step performs (also for a resumed flow).
    pub fn deliver_effect(&self) -> PurchaseEffect {
        let quantity = self.purchase.as_ref().map_or(1, Purchase::quantity);
        PurchaseEffect::Deliver {
            store: self.store.clone(),
            store_id: self.store_id.clone(),
            user_id: self.user_id.clone(),
            product_id: self.product_id.clone(),
            quantity,
        }
    }

    /// The `REVOKE` the `Revoke` step performs (also for a resumed flow).
    pub fn revoke_effect(&self) -> PurchaseEffect {
        PurchaseEffect::Revoke {
            store: self.store.clone(),
            store_id: self.store_id.clone(),
            user_id: self.user_id.clone(),
            product_id: self.product_id.clone(),
            quantity: self.purchase.as_ref().map_or(1, Purchase::quantity),
        }
    }

    fn settle_effect(&self) -> PurchaseEffect {
        PurchaseEffect::Settle {
            store: self.store.clone(),
            store_id: self.store_id.clone(),
            product_id: self.product_id.clone(),
            settle: self.settle,
            token: self.token.clone(),
            attempt: self.settle_attempts,
        }
    }

    fn flag(&mut self, reason: &str) -> PurchaseEffect {
        self.state = PurchaseFlowState::ConsumedElsewhere;
        self.flagged = true;
        self.token = None;
        self.reason = Some(reason.to_owned());
        PurchaseEffect::Flag { store: self.store.clone(), store_id: self.store_id.clone(), reason: reason.to_owned() }
    }

    fn mark_settled(&mut self) {
        self.settled = true;
        self.token = None;
    }

    fn refuse(&self, event: &PurchaseEvent) -> Error {
        Error::InvalidStateTransition { state: self.state.as_str().to_owned(), event: event.name().to_owned() }
    }

    /// Applies one event: the next flow, the effects to perform after saving it, and whether it
    /// was a duplicate. See the type's docs for the table.
    pub fn apply(&self, event: &PurchaseEvent) -> Result<PurchaseApplied> {
        use PurchaseEvent as E;
        use PurchaseFlowState as S;
        let same = || Ok(PurchaseApplied { flow: self.clone(), effects: Vec::new(), duplicate: true });
        if self.state == S::Refunded && matches!(event, E::Refunded { .. } | E::Revoked) {
            if !self.revoke_pending {
                return same();
            }
            // The revoke is owed: a refund again asks for it again (a retry); REVOKED settles it.
            let mut next = self.clone();
            let mut effects = Vec::new();
            if matches!(event, E::Revoked) {
                next.revoke_pending = false;
            } else {
                effects.push(self.revoke_effect());
            }
            return Ok(PurchaseApplied { flow: next, effects, duplicate: false });
        }
        if let E::Renewed { at, expires_at } = event {
            return self.renew(*at, *expires_at);
        }
        let key = if matches!(event, E::SettleTimeout) { None } else { Some(history_key(event)?) };
        if let Some(k) = &key {
            if self.history.iter().any(|h| h == k) {
                return same();
            }
        }
        let mut next = self.clone();
        let mut effects = Vec::new();
        match (self.state, event) {
            (S::Received | S::Pending, E::Verified { purchase }) => {
                if purchase.store() != &self.store || purchase.product_id() != self.product_id {
                    return Err(Error::invalid_argument(format!(
                        "the purchase is {} '{}', but this flow is for {} '{}'",
                        purchase.store(),
                        purchase.product_id(),
                        self.store,
                        self.product_id
                    )));
                }
                if let Some(id) = self.purchase_id(purchase) {
                    if id != self.store_id {
                        return Err(Error::invalid_argument(format!(
                            "the verified purchase is {id}, but this flow is for {}",
                            self.store_id
                        )));
                    }
                }
                if purchase.state() != &PurchaseState::Purchased {
                    return Err(Error::invalid_argument(format!(
                        "the purchase is {}, not PURCHASED; apply PENDING or VERIFY_FAILED",
                        purchase.state()
                    )));
                }
                next.state = S::Verified;
                if next.user_id.is_none() {
                    next.user_id = purchase.account_id().filter(|a| !a.is_empty()).map(str::to_owned);
                }
                next.purchase = Some(Purchase::clone(purchase));
            }
            (S::Received | S::Pending, E::Pending) => next.state = S::Pending,
            (S::Received | S::Pending, E::VerifyFailed { reason }) => {
                check_text("reason", reason)?;
                next.state = S::VerifyFailed;
                next.token = None;
                next.reason = Some(reason.clone());
            }
            (S::Verified, E::AlreadySettled) if self.nhn || self.settle == Settle::Consume => {
                effects.push(next.flag("the store reports the purchase consumed before this flow sent a consume"));
            }
            (S::Verified, E::AlreadySettled) => next.mark_settled(),
            (S::Verified, E::SettleRequested) if self.nhn => {
                next.state = S::SettleRequested;
                next.settle_attempts = 1;
                effects.push(next.settle_effect());
            }
            (S::Delivered, E::SettleRequested) if !self.settled && self.settle != Settle::None => {
                next.state = S::SettleRequested;
                next.settle_attempts = 1;
                effects.push(next.settle_effect());
            }
            (S::SettleRequested, E::SettleTimeout) => {
                next.settle_attempts = self
                    .settle_attempts
                    .checked_add(1)
                    .ok_or_else(|| Error::invalid_argument("too many settle attempts"))?;
                effects.push(next.settle_effect());
            }
            (S::SettleRequested, E::AlreadySettled) if self.nhn && self.settle_attempts <= 1 => {
                effects.push(next.flag("the IAP server answered our first consume with 5018: someone else consumed the payment"));
            }
            (S::SettleRequested, E::Settled | E::AlreadySettled) => {
                next.mark_settled();
                if self.delivered {
                    next.state = S::Completed;
                } else {
                    next.state = S::Settled;
                    effects.push(next.deliver_effect());
                }
            }
            (S::Verified, E::Delivered) if !self.nhn => {
                next.state = S::Delivered;
                next.delivered = true;
                if self.settle == Settle::None {
                    next.settled = true;
                }
            }
            (S::Settled, E::Delivered) => {
                next.state = S::Delivered;
                next.delivered = true;
            }
            (S::Delivered, E::Completed) if self.settled || self.settle == Settle::None => {
                next.state = S::Completed;
                next.settled = true;
                next.token = None;
            }
            (s, E::Refunded { reason }) if s != S::Received => {
                if let Some(r) = reason {
                    check_text("reason", r)?;
                    next.reason = Some(r.clone());
                }
                next.state = S::Refunded;
                next.token = None;
                if self.delivered {
                    next.revoke_pending = true;
                    effects.push(self.revoke_effect());
                }
            }
            (S::VerifyFailed | S::ConsumedElsewhere, E::Reopened { by, reason }) => {
                check_text("by", by)?;
                check_text("reason", reason)?;
                if self.reopened.len() >= MAX_REOPENED {
                    return Err(Error::invalid_argument("this record was reopened too often"));
                }
                next.reopened.push(format!("{by}: {reason} (was {})", self.state.as_str()));
                next.history.clear();
                next.flagged = false;
                next.reason = None;
                if self.state == S::VerifyFailed {
                    next.state = S::Received;
                    next.purchase = None;
                    if self.nhn {
                        // The token was dropped with the failure: an NHN payment cannot be verified again.
                        return Err(Error::invalid_argument("an NHN payment's accessToken is gone; start a new flow from the app's request"));
                    }
                } else {
                    // The operator says the consume was ours: deliver, and never consume again.
                    next.settled = true;
                    next.state = if self.nhn { S::Settled } else { S::Verified };
                }
                return Ok(PurchaseApplied { flow: next, effects, duplicate: false });
            }
            _ => return Err(self.refuse(event)),
        }
        if let Some(k) = key {
            limits::check_count("purchase flow history", next.history.len().saturating_add(1), limits::MAX_FLOW_HISTORY, Unit::Events)?;
            next.history.push(k);
        }
        Ok(PurchaseApplied { flow: next, effects, duplicate: false })
    }

    /// `RENEWED`: see the table. Kept out of the history, whose size is bounded.
    fn renew(&self, at: i64, expires_at: Option<i64>) -> Result<PurchaseApplied> {
        use PurchaseFlowState as S;
        let event = PurchaseEvent::Renewed { at, expires_at };
        if self.kind != ProductKind::Subscription {
            return Err(Error::invalid_argument(format!("RENEWED applies to a subscription; {} is {}", self.product_id, self.kind.as_str())));
        }
        if !matches!(self.state, S::Verified | S::SettleRequested | S::Settled | S::Delivered | S::Completed) {
            return Err(self.refuse(&event));
        }
        if self.renewed_at.is_some_and(|last| at <= last) {
            return Ok(PurchaseApplied { flow: self.clone(), effects: Vec::new(), duplicate: true });
        }
        let mut next = self.clone();
        next.renewals = self.renewals.checked_add(1).ok_or_else(|| Error::invalid_argument("too many renewals"))?;
        next.renewed_at = Some(at);
        next.expires_at = match (self.expires_at, expires_at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        Ok(PurchaseApplied { flow: next, effects: Vec::new(), duplicate: false })
    }

    /// The stored form.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::malformed(WHAT, e.to_string()))
    }

    /// Restores a stored flow, refusing tampered JSON with `MALFORMED_INPUT` (`INPUT_TOO_LARGE`
    /// over [`limits::MAX_FLOW_JSON`]). Read by hand (no derived visitor in the module).
    pub fn from_json(text: &str) -> Result<PurchaseFlow> {
        limits::check(WHAT, text.len(), limits::MAX_FLOW_JSON)?;
        let v: Value = serde_json::from_slice(text.as_bytes()).map_err(|e| Error::malformed(WHAT, e.to_string()))?;
        let Value::Object(m) = v else { return Err(Error::malformed(WHAT, "not an object")) };
        let mut r = Reader { m, what: WHAT };
        let stored = |m: String| Error::malformed(WHAT, m);
        let format = r.u32("format")?;
        if format != FORMAT {
            return Err(stored(format!("unsupported format {format} (expected {FORMAT})")));
        }
        let enum_of = |name: &str, s: String| stored(format!("unknown {name} {s:?}"));
        let kind = r.string("kind")?;
        let settle = r.string("settle")?;
        let state = r.string("state")?;
        let purchase = match r.m.remove("purchase") {
            None => None,
            Some(v) => Some(StoredPurchase::from_value(v).map_err(|e| stored(format!("purchase: {e}")))?),
        };
        let flow = PurchaseFlow {
            format,
            store: Store::from_wire(&r.string("store")?),
            store_id: r.string("storeId")?,
            nhn: r.bool("nhn")?,
            user_id: r.opt_string("userId")?,
            product_id: r.string("productId")?,
            kind: ProductKind::from_wire(&kind).ok_or_else(|| enum_of("kind", kind.clone()))?,
            settle: Settle::from_wire(&settle).ok_or_else(|| enum_of("settle", settle.clone()))?,
            state: PurchaseFlowState::from_wire(&state).ok_or_else(|| enum_of("state", state.clone()))?,
            token: r.opt_string("token")?,
            purchase,
            delivered: r.bool("delivered")?,
            settled: r.bool("settled")?,
            flagged: r.bool("flagged")?,
            settle_attempts: r.u32("settleAttempts")?,
            reason: r.opt_string("reason")?,
            reopened: r.strings("reopened", MAX_REOPENED)?,
            history: r.strings("history", limits::MAX_FLOW_HISTORY)?,
            renewals: r.opt_u32("renewals")?.unwrap_or(0),
            renewed_at: r.opt_time("renewedAt")?,
            expires_at: r.opt_time("expiresAt")?,
            revoke_pending: r.opt_bool("revokePending")?.unwrap_or(false),
        };
        r.done()?;
        flow.check().map_err(|e| stored(e.to_string()))?;
        Ok(flow)
    }

    /// Rule 6: the combinations a sequence of events produces.
    fn check(&self) -> Result<()> {
        use PurchaseFlowState as S;
        let s = self.state;
        let fail = |m: String| Err(Error::malformed(WHAT, m));
        check_text("storeId", &self.store_id)?;
        check_text("productId", &self.product_id)?;
        for v in [&self.user_id, &self.token, &self.reason].into_iter().flatten() {
            check_text("field", v)?;
        }
        for h in self.reopened.iter().chain(&self.history) {
            limits::check("purchase flow entry", h.len(), limits::MAX_FLOW_FIELD)?;
        }
        if !self.history.iter().all(|h| is_history_entry(h)) {
            return fail("history entries must be TYPE:digest".into());
        }
        if settle_for(&self.store, self.nhn, self.kind, self.settle == Settle::Finish)? != self.settle {
            return fail(format!("settle {} does not fit the store and kind", self.settle.as_str()));
        }
        let needs_purchase = !matches!(s, S::Received | S::Pending | S::VerifyFailed);
        let may_have_purchase = needs_purchase || s == S::Refunded;
        if (needs_purchase && s != S::Refunded && self.purchase.is_none()) || (!may_have_purchase && self.purchase.is_some()) {
            return fail(format!("state {} with purchase {}", s.as_str(), if self.purchase.is_some() { "present" } else { "absent" }));
        }
        if let Some(p) = &self.purchase {
            if p.store() != &self.store || p.product_id() != self.product_id || p.state() != &PurchaseState::Purchased {
                return fail("the stored purchase does not fit the flow".into());
            }
        }
        let token_ok = if self.settled || s.is_final() { self.token.is_none() } else { self.nhn == self.token.is_some() };
        if !token_ok {
            return fail(format!("state {} with token {}", s.as_str(), if self.token.is_some() { "present" } else { "absent" }));
        }
        let delivered_ok = match s {
            S::Delivered | S::Completed => self.delivered,
            S::SettleRequested => self.delivered != self.nhn,
            S::Refunded | S::ConsumedElsewhere => true,
            _ => !self.delivered,
        };
        let settled_ok = match s {
            S::Completed | S::Settled => self.settled,
            S::SettleRequested | S::Received | S::Pending | S::VerifyFailed => !self.settled,
            _ => true,
        };
        let attempts_ok = match s {
            S::SettleRequested => self.settle_attempts >= 1,
            S::Settled => (self.nhn && self.settle_attempts >= 1) || !self.reopened.is_empty(),
            S::Received | S::Pending | S::VerifyFailed => self.settle_attempts == 0 || !self.reopened.is_empty(),
            _ => true,
        };
        let flag_ok = if s == S::ConsumedElsewhere { self.flagged } else { s == S::Refunded || !self.flagged };
        if !(delivered_ok && settled_ok && attempts_ok && flag_ok) {
            return fail(format!(
                "state {} with delivered={} settled={} settleAttempts={} flagged={}",
                s.as_str(),
                self.delivered,
                self.settled,
                self.settle_attempts,
                self.flagged
            ));
        }
        if (self.renewals > 0) != self.renewed_at.is_some() || (self.renewals > 0 && self.kind != ProductKind::Subscription) {
            return fail("renewals without their time, or on a product that is no subscription".into());
        }
        if self.revoke_pending && !(s == S::Refunded && self.delivered) {
            return fail("revokePending on a record that is not a delivered purchase's refund".into());
        }
        if self.nhn && self.delivered && !self.settled && s != S::Refunded {
            return fail("an NHN payment delivered before its consume".into());
        }
        Ok(())
    }
}

fn is_history_entry(h: &str) -> bool {
    h.split_once(':').is_some_and(|(kind, digest)| {
        !kind.is_empty()
            && kind.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
            && digest.len() == 32
            && digest.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// A hand-written field reader over a JSON object: each read removes its key, `done` refuses
/// what is left.
struct Reader {
    m: Map<String, Value>,
    what: &'static str,
}

impl Reader {
    fn err(&self, m: String) -> Error {
        if self.what == WHAT {
            Error::malformed(WHAT, m)
        } else {
            Error::invalid_argument(format!("{}: {m}", self.what))
        }
    }
    fn opt_string(&mut self, k: &str) -> Result<Option<String>> {
        match self.m.remove(k) {
            None => Ok(None),
            Some(Value::String(s)) => {
                limits::check(self.what, s.len(), limits::MAX_FLOW_FIELD)?;
                Ok(Some(s))
            }
            Some(_) => Err(self.err(format!("`{k}` must be a string"))),
        }
    }
    fn string(&mut self, k: &str) -> Result<String> {
        self.opt_string(k)?.ok_or_else(|| self.err(format!("missing `{k}`")))
    }
    fn opt_bool(&mut self, k: &str) -> Result<Option<bool>> {
        match self.m.remove(k) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(self.err(format!("`{k}` must be a boolean"))),
        }
    }
    fn bool(&mut self, k: &str) -> Result<bool> {
        self.opt_bool(k)?.ok_or_else(|| self.err(format!("missing `{k}`")))
    }
    fn opt_u32(&mut self, k: &str) -> Result<Option<u32>> {
        if !self.m.contains_key(k) {
            return Ok(None);
        }
        self.u32(k).map(Some)
    }
    fn opt_time(&mut self, k: &str) -> Result<Option<i64>> {
        match self.m.remove(k) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().filter(|t| *t >= 0).map(Some).ok_or_else(|| self.err(format!("`{k}` must be a non-negative integer (epoch ms)"))),
            Some(_) => Err(self.err(format!("`{k}` must be a number"))),
        }
    }
    fn time(&mut self, k: &str) -> Result<i64> {
        self.opt_time(k)?.ok_or_else(|| self.err(format!("missing `{k}`")))
    }
    fn u32(&mut self, k: &str) -> Result<u32> {
        match self.m.remove(k) {
            Some(Value::Number(n)) => {
                n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| self.err(format!("`{k}` must be a small non-negative integer")))
            }
            None => Err(self.err(format!("missing `{k}`"))),
            Some(_) => Err(self.err(format!("`{k}` must be a number"))),
        }
    }
    fn strings(&mut self, k: &str, max: usize) -> Result<Vec<String>> {
        let Some(Value::Array(items)) = self.m.remove(k) else { return Err(self.err(format!("`{k}` must be an array"))) };
        if items.len() > max {
            return Err(self.err(format!("`{k}` has more than {max} entries")));
        }
        items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(self.err(format!("`{k}` must hold strings"))),
            })
            .collect()
    }
    fn done(&self) -> Result<()> {
        match self.m.keys().next() {
            Some(k) => Err(self.err(format!("unknown field `{k}`"))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
