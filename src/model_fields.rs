//! The wire schema of the stores' signed payload models (Apple's [`crate::apple::models`], Google's
//! and ONE store's purchases), and the one reader that checks a parsed JSON object against it.
//!
//! The verifiers work on the JSON object the store signed, read through this schema, rather than
//! on the serde structs: one reader for every model instead of a derived deserializer and
//! serializer per model, which in WebAssembly is most of the module's size. The result is exactly what the
//! derived `Deserialize` then `Serialize` of the model would give (the same fields accepted and
//! refused, known fields first in declaration order, `null` known fields dropped, times as floats,
//! unknown fields after them as sent), so the typed structs are a view of it
//! (`serde_json::from_value`), and a test holds the two to each other.

use serde_json::{Map, Number, Value};

/// The JSON a field of a model accepts. `null` is accepted by every kind and means absent.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string (`String`, and the string enumerations).
    Str,
    /// Any number, kept as a float (`f64`: times).
    Num,
    /// An integer that fits `i64` (`i64`, and the integer enumerations); a float like `1.0` is refused.
    Int,
    /// `true` or `false`.
    Bool,
    /// An array of strings.
    Strs,
    /// Any JSON, as sent.
    Any,
    /// A nested model.
    Object(&'static [Field]),
    /// Added by this library after verification (a nested JWS, decoded); never read from the input,
    /// where a field of that name is an unknown field like any other.
    Added,
}

