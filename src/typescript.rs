//! The TypeScript declarations of the models (feature `typescript`): what the npm package's types
//! are generated from, so that each shape is declared once, in Rust.
//!
//! The models derive [`ts_rs::TS`] (reading their serde attributes and doc comments); the open
//! enumerations, which serialize by hand, declare themselves here as the union of their known
//! values plus any other string. [`declarations`] walks the models the package hands to JavaScript
//! and their dependencies, and `examples/declarations.rs` prints them for `scripts/gen-endpoints.mjs`,
//! which writes `pkg/web/models.d.ts`. Nothing here is in the wasm module.

use std::any::TypeId;
use std::collections::HashSet;

use ts_rs::{Config, TypeVisitor, TS};

/// One declared type: its TypeScript name, its doc comment (JSDoc, may be empty) and its declaration
/// (`type Name = …;` as ts-rs writes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The TypeScript name.
    pub name: String,
    /// The JSDoc comment, as ts-rs formats it (empty when the Rust type has no doc comment).
    pub docs: String,
    /// The declaration.
    pub decl: String,
}

/// The configuration every declaration is made with: `i64` is a JavaScript number (the values the
/// package hands out are numbers: times in milliseconds, counts, codes), never a `bigint`.
pub fn config() -> Config {
    Config::new().with_large_int("number")
}

/// `"A" | "B" | (string & {})`: an open enumeration's known values, and any other string (a value
/// this version does not know is kept as sent). `(string & {})` keeps the known values in editors'
/// completion lists, which a plain `| string` would swallow.
pub(crate) fn open_union(values: &[&str]) -> String {
    let mut out: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    out.push("(string & {})".into());
    out.join(" | ")
}

/// Implements [`TS`] for an open enumeration: a string one as [`open_union`] of its values (inlined
/// where it is used, or declared under the TypeScript name given after `as`), an integer one as
/// `number` (its values are documented on the field).
macro_rules! open_enum_ts {
    ($name:ident: str as $ts:expr, [$($s:literal),*]) => {
        impl ::ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &::ts_rs::Config) -> String {
                $ts.into()
            }
            fn inline(_: &::ts_rs::Config) -> String {
                $crate::typescript::open_union(&[$($s),*])
            }
            fn decl(cfg: &::ts_rs::Config) -> String {
                format!("type {} = {};", $ts, <Self as ::ts_rs::TS>::inline(cfg))
            }
            fn output_path() -> Option<::std::path::PathBuf> {
                Some(format!("{}.ts", $ts).into())
            }
        }
    };
    ($name:ident: str [$($s:literal),*]) => {
        impl ::ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &::ts_rs::Config) -> String {
                $crate::typescript::open_union(&[$($s),*])
            }
            fn inline(cfg: &::ts_rs::Config) -> String {
                <Self as ::ts_rs::TS>::name(cfg)
            }
        }
    };
    ($name:ident: int) => {
        impl ::ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &::ts_rs::Config) -> String {
                "number".into()
            }
            fn inline(cfg: &::ts_rs::Config) -> String {
                <Self as ::ts_rs::TS>::name(cfg)
            }
        }
    };
}
pub(crate) use open_enum_ts;

/// `Record<string, unknown>`: what a field of JSON objects kept as sent is declared as (in
/// `#[ts(as = "Option<UnknownFields>", optional)]`, which also makes a field that serialization
/// omits when empty optional).
pub struct UnknownFields;

impl TS for UnknownFields {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &Config) -> String {
        "Record<string, unknown>".into()
    }
    fn inline(cfg: &Config) -> String {
        Self::name(cfg)
    }
}

/// Collects the declarations of the types it visits and of their dependencies, once each.
struct Collect<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    out: Vec<Declaration>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Types without an output path (primitives, inlined unions) have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let d = Declaration { name: T::ident(self.cfg), docs: T::docs().unwrap_or_default(), decl: T::decl(self.cfg) };
        // Two Rust types may declare the same TypeScript type (`serde_json::Value` and the shadow
        // type ts-rs declares it with): kept once. Two different declarations of one name are kept
        // both, for the test below to refuse.
        if !self.out.contains(&d) {
            self.out.push(d);
        }
        T::visit_dependencies(self);
    }
}

/// The declarations of every model the package hands to (or takes from) JavaScript, with the types
/// they depend on, in a stable order (each root, then what it uses, depth first).
pub fn declarations() -> Vec<Declaration> {
    let cfg = config();
    let mut c = Collect { cfg: &cfg, seen: HashSet::new(), out: Vec::new() };
    c.visit::<crate::google::GooglePurchase>();
    c.visit::<crate::onestore::OneStorePurchase>();
    c.visit::<crate::apple::models::JwsTransactionDecodedPayload>();
    c.visit::<crate::apple::models::JwsRenewalInfoDecodedPayload>();
    c.visit::<crate::apple::models::AppTransaction>();
    c.visit::<crate::apple::models::ResponseBodyV2DecodedPayload>();
    c.visit::<crate::apple::AppReceipt>();
    c.visit::<crate::google::rtdn::DeveloperNotification>();
    c.visit::<crate::nhn::PaymentRef>();
    c.visit::<crate::nhn::ConsumeResult>();
    c.visit::<crate::nhn::Consumable>();
    c.visit::<crate::nhn::ActiveSubscription>();
    c.visit::<crate::nhn::iap::LegacyConsumeResult>();
    c.visit::<crate::nhn::iap::LegacyConsumable>();
    c.visit::<crate::nhn::iap::LegacyItemList>();
    c.visit::<crate::nhn::gamebase::PaymentTransaction>();
    c.visit::<crate::nhn::gamebase::SubscriptionStatus>();
    c.visit::<crate::purchase::Purchase>();
    c.visit::<crate::purchase::SubscriptionStatus>();
    c.visit::<crate::purchase::StoreEvent>();
    c.visit::<crate::purchase::FlowEvent>();
    c.visit::<crate::purchase::Effect>();
    c.visit::<crate::purchase::StartParams>();
    c.visit::<crate::purchase::PaymentFlow>();
    c.visit::<crate::purchase::PurchaseStart>();
    c.visit::<crate::purchase::PurchaseEvent>();
    c.visit::<crate::purchase::PurchaseEffect>();
    c.visit::<crate::purchase::Step>();
    c.visit::<crate::purchase::PurchaseFlow>();
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_unions_keep_other_strings() {
        assert_eq!(open_union(&["A", "B c"]), r#""A" | "B c" | (string & {})"#);
    }

    #[test]
    fn every_declaration_is_named_once() {
        let all = declarations();
        let mut names: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
        assert!(names.contains(&"GooglePurchase") && names.contains(&"JWSTransactionDecodedPayload"), "{names:?}");
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a TypeScript name is declared twice");
    }
}
