//! Values shared by both APIs: open enums (a value we do not know is kept, never an error) and
//! lenient field decoders for the shapes the documentation disagrees on.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// An enum over the documented string values plus `Unknown(raw)` for anything new. It goes
/// over JSON and to JS as the plain string.
macro_rules! open_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vm])* $var,)*
            /// A value this version does not know, exactly as the server sent it.
            Unknown(String),
        }

        impl $name {
            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$var => $s,)*
                    $name::Unknown(raw) => raw,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($s => $name::$var,)*
                    _ => $name::Unknown(s),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from(s.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                match v {
                    $name::Unknown(raw) => raw,
                    other => other.as_str().to_owned(),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// Store code (`marketId`), reference §6.3.
    MarketId {
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
    ProductType {
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
    ReferenceStatus {
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

/// A `paymentSeq`: documented as a 16-digit string; a bare JSON integer is accepted too and
/// kept as its decimal text, so a server that changes the type does not break us.
pub(crate) fn seq_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(V)
}

/// A `long` (productSeq, itemSeq, appSeq): a JSON integer, or its decimal text (the legacy
/// examples send `appSeq` as a string). A float with no fraction is accepted because JS hands
/// every number over as one.
pub(crate) fn long<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(LongVisitor)
}

/// [`long`] for an optional field.
pub(crate) fn opt_long<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct O;
    impl<'de> Visitor<'de> for O {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer, its decimal text, or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            long(d).map(Some)
        }
    }
    d.deserialize_option(O)
}

struct LongVisitor;

impl Visitor<'_> for LongVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or its decimal text")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // 2^53: beyond it a float no longer names one integer.
        const SAFE: f64 = 9_007_199_254_740_992.0;
        if v.fract() == 0.0 && v.abs() <= SAFE {
            format!("{v:.0}").parse().map_err(|_| E::custom("integer out of range"))
        } else {
            Err(E::custom("expected an integer"))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim().parse().map_err(|_| E::custom("expected an integer in decimal text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct S {
        #[serde(deserialize_with = "seq_string")]
        seq: String,
        #[serde(deserialize_with = "long")]
        n: i64,
        #[serde(default, deserialize_with = "opt_long")]
        o: Option<i64>,
    }

    #[test]
    fn lenient_numbers() {
        let s: S = serde_json::from_str(r#"{"seq":"2016122110023124","n":1000292}"#).unwrap();
        assert_eq!((s.seq.as_str(), s.n, s.o), ("2016122110023124", 1000292, None));
        let s: S = serde_json::from_str(r#"{"seq":2016122110023124,"n":"123","o":7.0}"#).unwrap();
        assert_eq!((s.seq.as_str(), s.n, s.o), ("2016122110023124", 123, Some(7)));
        let s: S = serde_json::from_str(r#"{"seq":"x","n":1,"o":null}"#).unwrap();
        assert_eq!(s.o, None);
        for bad in [r#"{"seq":"x","n":1.5}"#, r#"{"seq":"x","n":"1e3"}"#, r#"{"seq":true,"n":1}"#, r#"{"seq":"x","n":1e300}"#] {
            assert!(serde_json::from_str::<S>(bad).is_err(), "{bad}");
        }
    }

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
