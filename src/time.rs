//! Civil times to epoch milliseconds, without a clock and without panics: the one RFC 3339 /
//! ISO-8601 parser of the crate (receipts, Google, Gamebase) and the civil-time arithmetic that
//! certificates' UTCTime/GeneralizedTime use too.
//!
//! The stores send `2024-02-23T17:27:16Z`, `2024-02-23T17:27:16.123456789Z` (Google, nanoseconds),
//! `2020-06-02T13:38:56+09:00` (Gamebase) and `2020-07-22T18:33:15+0100` (an offset without a
//! colon, seen in Xcode receipts). Sub-millisecond digits are truncated.
//!
//! Also the two readers of numbers as the stores' JSON carries them: [`int_value`] (a number or
//! its decimal text) and [`time_value`] (that, or RFC 3339 text).

use serde_json::Value;

/// Epoch milliseconds from a JSON (or JavaScript) number, floored; `None` when it is not a finite,
/// representable time (beyond ±8×10¹⁵ ms, about ±250,000 years).
#[allow(clippy::cast_possible_truncation)] // range-checked just above the cast
pub(crate) fn ms_from_f64(ms: f64) -> Option<i64> {
    if ms.is_finite() && ms.abs() < 8.0e15 {
        Some(ms.floor() as i64)
    } else {
        None
    }
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Milliseconds since the Unix epoch for a UTC civil time; `None` when a field is out of range.
pub(crate) fn epoch_ms(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(0..=23).contains(&hour) {
        return None;
    }
    if !(0..=59).contains(&min) || !(0..=60).contains(&sec) {
        return None;
    }
    let secs = days_from_civil(year, month, day).checked_mul(86_400)?.checked_add(hour * 3600 + min * 60 + sec)?;
    secs.checked_mul(1000)
}

/// The civil date (year, month, day) of a day count from 1970-01-01: the inverse of
/// `days_from_civil` (H. Hinnant's algorithm). Total for every `i64` that `format_iso8601_ms` passes.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Epoch milliseconds as ISO-8601 UTC with milliseconds, as JavaScript's `Date.prototype.toISOString`
/// writes them inside its range (`2023-11-14T22:13:20.000Z`); beyond year 9999 or before year 0
/// the year has a sign and six digits (`+275760-09-13T00:00:00.000Z`), as `toISOString` does, and
/// outside even that it still writes the year, so any `i64` gives a string (for error messages).
pub(crate) fn format_iso8601_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (h, min, sec, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1_000 % 60, in_day % 1_000);
    let year = if (0..=9999).contains(&year) { format!("{year:04}") } else { format!("{year:+07}") };
    format!("{year}-{month:02}-{day:02}T{h:02}:{min:02}:{sec:02}.{milli:03}Z")
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0i64, |acc, b| acc.checked_mul(10)?.checked_add(i64::from(b - b'0')))
}

