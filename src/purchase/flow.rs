//! The NHN server-to-server payment flow as a pure reducer: documented on [`PaymentFlow`].

use serde::{Deserialize, Serialize};

use super::model::{Purchase, PurchaseState, Store, StoredPurchase};
use crate::error::{Error, Result, Unit};
use crate::limits;

/// Where a payment is. See the module docs for the transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlowState {
    /// Created for a purchase request; the store has not paid yet.
    Reserved,
    /// The store says it paid; the purchase must be verified.
    Paid,
    /// The purchase verified and fits the flow; next, request the consume.
    Verified,
    /// A consume request was (or is about to be) sent to the IAP server.
    ConsumeRequested,
    /// The IAP server consumed the payment for us; next, deliver.
    Consumed,
    /// The item was granted.
    Delivered,
    /// Done.
    Completed,
    /// End: the purchase did not verify.
    VerifyFailed,
    /// End: the user canceled before paying.
    UserCanceled,
    /// End: the store refunded the payment.
    Refunded,
    /// End: someone else consumed the payment (5018 without our request). Flagged.
    ConsumedElsewhere,
}

impl FlowState {
    /// The wire name (`RESERVED`, `CONSUME_REQUESTED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FlowState::Reserved => "RESERVED",
            FlowState::Paid => "PAID",
            FlowState::Verified => "VERIFIED",
            FlowState::ConsumeRequested => "CONSUME_REQUESTED",
            FlowState::Consumed => "CONSUMED",
            FlowState::Delivered => "DELIVERED",
            FlowState::Completed => "COMPLETED",
            FlowState::VerifyFailed => "VERIFY_FAILED",
            FlowState::UserCanceled => "USER_CANCELED",
            FlowState::Refunded => "REFUNDED",
            FlowState::ConsumedElsewhere => "CONSUMED_ELSEWHERE",
        }
    }

    /// True for the states no event leads out of except a refund.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            FlowState::Completed
                | FlowState::VerifyFailed
                | FlowState::UserCanceled
                | FlowState::Refunded
                | FlowState::ConsumedElsewhere
        )
    }
}

/// A fact the caller reports to the flow. JSON: `{"type": "PAID", "accessToken": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum FlowEvent {
    /// The store paid; `accessToken` is NHN's per-payment consume token.
    Paid {
        /// The token the consume call needs.
        access_token: String,
    },
    /// The user canceled in the store UI.
    UserCanceled,
    /// The purchase verified (a [`Purchase`] made from a verified value). Never read from JSON:
    /// a purchase in JSON is not a verified one (the JS binding builds this event from the
    /// registry of verified values instead).
    #[serde(skip_deserializing)]
    Verified {
        /// The verified purchase (boxed: it is much larger than the other events).
        #[cfg_attr(feature = "typescript", ts(as = "Purchase"))]
        purchase: Box<Purchase>,
    },
    /// Verification failed.
    VerifyFailed {
        /// Why, for the record (e.g. the error code).
        reason: String,
    },
    /// The caller is about to send the consume request (save the flow, then send).
    ConsumeRequested,
    /// The IAP server answered the consume successfully.
    Consumed,
    /// The IAP server answered 5018 (already consumed).
    AlreadyConsumed,
    /// The consume got no answer (timeout, network error, crash while in flight).
    ConsumeTimeout,
    /// The caller granted the item.
    Delivered,
    /// The caller finished the payment.
    Completed,
    /// The store refunded the payment (voided purchase, REFUND notification, NHN `REVOKED`).
    Refunded {
        /// Why, for the record.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        reason: Option<String>,
    },
}

impl FlowEvent {
    /// The wire name (`PAID`, `ALREADY_CONSUMED`, …).
    pub fn name(&self) -> &'static str {
        match self {
            FlowEvent::Paid { .. } => "PAID",
            FlowEvent::UserCanceled => "USER_CANCELED",
            FlowEvent::Verified { .. } => "VERIFIED",
            FlowEvent::VerifyFailed { .. } => "VERIFY_FAILED",
            FlowEvent::ConsumeRequested => "CONSUME_REQUESTED",
            FlowEvent::Consumed => "CONSUMED",
            FlowEvent::AlreadyConsumed => "ALREADY_CONSUMED",
            FlowEvent::ConsumeTimeout => "CONSUME_TIMEOUT",
            FlowEvent::Delivered => "DELIVERED",
            FlowEvent::Completed => "COMPLETED",
            FlowEvent::Refunded { .. } => "REFUNDED",
        }
    }

    /// Retries may legitimately repeat; they are never reported as duplicates.
    fn is_retry(&self) -> bool {
        matches!(self, FlowEvent::ConsumeTimeout)
    }
}

/// A command for the caller, to perform after saving the flow that returned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE", rename_all_fields = "camelCase")]
pub enum Effect {
    /// Verify the purchase (store signature / receipt, or Gamebase G3), then apply `VERIFIED` or
    /// `VERIFY_FAILED`.
    Verify {
        /// NHN payment number.
        payment_seq: String,
        /// The consume token the client sent.
        access_token: String,
    },
    /// Send the consume to the IAP server, then apply `CONSUMED`, `ALREADY_CONSUMED` (5018) or
    /// `CONSUME_TIMEOUT`.
    Consume {
        /// NHN payment number.
        payment_seq: String,
        /// The consume token.
        access_token: String,
        /// 1 for the first request, then 2, 3, … for retries.
        attempt: u32,
    },
    /// Grant the item (idempotently, keyed by `paymentSeq`), then apply `DELIVERED`.
    Deliver {
        /// NHN payment number, the idempotency key.
        payment_seq: String,
        /// Who gets it.
        user_id: String,
        /// What.
        product_id: String,
        /// How many.
        quantity: u32,
    },
    /// Tell the client the payment is finished, then apply `COMPLETED`.
    Complete {
        /// NHN payment number.
        payment_seq: String,
    },
    /// Take back what a refunded payment granted.
    Revoke {
        /// NHN payment number.
        payment_seq: String,
        /// From whom.
        user_id: String,
        /// What.
        product_id: String,
        /// How many.
        quantity: u32,
    },
    /// Something needs a person's attention (the payment was consumed by someone else).
    Flag {
        /// NHN payment number.
        payment_seq: String,
        /// What happened.
        reason: String,
    },
}

