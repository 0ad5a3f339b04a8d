use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::{ErrorKind, looks_like_html};

/// Response headers.
#[derive(Clone, Default)]
pub struct Headers(http::HeaderMap);

impl Headers {
    pub(crate) fn from_map(map: http::HeaderMap) -> Self {
        Headers(map)
    }

    /// Builds headers from pairs (for tests of classifiers and decoders).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                map.append(name, value);
            }
        }
        Headers(map)
    }

    /// The first value of a header (case-insensitive name), when it is text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.0
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// All headers as (lower-case name, value) pairs; values that are not text are skipped.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)))
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: values may be cookies or tokens.
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// A complete HTTP response.
#[derive(Clone)]
pub struct Response {
    status: u16,
    headers: Headers,
    body: Bytes,
    method: &'static str,
    url: String,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Response {
    pub(crate) fn new(
        status: u16,
        headers: Headers,
        body: Bytes,
        method: &'static str,
        url: String,
    ) -> Self {
        Response {
            status,
            headers,
            body,
            method,
            url,
        }
    }

    /// A response made by hand (for unit tests of classifiers and decoders).
    pub fn from_parts(status: u16, headers: Headers, body: impl Into<Bytes>) -> Self {
        Response::new(status, headers, body.into(), "GET", String::new())
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The request URL, with secret query values as `***`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Decodes the body as JSON; a failure names the JSON path of the offending value and
    /// says when the body was an HTML page.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let message = if looks_like_html(&self.body) {
                "an HTML page instead of JSON (a captcha or firewall page?)".to_owned()
            } else if self.body.is_empty() {
                "an empty body instead of JSON".to_owned()
            } else {
                e.into_inner().to_string()
            };
            Error::new(ErrorKind::Decode)
                .with_request(self.method, self.url.clone())
                .with_status(self.status)
                .with_message(message)
                .with_json_path(path)
                .with_body(self.body.clone())
        })?;
        // Anything after the document is an error, not something to ignore.
        deserializer.end().map_err(|e| {
            Error::new(ErrorKind::Decode)
                .with_request(self.method, self.url.clone())
                .with_status(self.status)
                .with_message(format!("unexpected data after the JSON document: {e}"))
                .with_body(self.body.clone())
        })?;
        Ok(value)
    }
}
