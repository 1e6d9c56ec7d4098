//! Reading typed values out of JSON, field by field: results from the envelope's `result`
//! ([`Obj`], `MALFORMED_INPUT`) and caller parameters ([`Args`], `INVALID_ARGUMENT`).
//!
//! Hand-written instead of `#[derive(Deserialize)]`: a handful of shared, non-generic accessors
//! cost a fraction of the WebAssembly that a derived visitor per result type does (measured: the
//! derived parsers were most of this module's size), and the errors name the exact path
//! (`result[2].productSeq`) without echoing any value (values can be access tokens).
//!
//! Leniency, per the reference: unknown fields are ignored; an absent optional field and `null`
//! are the same; `paymentSeq` may come as a string or an integer (kept as decimal text); a `long`
//! may come as an integer, its decimal text or an integral float; prices are any JSON number.

use serde_json::{Map, Value};

use super::envelope::RESPONSE;
use crate::endpoint::long_of;
use crate::error::{Error, Result};

/// A result type read from the envelope's `result`.
pub(crate) trait FromResult: Sized {
    /// Reads one value from the object `o`.
    fn from_result(o: &Obj<'_>) -> Result<Self>;
}

/// One JSON object of a response, with its path for error messages.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    index: Option<usize>,
    parent: &'static str,
}

impl<'a> Obj<'a> {
    /// `value` as an object; `index` is its position in a list result.
    pub(crate) fn new(value: &'a Value, parent: &'static str, index: Option<usize>) -> Result<Self> {
        match value.as_object() {
            Some(map) => Ok(Self { map, index, parent }),
            None => Err(bad(parent, index, None, "an object")),
        }
    }

    fn err(&self, key: &str, expected: &str) -> Error {
        bad(self.parent, self.index, Some(key), expected)
    }

    /// The value of `key`, `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A nested list, absent or `null` as empty.
    pub(crate) fn list<T: FromResult>(&self, key: &'static str) -> Result<Vec<T>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(v) => read_list(v, key).map_err(|_| self.err(key, "a list of objects of the documented shape")),
        }
    }

    /// A required string.
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

    /// A required open enum (kept as sent when unknown).
    pub(crate) fn enumerated<E: From<String>>(&self, key: &str) -> Result<E> {
        self.str(key).map(E::from)
    }

    /// An optional open enum.
    pub(crate) fn opt_enumerated<E: From<String>>(&self, key: &str) -> Result<Option<E>> {
        Ok(self.opt_str(key)?.map(E::from))
    }

    /// A `paymentSeq`: a string, or an integer kept as its decimal text.
    pub(crate) fn seq(&self, key: &str) -> Result<String> {
        match self.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
            _ => Err(self.err(key, "a string or an integer")),
        }
    }

    /// A required `long`.
    pub(crate) fn long(&self, key: &str) -> Result<i64> {
        self.opt_long(key)?.ok_or_else(|| self.err(key, "an integer"))
    }

    /// An optional `long`: an integer, its decimal text, or a float with no fraction within ±2^53.
    pub(crate) fn opt_long(&self, key: &str) -> Result<Option<i64>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        long_of(v).map(Some).ok_or_else(|| self.err(key, "an integer"))
    }

    /// A required number (a price: may carry decimals).
    pub(crate) fn num(&self, key: &str) -> Result<f64> {
        self.get(key).and_then(Value::as_f64).ok_or_else(|| self.err(key, "a number"))
    }

    /// A required boolean.
    pub(crate) fn bool(&self, key: &str) -> Result<bool> {
        self.opt_bool(key)?.ok_or_else(|| self.err(key, "a boolean"))
    }

    /// An optional boolean.
    pub(crate) fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.err(key, "a boolean")),
        }
    }
}

/// The `MALFORMED_INPUT` of a list entry that lacks what one API requires of it: `parent[index].key`.
pub(crate) fn missing(parent: &str, index: usize, key: &str, expected: &str) -> Error {
    bad(parent, Some(index), Some(key), expected)
}

fn bad(parent: &str, index: Option<usize>, key: Option<&str>, expected: &str) -> Error {
    let mut path = parent.to_owned();
    if let Some(i) = index {
        path.push_str(&format!("[{i}]"));
    }
    if let Some(k) = key {
        path.push('.');
        path.push_str(k);
    }
    Error::malformed(RESPONSE, format!("`{path}`: expected {expected}"))
}

fn read_list<T: FromResult>(value: &Value, parent: &'static str) -> Result<Vec<T>> {
    let items = value.as_array().ok_or_else(|| bad(parent, None, None, "a list"))?;
    items.iter().enumerate().map(|(i, v)| T::from_result(&Obj::new(v, parent, Some(i))?)).collect()
}

/// Reads a single-object `result`; absent or `null` is an error (the call promises a value).
pub(crate) fn decode_one<T: FromResult>(result: &Value) -> Result<T> {
    if result.is_null() {
        return Err(Error::malformed(RESPONSE, "no `result`"));
    }
    T::from_result(&Obj::new(result, "result", None)?)
}

