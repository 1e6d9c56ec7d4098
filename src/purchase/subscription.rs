//! Whether a subscriber is entitled at an instant: documented on [`subscription_status`].

use serde::Serialize;
use serde_json::Map;
use serde_json::Value;

use crate::time::{int_value, time_value};
use crate::error::{Error, Result};

/// Where a subscription is at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "SubscriptionStatusCode"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubscriptionState {
    /// Paid period running, renews. Entitled.
    Active,
    /// Auto-renew off, paid period not over. Entitled until `expiresTime`.
    Canceled,
    /// Renewal failed, store still grants access. Entitled until `gracePeriodEndTime`.
    InGracePeriod,
    /// Renewal failed, the store keeps retrying. Not entitled.
    InBillingRetry,
    /// Google account hold. Not entitled.
    OnHold,
    /// Google pause. Not entitled.
    Paused,
    /// Over. Not entitled.
    Expired,
    /// Refunded or revoked. Not entitled.
    Revoked,
    /// Not paid yet. Not entitled.
    Pending,
}

impl SubscriptionState {
    /// Whether this state grants access.
    pub fn entitles(self) -> bool {
        matches!(self, SubscriptionState::Active | SubscriptionState::Canceled | SubscriptionState::InGracePeriod)
    }
}

/// The answer of [`subscription_status`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionStatus {
    /// Where the subscription is.
    pub status: SubscriptionState,
    /// Whether to grant access now (derived from `status`).
    pub entitled: bool,
    /// End of the current paid period (epoch ms), `null` when the input has none (pending).
    pub expires_time: Option<i64>,
    /// Whether it will renew; `null` when the input does not say (Apple without renewal info, or
    /// renewal info without `autoRenewStatus`), with a `reason`: unknown is never "off".
    #[cfg_attr(feature = "typescript", ts(type = "boolean | null"))]
    pub auto_renewing: Option<bool>,
    /// End of the grace period (epoch ms), when in one or known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub grace_period_end_time: Option<i64>,
    /// Why, when the status is not the plain reading of the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub reason: Option<String>,
}

/// The input of [`subscription_status`]; in JSON, an object tagged by `source` (`APPLE`,
/// `GOOGLE`, `GOOGLE_RTDN`, `NHN`) with the fields below in camelCase (see
/// [`SubscriptionInput::from_json`]). Store documents are taken in their own JSON shapes
/// (Apple's decoded payloads, Google's REST resources, NHN's records).
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionInput {
    /// Apple: a verified transaction, its renewal info, and optionally the notification's type.
    Apple {
        /// `JWSTransactionDecodedPayload`.
        transaction: Value,
        /// `JWSRenewalInfoDecodedPayload`.
        renewal_info: Option<Value>,
        /// `notificationType` of the App Store Server Notification V2 that carried them.
        notification_type: Option<String>,
        /// Its `subtype`.
        subtype: Option<String>,
        /// Its `data.status` (1 active, 2 expired, 3 billing retry, 4 grace period, 5 revoked).
        status: Option<i64>,
    },
    /// Google: `purchases.subscriptionsv2.get`.
    Google {
        /// `SubscriptionPurchaseV2`.
        subscription: Value,
    },
    /// Google: the latest RTDN and the purchase it is about.
    GoogleRtdn {
        /// The decoded `DeveloperNotification`, its `subscriptionNotification`, or
        /// `{ "notificationType": n }`.
        notification: Value,
        /// `SubscriptionPurchaseV2`, or the v1 `SubscriptionPurchase` (`expiryTimeMillis`).
        purchase: Value,
    },
    /// ONE store: `getSubscriptionDetail`.
    OneStore {
        /// The subscription detail, as the server API answers it.
        subscription: Value,
    },
    /// NHN IAP / Gamebase subscription record.
    Nhn {
        /// The record (`expiryTime`, `referenceStatus`, …).
        record: Value,
    },
}

struct Builder {
    expires_time: Option<i64>,
    auto_renewing: Option<bool>,
    grace_period_end_time: Option<i64>,
    /// Why `auto_renewing` is unknown, when it is and the source leaves it unsaid: added to the
    /// `reason` of every answer, so that an unknown renewal always comes with one.
    renewal_unknown: Option<&'static str>,
}

impl Builder {
    fn done(&self, status: SubscriptionState, reason: Option<String>) -> SubscriptionStatus {
        let note = self.renewal_unknown.filter(|_| self.auto_renewing.is_none());
        let reason = match (reason, note) {
            (Some(r), Some(n)) => Some(format!("{r}; {n}")),
            (Some(r), None) => Some(r),
            (None, n) => n.map(str::to_owned),
        };
        SubscriptionStatus {
            status,
            entitled: status.entitles(),
            expires_time: self.expires_time,
            auto_renewing: self.auto_renewing,
            grace_period_end_time: self.grace_period_end_time,
            reason,
        }
    }

    /// An entitling state read from the input, judged at `at` (rule 2).
    fn until_expiry(&self, status: SubscriptionState, end: Option<i64>, at: i64) -> SubscriptionStatus {
        match end {
            Some(end) if at < end => self.done(status, None),
            Some(_) => self.done(
                SubscriptionState::Expired,
                Some(format!(
                    "the input says {} but its period ended before the instant asked about; refresh it from the store",
                    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
                )),
            ),
            None => self.done(SubscriptionState::Expired, Some("no expiry time in the input".into())),
        }
    }
}

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(int_value)
}

fn object<'a>(what: &'static str, v: &'a Value) -> Result<&'a Value> {
    if v.is_object() {
        Ok(v)
    } else {
        Err(Error::malformed(what, "expected a JSON object"))
    }
}

