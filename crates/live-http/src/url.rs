//! Base URLs, query strings with secret values, and their redacted forms.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::{Error, Secret};

/// Characters left as they are in query names and values: RFC 3986 "unreserved".
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A service's base URL: scheme, host and port, and an optional path prefix
/// (`https://kitkot.xyz/api`). `http://` and `ws://` are used as given (loopback tests).
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    scheme: String,
    authority: String,
    prefix: String,
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({self})")
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.prefix)
    }
}

impl BaseUrl {
    /// Parses `scheme://host[:port][/prefix]`; a query or fragment is refused.
    pub fn parse(text: &str) -> Result<BaseUrl, Error> {
        let invalid = |why: &str| Error::invalid_request(format!("invalid base URL: {why}"));
        let (scheme, rest) = text.split_once("://").ok_or_else(|| invalid("no scheme"))?;
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(scheme.as_str(), "http" | "https" | "ws" | "wss") {
            return Err(invalid("the scheme must be http, https, ws or wss"));
        }
        if rest.contains(['?', '#']) {
            return Err(invalid("a base URL has no query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        // Credentials in the authority would end up in logs: refuse them.
        if authority.is_empty() || authority.contains('@') {
            return Err(invalid("missing host, or credentials in the host part"));
        }
        Ok(BaseUrl {
            scheme,
            authority: authority.to_owned(),
            prefix: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The scheme (`https`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// `host[:port]`.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The full URL of `path` (which should start with `/`; repeated slashes are kept, as
    /// TikHub's `/api/v1//live/info` needs).
    pub fn join(&self, path: &str) -> String {
        let slash = if path.starts_with('/') || path.is_empty() {
            ""
        } else {
            "/"
        };
        format!(
            "{}://{}{}{slash}{path}",
            self.scheme, self.authority, self.prefix
        )
    }
}

/// A query parameter value, marked secret when it must not be logged.
#[derive(Debug, Clone)]
pub(crate) enum QueryValue {
    Plain(String),
    Secret(Secret),
}

impl QueryValue {
    fn expose(&self) -> &str {
        match self {
            QueryValue::Plain(v) => v,
            QueryValue::Secret(s) => s.expose(),
        }
    }
}

/// Ordered query parameters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query(pub(crate) Vec<(String, QueryValue)>);

impl Query {
    pub(crate) fn push(&mut self, name: impl Into<String>, value: QueryValue) {
        self.0.push((name.into(), value));
    }

    /// Replaces every value of `name` with one value (or appends it).
    pub(crate) fn set(&mut self, name: &str, value: QueryValue) {
        self.0.retain(|(n, _)| n != name);
        self.push(name, value);
    }

    /// `a=1&b=2`, encoded; secret values as they are (`exposed`) or as `***`.
    pub(crate) fn encode(&self, exposed: bool) -> String {
        let mut out = String::new();
        for (name, value) in &self.0 {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(name, QUERY));
            out.push('=');
            match value {
                QueryValue::Secret(_) if !exposed => out.push_str("***"),
                _ => out.extend(utf8_percent_encode(value.expose(), QUERY)),
            }
        }
        out
    }
}

/// `url` with the values of the named query parameters replaced by `***` (for URLs built
/// elsewhere, like a WebSocket URL carrying a token).
pub fn redact_url(url: &str, secret_params: &[&str]) -> String {
    let Some((head, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let redacted: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if secret_params.iter().any(|s| s.eq_ignore_ascii_case(name)) => {
                format!("{name}=***")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{head}?{}", redacted.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_keep_double_slashes_and_prefixes() {
        let base = BaseUrl::parse("https://api.tikhubapi.com/").unwrap();
        assert_eq!(
            base.join("/api/v1//live/info"),
            "https://api.tikhubapi.com/api/v1//live/info"
        );
        let base = BaseUrl::parse("http://127.0.0.1:8080/api").unwrap();
        assert_eq!(
            base.join("/live/join"),
            "http://127.0.0.1:8080/api/live/join"
        );
        assert_eq!(base.join("session"), "http://127.0.0.1:8080/api/session");
    }

    #[test]
    fn rejects_bad_bases() {
        for bad in [
            "kick.com",
            "ftp://x",
            "https://",
            "https://u:p@host",
            "https://h/?a=1",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn query_encodes_and_redacts() {
        let mut q = Query::default();
        q.push("room_id", QueryValue::Plain("a b&c".into()));
        q.push("api_key", QueryValue::Secret(Secret::new("k/1")));
        q.push("ids[]", QueryValue::Plain("7".into()));
        assert_eq!(
            q.encode(true),
            "room_id=a%20b%26c&api_key=k%2F1&ids%5B%5D=7"
        );
        assert_eq!(q.encode(false), "room_id=a%20b%26c&api_key=***&ids%5B%5D=7");
        q.set("api_key", QueryValue::Plain("x".into()));
        assert_eq!(q.encode(false), "room_id=a%20b%26c&ids%5B%5D=7&api_key=x");
    }

    #[test]
    fn redacts_named_parameters_of_any_url() {
        assert_eq!(
            redact_url("wss://h/p?token=abc&room=1&apiKey=z", &["token", "apikey"]),
            "wss://h/p?token=***&room=1&apiKey=***"
        );
        assert_eq!(redact_url("wss://h/p", &["token"]), "wss://h/p");
    }
}
