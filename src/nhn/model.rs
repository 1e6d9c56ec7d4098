//! Values shared by both APIs: open enums (a value we do not know is kept, never an error) and
//! the ISO-8601 reading of Gamebase times.


use crate::open_enum::open_enum;

open_enum! {
    /// Store code (`marketId`), reference §6.3.
    MarketId: str as "MarketId" {
        /// `GG`: Google Play.
        Google = "GG",
        /// `AS`: Apple App Store.
        Apple = "AS",
        /// `ONESTORE`: ONE store.
        OneStore = "ONESTORE",
        /// `GALAXY`: Samsung Galaxy Store.
        Galaxy = "GALAXY",
        /// `AMAZON`: Amazon Appstore (Gamebase lists it only when asked explicitly).
        Amazon = "AMAZON",
        /// `HUAWEI`: Huawei AppGallery.
        Huawei = "HUAWEI",
        /// `MYCARD`: MyCard.
        MyCard = "MYCARD",
        /// `TS`: T store / ONE store in the legacy API.
        TStore = "TS",
    }
}

open_enum! {
    /// Product type in the IAP console (reference §6.2).
    ProductType: str as "ProductType" {
        /// `CONSUMABLE`: one-time consumable.
        Consumable = "CONSUMABLE",
        /// `AUTO_RENEWABLE`: auto-renewable subscription.
        AutoRenewable = "AUTO_RENEWABLE",
        /// `CONSUMABLE_AUTO_RENEWABLE`: subscription that makes a consumable payment per renewal.
        ConsumableAutoRenewable = "CONSUMABLE_AUTO_RENEWABLE",
    }
}

open_enum! {
    /// Gamebase `referenceStatus` of a Google subscription (reference §4.2 notes).
    ReferenceStatus: str as "ReferenceStatus" {
        /// `PURCHASED`.
        Purchased = "PURCHASED",
        /// `REPURCHASED`.
        Repurchased = "REPURCHASED",
        /// `RESTARTED`.
        Restarted = "RESTARTED",
        /// `PENDING`.
        Pending = "PENDING",
        /// `RENEWED`.
        Renewed = "RENEWED",
        /// `RECOVERED`.
        Recovered = "RECOVERED",
        /// `PAUSE_SCHEDULED`.
        PauseScheduled = "PAUSE_SCHEDULED",
        /// `PAUSED`.
        Paused = "PAUSED",
        /// `REVOKED`: refunded.
        Revoked = "REVOKED",
        /// `CANCELED_PRODUCT`: a single item was cancelled.
        CanceledProduct = "CANCELED_PRODUCT",
        /// `CANCELED_SUBSCRIPTION`: renewal stopped, still entitled until expiry.
        CanceledSubscription = "CANCELED_SUBSCRIPTION",
        /// `ON_HOLD`.
        OnHold = "ON_HOLD",
        /// `IN_GRACE`.
        InGrace = "IN_GRACE",
        /// `EXPIRED`.
        Expired = "EXPIRED",
        /// `NOT_APPOINTED`.
        NotAppointed = "NOT_APPOINTED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        let v: Vec<ProductType> = serde_json::from_str(r#"["CONSUMABLE","NON_CONSUMABLE"]"#).unwrap();
        assert_eq!(v, vec![ProductType::Consumable, ProductType::Unknown("NON_CONSUMABLE".into())]);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"["CONSUMABLE","NON_CONSUMABLE"]"#);
        assert_eq!(MarketId::from("GG"), MarketId::Google);
        assert_eq!(MarketId::from("STEAM").as_str(), "STEAM");
        assert_eq!(ReferenceStatus::from("CANCELED_SUBSCRIPTION"), ReferenceStatus::CanceledSubscription);
        assert_eq!(ReferenceStatus::OnHold.to_string(), "ON_HOLD");
    }
}

/// Epoch milliseconds of an ISO-8601 date-time with a zone, as Gamebase sends them
/// (`2020-06-02T13:38:56+09:00`, also `Z`, fractional seconds, and `+0900`). `None` for anything
/// else: the raw string is kept next to it, so an unexpected format loses nothing.
pub(crate) fn iso8601_millis(s: &str) -> Option<i64> {
    crate::time::parse_rfc3339_ms(s)
}

#[cfg(test)]
mod time_tests {
    use super::iso8601_millis;

    #[test]
    fn gamebase_times() {
        // 2020-06-02T04:38:56Z = 1591072736 s.
        assert_eq!(iso8601_millis("2020-06-02T13:38:56+09:00"), Some(1_591_072_736_000));
        assert_eq!(iso8601_millis("2020-06-02T04:38:56Z"), Some(1_591_072_736_000));
        assert_eq!(iso8601_millis("2020-06-02T04:38:56.5Z"), Some(1_591_072_736_500));
        assert_eq!(iso8601_millis("2020-06-02T04:38:56.123456Z"), Some(1_591_072_736_123));
        assert_eq!(iso8601_millis("2020-06-01T23:38:56-0500"), Some(1_591_072_736_000));
        assert_eq!(iso8601_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(iso8601_millis("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        assert_eq!(iso8601_millis("1969-12-31T23:59:59Z"), Some(-1000));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in [
            "", "2020-06-02", "2020-06-02T13:38:56", "2023-02-29T00:00:00Z", "2020-13-01T00:00:00Z",
            "2020-06-02T24:00:00Z", "2020-06-02T13:38:56+9:00", "2020-06-02T13:38:56Zjunk", "2020-06-02T13:38:56.Z",
            "2020-06-02T13:38:56+09:00:00", "２０２０-06-02T13:38:56Z", "1591072736000",
        ] {
            assert_eq!(iso8601_millis(bad), None, "{bad}");
        }
    }
}