/// The status at `at` (epoch ms), by the rules below.
///
/// Whether a subscriber is entitled at an instant, from what each store says.
///
/// One answer shape for every source: [`SubscriptionStatus`] `{ status, entitled, expiresTime,
/// autoRenewing, gracePeriodEndTime?, reason? }`. `entitled` is true exactly for `ACTIVE`,
/// `CANCELED` (auto-renew off, paid period not over) and `IN_GRACE_PERIOD`.
///
/// # Rules common to every store
///
/// * **Periods are half-open.** A period ending at `expiresTime` entitles for `at < expiresTime`;
///   at exactly `expiresTime` it is over. The same holds for the grace period's end.
/// * **A stale "entitled" state is not trusted past its end.** A state read earlier (`ACTIVE`,
///   `CANCELED`, in grace) judged at an instant after its `expiresTime` gives `EXPIRED`, not
///   entitled, with a `reason` saying to refresh: the store may have renewed it, but nothing
///   given here says so.
/// * **What the input leaves unsaid is unknown, not "no"**: `autoRenewing` is `null` (with a
///   `reason`) when the store's answer does not say whether the subscription renews.
/// * **Contradicting input is an error, never a grant**: an expiry before the purchase/start
///   time, a grace period ending before the expiry, renewal info of another subscription
///   (`MALFORMED_INPUT` / `INVALID_ARGUMENT`).
///
/// # Sources
///
/// * `APPLE`: a `JWSTransactionDecodedPayload` and optionally its `JWSRenewalInfoDecodedPayload`,
///   optionally with the `notificationType`/`subtype`/`status` of the notification that carried
///   them; or a whole verified notification (`notification`, whose `data.decodedTransactionInfo`,
///   `data.decodedRenewalInfo` and `data.status` are used). `revocationDate`, `REFUND`, `REVOKE` or status 5 → `REVOKED`. `isUpgraded` → `EXPIRED`
///   (the newer transaction carries the entitlement). `EXPIRED`,
///   `GRACE_PERIOD_EXPIRED` or status 2 → `EXPIRED`. Otherwise by dates: before `expiresDate`
///   `ACTIVE` (auto-renew on) or `CANCELED` (off); when the input does not say (no renewal info,
///   or renewal info without `autoRenewStatus`) `ACTIVE` with `autoRenewing: null` and a `reason`
///   starting "renewal unknown", never `CANCELED`; after it `IN_GRACE_PERIOD` until
///   `gracePeriodExpiresDate`, then `IN_BILLING_RETRY` if `isInBillingRetryPeriod` (or the
///   notification is `DID_FAIL_TO_RENEW` / status 3), else `EXPIRED` (reason from
///   `expirationIntent`).
/// * `GOOGLE`: a `SubscriptionPurchaseV2`. `subscriptionState` decides (`ON_HOLD`, `PAUSED`,
///   `PENDING`, `EXPIRED` as such; `PENDING_PURCHASE_CANCELED` → `EXPIRED`); `expiresTime` is the
///   latest line item `expiryTime`, which Google extends to the end of a grace period, so that is
///   also `gracePeriodEndTime`. An unknown state is judged by `expiryTime`, with a reason.
///   `autoRenewing`: true when a line item's `autoRenewingPlan.autoRenewEnabled` is, false when
///   every line item names its plan and none renews (a `prepaidPlan`; Google's JSON leaves a false
///   `autoRenewEnabled` out) or the state is canceled or ended; otherwise (a line item naming no
///   plan, no line item) `null`, with a reason starting "renewal unknown".
/// * `GOOGLE_RTDN`: the latest real-time developer notification plus the purchase it refers to
///   (a `SubscriptionPurchaseV2`, or the v1 shape with `expiryTimeMillis`). A notification that
///   names a state (canceled, on hold, grace, paused, revoked, expired, pending purchase
///   canceled; recovered/renewed/purchased/restarted → active; a `voidedPurchaseNotification` →
///   revoked) decides; the others (price
///   change, deferred, pause schedule, unknown codes) leave it to the purchase. A v1 purchase
///   without `autoRenewing` leaves the renewal unknown (`null`, with a reason).
/// * `ONESTORE`: a `getSubscriptionDetail` answer, read by ONE store's state table (developer
///   guide, "정기 결제 적용하기"): before `expiryTimeMillis`, `paymentState` 0 is the grace
///   period (ONE store sets the expiry to the grace end), `autoRenewing` false a reserved
///   cancellation (`CANCELED`, entitled to the expiry), otherwise `ACTIVE` (paid, free period or
///   deferred product change); after it, `autoRenewing` with `paymentState` 0 is `PAUSED` while a
///   pause window (`pauseStartTimeMillis`..`pauseEndTimeMillis`, or to `autoResumeTimeMillis`)
///   holds the instant, else `ON_HOLD`; `autoRenewing` false is `REVOKED` when the period was cut
///   at the cancellation (`paymentState` null and `expiryTimeMillis` not after
///   `cancelledTimeMillis`: the table's "past, immediate"), else `EXPIRED`.
/// * `NHN`: an NHN IAP / Gamebase subscription record (`expiryTime` or `expiryTimeMillis`,
///   `referenceStatus`). `REVOKED`/`CANCELED_PRODUCT` → `REVOKED`, `CANCELED_SUBSCRIPTION` →
///   `CANCELED`, `IN_GRACE` → `IN_GRACE_PERIOD`, `ON_HOLD`, `PAUSED`, `EXPIRED`, `PENDING` as
///   such; `PURCHASED`, `REPURCHASED`, `RESTARTED`, `RENEWED`, `RECOVERED`, `PAUSE_SCHEDULED` →
///   `ACTIVE`; absent, `NOT_APPOINTED` or unknown → by `expiryTime` (NHN reports `PURCHASED`
///   for everything when Google RTDN is not configured). `autoRenewing` is false for the canceled,
///   revoked and expired statuses, true for renewed, recovered, restarted, grace, hold and pause,
///   and `null` with a reason for `PURCHASED` / `REPURCHASED` (see above), `PENDING`, no status
///   (NHN gives one for Google only) and codes this version does not know.
pub fn subscription_status(input: &SubscriptionInput, at: i64) -> Result<SubscriptionStatus> {
    match input {
        SubscriptionInput::Apple { transaction, renewal_info, notification_type, subtype, status } => {
            apple(transaction, renewal_info.as_ref(), notification_type.as_deref(), subtype.as_deref(), *status, at)
        }
        SubscriptionInput::Google { subscription } => google_v2(subscription, at),
        SubscriptionInput::GoogleRtdn { notification, purchase } => google_rtdn(notification, purchase, at),
        SubscriptionInput::OneStore { subscription } => onestore(subscription, at),
        SubscriptionInput::Nhn { record } => nhn(record, at),
    }
}

/// Parses the JSON text of a [`SubscriptionInput`] (size-limited) and answers at `at`.
pub fn subscription_status_json(text: &str, at: i64) -> Result<SubscriptionStatus> {
    crate::limits::check(INPUT, text.len(), crate::limits::MAX_SUBSCRIPTION_JSON)?;
    let value: Value = serde_json::from_slice(text.as_bytes()).map_err(|e| Error::malformed(INPUT, e.to_string()))?;
    subscription_status(&SubscriptionInput::from_json(value)?, at)
}

const INPUT: &str = "subscription input";

impl SubscriptionInput {
    /// Reads the tagged JSON form. Unknown `source`, unknown or missing fields, or fields of the
    /// wrong JSON type are `MALFORMED_INPUT`. (Hand-written rather than derived: a derived
    /// internally-tagged enum costs several KiB of WebAssembly for the same checks.)
    pub fn from_json(value: Value) -> Result<SubscriptionInput> {
        let Value::Object(mut map) = value else {
            return Err(Error::malformed(INPUT, "expected a JSON object"));
        };
        let source = match map.remove("source") {
            Some(Value::String(s)) => s,
            _ => return Err(Error::malformed(INPUT, "missing \"source\" (APPLE, GOOGLE, GOOGLE_RTDN, ONESTORE or NHN)")),
        };
        let allowed: &[&str] = match source.as_str() {
            "APPLE" => &["transaction", "renewalInfo", "notificationType", "subtype", "status", "notification"],
            "GOOGLE" => &["subscription"],
            "GOOGLE_RTDN" => &["notification", "purchase"],
            "NHN" => &["record"],
            "ONESTORE" => &["subscription"],
            other => return Err(Error::malformed(INPUT, format!("unknown source \"{other}\""))),
        };
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(Error::malformed(INPUT, format!("unknown field \"{k}\" for source {source}")));
        }
        Ok(match source.as_str() {
            "APPLE" => {
                // A verified notification (decoded nested JWS included) supplies whatever the
                // caller did not give explicitly.
                if let Some(Value::Object(n)) = optional(&mut map, "notification") {
                    let data = n.get("data").and_then(Value::as_object);
                    for (from_notification, key) in [
                        (n.get("notificationType"), "notificationType"),
                        (n.get("subtype"), "subtype"),
                        (data.and_then(|d| d.get("status")), "status"),
                        (data.and_then(|d| d.get("decodedTransactionInfo")), "transaction"),
                        (data.and_then(|d| d.get("decodedRenewalInfo")), "renewalInfo"),
                    ] {
                        if let Some(v) = from_notification.filter(|v| !v.is_null()) {
                            map.entry(key).or_insert_with(|| v.clone());
                        }
                    }
                }
                SubscriptionInput::Apple {
                    transaction: field(&mut map, "transaction")?,
                    renewal_info: optional(&mut map, "renewalInfo"),
                    notification_type: optional_text(&mut map, "notificationType")?,
                    subtype: optional_text(&mut map, "subtype")?,
                    status: match optional(&mut map, "status") {
                        None => None,
                        Some(v) => {
                            Some(v.as_i64().ok_or_else(|| Error::malformed(INPUT, "\"status\" is not an integer"))?)
                        }
                    },
                }
            }
            "GOOGLE" => SubscriptionInput::Google { subscription: field(&mut map, "subscription")? },
            "GOOGLE_RTDN" => SubscriptionInput::GoogleRtdn {
                notification: field(&mut map, "notification")?,
                purchase: field(&mut map, "purchase")?,
            },
            "ONESTORE" => SubscriptionInput::OneStore { subscription: field(&mut map, "subscription")? },
            _ => SubscriptionInput::Nhn { record: field(&mut map, "record")? },
        })
    }
}

/// A present, non-null field.
fn field(map: &mut Map<String, Value>, key: &str) -> Result<Value> {
    optional(map, key).ok_or_else(|| Error::malformed(INPUT, format!("missing \"{key}\"")))
}

fn optional(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    map.remove(key).filter(|v| !v.is_null())
}