/// What [`PaymentFlow::start`] needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "FlowStart"))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartParams {
    /// NHN payment number (a 16-digit string).
    pub payment_seq: String,
    /// The app's user id (the one registered with the IAP SDK).
    pub user_id: String,
    /// The store the payment is made in.
    pub store: Store,
    /// The store product id.
    pub product_id: String,
}

/// The result of [`PaymentFlow::apply`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// The flow after the event (unchanged for a duplicate).
    pub flow: PaymentFlow,
    /// What to do, after saving `flow`.
    pub effects: Vec<Effect>,
    /// The event had been applied before; nothing changed and nothing is to be done.
    pub duplicate: bool,
}

/// Current version of the stored JSON.
const FORMAT_VERSION: u32 = 1;

/// One payment's flow. Immutable: [`PaymentFlow::apply`] returns the next one.
///
/// The payment flow of NHN's server-to-server model as a pure reducer that never delivers twice.
///
/// The app server creates a flow when it reserves a payment, then feeds it events (facts: "the
/// store paid", "the IAP server consumed it") and performs the [`Effect`]s each transition returns
/// (commands: "verify", "consume", "deliver"). The caller stores the flow ([`PaymentFlow::to_json`])
/// in its own database **before** performing the effects, so a crash at any point resumes from
/// the stored state without paying out twice.
///
/// # States
///
/// `RESERVED` → `PAID` → `VERIFIED` → `CONSUME_REQUESTED` → `CONSUMED` → `DELIVERED` →
/// `COMPLETED`, and the ends `VERIFY_FAILED`, `USER_CANCELED`, `REFUNDED`, `CONSUMED_ELSEWHERE`.
///
/// # Transitions (everything not listed is `INVALID_STATE_TRANSITION`, naming state and event)
///
/// | from | event | to | effects |
/// | --- | --- | --- | --- |
/// | `RESERVED` | `PAID {accessToken}` | `PAID` | `VERIFY` |
/// | `RESERVED` | `USER_CANCELED` | `USER_CANCELED` | |
/// | `PAID` | `VERIFIED {purchase}` | `VERIFIED` | |
/// | `PAID` | `VERIFY_FAILED {reason}` | `VERIFY_FAILED` | |
/// | `PAID`, `VERIFIED` | `ALREADY_CONSUMED` (5018, we never sent a consume) | `CONSUMED_ELSEWHERE` (flagged) | `FLAG` |
/// | `VERIFIED` | `CONSUME_REQUESTED` | `CONSUME_REQUESTED` | `CONSUME` (attempt 1) |
/// | `CONSUME_REQUESTED` | `CONSUME_TIMEOUT` | `CONSUME_REQUESTED` | `CONSUME` (attempt n+1) |
/// | `CONSUME_REQUESTED` | `CONSUMED` | `CONSUMED` | `DELIVER` |
/// | `CONSUME_REQUESTED` (attempt ≥ 2) | `ALREADY_CONSUMED` (an earlier request of ours went through) | `CONSUMED` | `DELIVER` |
/// | `CONSUME_REQUESTED` (attempt 1) | `ALREADY_CONSUMED` (the answer to our only request: not ours) | `CONSUMED_ELSEWHERE` (flagged) | `FLAG` |
/// | `CONSUMED` | `DELIVERED` | `DELIVERED` | `COMPLETE` |
/// | `DELIVERED` | `COMPLETED` | `COMPLETED` | |
/// | `PAID` … `CONSUMED`, `VERIFY_FAILED`, `CONSUMED_ELSEWHERE` | `REFUNDED` | `REFUNDED` | |
/// | `DELIVERED`, `COMPLETED` | `REFUNDED` | `REFUNDED` | `REVOKE` |
///
/// # Rules
///
/// 1. **Deliver only from `CONSUMED`; consume only from `VERIFIED`.** `DELIVER` is emitted only on
///    entering `CONSUMED`, which is reachable only from `CONSUME_REQUESTED`, which is reachable only
///    from `VERIFIED`. `DELIVERED` is accepted only in `CONSUMED`.
/// 2. **Duplicates.** An event equal to one already applied to this flow (same type and payload) is
///    answered with `duplicate: true`, the flow unchanged and no effects, in whatever state the
///    flow is now. The same type with a different payload (a second `PAID` with another token) is
///    not a duplicate and is refused. `CONSUME_TIMEOUT` is a retry, never a duplicate.
/// 3. **Consume timeouts are retried.** `CONSUME_TIMEOUT` (no answer: timeout, network error, or a
///    resume after a crash while the request was in flight) re-emits `CONSUME`. The IAP server
///    answers a repeated consume with 5018, which rule 4 reads correctly.
/// 4. **5018 (already consumed).** 5018 means *a* consume went through; the flow's record says
///    whose. After a request of ours whose answer was lost (`CONSUME_REQUESTED` with attempt ≥ 2,
///    i.e. after a `CONSUME_TIMEOUT`) it was ours: `CONSUMED`, deliver. If we never sent one
///    (`PAID`, `VERIFIED`), or 5018 answers our first and only request (attempt 1: no earlier
///    request of ours exists that could have succeeded), someone else consumed the payment (the
///    client SDK, another server): `CONSUMED_ELSEWHERE`, no delivery, `flagged`, and a `FLAG`
///    effect for a person to look at. So every re-sent consume must be preceded by
///    `CONSUME_TIMEOUT` (the driver does this, also when resuming after a crash); a caller who
///    re-sends without it gets a flag, never a double grant.
/// 5. **Refunds.** Before delivery a refund ends the flow with no effect (nothing was granted);
///    after delivery it asks for a `REVOKE`.
/// 6. **The verified purchase must fit the flow**: same store, same product id, and the store's
///    state `PURCHASED`. Otherwise `VERIFIED` is refused with `INVALID_ARGUMENT` and the flow stays
///    in `PAID` (apply `VERIFY_FAILED`, or wait for a pending purchase).
/// 7. **Stored JSON is checked.** [`PaymentFlow::from_json`] refuses unknown states, unknown or
///    missing fields, another format version, and combinations no sequence of events produces
///    (a `DELIVERED` flow with no purchase, a flag outside `CONSUMED_ELSEWHERE`…), with
///    `MALFORMED_INPUT`.
///
/// Delivery is at-least-once across a crash between performing `DELIVER` and saving
/// `DELIVERED`: the resumed flow is still `CONSUMED` and asks again. `DELIVER` carries the
/// `paymentSeq` as an idempotency key; grant by it (NHN's docs say the same: "check your own
/// grant DB by paymentSeq"), or save the grant and the flow in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "FlowRecord")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "PaymentFlowJSON", optional_fields))]
pub struct PaymentFlow {
    #[cfg_attr(feature = "typescript", ts(type = "1"))]
    version: u32,
    payment_seq: String,
    user_id: String,
    store: Store,
    product_id: String,
    state: FlowState,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purchase: Option<Purchase>,
    delivered: bool,
    flagged: bool,
    consume_attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// `TYPE:digest` of every non-retry event applied, for the duplicate rule.
    history: Vec<String>,
}

