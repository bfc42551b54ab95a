//! Integers that also accept the spellings Huawei Cloud services really send.
//!
//! The official SDKs coerce with the host language's `int()`, so a service
//! that sends a 64-bit count as a quoted string (`"3"`), or a millisecond
//! time as `1710856132000.0`, still works with them. These types accept the
//! same inputs, reject anything that would lose information (a fraction, a
//! value out of range) with an error that says what was found, and always
//! serialize as a plain JSON number.

use std::fmt;

macro_rules! lenient_int {
    ($(#[$meta:meta])* $name:ident($int:ty), $format:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        impl $name {
            /// The integer value.
            pub const fn get(self) -> $int {
                self.0
            }
        }

        impl From<$int> for $name {
            fn from(value: $int) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $int {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntVisitor::<$int>::new()).map($name)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }

            fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                schemars::schema::SchemaObject {
                    instance_type: Some(schemars::schema::InstanceType::Integer.into()),
                    format: Some($format.to_owned()),
                    ..Default::default()
                }
                .into()
            }
        }
    };
}

lenient_int! {
    /// A 64-bit integer (`integer/int64` in the spec): epoch milliseconds and
    /// counts. Accepts a JSON integer, a float with no fractional part, or a
    /// string holding a decimal integer.
    Int64(i64), "int64"
}

lenient_int! {
    /// A 32-bit integer (`integer/int32` in the spec): hours, intervals and
    /// page parameters. Accepts what [`Int64`] accepts, within `i32`'s range.
    Int32(i32), "int32"
}

/// Decodes one integer of type `T` from the shapes listed in the module docs.
struct IntVisitor<T>(std::marker::PhantomData<T>);

impl<T> IntVisitor<T> {
    fn new() -> Self {
        IntVisitor(std::marker::PhantomData)
    }
}

impl<T> IntVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64>,
{
    fn from_i64<E: serde::de::Error>(v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format_args!("integer {v} is out of range")))
    }

    fn from_u64<E: serde::de::Error>(v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format_args!("integer {v} is out of range")))
    }
}

impl<T> serde::de::Visitor<'_> for IntVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, or a string holding one")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        Self::from_i64(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        Self::from_u64(v)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        // 2^63 is exactly representable; anything at or past it is out of
        // range for i64, and below -2^63 likewise.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() != 0.0 || !v.is_finite() {
            return Err(E::custom(format_args!("number {v} is not an integer")));
        }
        if !(-LIMIT..LIMIT).contains(&v) {
            return Err(E::custom(format_args!("number {v} is out of range")));
        }
        Self::from_i64(v as i64)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        // Only plain decimal digits with an optional sign: no whitespace, no
        // exponent, no fraction, so nothing is silently rounded.
        let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::custom(format_args!("string {v:?} is not an integer")));
        }
        match v.parse::<i64>() {
            Ok(n) => Self::from_i64(n),
            Err(_) => Err(E::custom(format_args!("integer {v} is out of range"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i64_of(json: &str) -> Result<i64, String> {
        serde_json::from_str::<Int64>(json)
            .map(Int64::get)
            .map_err(|e| e.to_string())
    }

    fn i32_of(json: &str) -> Result<i32, String> {
        serde_json::from_str::<Int32>(json)
            .map(Int32::get)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_the_spellings_the_official_sdk_coerces() {
        assert_eq!(i64_of("1718192416797"), Ok(1_718_192_416_797));
        assert_eq!(i64_of("\"1718192416797\""), Ok(1_718_192_416_797));
        assert_eq!(i64_of("1710856132000.0"), Ok(1_710_856_132_000));
        assert_eq!(i64_of("\"-5\""), Ok(-5));
        assert_eq!(i32_of("\"4\""), Ok(4));
    }

    #[test]
    fn values_past_32_bits_are_never_truncated() {
        assert_eq!(i64_of("9060000000"), Ok(9_060_000_000));
        assert_eq!(i64_of("9223372036854775807"), Ok(i64::MAX));
        assert!(i32_of("2147483648").unwrap_err().contains("out of range"));
        assert!(
            i64_of("9223372036854775808")
                .unwrap_err()
                .contains("out of range")
        );
        assert!(
            i64_of("\"99999999999999999999\"")
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn refuses_what_would_lose_information() {
        assert!(i64_of("1.5").unwrap_err().contains("not an integer"));
        assert!(i64_of("\"1e3\"").unwrap_err().contains("not an integer"));
        assert!(i64_of("\" 3\"").unwrap_err().contains("not an integer"));
        assert!(i64_of("\"\"").unwrap_err().contains("not an integer"));
        assert!(
            i64_of("true")
                .unwrap_err()
                .contains("an integer, or a string holding one")
        );
    }

    #[test]
    fn serializes_as_a_plain_number() {
        assert_eq!(
            serde_json::to_string(&Int64(1_710_856_132_000)).unwrap(),
            "1710856132000"
        );
        assert_eq!(serde_json::to_string(&Int32(6)).unwrap(), "6");
    }
}