/// Parses an RFC 3339 date-time (with `Z` or a numeric offset) to epoch milliseconds.
/// Returns `None` for anything else, including out-of-range fields.
pub(crate) fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let s = text.trim().as_bytes();
    let date = s.get(..10)?;
    if date.get(4) != Some(&b'-') || date.get(7) != Some(&b'-') {
        return None;
    }
    let year = digits(date.get(..4)?)?;
    let month = digits(date.get(5..7)?)?;
    let day = digits(date.get(8..10)?)?;
    if !matches!(s.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let t = s.get(11..)?;
    if t.get(2) != Some(&b':') || t.get(5) != Some(&b':') {
        return None;
    }
    let hour = digits(t.get(..2)?)?;
    let minute = digits(t.get(3..5)?)?;
    let second = digits(t.get(6..8)?)?;
    let mut rest = t.get(8..)?;
    let mut millis = 0i64;
    if rest.first() == Some(&b'.') {
        let frac_len = rest.iter().skip(1).take_while(|b| b.is_ascii_digit()).count();
        if frac_len == 0 {
            return None;
        }
        let frac = rest.get(1..=frac_len)?;
        for (i, b) in frac.iter().take(3).enumerate() {
            let scale = [100, 10, 1].get(i).copied()?;
            millis += i64::from(b - b'0') * scale;
        }
        rest = rest.get(1 + frac_len..)?;
    }
    let offset_min = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 60 + m;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let month_days = [31, if is_leap(year) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let max_day = *month_days.get(usize::try_from(month.checked_sub(1)?).ok()?)?;
    // Second 60 is a leap second; RFC 3339 allows it and it folds into the next second.
    if day < 1 || day > max_day || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_min * 60;
    secs.checked_mul(1_000)?.checked_add(millis)
}

/// An integer from a JSON number (fractional values truncated toward negative infinity, as
/// Apple's fractional ms are) or a decimal string (Google's REST `*Millis` fields).
pub(crate) fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?.floor();
            // i64::MAX as f64 rounds up to 2^63, so the bound is exclusive.
            if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
                #[allow(clippy::cast_possible_truncation)] // range checked just above
                Some(f as i64)
            } else {
                None
            }
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A time in ms: a number, a decimal string, or an RFC 3339 string.
pub(crate) fn time_value(v: &Value) -> Option<i64> {
    int_value(v).or_else(|| v.as_str().and_then(parse_rfc3339_ms))
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339_ms as p;

    #[test]
    fn parses_store_variants() {
        assert_eq!(p("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(p("2024-02-23T17:27:16Z"), Some(1_708_709_236_000));
        assert_eq!(p("2024-02-23T17:27:16.123456789Z"), Some(1_708_709_236_123));
        assert_eq!(p("2024-02-23T17:27:16.1Z"), Some(1_708_709_236_100));
        // Gamebase: +09:00 is nine hours ahead of UTC.
        assert_eq!(p("2020-06-02T13:38:56+09:00"), p("2020-06-02T04:38:56Z"));
        assert_eq!(p("2020-07-22T18:33:15+0100"), p("2020-07-22T17:33:15Z"));
        assert_eq!(p("2000-02-29T00:00:00-00:30"), p("2000-02-29T00:30:00Z"));
        assert_eq!(p("1969-12-31T23:59:59Z"), Some(-1_000));
    }

    #[test]
    fn formats_iso8601_like_to_iso_string() {
        use super::format_iso8601_ms as f;
        // Expected values are what JavaScript's `new Date(ms).toISOString()` gives.
        assert_eq!(f(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(f(1_700_000_000_000), "2023-11-14T22:13:20.000Z");
        assert_eq!(f(1_708_709_236_123), "2024-02-23T17:27:16.123Z");
        assert_eq!(f(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(f(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(f(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
        assert_eq!(f(253_402_300_800_000), "+010000-01-01T00:00:00.000Z");
        assert_eq!(f(8_640_000_000_000_000), "+275760-09-13T00:00:00.000Z");
        assert_eq!(f(-62_198_755_200_000), "-000001-01-01T00:00:00.000Z");
        // Round trip with the parser over a spread of instants, and no panic at the extremes.
        for ms in [0, 1, -86_400_001, 1_234_567_890_123, 4_102_444_800_000, -2_208_988_800_000] {
            assert_eq!(p(&f(ms)), Some(ms), "{ms}");
        }
        for ms in [i64::MIN, i64::MAX, i64::MIN + 1] {
            assert!(f(ms).ends_with('Z'));
        }
    }

    #[test]
    fn refuses_garbage() {
        for s in [
            "",
            "2024",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-02-23T24:00:00Z",
            "2024-02-23T17:27:16",
            "2024-02-23T17:27:16.Z",
            "2024-02-23X17:27:16Z",
            "2024-02-23T17:27:16+1",
            "2024-02-23T17:27:16+25:00",
            "２０２４-02-23T17:27:16Z",
            "+024-02-23T17:27:16Z",
        ] {
            assert_eq!(p(s), None, "{s}");
        }
    }
}