/// Reads a list `result`; absent or `null` is an empty list (the server leaves `result` out when
/// there is nothing to return).
pub(crate) fn decode_list<T: FromResult>(result: &Value) -> Result<Vec<T>> {
    if result.is_null() {
        return Ok(Vec::new());
    }
    read_list(result, "result")
}

/// Endpoint reader: a single-object result, as JSON for JS.
pub(crate) fn one<A, T: FromResult + serde::Serialize>(_: &A, result: Value, _now_ms: i64) -> Result<Value> {
    crate::endpoint::to_json(&decode_one::<T>(&result)?)
}

/// Endpoint reader: a list result, as JSON for JS.
pub(crate) fn list<A, T: FromResult + serde::Serialize>(_: &A, result: Value, _now_ms: i64) -> Result<Value> {
    crate::endpoint::to_json(&decode_list::<T>(&result)?)
}

/// Endpoint reader: an answer that carries only the envelope's header.
pub(crate) fn nothing<A>(_: &A, _: Value, _now_ms: i64) -> Result<Value> {
    Ok(Value::Null)
}

/// Typed reader of the same: nothing to return.
pub(crate) fn decode_nothing(_: &Value) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::endpoint::Args;

    struct T {
        seq: String,
        n: i64,
        o: Option<i64>,
        p: f64,
        b: Option<bool>,
        s: Option<String>,
    }

    impl FromResult for T {
        fn from_result(o: &Obj<'_>) -> Result<Self> {
            Ok(T { seq: o.seq("seq")?, n: o.long("n")?, o: o.opt_long("o")?, p: o.num("p")?, b: o.opt_bool("b")?, s: o.opt_str("s")? })
        }
    }

    #[test]
    fn lenient_where_the_documents_disagree() {
        let t: T = decode_one(&json!({"seq":"2016122110023124","n":1000292,"p":1000})).unwrap();
        assert_eq!((t.seq.as_str(), t.n, t.o, t.p, t.b, t.s), ("2016122110023124", 1000292, None, 1000.0, None, None));
        let t: T = decode_one(&json!({"seq":2016122110023124_u64,"n":"123","o":7.0,"p":2.29,"b":null,"s":null,"new":[1]})).unwrap();
        assert_eq!((t.seq.as_str(), t.n, t.o, t.p, t.b, t.s), ("2016122110023124", 123, Some(7), 2.29, None, None));
    }

    #[test]
    fn arguments_refuse_unknown_keys_and_wrong_types() {
        let v = json!({"a":"x","n":"12","l":["GG","NEW"],"z":null});
        let a = Args::new(&v, "params", Some(&["a", "n", "l", "z"])).unwrap();
        assert_eq!(a.str("a").unwrap(), "x");
        assert_eq!(a.long("n").unwrap(), 12);
        let l: Option<Vec<crate::nhn::MarketId>> = a.opt_strings("l").unwrap();
        assert_eq!(l.unwrap()[1].as_str(), "NEW");
        assert_eq!(a.opt_str("z").unwrap(), None);
        for (key, e) in [("a", a.long("a")), ("missing", a.long("missing"))] {
            assert_eq!(e.unwrap_err().code(), "INVALID_ARGUMENT", "{key}");
        }
        let e = Args::new(&v, "params", Some(&["a"])).err().unwrap();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        assert!(e.to_string().contains("unknown field `n`"), "{e}");
        assert!(Args::new(&v, "params", None).is_ok());
        assert!(Args::new(&json!([1]), "params", None).is_err());
    }

    #[test]
    fn wrong_shapes_name_the_path_and_never_the_value() {
        let cases = [
            (json!([{"seq":"1","n":1,"p":1},{"seq":"x","n":1.5,"p":1}]), "`result[1].n`: expected an integer"),
            (json!([{"seq":"1","n":"1e3","p":1}]), "`result[0].n`"),
            (json!([{"seq":true,"n":1,"p":1}]), "`result[0].seq`"),
            (json!([{"seq":"1","n":1e300,"p":1}]), "`result[0].n`"),
            (json!([{"seq":"1","n":1,"p":"cheap-tok-SECRET"}]), "`result[0].p`: expected a number"),
            (json!([{"seq":"1","n":1,"p":1,"s":5}]), "`result[0].s`: expected a string"),
            (json!([{"seq":"1","n":1,"p":1,"b":"yes"}]), "`result[0].b`"),
            (json!([{"seq":"1","p":1}]), "`result[0].n`"),
            (json!([1]), "`result[0]`: expected an object"),
            (json!({"seq":"1"}), "`result`: expected a list"),
        ];
        for (v, want) in cases {
            let e = decode_list::<T>(&v).err().unwrap();
            assert_eq!(e.code(), "MALFORMED_INPUT");
            let msg = e.to_string();
            assert!(msg.contains(want), "{msg} / {want}");
            assert!(!msg.contains("SECRET"), "{msg}");
        }
        assert!(decode_list::<T>(&Value::Null).unwrap().is_empty());
        assert_eq!(decode_one::<T>(&Value::Null).err().unwrap().code(), "MALFORMED_INPUT");
    }
}
