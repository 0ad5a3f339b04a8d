//! Decoding response bodies into the models, tolerating `null` where a value was expected.
//!
//! The models are inferred from samples in which every field has a value; TikTok payloads
//! (which kitkot forwards) send `null` for absent objects and strings now and then. A body is
//! decoded as it is first; only when that fails is it decoded again with every `null` field
//! removed (so the field takes its default). A body that still does not fit gives the first
//! error, which names the JSON path of the offending value.

use live_http::Response;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes a response's body into `T`, reading `null` fields as absent when a strict read
/// fails. The error is the strict read's: it names the JSON path, the URL (redacted) and
/// whether the body was an HTML page.
pub(crate) fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, live_http::Error> {
    let error = match response.json::<T>() {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    if let Ok(mut value) = serde_json::from_slice::<Value>(response.body())
        && strip_nulls(&mut value)
        && let Ok(decoded) = serde_json::from_value::<T>(value)
    {
        return Ok(decoded);
    }
    Err(error)
}

/// Decodes a body on its own (a payload stored earlier, a test sample).
pub(crate) fn decode_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, live_http::Error> {
    decode(&Response::from_parts(
        200,
        live_http::Headers::default(),
        body.to_vec(),
    ))
}

/// Removes every object member whose value is `null`, recursively. Returns true when
/// something was removed.
fn strip_nulls(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let before = map.len();
            map.retain(|_, v| !v.is_null());
            let mut changed = map.len() != before;
            for v in map.values_mut() {
                changed |= strip_nulls(v);
            }
            changed
        }
        Value::Array(items) => {
            let mut changed = false;
            for v in items {
                changed |= strip_nulls(v);
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Sample {
        title: String,
        inner: Inner,
        items: Vec<Inner>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Inner {
        n: i64,
    }

    #[test]
    fn nulls_read_as_defaults() {
        let s: Sample =
            decode_slice(br#"{"title": null, "inner": null, "items": [{"n": null}, {"n": 2}]}"#)
                .unwrap();
        assert_eq!(s.title, "");
        assert_eq!(s.items[1].n, 2);
    }

    #[test]
    fn wrong_types_still_fail() {
        let error = decode_slice::<Sample>(br#"{"inner": {"n": "x"}}"#).unwrap_err();
        assert_eq!(error.kind(), live_http::ErrorKind::Decode);
        assert_eq!(error.json_path(), Some("inner.n"));
    }
}
