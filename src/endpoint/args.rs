//! Caller parameters read from JSON ([`Args`], errors `INVALID_ARGUMENT`), as the JS layer and
//! the endpoint declarations pass them.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Parameters read from JSON, as the JS layer passes them (`{ paymentSeq, accessToken }`, ...).
/// A wrong shape or an unknown field (a typo) is `INVALID_ARGUMENT`; numbers may be JS numbers
/// or decimal text.
pub trait FromJson: Sized {
    /// Reads the parameters from `value`.
    fn from_json(value: &Value) -> Result<Self>;
}

/// Caller arguments: like [`Obj`], but errors are `INVALID_ARGUMENT` and unknown keys are refused.
pub(crate) struct Args<'a> {
    map: &'a Map<String, Value>,
    what: &'static str,
}

impl<'a> Args<'a> {
    /// `value` as an object whose keys are all in `known` (`None`: any extra key is ignored).
    pub(crate) fn new(value: &'a Value, what: &'static str, known: Option<&[&str]>) -> Result<Self> {
        let map = value.as_object().ok_or_else(|| Error::invalid_argument(format!("{what} must be an object")))?;
        if let Some(known) = known {
            if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
                return Err(Error::invalid_argument(format!("{what}: unknown field `{k}`, expected one of {}", known.join(", "))));
            }
        }
        Ok(Self { map, what })
    }

    fn err(&self, key: &str, expected: &str) -> Error {
        Error::invalid_argument(format!("{}.{key} must be {expected}", self.what))
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A required string (blank ones are refused later, by the request builders).
    pub(crate) fn str(&self, key: &str) -> Result<String> {
        self.opt_str(key)?.ok_or_else(|| self.err(key, "a string"))
    }

    /// An optional string.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(key, "a string")),
        }
    }

    /// A required integer: a whole number or its decimal text.
    pub(crate) fn long(&self, key: &str) -> Result<i64> {
        self.opt_long(key)?.ok_or_else(|| self.err(key, "an integer"))
    }

    /// An optional integer.
    pub(crate) fn opt_long(&self, key: &str) -> Result<Option<i64>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        long_of(v).map(Some).ok_or_else(|| self.err(key, "an integer"))
    }

    /// An optional boolean.
    pub(crate) fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.err(key, "a boolean")),
        }
    }

    /// An optional JSON object, as it is.
    pub(crate) fn opt_object(&self, key: &str) -> Result<Option<&'a Value>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.is_object() => Ok(Some(v)),
            Some(_) => Err(self.err(key, "an object")),
        }
    }

    /// An optional list of strings, read as open enums.
    pub(crate) fn opt_strings<E: From<String>>(&self, key: &str) -> Result<Option<Vec<E>>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let items = v.as_array().ok_or_else(|| self.err(key, "a list of strings"))?;
        items
            .iter()
            .map(|i| i.as_str().map(|s| E::from(s.to_owned())).ok_or_else(|| self.err(key, "a list of strings")))
            .collect::<Result<Vec<E>>>()
            .map(Some)
    }

    /// An optional list of whole numbers.
    pub(crate) fn opt_longs(&self, key: &str) -> Result<Option<Vec<i64>>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let items = v.as_array().ok_or_else(|| self.err(key, "a list of integers"))?;
        let n = |i: &Value| i.as_i64().or_else(|| i.as_f64().and_then(whole));
        items.iter().map(|i| n(i).ok_or_else(|| self.err(key, "a list of integers"))).collect::<Result<Vec<_>>>().map(Some)
    }

    /// An optional list of JSON objects, as they are.
    pub(crate) fn opt_objects(&self, key: &str) -> Result<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(Some(items)),
            Some(_) => Err(self.err(key, "a list of objects")),
        }
    }

    /// A required list.
    pub(crate) fn list(&self, key: &str) -> Result<&'a Vec<Value>> {
        self.get(key).and_then(Value::as_array).ok_or_else(|| self.err(key, "a list"))
    }
}

/// A whole number: an integer, its decimal text, or a float with no fraction within ±2^53.
pub(crate) fn long_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(whole)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An integral float within ±2^53 (beyond it a float no longer names one integer).
pub(crate) fn whole(v: f64) -> Option<i64> {
    const SAFE: f64 = 9_007_199_254_740_992.0;
    if v.fract() == 0.0 && v.abs() <= SAFE {
        // Whole and in range, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let n = v as i64;
        Some(n)
    } else {
        None
    }
}