fn optional_text(map: &mut Map<String, Value>, key: &str) -> Result<Option<String>> {
    match optional(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::malformed(INPUT, format!("\"{key}\" is not a string"))),
    }
}

fn apple(
    tx: &Value,
    renewal: Option<&Value>,
    notification: Option<&str>,
    subtype: Option<&str>,
    status_code: Option<i64>,
    at: i64,
) -> Result<SubscriptionStatus> {
    use SubscriptionState as S;
    const WHAT: &str = "Apple transaction";
    object(WHAT, tx)?;
    let null = Value::Null;
    let renewal = match renewal {
        Some(r) => object("Apple renewal info", r)?,
        None => &null,
    };
    if let Some(kind @ ("Consumable" | "Non-Consumable")) = tx.get("type").and_then(Value::as_str) {
        return Err(Error::invalid_argument(format!("a {kind} transaction is not a subscription")));
    }
    let expires = int(tx, "expiresDate")
        .ok_or_else(|| Error::malformed(WHAT, "no expiresDate: not a subscription transaction"))?;
    if int(tx, "purchaseDate").is_some_and(|p| p > expires) {
        return Err(Error::malformed(WHAT, "expiresDate is before purchaseDate"));
    }
    let original = |v: &Value| v.get("originalTransactionId").and_then(Value::as_str).map(str::to_owned);
    if let (Some(a), Some(b)) = (original(tx), original(renewal)) {
        if a != b {
            return Err(Error::invalid_argument(format!(
                "the renewal info is for originalTransactionId {b}, the transaction for {a}"
            )));
        }
    }
    let env = |v: &Value| v.get("environment").and_then(Value::as_str).map(str::to_owned);
    if let (Some(a), Some(b)) = (env(tx), env(renewal)) {
        if a != b {
            return Err(Error::invalid_argument(format!("renewal info from {b}, transaction from {a}")));
        }
    }
    let grace = int(renewal, "gracePeriodExpiresDate");
    if grace.is_some_and(|g| g < expires) {
        return Err(Error::malformed(
            "Apple renewal info",
            "gracePeriodExpiresDate is before the transaction's expiresDate",
        ));
    }
    let b = Builder {
        expires_time: Some(expires),
        auto_renewing: int(renewal, "autoRenewStatus").map(|v| v == 1),
        grace_period_end_time: grace,
        renewal_unknown: None,
    };
    if tx.get("revocationDate").is_some_and(|d| !d.is_null())
        || matches!(notification, Some("REFUND" | "REVOKE"))
        || status_code == Some(5)
    {
        let why = match int(tx, "revocationReason") {
            Some(1) => "refunded: the customer reported an issue with the app",
            Some(0) => "refunded: other reason",
            _ => "refunded or revoked",
        };
        return Ok(b.done(S::Revoked, Some(why.into())));
    }
    if tx.get("isUpgraded").and_then(Value::as_bool) == Some(true) {
        // The entitlement moved to the product upgraded to; its own transaction says until when.
        return Ok(b.done(S::Expired, Some("upgraded to another subscription; judge the newer transaction".into())));
    }
    if matches!(notification, Some("EXPIRED" | "GRACE_PERIOD_EXPIRED")) || status_code == Some(2) {
        let why = subtype.map_or_else(|| "expired".to_owned(), |s| format!("expired ({s})"));
        return Ok(b.done(S::Expired, Some(why)));
    }
    if at < expires {
        return Ok(match b.auto_renewing {
            Some(true) => b.done(S::Active, None),
            Some(false) => b.done(S::Canceled, None),
            // Paid for and not over: entitled; whether it renews, the input does not say.
            None => b.done(
                S::Active,
                Some(if renewal.is_null() {
                    "renewal unknown: no renewal info was given (pass signedRenewalInfo to know)".into()
                } else {
                    "renewal unknown: the renewal info has no autoRenewStatus".into()
                }),
            ),
        });
    }
    if let Some(g) = grace {
        if at < g {
            return Ok(b.done(S::InGracePeriod, None));
        }
    }
    let retrying = renewal.get("isInBillingRetryPeriod").and_then(Value::as_bool) == Some(true)
        || (notification == Some("DID_FAIL_TO_RENEW") && subtype != Some("GRACE_PERIOD"))
        || status_code == Some(3);
    if retrying {
        return Ok(b.done(S::InBillingRetry, Some("renewal payment failed; Apple is retrying".into())));
    }
    let why = match int(renewal, "expirationIntent") {
        Some(1) => "the customer canceled",
        Some(2) => "billing error",
        Some(3) => "the customer did not consent to a price increase",
        Some(4) => "the product was not available at renewal",
        Some(_) => "expired (other reason)",
        None => "past expiresDate",
    };
    Ok(b.done(S::Expired, Some(why.into())))
}

/// Why a `SubscriptionPurchaseV2`'s renewal is unknown: no line item names its plan.
const GOOGLE_PLAN_UNSAID: &str = "renewal unknown: no line item names its plan (autoRenewingPlan or prepaidPlan)";

/// Expiry (latest line item) and auto-renew of a `SubscriptionPurchaseV2`. Auto-renew is true
/// when a line item's `autoRenewingPlan` has `autoRenewEnabled`, false when every line item names
/// its plan and none does (a `prepaidPlan` never renews; Google's JSON leaves a false
/// `autoRenewEnabled` out of an `autoRenewingPlan`), and unknown (`None`) when some line item
/// names no plan, or there is none.
fn google_v2_parts(sub: &Value) -> Result<(Option<i64>, Option<bool>)> {
    const WHAT: &str = "SubscriptionPurchaseV2";
    object(WHAT, sub)?;
    let items = match sub.get("lineItems") {
        Some(Value::Array(items)) => items.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err(Error::malformed(WHAT, "lineItems is not an array")),
    };
    let mut expiry: Option<i64> = None;
    let mut auto = false;
    let mut every_plan_named = !items.is_empty();
    for item in items {
        if let Some(e) = item.get("expiryTime") {
            let t = time_value(e).ok_or_else(|| Error::malformed(WHAT, "lineItems[].expiryTime is not a timestamp"))?;
            expiry = Some(expiry.map_or(t, |x| x.max(t)));
        }
        auto |= item.pointer("/autoRenewingPlan/autoRenewEnabled").and_then(Value::as_bool) == Some(true);
        every_plan_named &= item.get("autoRenewingPlan").is_some_and(Value::is_object)
            || item.get("prepaidPlan").is_some_and(Value::is_object);
    }
    let auto = if auto { Some(true) } else { every_plan_named.then_some(false) };
    if let (Some(start), Some(end)) = (sub.get("startTime").and_then(time_value), expiry) {
        if end < start {
            return Err(Error::malformed(WHAT, "expiryTime is before startTime"));
        }
    }
    Ok((expiry, auto))
}

fn google_v2(sub: &Value, at: i64) -> Result<SubscriptionStatus> {
    use SubscriptionState as S;
    let (expiry, auto) = google_v2_parts(sub)?;
    let state = sub.get("subscriptionState").and_then(Value::as_str).unwrap_or("SUBSCRIPTION_STATE_UNSPECIFIED");
    // A canceled or ended subscription does not renew, whatever its line items leave out.
    let ended = matches!(
        state,
        "SUBSCRIPTION_STATE_CANCELED" | "SUBSCRIPTION_STATE_EXPIRED" | "SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED"
    );
    let b = Builder {
        expires_time: expiry,
        auto_renewing: if ended { Some(false) } else { auto },
        grace_period_end_time: None,
        renewal_unknown: Some(GOOGLE_PLAN_UNSAID),
    };
    Ok(match state {
        "SUBSCRIPTION_STATE_ACTIVE" => b.until_expiry(S::Active, expiry, at),
        "SUBSCRIPTION_STATE_CANCELED" => b.until_expiry(S::Canceled, expiry, at),
        "SUBSCRIPTION_STATE_IN_GRACE_PERIOD" => {
            let b = Builder { grace_period_end_time: expiry, ..b };
            b.until_expiry(S::InGracePeriod, expiry, at)
        }
        "SUBSCRIPTION_STATE_ON_HOLD" => b.done(S::OnHold, None),
        "SUBSCRIPTION_STATE_PAUSED" => b.done(S::Paused, None),
        "SUBSCRIPTION_STATE_EXPIRED" => b.done(S::Expired, None),
        "SUBSCRIPTION_STATE_PENDING" => b.done(S::Pending, None),
        "SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED" => {
            b.done(S::Expired, Some("the pending purchase was canceled before payment".into()))
        }
        other => by_expiry(&b, expiry, at, &format!("unknown subscriptionState {other}")),
    })
}