/// The stored shape, validated into a [`PaymentFlow`] (rule 7).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FlowRecord {
    version: u32,
    payment_seq: String,
    user_id: String,
    store: Store,
    product_id: String,
    state: FlowState,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    purchase: Option<StoredPurchase>,
    delivered: bool,
    flagged: bool,
    consume_attempts: u32,
    #[serde(default)]
    reason: Option<String>,
    history: Vec<String>,
}

const WHAT: &str = "payment flow";

fn stored(reason: impl Into<String>) -> Error {
    Error::malformed(WHAT, reason)
}

impl TryFrom<FlowRecord> for PaymentFlow {
    type Error = Error;

    fn try_from(r: FlowRecord) -> Result<Self> {
        use FlowState as S;
        if r.version != FORMAT_VERSION {
            return Err(stored(format!("unsupported version {} (expected {FORMAT_VERSION})", r.version)));
        }
        let flow = PaymentFlow {
            version: r.version,
            payment_seq: r.payment_seq,
            user_id: r.user_id,
            store: r.store,
            product_id: r.product_id,
            state: r.state,
            access_token: r.access_token,
            purchase: r.purchase.map(Purchase::from),
            delivered: r.delivered,
            flagged: r.flagged,
            consume_attempts: r.consume_attempts,
            reason: r.reason,
            history: r.history,
        };
        check_ids(&flow.payment_seq, &flow.user_id, &flow.product_id).map_err(|e| stored(e.to_string()))?;
        for field in [&flow.access_token, &flow.reason].into_iter().flatten() {
            limits::check("payment flow field", field.len(), limits::MAX_FLOW_FIELD)?;
        }
        limits::check_count("payment flow history", flow.history.len(), limits::MAX_FLOW_HISTORY, Unit::Events)?;
        if !flow.history.iter().all(|h| is_history_entry(h)) {
            return Err(stored("history entries must be TYPE:digest"));
        }
        let s = flow.state;
        let paid = !matches!(s, S::Reserved | S::UserCanceled);
        if paid != flow.access_token.is_some() {
            return Err(stored(format!("state {} with accessToken {}", s.as_str(), presence(&flow.access_token))));
        }
        let needs_purchase = matches!(s, S::Verified | S::ConsumeRequested | S::Consumed | S::Delivered | S::Completed);
        let may_have_purchase = needs_purchase || matches!(s, S::Refunded | S::ConsumedElsewhere);
        if (needs_purchase && flow.purchase.is_none()) || (!may_have_purchase && flow.purchase.is_some()) {
            return Err(stored(format!("state {} with purchase {}", s.as_str(), presence(&flow.purchase))));
        }
        if let Some(p) = &flow.purchase {
            fits(&flow, p).map_err(|e| stored(e.to_string()))?;
            // Only a PURCHASED purchase is ever accepted by VERIFIED (rule 6).
            if p.state() != &PurchaseState::Purchased {
                return Err(stored(format!("the stored purchase is {}, not PURCHASED", p.state())));
            }
        }
        let must_be_delivered = matches!(s, S::Delivered | S::Completed);
        if flow.delivered != must_be_delivered && !(s == S::Refunded && flow.delivered) {
            return Err(stored(format!("state {} with delivered={}", s.as_str(), flow.delivered)));
        }
        if flow.delivered && flow.consume_attempts == 0 {
            return Err(stored("delivered without a consume"));
        }
        let consumed_path = matches!(s, S::ConsumeRequested | S::Consumed | S::Delivered | S::Completed);
        let never_consumed = matches!(s, S::Reserved | S::Paid | S::Verified | S::UserCanceled | S::VerifyFailed);
        if (consumed_path && flow.consume_attempts == 0) || (never_consumed && flow.consume_attempts != 0) {
            return Err(stored(format!("state {} with consumeAttempts={}", s.as_str(), flow.consume_attempts)));
        }
        let flag_ok = match s {
            S::ConsumedElsewhere => flow.flagged,
            S::Refunded => true,
            _ => !flow.flagged,
        };
        if !flag_ok {
            return Err(stored(format!("state {} with flagged={}", s.as_str(), flow.flagged)));
        }
        Ok(flow)
    }
}

