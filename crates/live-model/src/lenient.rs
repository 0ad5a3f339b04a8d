//! Serde helpers for the loose typing platforms practise: ids as numbers or strings, fields
//! that are a number in one response and a string in the next, values that are absent or null.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value a platform sends as a number or as a string (Tencent `Owner_Account`,
/// `TakeSeatMode`). It keeps the form it arrived in, so it serialises back unchanged.
#[derive(Debug, Clone, PartialEq)]
pub enum StringOrNumber {
    /// It came as a string.
    String(String),
    /// It came as a number.
    Number(serde_json::Number),
}

impl StringOrNumber {
    /// The value as text (a number in its decimal form).
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            StringOrNumber::String(s) => Cow::Borrowed(s),
            StringOrNumber::Number(n) => Cow::Owned(n.to_string()),
        }
    }

    /// The value as an integer, when it is one (a numeric string counts).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            StringOrNumber::String(s) => s.trim().parse().ok(),
            StringOrNumber::Number(n) => n.as_i64(),
        }
    }
}

impl Default for StringOrNumber {
    fn default() -> Self {
        StringOrNumber::String(String::new())
    }
}

impl fmt::Display for StringOrNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl From<&str> for StringOrNumber {
    fn from(s: &str) -> Self {
        StringOrNumber::String(s.to_owned())
    }
}

impl From<String> for StringOrNumber {
    fn from(s: String) -> Self {
        StringOrNumber::String(s)
    }
}

impl From<i64> for StringOrNumber {
    fn from(n: i64) -> Self {
        StringOrNumber::Number(n.into())
    }
}

impl Serialize for StringOrNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            StringOrNumber::String(s) => serializer.serialize_str(s),
            StringOrNumber::Number(n) => n.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for StringOrNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = StringOrNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StringOrNumber::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(StringOrNumber::String(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(StringOrNumber::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(StringOrNumber::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                serde_json::Number::from_f64(v)
                    .map(StringOrNumber::Number)
                    .ok_or_else(|| E::custom("a non-finite number"))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Reads an id sent as a number or a string into an exact `String` (`#[serde(deserialize_with)]`).
///
/// Numbers are written in decimal without passing through a float, so ids above 2^53 survive.
pub fn id_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    StringOrNumber::deserialize(deserializer).map(|v| v.as_str().into_owned())
}

/// Like [`id_string`] for an optional id; `null`, absence and `""` give `None`.
pub fn opt_id_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let value = Option::<StringOrNumber>::deserialize(deserializer)?;
    Ok(value
        .map(|v| v.as_str().into_owned())
        .filter(|s| !s.is_empty()))
}

/// Reads an unsigned integer sent as a number or a numeric string (`"1200"`).
pub fn u64_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match StringOrNumber::deserialize(deserializer)? {
        StringOrNumber::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .ok_or_else(|| de::Error::custom(format!("expected a non-negative integer, got {n}"))),
        StringOrNumber::String(s) => s
            .trim()
            .parse()
            .map_err(|_| de::Error::custom(format!("expected a non-negative integer, got {s:?}"))),
    }
}

/// A field that may be absent, `null`, or a value, keeping the difference
/// (`#[serde(default, skip_serializing_if = "Option::is_none", with = "live_model::lenient::double_option")]`
/// on an `Option<Option<T>>`): absent is `None`, `null` is `Some(None)`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serialises `Some(None)` as `null` and `Some(Some(v))` as `v`.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a present field: `null` becomes `Some(None)`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Ids {
        #[serde(deserialize_with = "id_string")]
        a: String,
        #[serde(default, deserialize_with = "opt_id_string")]
        b: Option<String>,
        #[serde(deserialize_with = "u64_lenient")]
        c: u64,
    }

    #[test]
    fn ids_keep_every_digit() {
        let ids: Ids =
            serde_json::from_str(r#"{"a": 7531095702089370381, "b": "12", "c": "1200"}"#).unwrap();
        assert_eq!(ids.a, "7531095702089370381");
        assert_eq!(ids.b.as_deref(), Some("12"));
        assert_eq!(ids.c, 1200);
        let ids: Ids = serde_json::from_str(r#"{"a": "x", "b": null, "c": 3}"#).unwrap();
        assert_eq!(ids.b, None);
    }

    #[test]
    fn string_or_number_round_trips() {
        for text in [r#""bren""#, "1234", "12.5"] {
            let v: StringOrNumber = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
        let v: StringOrNumber = serde_json::from_str("42").unwrap();
        assert_eq!(v.as_i64(), Some(42));
        assert_eq!(v.as_str(), "42");
    }
}