/// For states that say nothing: entitled while `at < expiry`.
fn by_expiry(b: &Builder, expiry: Option<i64>, at: i64, why: &str) -> SubscriptionStatus {
    use SubscriptionState as S;
    match expiry {
        Some(e) if at < e => b.done(S::Active, Some(format!("{why}; judged by expiry time"))),
        Some(_) => b.done(S::Expired, Some(format!("{why}; past expiry time"))),
        None => b.done(S::Expired, Some(format!("{why}; no expiry time"))),
    }
}

/// RTDN `subscriptionNotification.notificationType`, as a number or Google's name.
fn rtdn_type(n: &Value) -> Option<i64> {
    let raw = n.pointer("/subscriptionNotification/notificationType").or_else(|| n.get("notificationType"))?;
    if let Some(code) = int_value(raw) {
        return Some(code);
    }
    let name = raw.as_str()?.trim_start_matches("SUBSCRIPTION_");
    Some(match name {
        "RECOVERED" => 1,
        "RENEWED" => 2,
        "CANCELED" => 3,
        "PURCHASED" => 4,
        "ON_HOLD" => 5,
        "IN_GRACE_PERIOD" => 6,
        "RESTARTED" => 7,
        "PRICE_CHANGE_CONFIRMED" => 8,
        "DEFERRED" => 9,
        "PAUSED" => 10,
        "PAUSE_SCHEDULE_CHANGED" => 11,
        "REVOKED" => 12,
        "EXPIRED" => 13,
        "PENDING_PURCHASE_CANCELED" => 20,
        _ => -1,
    })
}

fn google_rtdn(notification: &Value, purchase: &Value, at: i64) -> Result<SubscriptionStatus> {
    use SubscriptionState as S;
    object("Google notification", notification)?;
    object("Google subscription purchase", purchase)?;
    // A voided subscription purchase is a refund: the subscription is revoked.
    let voided = notification.get("voidedPurchaseNotification").is_some_and(Value::is_object);
    let code = match rtdn_type(notification) {
        Some(code) => code,
        None if voided => 12,
        None => return Err(Error::malformed("Google notification", "no subscription notificationType")),
    };
    let v2 = purchase.get("lineItems").is_some() || purchase.get("subscriptionState").is_some();
    let (expiry, auto, unsaid) = if v2 {
        let (expiry, auto) = google_v2_parts(purchase)?;
        (expiry, auto, GOOGLE_PLAN_UNSAID)
    } else {
        let e = purchase.get("expiryTimeMillis").and_then(time_value);
        if let (Some(s), Some(e)) = (purchase.get("startTimeMillis").and_then(time_value), e) {
            if e < s {
                return Err(Error::malformed(
                    "Google subscription purchase",
                    "expiryTimeMillis is before startTimeMillis",
                ));
            }
        }
        (e, purchase.get("autoRenewing").and_then(Value::as_bool), "renewal unknown: the purchase has no autoRenewing")
    };
    let b = Builder { expires_time: expiry, auto_renewing: auto, grace_period_end_time: None, renewal_unknown: Some(unsaid) };
    Ok(match code {
        1 | 2 | 4 | 7 => b.until_expiry(S::Active, expiry, at),
        3 => Builder { auto_renewing: Some(false), ..b }.until_expiry(S::Canceled, expiry, at),
        5 => b.done(S::OnHold, None),
        6 => Builder { grace_period_end_time: expiry, ..b }.until_expiry(S::InGracePeriod, expiry, at),
        10 => b.done(S::Paused, None),
        12 => Builder { auto_renewing: Some(false), ..b }.done(S::Revoked, Some("revoked (refunded) by Google".into())),
        13 => Builder { auto_renewing: Some(false), ..b }.done(S::Expired, None),
        20 => Builder { auto_renewing: Some(false), ..b }
            .done(S::Expired, Some("the pending purchase was canceled before payment".into())),
        // No state change in the notification: the purchase decides.
        _ if v2 => google_v2(purchase, at)?,
        other => by_expiry(&b, expiry, at, &format!("notification type {other} names no state")),
    })
}

fn onestore(sub: &Value, at: i64) -> Result<SubscriptionStatus> {
    use SubscriptionState as S;
    const WHAT: &str = "ONE store subscription detail";
    object(WHAT, sub)?;
    let time = |k: &str| sub.get(k).and_then(time_value);
    let expiry = time("expiryTimeMillis");
    if let (Some(start), Some(end)) = (time("startTimeMillis"), expiry) {
        if end < start {
            return Err(Error::malformed(WHAT, "expiryTimeMillis is before startTimeMillis"));
        }
    }
    // Absent, the renewal is unknown (never read as off).
    let auto = sub.get("autoRenewing").and_then(Value::as_bool);
    let payment = match sub.get("paymentState") {
        None | Some(Value::Null) => None,
        Some(v) => Some(int_value(v).ok_or_else(|| Error::malformed(WHAT, "paymentState is not an integer"))?),
    };
    let b = Builder { expires_time: expiry, auto_renewing: auto, grace_period_end_time: None, renewal_unknown: None };
    let Some(end) = expiry else {
        return Ok(b.done(S::Expired, Some("no expiryTimeMillis in the input".into())));
    };
    if at < end {
        return Ok(match (payment, auto) {
            (Some(0), _) => Builder { grace_period_end_time: Some(end), ..b }.done(S::InGracePeriod, None),
            (_, Some(false)) => b.done(S::Canceled, None),
            (_, None) => b.done(S::Active, Some("renewal unknown: the detail has no autoRenewing; judged by expiry time".into())),
            (None, Some(true)) => b.done(S::Active, Some("paymentState is null before the expiry; judged by expiry time".into())),
            _ => b.done(S::Active, None),
        });
    }
    if auto == Some(true) {
        if payment == Some(0) {
            let pause_start = time("pauseStartTimeMillis");
            let pause_end = time("pauseEndTimeMillis").or_else(|| time("autoResumeTimeMillis"));
            let paused = matches!((pause_start, pause_end), (Some(s), Some(e)) if s <= at && at < e);
            return Ok(b.done(if paused { S::Paused } else { S::OnHold }, None));
        }
        return Ok(b.done(
            S::Expired,
            Some("the input says it renews but its period ended before the instant asked about; refresh it from the store".into()),
        ));
    }
    let cut = payment.is_none() && matches!((time("cancelledTimeMillis"), expiry), (Some(c), Some(e)) if e <= c);
    Ok(if cut { b.done(S::Revoked, Some("ended at its cancellation (revoked)".into())) } else { b.done(S::Expired, None) })
}