fn presence<T>(v: &Option<T>) -> &'static str {
    if v.is_some() {
        "present"
    } else {
        "absent"
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

fn check_ids(payment_seq: &str, user_id: &str, product_id: &str) -> Result<()> {
    for (name, v) in [("paymentSeq", payment_seq), ("userId", user_id), ("productId", product_id)] {
        if v.is_empty() {
            return Err(Error::invalid_argument(format!("{name} must not be empty")));
        }
        limits::check("payment flow field", v.len(), limits::MAX_FLOW_FIELD)?;
    }
    Ok(())
}

/// Rule 6: the verified purchase must be this payment's.
fn fits(flow: &PaymentFlow, p: &Purchase) -> Result<()> {
    if p.store() != &flow.store {
        return Err(Error::invalid_argument(format!(
            "the purchase is from store {} but the payment is for {}",
            p.store(),
            flow.store
        )));
    }
    if p.product_id() != flow.product_id {
        return Err(Error::invalid_argument(format!(
            "the purchase is for product '{}' but the payment is for '{}'",
            p.product_id(),
            flow.product_id
        )));
    }
    Ok(())
}

/// `TYPE:` plus 128 bits of SHA-256 over the event's JSON: enough to tell two events apart,
/// small enough to store. The JSON of one event value is deterministic (serde_json keeps object
/// order), so re-sending the same event gives the same digest.
fn history_key(event: &FlowEvent) -> Result<String> {
    event_digest(event.name(), "payment flow event", event)
}

/// `name:` plus 128 bits of SHA-256 over `event`'s JSON (`what` names it in an error): the
/// duplicate rule's record of one event, shared by both reducers.
pub(super) fn event_digest(name: &str, what: &'static str, event: &impl Serialize) -> Result<String> {
    use std::fmt::Write;
    let bytes = serde_json::to_vec(event).map_err(|e| Error::malformed(what, e.to_string()))?;
    let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
    let mut key = format!("{name}:");
    for b in digest.as_ref().iter().take(16) {
        let _ = write!(key, "{b:02x}");
    }
    Ok(key)
}

impl PaymentFlow {
    /// A new flow in `RESERVED`. `INVALID_ARGUMENT` for an empty id.
    pub fn start(params: StartParams) -> Result<PaymentFlow> {
        check_ids(&params.payment_seq, &params.user_id, &params.product_id)?;
        Ok(PaymentFlow {
            version: FORMAT_VERSION,
            payment_seq: params.payment_seq,
            user_id: params.user_id,
            store: params.store,
            product_id: params.product_id,
            state: FlowState::Reserved,
            access_token: None,
            purchase: None,
            delivered: false,
            flagged: false,
            consume_attempts: 0,
            reason: None,
            history: Vec::new(),
        })
    }

    /// The current state.
    pub fn state(&self) -> FlowState {
        self.state
    }
    /// NHN payment number.
    pub fn payment_seq(&self) -> &str {
        &self.payment_seq
    }
    /// The app's user id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }
    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }
    /// The product id.
    pub fn product_id(&self) -> &str {
        &self.product_id
    }
    /// The consume token, once paid.
    pub fn access_token(&self) -> Option<&str> {
        self.access_token.as_deref()
    }
    /// The verified purchase, once verified.
    pub fn purchase(&self) -> Option<&Purchase> {
        self.purchase.as_ref()
    }
    /// Whether the item was granted (and not yet revoked by a refund that the caller handled).
    pub fn delivered(&self) -> bool {
        self.delivered
    }
    /// Whether a person should look at this payment (consumed elsewhere).
    pub fn flagged(&self) -> bool {
        self.flagged
    }
    /// How many consume requests were asked for.
    pub fn consume_attempts(&self) -> u32 {
        self.consume_attempts
    }
    /// Why the flow ended (verify failure, refund, consumed elsewhere), when known.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The forward effects the current state is waiting on, for resuming a stored flow: `VERIFY`
    /// in `PAID`, `CONSUME` (the last attempt, whose outcome is unknown) in `CONSUME_REQUESTED`,
    /// `DELIVER` in `CONSUMED`, `COMPLETE` in `DELIVERED`; none elsewhere (in `VERIFIED` the next
    /// step is the `CONSUME_REQUESTED` event, which returns the `CONSUME`). Performing them again
    /// after a crash is the at-least-once half of the module's delivery note.
    pub fn pending_effects(&self) -> Vec<Effect> {
        let payment_seq = self.payment_seq.clone();
        match (self.state, &self.access_token) {
            (FlowState::Paid, Some(token)) => vec![Effect::Verify { payment_seq, access_token: token.clone() }],
            (FlowState::ConsumeRequested, Some(token)) => {
                vec![Effect::Consume { payment_seq, access_token: token.clone(), attempt: self.consume_attempts }]
            }
            (FlowState::Consumed, _) => vec![self.deliver_like(false)],
            (FlowState::Delivered, _) => vec![Effect::Complete { payment_seq }],
            _ => Vec::new(),
        }
    }

    /// The stored form (JSON text). See [`PaymentFlow::from_json`].
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::malformed(WHAT, e.to_string()))
    }

    /// Restores a stored flow, refusing tampered or old JSON (rule 7) with `MALFORMED_INPUT`
    /// (`INPUT_TOO_LARGE` over [`limits::MAX_FLOW_JSON`]).
    pub fn from_json(text: &str) -> Result<PaymentFlow> {
        limits::check(WHAT, text.len(), limits::MAX_FLOW_JSON)?;
        serde_json::from_slice(text.as_bytes()).map_err(|e| Error::malformed(WHAT, e.to_string()))
    }

    fn refuse(&self, event: &FlowEvent) -> Error {
        Error::InvalidStateTransition { state: self.state.as_str().to_owned(), event: event.name().to_owned() }
    }

    fn deliver_like(&self, revoke: bool) -> Effect {
        let quantity = self.purchase.as_ref().map_or(1, Purchase::quantity);
        let (payment_seq, user_id, product_id) =
            (self.payment_seq.clone(), self.user_id.clone(), self.product_id.clone());
        if revoke {
            Effect::Revoke { payment_seq, user_id, product_id, quantity }
        } else {
            Effect::Deliver { payment_seq, user_id, product_id, quantity }
        }
    }

    fn consume_effect(&self) -> Result<Effect> {
        let access_token = self.access_token.clone().ok_or_else(|| stored("no accessToken to consume with"))?;
        Ok(Effect::Consume { payment_seq: self.payment_seq.clone(), access_token, attempt: self.consume_attempts })
    }

    /// Applies one event: the next flow, the effects to perform after saving it, and whether the
    /// event was a duplicate. Refused transitions are `INVALID_STATE_TRANSITION` (details name the
    /// state and the event); a purchase that does not fit is `INVALID_ARGUMENT`. See the module
    /// docs for every rule.
    pub fn apply(&self, event: &FlowEvent) -> Result<Applied> {
        use FlowEvent as E;
        use FlowState as S;
        let key = if event.is_retry() { None } else { Some(history_key(event)?) };
        if let Some(k) = &key {
            if self.history.iter().any(|h| h == k) {
                return Ok(Applied { flow: self.clone(), effects: Vec::new(), duplicate: true });
            }
        }
        let mut next = self.clone();
        let mut effects = Vec::new();
        match (self.state, event) {
            (S::Reserved, E::Paid { access_token }) => {
                if access_token.is_empty() {
                    return Err(Error::invalid_argument("accessToken must not be empty"));
                }
                limits::check("accessToken", access_token.len(), limits::MAX_FLOW_FIELD)?;
                next.state = S::Paid;
                next.access_token = Some(access_token.clone());
                effects
                    .push(Effect::Verify { payment_seq: self.payment_seq.clone(), access_token: access_token.clone() });
            }
            (S::Reserved, E::UserCanceled) => next.state = S::UserCanceled,
            (S::Paid, E::Verified { purchase }) => {
                fits(self, purchase)?;
                if purchase.state() != &PurchaseState::Purchased {
                    return Err(Error::invalid_argument(format!(
                        "the purchase is {}, not PURCHASED; nothing may be delivered for it",
                        purchase.state()
                    )));
                }
                next.state = S::Verified;
                next.purchase = Some(Purchase::clone(purchase));
            }
            (S::Paid, E::VerifyFailed { reason }) => {
                limits::check("reason", reason.len(), limits::MAX_FLOW_FIELD)?;
                next.state = S::VerifyFailed;
                next.reason = Some(reason.clone());
            }
            (S::Paid | S::Verified, E::AlreadyConsumed) | (S::ConsumeRequested, E::AlreadyConsumed)
                if self.consume_attempts <= 1 =>
            {
                let reason = if self.state == S::ConsumeRequested {
                    "the IAP server answered our first consume with 5018: someone else consumed the payment"
                } else {
                    "the IAP server reports the payment consumed (5018) but this flow never sent a consume"
                };
                next.state = S::ConsumedElsewhere;
                next.flagged = true;
                next.reason = Some(reason.to_owned());
                effects.push(Effect::Flag { payment_seq: self.payment_seq.clone(), reason: reason.to_owned() });
            }
            (S::Verified, E::ConsumeRequested) => {
                next.state = S::ConsumeRequested;
                next.consume_attempts = 1;
                effects.push(next.consume_effect()?);
            }
            (S::ConsumeRequested, E::ConsumeTimeout) => {
                next.consume_attempts = self
                    .consume_attempts
                    .checked_add(1)
                    .ok_or_else(|| Error::invalid_argument("too many consume attempts"))?;
                effects.push(next.consume_effect()?);
            }
            (S::ConsumeRequested, E::Consumed | E::AlreadyConsumed) => {
                next.state = S::Consumed;
                effects.push(next.deliver_like(false));
            }
            (S::Consumed, E::Delivered) => {
                next.state = S::Delivered;
                next.delivered = true;
                effects.push(Effect::Complete { payment_seq: self.payment_seq.clone() });
            }
            (S::Delivered, E::Completed) => next.state = S::Completed,
            (
                S::Paid
                | S::Verified
                | S::ConsumeRequested
                | S::Consumed
                | S::Delivered
                | S::Completed
                | S::VerifyFailed
                | S::ConsumedElsewhere,
                E::Refunded { reason },
            ) => {
                if let Some(r) = reason {
                    limits::check("reason", r.len(), limits::MAX_FLOW_FIELD)?;
                    next.reason = Some(r.clone());
                }
                next.state = S::Refunded;
                if self.delivered {
                    effects.push(self.deliver_like(true));
                }
            }
            _ => return Err(self.refuse(event)),
        }
        if let Some(k) = key {
            limits::check_count("payment flow history", next.history.len().saturating_add(1), limits::MAX_FLOW_HISTORY, Unit::Events)?;
            next.history.push(k);
        }
        Ok(Applied { flow: next, effects, duplicate: false })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::purchase::sources::google_purchase_data;
    use serde_json::json;

    pub(crate) fn purchase(store: &str, product: &str, state: i64) -> Purchase {
        let p = google_purchase_data(&json!({
            "orderId": "GPA.1", "productId": product, "purchaseTime": 1, "purchaseState": state,
            "purchaseToken": "tok", "quantity": 2
        }))
        .unwrap();
        Purchase { store: Store::from_wire(store), ..p }
    }

    fn start() -> PaymentFlow {
        PaymentFlow::start(StartParams {
            payment_seq: "2024010112345678".into(),
            user_id: "user-1".into(),
            store: Store::GooglePlay,
            product_id: "gem".into(),
        })
        .unwrap()
    }

    fn paid() -> FlowEvent {
        FlowEvent::Paid { access_token: "at-1".into() }
    }
    fn verified() -> FlowEvent {
        FlowEvent::Verified { purchase: Box::new(purchase("GG", "gem", 0)) }
    }
    fn refunded() -> FlowEvent {
        FlowEvent::Refunded { reason: Some("voided".into()) }
    }

    fn run(flow: &PaymentFlow, events: &[FlowEvent]) -> (PaymentFlow, Vec<Effect>) {
        let mut f = flow.clone();
        let mut all = Vec::new();
        for e in events {
            let a = f.apply(e).unwrap_or_else(|err| panic!("{} in {}: {err}", e.name(), f.state.as_str()));
            assert!(!a.duplicate, "{}", e.name());
            all.extend(a.effects);
            f = a.flow;
        }
        (f, all)
    }

    /// A flow in the given state, by the shortest legal path.
    fn flow_in(state: FlowState) -> PaymentFlow {
        use FlowEvent as E;
        let path: Vec<FlowEvent> = match state {
            FlowState::Reserved => vec![],
            FlowState::Paid => vec![paid()],
            FlowState::Verified => vec![paid(), verified()],
            FlowState::ConsumeRequested => vec![paid(), verified(), E::ConsumeRequested],
            FlowState::Consumed => vec![paid(), verified(), E::ConsumeRequested, E::Consumed],
            FlowState::Delivered => vec![paid(), verified(), E::ConsumeRequested, E::Consumed, E::Delivered],
            FlowState::Completed => {
                vec![paid(), verified(), E::ConsumeRequested, E::Consumed, E::Delivered, E::Completed]
            }
            FlowState::VerifyFailed => vec![paid(), E::VerifyFailed { reason: "INVALID_SIGNATURE".into() }],
            FlowState::UserCanceled => vec![E::UserCanceled],
            FlowState::Refunded => vec![paid(), refunded()],
            FlowState::ConsumedElsewhere => vec![paid(), verified(), E::AlreadyConsumed],
        };
        let f = run(&start(), &path).0;
        assert_eq!(f.state, state);
        f
    }

    const ALL_STATES: [FlowState; 11] = [
        FlowState::Reserved,
        FlowState::Paid,
        FlowState::Verified,
        FlowState::ConsumeRequested,
        FlowState::Consumed,
        FlowState::Delivered,
        FlowState::Completed,
        FlowState::VerifyFailed,
        FlowState::UserCanceled,
        FlowState::Refunded,
        FlowState::ConsumedElsewhere,
    ];

    fn all_events() -> Vec<FlowEvent> {
        use FlowEvent as E;
        vec![
            FlowEvent::Paid { access_token: "other-token".into() },
            E::UserCanceled,
            FlowEvent::Verified { purchase: Box::new(Purchase { quantity: 5, ..purchase("GG", "gem", 0) }) },
            E::VerifyFailed { reason: "x".into() },
            E::ConsumeRequested,
            E::Consumed,
            E::AlreadyConsumed,
            E::ConsumeTimeout,
            E::Delivered,
            E::Completed,
            E::Refunded { reason: None },
        ]
    }

    /// The transition table of the module docs, as (from, event, to).
    fn allowed(from: FlowState, event: &FlowEvent) -> Option<FlowState> {
        use FlowEvent as E;
        use FlowState as S;
        Some(match (from, event) {
            (S::Reserved, E::Paid { .. }) => S::Paid,
            (S::Reserved, E::UserCanceled) => S::UserCanceled,
            (S::Paid, E::Verified { .. }) => S::Verified,
            (S::Paid, E::VerifyFailed { .. }) => S::VerifyFailed,
            (S::Paid | S::Verified, E::AlreadyConsumed) => S::ConsumedElsewhere,
            (S::Verified, E::ConsumeRequested) => S::ConsumeRequested,
            (S::ConsumeRequested, E::ConsumeTimeout) => S::ConsumeRequested,
            (S::ConsumeRequested, E::Consumed) => S::Consumed,
            // flow_in() reaches CONSUME_REQUESTED with one attempt: 5018 is not ours.
            (S::ConsumeRequested, E::AlreadyConsumed) => S::ConsumedElsewhere,
            (S::Consumed, E::Delivered) => S::Delivered,
            (S::Delivered, E::Completed) => S::Completed,
            (
                S::Paid
                | S::Verified
                | S::ConsumeRequested
                | S::Consumed
                | S::Delivered
                | S::Completed
                | S::VerifyFailed
                | S::ConsumedElsewhere,
                E::Refunded { .. },
            ) => S::Refunded,
            _ => return None,
        })
    }

    #[test]
    fn every_state_event_pair_is_allowed_or_refused_as_documented() {
        let (mut allowed_count, mut duplicates) = (0, 0);
        for state in ALL_STATES {
            let flow = flow_in(state);
            for event in all_events() {
                match (allowed(state, &event), flow.apply(&event)) {
                    // The flow got here through this very event: rule 2, not a transition.
                    (_, Ok(a)) if a.duplicate => {
                        assert!(a.effects.is_empty() && a.flow == flow, "{state:?} {}", event.name());
                        duplicates += 1;
                    }
                    (Some(to), Ok(a)) => {
                        allowed_count += 1;
                        assert!(!a.duplicate, "{state:?} {}", event.name());
                        assert_eq!(a.flow.state, to, "{state:?} {}", event.name());
                        // Every accepted flow survives a JSON round trip.
                        let back = PaymentFlow::from_json(&a.flow.to_json().unwrap()).unwrap();
                        assert_eq!(back, a.flow);
                    }
                    (None, Err(e)) => {
                        assert_eq!(e.code(), "INVALID_STATE_TRANSITION", "{state:?} {}", event.name());
                        assert_eq!(e.details(), json!({"state": state.as_str(), "event": event.name()}));
                        assert!(e.to_string().contains(state.as_str()) && e.to_string().contains(event.name()));
                    }
                    (want, got) => panic!("{state:?} + {}: expected {want:?}, got {got:?}", event.name()),
                }
            }
        }
        assert_eq!(allowed_count, 20);
        assert!(duplicates > 0);
    }

    #[test]
    fn happy_path_effects() {
        use FlowEvent as E;
        let f = start();
        let a = f.apply(&paid()).unwrap();
        assert_eq!(
            a.effects,
            vec![Effect::Verify { payment_seq: "2024010112345678".into(), access_token: "at-1".into() }]
        );
        let a = a.flow.apply(&verified()).unwrap();
        assert!(a.effects.is_empty());
        let a = a.flow.apply(&E::ConsumeRequested).unwrap();
        assert_eq!(
            a.effects,
            vec![Effect::Consume { payment_seq: "2024010112345678".into(), access_token: "at-1".into(), attempt: 1 }]
        );
        let a = a.flow.apply(&E::Consumed).unwrap();
        assert_eq!(
            a.effects,
            vec![Effect::Deliver {
                payment_seq: "2024010112345678".into(),
                user_id: "user-1".into(),
                product_id: "gem".into(),
                quantity: 2
            }]
        );
        let a = a.flow.apply(&E::Delivered).unwrap();
        assert_eq!(a.effects, vec![Effect::Complete { payment_seq: "2024010112345678".into() }]);
        assert!(a.flow.delivered());
        let a = a.flow.apply(&E::Completed).unwrap();
        assert!(a.effects.is_empty());
        assert!(a.flow.state().is_final());
    }

    #[test]
    fn same_event_twice_is_a_duplicate_without_a_second_effect() {
        use FlowEvent as E;
        let mut f = start();
        for e in [paid(), verified(), E::ConsumeRequested, E::Consumed, E::Delivered, E::Completed] {
            let first = f.apply(&e).unwrap();
            assert!(!first.duplicate);
            let again = first.flow.apply(&e).unwrap();
            assert!(again.duplicate, "{}", e.name());
            assert!(again.effects.is_empty(), "{}", e.name());
            assert_eq!(again.flow, first.flow);
            f = first.flow;
        }
        // Late repeats of old events are duplicates too, even from a later state.
        for e in [paid(), verified(), E::Consumed] {
            let a = f.apply(&e).unwrap();
            assert!(a.duplicate && a.effects.is_empty());
        }
        // Same type, different payload: not a duplicate, refused.
        let e = f.apply(&FlowEvent::Paid { access_token: "forged".into() }).unwrap_err();
        assert_eq!(e.code(), "INVALID_STATE_TRANSITION");
        // A duplicate survives storage: the history is part of the JSON.
        let stored = PaymentFlow::from_json(&f.to_json().unwrap()).unwrap();
        assert!(stored.apply(&E::Delivered).unwrap().duplicate);
    }

    #[test]
    fn pending_effects_repeat_the_step_in_flight() {
        for state in ALL_STATES {
            let f = flow_in(state);
            let pending = f.pending_effects();
            let want = match state {
                FlowState::Paid => "VERIFY",
                FlowState::ConsumeRequested => "CONSUME",
                FlowState::Consumed => "DELIVER",
                FlowState::Delivered => "COMPLETE",
                _ => {
                    assert!(pending.is_empty(), "{state:?}");
                    continue;
                }
            };
            assert_eq!(pending.len(), 1);
            assert_eq!(serde_json::to_value(&pending[0]).unwrap()["type"], want, "{state:?}");
        }
        // The effect that entered the state is the one pending in it.
        let a = flow_in(FlowState::ConsumeRequested).apply(&FlowEvent::ConsumeTimeout).unwrap();
        assert_eq!(a.flow.pending_effects(), a.effects);
        let a = flow_in(FlowState::ConsumeRequested).apply(&FlowEvent::Consumed).unwrap();
        assert_eq!(a.flow.pending_effects(), a.effects);
    }

    #[test]
    fn consume_timeout_retries_and_5018_after_our_request_delivers() {
        use FlowEvent as E;
        let f = flow_in(FlowState::ConsumeRequested);
        let a = f.apply(&E::ConsumeTimeout).unwrap();
        assert!(!a.duplicate);
        assert_eq!(a.flow.state(), FlowState::ConsumeRequested);
        assert!(matches!(a.effects.as_slice(), [Effect::Consume { attempt: 2, .. }]));
        let a = a.flow.apply(&E::ConsumeTimeout).unwrap();
        assert!(matches!(a.effects.as_slice(), [Effect::Consume { attempt: 3, .. }]));
        assert_eq!(a.flow.consume_attempts(), 3);
        let a = a.flow.apply(&E::AlreadyConsumed).unwrap();
        assert_eq!(a.flow.state(), FlowState::Consumed);
        assert!(matches!(a.effects.as_slice(), [Effect::Deliver { .. }]));
        assert!(!a.flow.flagged());
    }

    #[test]
    fn five_oh_eighteen_without_our_request_is_consumed_elsewhere() {
        for state in [FlowState::Paid, FlowState::Verified, FlowState::ConsumeRequested] {
            let a = flow_in(state).apply(&FlowEvent::AlreadyConsumed).unwrap();
            assert_eq!(a.flow.state(), FlowState::ConsumedElsewhere);
            assert!(a.flow.flagged());
            assert!(matches!(a.effects.as_slice(), [Effect::Flag { .. }]));
            assert!(!a.effects.iter().any(|e| matches!(e, Effect::Deliver { .. })));
            // Nothing leads to delivery from there.
            for e in all_events() {
                if let Ok(next) = a.flow.apply(&e) {
                    assert!(!next.effects.iter().any(|e| matches!(e, Effect::Deliver { .. })));
                }
            }
        }
    }

    #[test]
    fn refund_revokes_only_after_delivery() {
        for state in ALL_STATES {
            let Ok(a) = flow_in(state).apply(&refunded()) else { continue };
            let revoked = matches!(a.effects.as_slice(), [Effect::Revoke { quantity: 2, .. }]);
            assert_eq!(revoked, matches!(state, FlowState::Delivered | FlowState::Completed), "{state:?}");
            assert!(revoked || a.effects.is_empty());
            assert_eq!(a.flow.reason(), Some("voided"));
            PaymentFlow::from_json(&a.flow.to_json().unwrap()).unwrap();
        }
    }

    #[test]
    fn purchase_must_fit_the_flow() {
        let f = flow_in(FlowState::Paid);
        for (p, needle) in [
            (purchase("AS", "gem", 0), "store AS"),
            (purchase("GG", "other", 0), "product 'other'"),
            (purchase("GG", "gem", 4), "PENDING"),
            (purchase("GG", "gem", 2), "REFUNDED"),
        ] {
            let e = f.apply(&FlowEvent::Verified { purchase: Box::new(p) }).unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT");
            assert!(e.to_string().contains(needle), "{e}");
        }
        assert_eq!(
            f.apply(&FlowEvent::Paid { access_token: String::new() }).unwrap_err().code(),
            "INVALID_STATE_TRANSITION"
        );
        assert_eq!(
            start().apply(&FlowEvent::Paid { access_token: String::new() }).unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
        let e = PaymentFlow::start(StartParams {
            payment_seq: String::new(),
            user_id: "u".into(),
            store: Store::AppStore,
            product_id: "p".into(),
        })
        .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn events_and_effects_have_the_documented_json() {
        let e: FlowEvent = serde_json::from_value(json!({"type": "PAID", "accessToken": "t"})).unwrap();
        assert_eq!(e, FlowEvent::Paid { access_token: "t".into() });
        let e: FlowEvent = serde_json::from_value(json!({"type": "CONSUME_TIMEOUT"})).unwrap();
        assert_eq!(e, FlowEvent::ConsumeTimeout);
        for bad in [
            json!({"type": "PAYED", "accessToken": "t"}),
            json!({"type": "PAID"}),
            json!({"type": "PAID", "accessToken": "t", "extra": 1}),
            json!({"accessToken": "t"}),
            serde_json::to_value(verified()).unwrap(),
        ] {
            assert!(serde_json::from_value::<FlowEvent>(bad.clone()).is_err(), "{bad}");
        }
        let effect =
            serde_json::to_value(Effect::Consume { payment_seq: "1".into(), access_token: "t".into(), attempt: 2 })
                .unwrap();
        assert_eq!(effect, json!({"type": "CONSUME", "paymentSeq": "1", "accessToken": "t", "attempt": 2}));
    }

    type Edit = Box<dyn FnOnce(&mut serde_json::Map<String, serde_json::Value>)>;

    fn tamper(flow: &PaymentFlow, edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> Error {
        let mut v: serde_json::Value = serde_json::from_str(&flow.to_json().unwrap()).unwrap();
        edit(v.as_object_mut().unwrap());
        PaymentFlow::from_json(&v.to_string()).unwrap_err()
    }

    #[test]
    fn tampered_or_old_json_is_a_typed_error() {
        let consumed = flow_in(FlowState::Consumed);
        let cases: Vec<(&str, Edit)> = vec![
            (
                "unknown state",
                Box::new(|m| {
                    m.insert("state".into(), json!("SHIPPED"));
                }),
            ),
            (
                "missing field",
                Box::new(|m| {
                    m.remove("delivered");
                }),
            ),
            (
                "missing history",
                Box::new(|m| {
                    m.remove("history");
                }),
            ),
            (
                "unknown field",
                Box::new(|m| {
                    m.insert("grantTwice".into(), json!(true));
                }),
            ),
            (
                "old version",
                Box::new(|m| {
                    m.insert("version".into(), json!(0));
                }),
            ),
            (
                "delivered without state",
                Box::new(|m| {
                    m.insert("delivered".into(), json!(true));
                }),
            ),
            (
                "jump to DELIVERED",
                Box::new(|m| {
                    m.insert("state".into(), json!("DELIVERED"));
                }),
            ),
            (
                "no purchase",
                Box::new(|m| {
                    m.remove("purchase");
                }),
            ),
            (
                "no token",
                Box::new(|m| {
                    m.remove("accessToken");
                }),
            ),
            (
                "flag",
                Box::new(|m| {
                    m.insert("flagged".into(), json!(true));
                }),
            ),
            (
                "no attempts",
                Box::new(|m| {
                    m.insert("consumeAttempts".into(), json!(0));
                }),
            ),
            (
                "bad history",
                Box::new(|m| {
                    m.insert("history".into(), json!(["nope"]));
                }),
            ),
            (
                "wrong store",
                Box::new(|m| {
                    m.insert("store".into(), json!("AS"));
                }),
            ),
            (
                "empty user",
                Box::new(|m| {
                    m.insert("userId".into(), json!(""));
                }),
            ),
            (
                "negative attempts",
                Box::new(|m| {
                    m.insert("consumeAttempts".into(), json!(-1));
                }),
            ),
            ("pending purchase", Box::new(|m| m["purchase"]["state"] = json!("PENDING"))),
            ("unknown purchase field", Box::new(|m| m["purchase"]["verified"] = json!(true))),
        ];
        for (name, edit) in cases {
            let e = tamper(&consumed, edit);
            assert_eq!(e.code(), "MALFORMED_INPUT", "{name}: {e}");
        }
        let e = tamper(&flow_in(FlowState::Verified), |m| {
            m.insert("state".into(), json!("CONSUME_REQUESTED"));
        });
        assert_eq!(e.code(), "MALFORMED_INPUT", "{e}");
        assert_eq!(PaymentFlow::from_json("[]").unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(PaymentFlow::from_json("").unwrap_err().code(), "MALFORMED_INPUT");
        let huge = " ".repeat(limits::MAX_FLOW_JSON + 1);
        assert_eq!(PaymentFlow::from_json(&huge).unwrap_err().code(), "INPUT_TOO_LARGE");
    }

    #[test]
    fn a_saved_version_1_flow_still_loads_and_continues() {
        let path = format!("{}/tests/vectors/purchase/flow-v1-consumed.json", env!("CARGO_MANIFEST_DIR"));
        let flow = PaymentFlow::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(flow.state(), FlowState::Consumed);
        assert_eq!(flow.consume_attempts(), 2);
        assert_eq!(flow.purchase().map(Purchase::quantity), Some(2));
        // The events that led here are still recognised as duplicates.
        assert!(flow.apply(&FlowEvent::AlreadyConsumed).unwrap().duplicate);
        assert!(flow.apply(&FlowEvent::Paid { access_token: "at-1".into() }).unwrap().duplicate);
        let a = flow.apply(&FlowEvent::Delivered).unwrap();
        assert_eq!(a.effects, vec![Effect::Complete { payment_seq: "2025112612345678".into() }]);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn event() -> impl Strategy<Value = FlowEvent> {
            use FlowEvent as E;
            prop_oneof![
                prop_oneof![Just("at-1"), Just("at-2")].prop_map(|t| E::Paid { access_token: t.into() }),
                Just(E::UserCanceled),
                (
                    prop_oneof![Just("GG"), Just("AS")],
                    prop_oneof![Just("gem"), Just("coin")],
                    prop_oneof![Just(0i64), Just(4)]
                )
                    .prop_map(|(s, p, st)| E::Verified { purchase: Box::new(purchase(s, p, st)) }),
                Just(E::VerifyFailed { reason: "bad".into() }),
                Just(E::ConsumeRequested),
                Just(E::Consumed),
                Just(E::AlreadyConsumed),
                Just(E::ConsumeTimeout),
                Just(E::Delivered),
                Just(E::Completed),
                Just(E::Refunded { reason: None }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

            /// Random event sequences (with random save/restore in between) never produce two
            /// DELIVER effects and never deliver from a state that was not consumed.
            #[test]
            fn never_delivers_twice_nor_unconsumed(steps in proptest::collection::vec((event(), any::<bool>()), 0..40)) {
                let mut flow = start();
                let mut delivers = 0;
                let mut consume_sent = false;
                for (e, reload) in steps {
                    let before = flow.state();
                    if let Ok(a) = flow.apply(&e) {
                        for effect in &a.effects {
                            match effect {
                                Effect::Consume { .. } => consume_sent = true,
                                Effect::Deliver { .. } => {
                                    delivers += 1;
                                    // DELIVER only on entering CONSUMED from our own consume request.
                                    prop_assert_eq!(before, FlowState::ConsumeRequested);
                                    prop_assert_eq!(a.flow.state(), FlowState::Consumed);
                                    prop_assert!(consume_sent);
                                }
                                _ => {}
                            }
                        }
                        if a.flow.state() == FlowState::Delivered && before != FlowState::Delivered {
                            prop_assert_eq!(before, FlowState::Consumed);
                        }
                        if a.duplicate {
                            prop_assert!(a.effects.is_empty());
                            prop_assert_eq!(&a.flow, &flow);
                        }
                        flow = a.flow;
                    }
                    if reload {
                        flow = PaymentFlow::from_json(&flow.to_json().unwrap()).unwrap();
                    }
                }
                prop_assert!(delivers <= 1, "{} deliveries", delivers);
            }
        }
    }
}