/// A field: wire name and kind.
pub(crate) type Field = (&'static str, Kind);

/// The [`Kind`] of a model field's type.
pub(crate) trait Wire {
    const KIND: Kind;
}

impl Wire for String {
    const KIND: Kind = Kind::Str;
}
impl Wire for f64 {
    const KIND: Kind = Kind::Num;
}
impl Wire for i64 {
    const KIND: Kind = Kind::Int;
}
impl Wire for bool {
    const KIND: Kind = Kind::Bool;
}
impl Wire for Vec<String> {
    const KIND: Kind = Kind::Strs;
}
impl Wire for Value {
    const KIND: Kind = Kind::Any;
}

/// Declares a payload model: a struct whose fields are all optional (absent when `None`, written
/// in declaration order) with unknown fields kept in the named catch-all (`other` unless given),
/// and its wire schema (`FIELDS`, what [`read_object`] reads a signed payload through), from one
/// list, so the two cannot drift apart. Every store's signed payload is declared with it.
macro_rules! model {
    ($(#[$m:meta])* $name:ident ($rest:ident) { $($(#[$fm:meta])* $field:ident $wire:literal : $ty:ty $(= $kind:expr)?),* $(,)? }) => {
        #[cfg_attr(feature = "typescript", derive(::ts_rs::TS), ts(optional_fields))]
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            $($(#[$fm])* #[serde(rename = $wire, default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)*
            /// Fields this version does not know, kept as sent.
            #[serde(flatten)]
            pub $rest: ::serde_json::Map<String, ::serde_json::Value>,
        }
        impl $name {
            /// The wire names and JSON kinds of the fields, in declaration (and serialization) order.
            pub(crate) const FIELDS: &'static [$crate::model_fields::Field] =
                &[$(($wire, $crate::model_fields::kind!($ty $(, $kind)?)),)*];
        }
        impl $crate::model_fields::Wire for $name {
            const KIND: $crate::model_fields::Kind = $crate::model_fields::Kind::Object($name::FIELDS);
        }
    };
    ($(#[$m:meta])* $name:ident { $($body:tt)* }) => {
        $crate::model_fields::model! { $(#[$m])* $name (other) { $($body)* } }
    };
}
pub(crate) use model;

/// The JSON kind a model field's type accepts (`null` always reads as absent).
macro_rules! kind {
    ($ty:ty) => {
        <$ty as $crate::model_fields::Wire>::KIND
    };
    ($ty:ty, $kind:expr) => {
        $kind
    };
}
pub(crate) use kind;

/// The index of the (non-[`Kind::Added`]) field named `name`, searched from `hint` on and then
/// from the start: a model's names are distinct, so this is the one index whatever the hint, and
/// with the hint just past the previous field a payload in declaration order finds each field at
/// the first comparison.
pub(crate) fn field_index(fields: &[Field], name: &[u8], hint: usize) -> Option<usize> {
    let matches = |(n, k): &Field| n.as_bytes() == name && !matches!(k, Kind::Added);
    let after = fields.get(hint..).unwrap_or_default();
    match after.iter().position(matches) {
        Some(i) => hint.checked_add(i),
        None => fields.get(..hint).unwrap_or(fields).iter().position(matches),
    }
}

/// Reads `value` as the model with `fields`; `Err` names the field that has another JSON type.
pub(crate) fn read_object(value: Value, fields: &'static [Field]) -> Result<Map<String, Value>, String> {
    let Value::Object(mut input) = value else {
        return Err("the payload is not a JSON object".into());
    };
    if read_in_place(&mut input, fields) {
        return Ok(input);
    }
    // One pass over the input: known fields (tagged with their declaration index) apart, unknown
    // ones in input order; then the known ones in declaration order. The same result as taking
    // each declared field out of the input in turn, without the shifting that costs.
    let mut known: Vec<(usize, String, Value)> = Vec::new();
    let mut unknown = Map::new();
    let mut hint = 0;
    for (name, v) in input {
        match field_index(fields, name.as_bytes(), hint) {
            // Kept in declaration order as they come (a model has a few dozen fields).
            Some(i) => {
                hint = i.saturating_add(1);
                known.insert(known.partition_point(|(j, _, _)| *j < i), (i, name, v));
            }
            None => {
                unknown.insert(name, v);
            }
        }
    }
    let mut out = Map::new();
    for (i, name, v) in known {
        let Some(&(_, kind)) = fields.get(i) else { continue };
        if v.is_null() {
            continue;
        }
        let v = read_field(v, kind)
            .map_err(|e| if e.is_empty() { format!("{name} is not {}", expected(kind)) } else { format!("{name}.{e}") })?;
        out.insert(name, v);
    }
    out.extend(unknown);
    Ok(out)
}

/// The common case without a new map: the known fields come first, in declaration order, none
/// `null` (as the stores write them). Reads them in place (values are only checked, and numbers of
/// [`Kind::Num`] made floats) and says whether that was the case; if not (or a field is of another
/// type), [`read_object`] does the general work, on values this left intact or already read
/// (reading a value twice gives the same value).
fn read_in_place(input: &mut Map<String, Value>, fields: &'static [Field]) -> bool {
    let mut last = None;
    let mut unknown_seen = false;
    for (name, v) in input.iter_mut() {
        let Some(i) = field_index(fields, name.as_bytes(), last.map_or(0, |l: usize| l.saturating_add(1))) else {
            unknown_seen = true;
            continue;
        };
        let Some(&(_, kind)) = fields.get(i) else { return false };
        if unknown_seen || v.is_null() || last.is_some_and(|l| l > i) {
            return false;
        }
        last = Some(i);
        let ok = match (kind, &mut *v) {
            (Kind::Object(fields), Value::Object(nested)) => read_in_place(nested, fields),
            (Kind::Num, Value::Number(n)) => {
                if let Some(f) = n.as_f64().and_then(Number::from_f64) {
                    *n = f;
                }
                true
            }
            (Kind::Str, Value::String(_)) | (Kind::Bool, Value::Bool(_)) | (Kind::Any, _) => true,
            (Kind::Int, Value::Number(n)) => n.as_i64().is_some(),
            (Kind::Strs, Value::Array(items)) => items.iter().all(Value::is_string),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// `Err("")` when `v` is not of `kind` (the caller names the field); a nested model's own error
/// otherwise.
fn read_field(v: Value, kind: Kind) -> Result<Value, String> {
    let ok = match (kind, &v) {
        (Kind::Object(fields), Value::Object(_)) => return read_object(v, fields).map(Value::Object),
        (Kind::Num, Value::Number(n)) => return Ok(n.as_f64().and_then(Number::from_f64).map_or(v, Value::Number)),
        (Kind::Str, Value::String(_)) | (Kind::Bool, Value::Bool(_)) | (Kind::Any, _) => true,
        (Kind::Int, Value::Number(n)) => n.as_i64().is_some(),
        (Kind::Strs, Value::Array(items)) => items.iter().all(Value::is_string),
        _ => false,
    };
    if ok {
        Ok(v)
    } else {
        Err(String::new())
    }
}

fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "a string",
        Kind::Num => "a number",
        Kind::Int => "an integer",
        Kind::Bool => "a boolean",
        Kind::Strs => "an array of strings",
        Kind::Object(_) => "an object",
        Kind::Any | Kind::Added => "valid",
    }
}

/// Inserts a field the library adds (a [`Kind::Added`] one) where the model's serializer would put
/// it: after the known fields declared before it, before the unknown ones. A field of that name
/// from the input is replaced.
pub(crate) fn insert_added(map: &mut Map<String, Value>, fields: &[Field], name: &str, value: Value) {
    map.shift_remove(name);
    let rank = |k: &str| fields.iter().position(|(n, _)| *n == k);
    let Some(at) = rank(name) else {
        map.insert(name.to_owned(), value);
        return;
    };
    let index = map.keys().take_while(|k| rank(k).is_some_and(|r| r < at)).count();
    map.shift_insert(index, name.to_owned(), value);
}

/// A string field of a read object.
pub(crate) fn text<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    map.get(name).and_then(Value::as_str)
}

/// An integer field of a read object.
pub(crate) fn int(map: &Map<String, Value>, name: &str) -> Option<i64> {
    map.get(name).and_then(Value::as_i64)
}

/// A nested object of a read object.
pub(crate) fn object<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Map<String, Value>> {
    map.get(name).and_then(Value::as_object)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use proptest::prelude::*;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::*;
    use crate::apple::models::{
        AppTransaction, JwsRenewalInfoDecodedPayload, JwsTransactionDecodedPayload, ResponseBodyV2DecodedPayload,
    };
    use crate::google::{GooglePlay, GooglePurchase};
    use crate::onestore::{OneStore, OneStorePurchase};
    use crate::signed_purchase::sealed::Algorithms;

    /// JSON values of every kind, and the numbers whose reading differs between kinds.
    const SCALARS: &[&str] = &[
        r#""s""#, r#""""#, "0", "5", "-7", "-0", "1.0", "1.5", "-2.25", "1e2", "1700000000000", "1700000000000.5",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616", "true",
        "false", "null", "[]", r#"["a","b"]"#, r#"["a",1]"#, "[null]", "{}", r#"{"x":1}"#,
    ];
    /// Names no model has, and the names the library adds.
    const UNKNOWN: &[&str] = &["newField", "testData", "decodedTransactionInfo", "decodedAppTransactionInfo", "other"];

    /// A JSON object with fields of `fields` (and unknown ones), each once, in random order, with
    /// values of random kinds; nested models nest (to `depth`).
    fn object(fields: &'static [Field], depth: u32) -> BoxedStrategy<String> {
        let names: Vec<(&'static str, Option<&'static [Field]>)> = fields
            .iter()
            .map(|(n, k)| (*n, if let Kind::Object(f) = k { Some(*f) } else { None }))
            .chain(UNKNOWN.iter().map(|n| (*n, None)))
            .collect();
        let count = names.len();
        // Half the objects in declaration order (known fields first, as the stores write them: the
        // reader's in-place path), half shuffled.
        (proptest::collection::vec((0..count, 0..SCALARS.len() + 1), 0..14), any::<bool>())
            .prop_flat_map(move |(mut picks, in_order)| {
                if in_order {
                    picks.sort_by_key(|(i, _)| *i);
                }
                let mut seen = std::collections::HashSet::new();
                let members: Vec<BoxedStrategy<String>> = picks
                    .into_iter()
                    .filter(|(i, _)| seen.insert(*i))
                    .map(|(i, v)| {
                        let (name, nested) = names[i];
                        let value = match (nested, SCALARS.get(v)) {
                            (Some(f), None) if depth > 0 => object(f, depth - 1),
                            (_, Some(s)) => Just((*s).to_owned()).boxed(),
                            _ => Just("{}".to_owned()).boxed(),
                        };
                        value.prop_map(move |v| format!("\"{name}\":{v}")).boxed()
                    })
                    .collect();
                members.prop_map(|m| format!("{{{}}}", m.join(",")))
            })
            .boxed()
    }

    /// The derived deserializer on the text (what the verifiers used to run) against
    /// [`read_object`]: the same texts accepted, and then the same value, field order included,
    /// and the typed view of the read object equal to the derived one.
    fn same_as_derived<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
        text: &str,
        fields: &'static [Field],
    ) -> Result<(), TestCaseError> {
        let derived = serde_json::from_str::<T>(text);
        let read = read_object(serde_json::from_str(text).unwrap(), fields);
        prop_assert_eq!(derived.is_ok(), read.is_ok(), "{}: derived {:?}, read {:?}", text, derived, read);
        if let (Ok(derived), Ok(read)) = (derived, read) {
            let derived_text = serde_json::to_string(&derived).unwrap();
            prop_assert_eq!(&derived_text, &serde_json::to_string(&read).unwrap(), "{}", text);
            prop_assert_eq!(serde_json::from_value::<T>(Value::Object(read)).unwrap(), derived);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn transaction_reads_as_derived(text in object(JwsTransactionDecodedPayload::FIELDS, 1)) {
            same_as_derived::<JwsTransactionDecodedPayload>(&text, JwsTransactionDecodedPayload::FIELDS)?;
        }

        #[test]
        fn renewal_info_reads_as_derived(text in object(JwsRenewalInfoDecodedPayload::FIELDS, 1)) {
            same_as_derived::<JwsRenewalInfoDecodedPayload>(&text, JwsRenewalInfoDecodedPayload::FIELDS)?;
        }

        #[test]
        fn app_transaction_reads_as_derived(text in object(AppTransaction::FIELDS, 1)) {
            same_as_derived::<AppTransaction>(&text, AppTransaction::FIELDS)?;
        }

        #[test]
        fn google_purchase_reads_as_derived(text in object(GooglePlay::FIELDS, 0)) {
            same_as_derived::<GooglePurchase>(&text, GooglePlay::FIELDS)?;
        }

        #[test]
        fn onestore_purchase_reads_as_derived(text in object(OneStore::FIELDS, 0)) {
            same_as_derived::<OneStorePurchase>(&text, OneStore::FIELDS)?;
        }

        #[test]
        fn notification_reads_as_derived(text in object(ResponseBodyV2DecodedPayload::FIELDS, 2)) {
            same_as_derived::<ResponseBodyV2DecodedPayload>(&text, ResponseBodyV2DecodedPayload::FIELDS)?;
        }
    }

    #[test]
    fn every_field_of_every_model_is_known_to_serde() {
        // A misspelt wire name would leave the field in `other`.
        let full = |fields: &[Field]| {
            let members: Vec<String> = fields
                .iter()
                .map(|(n, k)| {
                    let v = match k {
                        Kind::Str => r#""s""#,
                        Kind::Num | Kind::Int => "1",
                        Kind::Bool => "true",
                        Kind::Strs => r#"["a"]"#,
                        Kind::Any | Kind::Object(_) | Kind::Added => "{}",
                    };
                    format!("\"{n}\":{v}")
                })
                .collect();
            format!("{{{}}}", members.join(","))
        };
        let t: JwsTransactionDecodedPayload = serde_json::from_str(&full(JwsTransactionDecodedPayload::FIELDS)).unwrap();
        assert!(t.other.is_empty());
        let r: JwsRenewalInfoDecodedPayload = serde_json::from_str(&full(JwsRenewalInfoDecodedPayload::FIELDS)).unwrap();
        assert!(r.other.is_empty());
        let a: AppTransaction = serde_json::from_str(&full(AppTransaction::FIELDS)).unwrap();
        assert!(a.other.is_empty());
        let n: ResponseBodyV2DecodedPayload = serde_json::from_str(&full(ResponseBodyV2DecodedPayload::FIELDS)).unwrap();
        assert!(n.other.is_empty());
        let g: GooglePurchase = serde_json::from_str(&full(GooglePlay::FIELDS)).unwrap();
        assert!(g.extra.is_empty());
        let o: OneStorePurchase = serde_json::from_str(&full(OneStore::FIELDS)).unwrap();
        assert!(o.extra.is_empty());
        // ... and the library's own fields are never read from the input.
        let n: ResponseBodyV2DecodedPayload = serde_json::from_str(r#"{"data":{"decodedTransactionInfo":{}}}"#).unwrap();
        let d = n.data.unwrap();
        assert!(d.decoded_transaction_info.is_none() && d.other.contains_key("decodedTransactionInfo"));
    }

    /// The hand-written schemas of the Google and ONE store purchases list every field of the
    /// structs, in order (a struct literal with every field: a new field fails to compile here).
    #[test]
    fn store_purchase_schemas_list_every_struct_field() {
        let s = || Some("s".to_owned());
        let g = GooglePurchase {
            order_id: s(),
            package_name: s(),
            product_id: s(),
            product_ids: Some(vec![]),
            purchase_time: Some(1),
            purchase_state: Some(0),
            purchase_token: s(),
            quantity: Some(1),
            acknowledged: Some(true),
            auto_renewing: Some(false),
            obfuscated_account_id: s(),
            obfuscated_profile_id: s(),
            developer_payload: s(),
            extra: Map::new(),
        };
        let o = OneStorePurchase {
            order_id: s(),
            package_name: s(),
            product_id: s(),
            purchase_time: Some(1),
            purchase_id: s(),
            purchase_token: s(),
            developer_payload: s(),
            purchase_state: Some(0),
            recurring_state: Some(0),
            quantity: Some(1),
            acknowledge_state: Some(0),
            extra: Map::new(),
        };
        let keys = |v: Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        let names = |f: &[Field]| f.iter().map(|(n, _)| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(keys(serde_json::to_value(g).unwrap()), names(GooglePlay::FIELDS));
        assert_eq!(keys(serde_json::to_value(o).unwrap()), names(OneStore::FIELDS));
    }

    #[test]
    fn type_errors_name_the_field() {
        let read = |t: &str| read_object(serde_json::from_str(t).unwrap(), ResponseBodyV2DecodedPayload::FIELDS);
        assert_eq!(read(r#"{"version":2}"#).unwrap_err(), "version is not a string");
        assert_eq!(read(r#"{"data":{"appAppleId":1.5}}"#).unwrap_err(), "data.appAppleId is not an integer");
        assert_eq!(read("[]").unwrap_err(), "the payload is not a JSON object");
    }
}