fn nhn(record: &Value, at: i64) -> Result<SubscriptionStatus> {
    use SubscriptionState as S;
    const WHAT: &str = "NHN subscription record";
    object(WHAT, record)?;
    let time = |keys: &[&str]| keys.iter().find_map(|k| record.get(*k).and_then(time_value));
    let expiry = time(&["expiryTimeMillis", "expiryTime"]).filter(|t| *t != 0);
    if let (Some(p), Some(e)) = (time(&["purchaseTimeMillis", "purchaseTime"]), expiry) {
        if e < p {
            return Err(Error::malformed(WHAT, "expiryTime is before purchaseTime"));
        }
    }
    let status = record.get("referenceStatus").and_then(Value::as_str);
    // What each referenceStatus says of the renewal. NHN reports PURCHASED for every Google
    // subscription when Google RTDN is not configured (a canceled one too), and a referenceStatus
    // for Google only: those, and codes this version does not know, leave it unsaid.
    let (renewing, unsaid) = match status {
        Some("CANCELED_SUBSCRIPTION" | "CANCELED_PRODUCT" | "REVOKED" | "EXPIRED") => (Some(false), None),
        Some("RENEWED" | "RECOVERED" | "RESTARTED" | "IN_GRACE" | "ON_HOLD" | "PAUSE_SCHEDULED" | "PAUSED") => {
            (Some(true), None)
        }
        Some("PURCHASED" | "REPURCHASED") => (
            None,
            Some("renewal unknown: NHN reports PURCHASED whether or not it was canceled since (without Google RTDN it reports nothing else)"),
        ),
        Some("PENDING") => (None, Some("renewal unknown: the payment is pending")),
        None => (None, Some("renewal unknown: the record has no referenceStatus (NHN gives one for Google only)")),
        Some(_) => (None, Some("renewal unknown: NHN's referenceStatus does not say")),
    };
    let b = Builder { expires_time: expiry, auto_renewing: renewing, grace_period_end_time: None, renewal_unknown: unsaid };
    Ok(match status {
        Some("PURCHASED" | "REPURCHASED" | "RESTARTED" | "RENEWED" | "RECOVERED" | "PAUSE_SCHEDULED") => {
            b.until_expiry(S::Active, expiry, at)
        }
        Some("CANCELED_SUBSCRIPTION") => b.until_expiry(S::Canceled, expiry, at),
        Some("IN_GRACE") => Builder { grace_period_end_time: expiry, ..b }.until_expiry(S::InGracePeriod, expiry, at),
        Some("ON_HOLD") => b.done(S::OnHold, None),
        Some("PAUSED") => b.done(S::Paused, None),
        Some("REVOKED") => b.done(S::Revoked, Some("refunded".into())),
        Some("CANCELED_PRODUCT") => b.done(S::Revoked, Some("the purchase was canceled".into())),
        Some("EXPIRED") => b.done(S::Expired, None),
        Some("PENDING") => b.done(S::Pending, None),
        Some(other) => by_expiry(&b, expiry, at, &format!("referenceStatus {other}")),
        None => by_expiry(&b, expiry, at, "no referenceStatus"),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::purchase::sources::tests::jws_payload;
    use serde_json::json;
    use SubscriptionState as S;

    fn nested(n: &Value, key: &str) -> Value {
        let jws = n["data"][key].as_str().unwrap();
        let payload = jws.split('.').nth(1).unwrap();
        serde_json::from_slice(&crate::b64::decode_url("jws", payload).unwrap()).unwrap()
    }

    fn status(input: Value, at: i64) -> Result<SubscriptionStatus> {
        subscription_status_json(&input.to_string(), at)
    }

    fn check(name: &str, input: Value, at: i64, want: S, entitled: bool) -> SubscriptionStatus {
        let s = status(input, at).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((s.status, s.entitled), (want, entitled), "{name}: {s:?}");
        s
    }

    const EXP: i64 = 1_700_000_000_000;
    const GRACE: i64 = EXP + 16 * 86_400_000;

    #[test]
    fn apple_did_renew_vector_at_boundaries() {
        let n = jws_payload("apple-jws-gopay-notification-did-renew-sandbox.jws");
        let (tx, ri) = (nested(&n, "signedTransactionInfo"), nested(&n, "signedRenewalInfo"));
        let input =
            json!({"source": "APPLE", "transaction": tx, "renewalInfo": ri, "notificationType": n["notificationType"]});
        let expires = 1_646_387_196_000;
        let s = check("purchase instant", input.clone(), 1_646_387_016_000, S::Active, true);
        assert_eq!(s.expires_time, Some(expires));
        assert_eq!(s.auto_renewing, Some(true));
        check("1 ms before expiry", input.clone(), expires - 1, S::Active, true);
        check("exactly at expiry", input.clone(), expires, S::Expired, false);
        check("after expiry", input, expires + 1, S::Expired, false);
    }

    #[test]
    fn apple_whole_notification() {
        // The shape SignedDataVerifier.verifyAndDecodeNotification returns: nested JWS decoded.
        let mut n = jws_payload("apple-jws-gopay-notification-did-renew-sandbox.jws");
        n["data"]["decodedTransactionInfo"] = nested(&n, "signedTransactionInfo");
        n["data"]["decodedRenewalInfo"] = nested(&n, "signedRenewalInfo");
        let input = json!({"source": "APPLE", "notification": n.clone()});
        check("notification, before expiry", input.clone(), 1_646_387_196_000 - 1, S::Active, true);
        check("notification, at expiry", input, 1_646_387_196_000, S::Expired, false);
        n["notificationType"] = json!("REFUND");
        check("REFUND notification", json!({"source": "APPLE", "notification": n}), 0, S::Revoked, false);
        let e = status(json!({"source": "APPLE", "notification": {"notificationType": "TEST"}}), 0).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT");
    }

    #[test]
    fn apple_renewal_info_vectors() {
        // awa renewal info: auto-renew on, same original transaction as this made-up transaction.
        let ri = jws_payload("apple-jws-awa-renewalinfo-sandbox.jws");
        let tx = json!({"originalTransactionId": "2000000335310644", "environment": "Sandbox",
            "purchaseDate": 1_684_822_738_000i64, "expiresDate": 1_684_823_038_000i64, "type": "Auto-Renewable Subscription"});
        check(
            "awa active",
            json!({"source":"APPLE","transaction":tx,"renewalInfo":ri}),
            1_684_822_800_000,
            S::Active,
            true,
        );
        // Xcode transaction + renewal info (fractional ms).
        let tx = jws_payload("apple-jws-xcode-signed-transaction.jws");
        let ri = jws_payload("apple-jws-xcode-signed-renewal-info.jws");
        let input = json!({"source":"APPLE","transaction":tx,"renewalInfo":ri});
        let s = check("xcode active", input.clone(), 1_700_358_336_048, S::Active, true);
        assert_eq!(s.expires_time, Some(1_700_358_336_049));
        check("xcode at expiry (truncated ms)", input, 1_700_358_336_049, S::Expired, false);
        // The test-CA renewal info carries no autoRenewStatus: renewal unknown (never CANCELED), with a reason.
        let ri = jws_payload("apple-jws-testca-renewalInfo.jws");
        let tx = json!({"environment": "Sandbox", "expiresDate": EXP});
        let s = check(
            "testca renewal info",
            json!({"source":"APPLE","transaction":tx,"renewalInfo":ri}),
            EXP - 1,
            S::Active,
            true,
        );
        assert_eq!(s.auto_renewing, None);
        assert!(s.reason.as_deref().is_some_and(|r| r.contains("autoRenewStatus")), "{s:?}");
        // No renewal info at all: the same.
        let s = status(json!({"source":"APPLE","transaction":tx}), EXP - 1).unwrap();
        assert_eq!((s.status, s.entitled, s.auto_renewing), (S::Active, true, None));
        assert!(s.reason.as_deref().is_some_and(|r| r.starts_with("renewal unknown: no renewal info")), "{s:?}");
        // Renewal info that says off: CANCELED, as before.
        let off = json!({"autoRenewStatus": 0, "environment": "Sandbox"});
        let s = status(json!({"source":"APPLE","transaction":tx,"renewalInfo":off}), EXP - 1).unwrap();
        assert_eq!((s.status, s.auto_renewing, s.reason), (S::Canceled, Some(false), None));
        let tx = json!({"environment": "Production", "expiresDate": EXP});
        let e = status(json!({"source":"APPLE","transaction":tx,"renewalInfo":ri}), 0).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "Sandbox renewal info with a Production transaction");
        // The awa renewal info belongs to another subscription than the Xcode transaction.
        let e = status(
            json!({"source":"APPLE","transaction":jws_payload("apple-jws-xcode-signed-transaction.jws"),
            "renewalInfo": jws_payload("apple-jws-awa-renewalinfo-sandbox.jws")}),
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn apple_table() {
        let tx = json!({"originalTransactionId":"1","purchaseDate": EXP - 1000, "expiresDate": EXP, "environment":"Production"});
        let with = |extra: Value, ri: Value| {
            let mut v = json!({"source":"APPLE","transaction": tx.clone(), "renewalInfo": ri});
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            v
        };
        let on = json!({"originalTransactionId":"1","autoRenewStatus":1});
        let off = json!({"originalTransactionId":"1","autoRenewStatus":0,"expirationIntent":1});
        let grace = json!({"originalTransactionId":"1","autoRenewStatus":1,"gracePeriodExpiresDate":GRACE,"isInBillingRetryPeriod":true});
        let retry =
            json!({"originalTransactionId":"1","autoRenewStatus":1,"isInBillingRetryPeriod":true,"expirationIntent":2});
        let cases: Vec<(&str, Value, i64, S, bool)> = vec![
            ("active", with(json!({}), on.clone()), EXP - 1, S::Active, true),
            ("canceled before expiry", with(json!({}), off.clone()), EXP - 1, S::Canceled, true),
            ("canceled at expiry", with(json!({}), off.clone()), EXP, S::Expired, false),
            ("grace: at expiry", with(json!({}), grace.clone()), EXP, S::InGracePeriod, true),
            ("grace: inside", with(json!({}), grace.clone()), GRACE - 1, S::InGracePeriod, true),
            ("grace: exactly at its end", with(json!({}), grace.clone()), GRACE, S::InBillingRetry, false),
            ("grace: after", with(json!({}), grace.clone()), GRACE + 1, S::InBillingRetry, false),
            ("billing retry", with(json!({}), retry.clone()), EXP + 5, S::InBillingRetry, false),
            ("expired, voluntary", with(json!({}), off.clone()), EXP + 5, S::Expired, false),
            ("no renewal info: renewal unknown, never CANCELED", json!({"source":"APPLE","transaction": tx.clone()}), EXP - 1, S::Active, true),
            ("REFUND notification", with(json!({"notificationType":"REFUND"}), on.clone()), EXP - 1, S::Revoked, false),
            ("status 5", with(json!({"status":5}), on.clone()), EXP - 1, S::Revoked, false),
            (
                "EXPIRED notification",
                with(json!({"notificationType":"EXPIRED","subtype":"VOLUNTARY"}), off.clone()),
                EXP,
                S::Expired,
                false,
            ),
            (
                "DID_FAIL_TO_RENEW",
                with(json!({"notificationType":"DID_FAIL_TO_RENEW"}), on.clone()),
                EXP + 1,
                S::InBillingRetry,
                false,
            ),
            (
                "DID_FAIL_TO_RENEW grace",
                with(json!({"notificationType":"DID_FAIL_TO_RENEW","subtype":"GRACE_PERIOD"}), grace.clone()),
                EXP + 1,
                S::InGracePeriod,
                true,
            ),
            (
                "unknown notification type",
                with(json!({"notificationType":"SOMETHING_NEW"}), on.clone()),
                EXP - 1,
                S::Active,
                true,
            ),
            (
                "upgraded",
                json!({"source":"APPLE","transaction":{"originalTransactionId":"1","expiresDate":EXP,"isUpgraded":true}}),
                EXP - 1,
                S::Expired,
                false,
            ),
        ];
        for (name, input, at, want, entitled) in cases {
            check(name, input, at, want, entitled);
        }
        let revoked = json!({"source":"APPLE","transaction": {"originalTransactionId":"1","expiresDate":EXP,"revocationDate":EXP-10,"revocationReason":1}});
        let s = check("revocationDate", revoked, EXP - 100, S::Revoked, false);
        assert!(s.reason.unwrap().contains("issue"));
        let s = check("grace end reported", with(json!({}), grace), EXP, S::InGracePeriod, true);
        assert_eq!(s.grace_period_end_time, Some(GRACE));
    }

    #[test]
    fn apple_contradictions_are_errors() {
        for (input, code) in [
            (json!({"source":"APPLE","transaction":{"expiresDate":1,"purchaseDate":2}}), "MALFORMED_INPUT"),
            (json!({"source":"APPLE","transaction":{"purchaseDate":2}}), "MALFORMED_INPUT"),
            (json!({"source":"APPLE","transaction":{"type":"Consumable","expiresDate":5}}), "INVALID_ARGUMENT"),
            (
                json!({"source":"APPLE","transaction":{"expiresDate":10},"renewalInfo":{"gracePeriodExpiresDate":5}}),
                "MALFORMED_INPUT",
            ),
            (
                json!({"source":"APPLE","transaction":{"expiresDate":10,"environment":"Sandbox"},"renewalInfo":{"environment":"Production"}}),
                "INVALID_ARGUMENT",
            ),
            (json!({"source":"APPLE","transaction":"x"}), "MALFORMED_INPUT"),
            (json!({"source":"AMAZON","receipt":{}}), "MALFORMED_INPUT"),
            (json!({"source":"APPLE"}), "MALFORMED_INPUT"),
            (json!({"source":"APPLE","transaction":{"expiresDate":10},"extra":1}), "MALFORMED_INPUT"),
            (json!({"source":"APPLE","transaction":{"expiresDate":10},"status":"5"}), "MALFORMED_INPUT"),
            (json!({"source":"APPLE","transaction":{"expiresDate":10},"notificationType":5}), "MALFORMED_INPUT"),
            (json!({"source":"APPLE","transaction":null}), "MALFORMED_INPUT"),
            (json!({"source":"GOOGLE","record":{}}), "MALFORMED_INPUT"),
            (json!({"source":1,"record":{}}), "MALFORMED_INPUT"),
            (json!([1]), "MALFORMED_INPUT"),
        ] {
            assert_eq!(status(input.clone(), 0).unwrap_err().code(), code, "{input}");
        }
    }

    fn v2(state: &str, expiry: &str, auto: bool) -> Value {
        json!({"source":"GOOGLE","subscription":{
            "kind":"androidpublisher#subscriptionPurchaseV2","startTime":"2023-11-01T00:00:00Z",
            "subscriptionState": state,
            "lineItems":[{"productId":"monthly","expiryTime":expiry,"autoRenewingPlan":{"autoRenewEnabled":auto}}]}})
    }

    #[test]
    fn google_v2_table() {
        let end = "2023-11-14T22:13:20Z"; // == EXP
        assert_eq!(crate::time::parse_rfc3339_ms(end), Some(EXP));
        let cases = [
            ("active", v2("SUBSCRIPTION_STATE_ACTIVE", end, true), EXP - 1, S::Active, true),
            ("active at expiry (stale)", v2("SUBSCRIPTION_STATE_ACTIVE", end, true), EXP, S::Expired, false),
            ("canceled", v2("SUBSCRIPTION_STATE_CANCELED", end, false), EXP - 1, S::Canceled, true),
            ("canceled at expiry", v2("SUBSCRIPTION_STATE_CANCELED", end, false), EXP, S::Expired, false),
            ("grace inside", v2("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", end, true), EXP - 1, S::InGracePeriod, true),
            ("grace at its end", v2("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", end, true), EXP, S::Expired, false),
            ("on hold", v2("SUBSCRIPTION_STATE_ON_HOLD", end, true), EXP - 1, S::OnHold, false),
            ("paused", v2("SUBSCRIPTION_STATE_PAUSED", end, true), EXP - 1, S::Paused, false),
            ("expired", v2("SUBSCRIPTION_STATE_EXPIRED", end, false), EXP - 1, S::Expired, false),
            ("pending", v2("SUBSCRIPTION_STATE_PENDING", end, true), EXP - 1, S::Pending, false),
            ("pending canceled", v2("SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED", end, false), 0, S::Expired, false),
            ("unknown state, before", v2("SUBSCRIPTION_STATE_SOMETHING_NEW", end, true), EXP - 1, S::Active, true),
            ("unknown state, after", v2("SUBSCRIPTION_STATE_SOMETHING_NEW", end, true), EXP, S::Expired, false),
        ];
        for (name, input, at, want, entitled) in cases {
            check(name, input, at, want, entitled);
        }
        let s = check("grace end", v2("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", end, true), 0, S::InGracePeriod, true);
        assert_eq!(s.grace_period_end_time, Some(EXP));
        assert_eq!(s.auto_renewing, Some(true));
        // Pending subscriptions have no line item expiry.
        let pending = json!({"source":"GOOGLE","subscription":{"subscriptionState":"SUBSCRIPTION_STATE_PENDING","lineItems":[{"productId":"m"}]}});
        assert_eq!(check("pending, no expiry", pending, 0, S::Pending, false).expires_time, None);
        // The latest of several line items.
        let two = json!({"source":"GOOGLE","subscription":{"subscriptionState":"SUBSCRIPTION_STATE_ACTIVE","lineItems":[
            {"expiryTime":"2023-11-14T22:13:20Z"},{"expiryTime":"2023-12-14T22:13:20.5Z"}]}});
        assert_eq!(check("two items", two, EXP, S::Active, true).expires_time, Some(EXP + 30 * 86_400_000 + 500));
        for bad in [
            v2("SUBSCRIPTION_STATE_ACTIVE", "2023-10-01T00:00:00Z", true), // expiry before start
            v2("SUBSCRIPTION_STATE_ACTIVE", "next week", true),
            json!({"source":"GOOGLE","subscription":{"lineItems":{}}}),
        ] {
            assert_eq!(status(bad, 0).unwrap_err().code(), "MALFORMED_INPUT");
        }
    }

    /// What a status says of the renewal: its `autoRenewing`, and whether a reason naming it unknown came along.
    fn renewal(input: Value, at: i64) -> (Option<bool>, Option<String>) {
        let s = status(input, at).unwrap();
        (s.auto_renewing, s.reason.filter(|r| r.contains("renewal unknown")))
    }

    #[test]
    fn google_v2_renewal_unsaid_is_unknown_with_a_reason() {
        let end = "2023-11-14T22:13:20Z";
        let sub = |state: &str, items: Value| json!({"source":"GOOGLE","subscription":{"subscriptionState":state,"lineItems":items}});
        // Said: autoRenewEnabled true; false given or left out of the plan (Google's JSON drops a false); prepaid.
        assert_eq!(renewal(v2("SUBSCRIPTION_STATE_ACTIVE", end, true), EXP - 1), (Some(true), None));
        assert_eq!(renewal(v2("SUBSCRIPTION_STATE_ACTIVE", end, false), EXP - 1), (Some(false), None));
        let plan_without_flag = sub("SUBSCRIPTION_STATE_ACTIVE", json!([{"expiryTime":end,"autoRenewingPlan":{"recurringPrice":{"units":"1"}}}]));
        assert_eq!(renewal(plan_without_flag, EXP - 1), (Some(false), None));
        let prepaid = sub("SUBSCRIPTION_STATE_ACTIVE", json!([{"expiryTime":end,"prepaidPlan":{"allowExtendAfterTime":end}}]));
        assert_eq!(renewal(prepaid, EXP - 1), (Some(false), None));
        // Unsaid: no line item names its plan, or there is no line item: unknown, with a reason, status by state.
        for (name, input, want) in [
            ("active, no plan", sub("SUBSCRIPTION_STATE_ACTIVE", json!([{"expiryTime":end}])), S::Active),
            ("grace, no plan", sub("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", json!([{"expiryTime":end}])), S::InGracePeriod),
            ("on hold, no plan", sub("SUBSCRIPTION_STATE_ON_HOLD", json!([{"expiryTime":end}])), S::OnHold),
            ("pending, no line items", sub("SUBSCRIPTION_STATE_PENDING", json!([])), S::Pending),
            ("unknown state", sub("SUBSCRIPTION_STATE_SOMETHING_NEW", json!([{"expiryTime":end}])), S::Active),
        ] {
            let s = status(input, EXP - 1).unwrap();
            assert_eq!((s.status, s.auto_renewing), (want, None), "{name}: {s:?}");
            let reason = s.reason.unwrap_or_default();
            assert!(reason.contains("renewal unknown: no line item names its plan"), "{name}: {reason}");
        }
        // One line item said, one not: unknown (the other may renew).
        let mixed = sub("SUBSCRIPTION_STATE_ACTIVE", json!([{"expiryTime":end,"prepaidPlan":{}},{"expiryTime":end}]));
        assert_eq!(renewal(mixed, EXP - 1).0, None);
        // The state says it: canceled and ended subscriptions do not renew, plan or not.
        for state in ["SUBSCRIPTION_STATE_CANCELED", "SUBSCRIPTION_STATE_EXPIRED", "SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED"] {
            assert_eq!(renewal(sub(state, json!([{"expiryTime":end}])), EXP - 1), (Some(false), None), "{state}");
        }
    }

    #[test]
    fn google_rtdn_renewal_unsaid_is_unknown_with_a_reason() {
        let rtdn = |code: i64, p: Value| json!({"source":"GOOGLE_RTDN","notification":{"notificationType":code},"purchase":p});
        // A v1 purchase without autoRenewing: renewed, so entitled, but whether it renews again is unsaid.
        let v1 = json!({"startTimeMillis": (EXP - 1000).to_string(), "expiryTimeMillis": EXP.to_string()});
        let (auto, reason) = renewal(rtdn(2, v1.clone()), EXP - 1);
        assert_eq!(auto, None);
        assert!(reason.is_some_and(|r| r.contains("no autoRenewing")));
        let with = json!({"startTimeMillis": (EXP - 1000).to_string(), "expiryTimeMillis": EXP.to_string(), "autoRenewing": false});
        assert_eq!(renewal(rtdn(2, with), EXP - 1), (Some(false), None));
        // The notification says it: canceled, revoked, expired do not renew.
        for code in [3, 12, 13, 20] {
            assert_eq!(renewal(rtdn(code, v1.clone()), EXP - 1), (Some(false), None), "type {code}");
        }
        // A v2 purchase that names no plan.
        let v2_no_plan = json!({"subscriptionState":"SUBSCRIPTION_STATE_ACTIVE","lineItems":[{"expiryTime":"2023-11-14T22:13:20Z"}]});
        let (auto, reason) = renewal(rtdn(2, v2_no_plan), EXP - 1);
        assert_eq!(auto, None);
        assert!(reason.is_some_and(|r| r.contains("no line item names its plan")));
    }

    #[test]
    fn nhn_renewal_unsaid_is_unknown_with_a_reason() {
        let rec = |status: Option<&str>| {
            let mut r = json!({"marketId":"GG","paymentSeq":"1","expiryTimeMillis":EXP,"purchaseTimeMillis":EXP - 5});
            if let Some(s) = status {
                r["referenceStatus"] = json!(s);
            }
            json!({"source":"NHN","record":r})
        };
        // Said by the status.
        for (st, want) in [
            ("CANCELED_SUBSCRIPTION", false),
            ("CANCELED_PRODUCT", false),
            ("REVOKED", false),
            ("EXPIRED", false),
            ("RENEWED", true),
            ("RECOVERED", true),
            ("RESTARTED", true),
            ("IN_GRACE", true),
            ("ON_HOLD", true),
            ("PAUSED", true),
            ("PAUSE_SCHEDULED", true),
        ] {
            assert_eq!(renewal(rec(Some(st)), EXP - 1), (Some(want), None), "{st}");
        }
        // Unsaid: PURCHASED (NHN's answer for everything without Google RTDN), no status (not Google),
        // pending, NOT_APPOINTED and codes this version does not know. Entitlement still by expiry.
        for (st, why) in [
            (Some("PURCHASED"), "NHN reports PURCHASED"),
            (Some("REPURCHASED"), "NHN reports PURCHASED"),
            (None, "no referenceStatus"),
            (Some("PENDING"), "pending"),
            (Some("NOT_APPOINTED"), "does not say"),
            (Some("SOMETHING_NEW"), "does not say"),
        ] {
            let s = status(rec(st), EXP - 1).unwrap();
            assert_eq!(s.auto_renewing, None, "{st:?}: {s:?}");
            let reason = s.reason.unwrap_or_default();
            assert!(reason.contains("renewal unknown") && reason.contains(why), "{st:?}: {reason}");
        }
        assert_eq!(status(rec(Some("PURCHASED")), EXP - 1).unwrap().status, S::Active);
        assert_eq!(status(rec(None), EXP).unwrap().status, S::Expired);
    }

    #[test]
    fn google_rtdn_table() {
        let v1 = json!({"startTimeMillis": (EXP - 1000).to_string(), "expiryTimeMillis": EXP.to_string(), "autoRenewing": true});
        let rtdn = |code: Value, p: &Value| {
            json!({"source":"GOOGLE_RTDN",
            "notification":{"version":"1.0","packageName":"a","eventTimeMillis":"1","subscriptionNotification":{"version":"1.0","notificationType":code,"purchaseToken":"t"}},
            "purchase": p})
        };
        let cases = [
            ("renewed", rtdn(json!(2), &v1), EXP - 1, S::Active, true),
            ("renewed, at expiry", rtdn(json!(2), &v1), EXP, S::Expired, false),
            ("canceled", rtdn(json!(3), &v1), EXP - 1, S::Canceled, true),
            ("on hold", rtdn(json!(5), &v1), EXP - 1, S::OnHold, false),
            ("grace", rtdn(json!(6), &v1), EXP - 1, S::InGracePeriod, true),
            ("grace over", rtdn(json!(6), &v1), EXP, S::Expired, false),
            ("paused", rtdn(json!(10), &v1), EXP - 1, S::Paused, false),
            ("revoked", rtdn(json!(12), &v1), EXP - 1, S::Revoked, false),
            ("expired", rtdn(json!(13), &v1), EXP - 1, S::Expired, false),
            ("by name", rtdn(json!("SUBSCRIPTION_RECOVERED"), &v1), EXP - 1, S::Active, true),
            ("price change (v1 purchase decides)", rtdn(json!(19), &v1), EXP - 1, S::Active, true),
            ("unknown code", rtdn(json!(99), &v1), EXP, S::Expired, false),
            (
                "deferred, v2 purchase decides",
                rtdn(json!(9), &v2("SUBSCRIPTION_STATE_ON_HOLD", "2023-11-14T22:13:20Z", true)["subscription"]),
                EXP - 1,
                S::OnHold,
                false,
            ),
        ];
        for (name, input, at, want, entitled) in cases {
            check(name, input, at, want, entitled);
        }
        let s = check("canceled stops renewing", rtdn(json!(3), &v1), EXP - 1, S::Canceled, true);
        assert_eq!(s.auto_renewing, Some(false));
        let voided = json!({"source":"GOOGLE_RTDN","purchase":v1,"notification":{"voidedPurchaseNotification":
            {"purchaseToken":"t","orderId":"GPA.1","productType":1,"refundType":1}}});
        check("voided", voided, EXP - 1, S::Revoked, false);
        let bare = json!({"source":"GOOGLE_RTDN","notification":{"notificationType":4},"purchase":v1});
        check("bare notification", bare, EXP - 1, S::Active, true);
        let none = json!({"source":"GOOGLE_RTDN","notification":{"testNotification":{"version":"1.0"}},"purchase":{}});
        assert_eq!(status(none, 0).unwrap_err().code(), "MALFORMED_INPUT");
        let backwards = rtdn(json!(2), &json!({"startTimeMillis":"10","expiryTimeMillis":"5"}));
        assert_eq!(status(backwards, 0).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn nhn_table() {
        let rec = |status: Option<&str>| {
            let mut r = json!({"marketId":"GG","paymentSeq":"1","purchaseTime":"2023-11-01T09:00:00+09:00",
                "expiryTime":"2023-11-15T07:13:20+09:00"});
            if let Some(s) = status {
                r["referenceStatus"] = json!(s);
            }
            json!({"source":"NHN","record":r})
        };
        let cases = [
            ("purchased", rec(Some("PURCHASED")), EXP - 1, S::Active, true),
            ("renewed at expiry", rec(Some("RENEWED")), EXP, S::Expired, false),
            ("cancel scheduled", rec(Some("CANCELED_SUBSCRIPTION")), EXP - 1, S::Canceled, true),
            ("grace", rec(Some("IN_GRACE")), EXP - 1, S::InGracePeriod, true),
            ("grace over", rec(Some("IN_GRACE")), EXP, S::Expired, false),
            ("on hold", rec(Some("ON_HOLD")), EXP - 1, S::OnHold, false),
            ("paused", rec(Some("PAUSED")), EXP - 1, S::Paused, false),
            ("revoked", rec(Some("REVOKED")), EXP - 1, S::Revoked, false),
            ("canceled product", rec(Some("CANCELED_PRODUCT")), EXP - 1, S::Revoked, false),
            ("expired", rec(Some("EXPIRED")), EXP - 1, S::Expired, false),
            ("pending", rec(Some("PENDING")), EXP - 1, S::Pending, false),
            ("not appointed", rec(Some("NOT_APPOINTED")), EXP - 1, S::Active, true),
            ("absent", rec(None), EXP - 1, S::Active, true),
            ("absent, after", rec(None), EXP, S::Expired, false),
        ];
        for (name, input, at, want, entitled) in cases {
            check(name, input, at, want, entitled);
        }
        let s = check(
            "ms fields",
            json!({"source":"NHN","record":{"expiryTimeMillis":EXP,"purchaseTimeMillis":EXP-5,"referenceStatus":"CANCELED_SUBSCRIPTION"}}),
            0,
            S::Canceled,
            true,
        );
        assert_eq!(s.expires_time, Some(EXP));
        assert_eq!(s.auto_renewing, Some(false));
        let backwards = json!({"source":"NHN","record":{"expiryTimeMillis":1,"purchaseTimeMillis":2}});
        assert_eq!(status(backwards, 0).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn onestore_table() {
        let day = 86_400_000_i64;
        let t = 1_717_243_200_000_i64;
        let sub = |expiry: i64, auto: bool, payment: Value| json!({ "startTimeMillis": t - 30 * day, "expiryTimeMillis": expiry, "autoRenewing": auto, "paymentState": payment });
        let input = |s: Value| json!({ "source": "ONESTORE", "subscription": s });
        // The state table of ONE store's subscription guide, row by row.
        check("active", input(sub(t + day, true, json!(1))), t, S::Active, true);
        check("free period", input(sub(t + day, true, json!(2))), t, S::Active, true);
        check("deferred change", input(sub(t + day, true, json!(3))), t, S::Active, true);
        check("cancellation reserved", input(sub(t + day, false, json!(1))), t, S::Canceled, true);
        let g = check("grace", input(sub(t + day, true, json!(0))), t, S::InGracePeriod, true);
        assert_eq!(g.grace_period_end_time, Some(t + day));
        check("on hold", input(sub(t - day, true, json!(0))), t, S::OnHold, false);
        let mut paused = sub(t - day, true, json!(0));
        paused["pauseStartTimeMillis"] = json!(t - day);
        paused["pauseEndTimeMillis"] = json!(t + 7 * day);
        check("paused", input(paused.clone()), t, S::Paused, false);
        // After the pause window, still not paid: on hold.
        check("pause over", input(paused), t + 8 * day, S::OnHold, false);
        check("expired", input(sub(t - day, false, Value::Null)), t, S::Expired, false);
        let mut revoked = sub(t - day, false, Value::Null);
        revoked["cancelledTimeMillis"] = json!(t - day);
        check("revoked", input(revoked.clone()), t, S::Revoked, false);
        // Cancelled earlier, ran to its natural end: expired, not revoked.
        revoked["cancelledTimeMillis"] = json!(t - 10 * day);
        check("cancelled then expired", input(revoked), t, S::Expired, false);
        // Half-open: at exactly the expiry it is over.
        check("at expiry", input(sub(t, false, json!(1))), t, S::Expired, false);
        // A stale "renewing and paid" past its expiry is not trusted.
        let stale = check("stale", input(sub(t - 1, true, json!(1))), t, S::Expired, false);
        assert!(stale.reason.is_some());
        // Contradictions are errors.
        let bad = json!({ "startTimeMillis": t, "expiryTimeMillis": t - 1, "autoRenewing": true, "paymentState": 1 });
        assert_eq!(status(input(bad), t).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(status(input(sub(t, true, json!("x"))), t).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(status(json!({ "source": "ONESTORE", "record": {} }), t).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn output_json_shape() {
        let s = status(v2("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", "2023-11-14T22:13:20Z", true), 0).unwrap();
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"status":"IN_GRACE_PERIOD","entitled":true,"expiresTime":EXP,"autoRenewing":true,"gracePeriodEndTime":EXP})
        );
        let big = " ".repeat(crate::limits::MAX_SUBSCRIPTION_JSON + 1);
        assert_eq!(subscription_status_json(&big, 0).unwrap_err().code(), "INPUT_TOO_LARGE");
    }
}
