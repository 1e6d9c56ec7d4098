//! Values shared by both APIs: open enums (a value we do not know is kept, never an error) and
//! the ISO-8601 reading of Gamebase times.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from.checked_add(len)?)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && matches!(b.get(10), Some(b'T' | b't' | b' ')) && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if sep(i, b'.') {
        let start = i + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return None;
        }
        // Milliseconds from the first three digits, padded (".5" is 500 ms).
        let frac: String = s.get(start..end)?.chars().chain("00".chars()).take(3).collect();
        millis = frac.parse().ok()?;
        i = end;
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(&c @ (b'+' | b'-')) => {
            let (h, m, len) = if sep(i + 3, b':') { (num(i + 1, 2)?, num(i + 4, 2)?, 6) } else { (num(i + 1, 2)?, num(i + 3, 2)?, 5) };
            if b.len() != i + len || h > 23 || m > 59 {
                return None;
            }
            let total = h * 60 + m;
            if c == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days.checked_mul(86_400)?.checked_add(hour * 3600 + minute * 60 + second)?.checked_sub(offset_minutes * 60)?;
    seconds.checked_mul(1000)?.checked_add(millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
