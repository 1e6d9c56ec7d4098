//! Open enumerations: the values a store documents by name, and any other value kept as sent
//! (`Unknown(raw)`), never an error. One macro for every store's enumerations (Apple's, NHN's, the
//! unified purchase's): they travel as the plain JSON string or integer.

/// Declares an open enumeration over strings (`Name: str { Variant = "WIRE", … }`) or integers
/// (`Name: int { Variant = 1, … }`). A string one may name its TypeScript declaration
/// (`Name: str as "TsName" { … }`); otherwise its values are inlined where it is used.
///
/// A string enumeration has `as_str`, `from_wire`, `From<String>`, `From<&str>`, `Display`; an
/// integer one `as_i64` and `from_wire`. Both serialize and deserialize as the wire value, and read
/// as that JSON kind in a model ([`crate::model_fields`]).
macro_rules! open_enum {
    ($(#[$m:meta])* $name:ident: str $(as $ts:literal)? { $($(#[$vm:meta])* $variant:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $variant,)*
            /// A value this version does not know, kept as sent.
            Unknown(String),
        }
        impl $name {
            /// The wire value (the raw one for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self { $(Self::$variant => $s,)* Self::Unknown(s) => s }
            }
            /// Decodes a wire value; never fails (an unknown value is kept).
            pub fn from_wire(s: &str) -> Self {
                match s { $($s => Self::$variant,)* other => Self::Unknown(other.to_owned()) }
            }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() { $($s => Self::$variant,)* _ => Self::Unknown(s) }
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                match v { $name::Unknown(raw) => raw, other => other.as_str().to_owned() }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                Ok(Self::from(<String as ::serde::Deserialize>::deserialize(d)?))
            }
        }
        impl $crate::model_fields::Wire for $name {
            const KIND: $crate::model_fields::Kind = $crate::model_fields::Kind::Str;
        }
        #[cfg(feature = "typescript")]
        $crate::typescript::open_enum_ts!($name: str $(as $ts,)? [$($s),*]);
    };
    ($(#[$m:meta])* $name:ident: int { $($(#[$vm:meta])* $variant:ident = $n:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $variant,)*
            /// A value this version does not know, kept as sent.
            Unknown(i64),
        }
        impl $name {
            /// The wire value.
            pub fn as_i64(&self) -> i64 {
                match self { $(Self::$variant => $n,)* Self::Unknown(n) => *n }
            }
            /// Decodes a wire value; never fails (an unknown value is kept).
            pub fn from_wire(n: i64) -> Self {
                match n { $($n => Self::$variant,)* other => Self::Unknown(other) }
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.as_i64())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                Ok(Self::from_wire(<i64 as ::serde::Deserialize>::deserialize(d)?))
            }
        }
        impl $crate::model_fields::Wire for $name {
            const KIND: $crate::model_fields::Kind = $crate::model_fields::Kind::Int;
        }
        #[cfg(feature = "typescript")]
        $crate::typescript::open_enum_ts!($name: int);
    };
}
pub(crate) use open_enum;
