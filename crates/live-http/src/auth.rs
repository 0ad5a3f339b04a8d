use base64::Engine as _;

use crate::Secret;

/// How requests prove who sends them. A client may carry several (kitkot sends two keys).
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum Auth {
    /// A key in the query string (`?apiKey=...`); redacted in logs.
    QueryKey {
        /// Parameter name.
        name: String,
        /// The key.
        key: Secret,
    },
    /// A key in a header (`x-api-key: ...`).
    HeaderKey {
        /// Header name.
        name: String,
        /// The key.
        key: Secret,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic base64(user:password)`.
    Basic {
        /// User name.
        user: String,
        /// Password.
        password: Secret,
    },
}

impl Auth {
    /// A key in the query string.
    pub fn query_key(name: impl Into<String>, key: impl Into<Secret>) -> Self {
        Auth::QueryKey {
            name: name.into(),
            key: key.into(),
        }
    }

    /// A key in a header.
    pub fn header_key(name: impl Into<String>, key: impl Into<Secret>) -> Self {
        Auth::HeaderKey {
            name: name.into(),
            key: key.into(),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Auth::Bearer(token.into())
    }

    /// HTTP Basic credentials.
    pub fn basic(user: impl Into<String>, password: impl Into<Secret>) -> Self {
        Auth::Basic {
            user: user.into(),
            password: password.into(),
        }
    }

    /// HTTP Basic from `user:password` (the form `LIVE_TIKHUB_BASIC` uses); the password is
    /// empty when there is no colon.
    pub fn basic_from_pair(pair: &str) -> Self {
        let (user, password) = pair.split_once(':').unwrap_or((pair, ""));
        Auth::basic(user, password)
    }

    /// The header this auth adds, if any: (name, value), the value secret.
    pub(crate) fn header(&self) -> Option<(String, Secret)> {
        match self {
            Auth::HeaderKey { name, key } => Some((name.clone(), key.clone())),
            Auth::Bearer(token) => Some((
                "authorization".to_owned(),
                Secret::new(format!("Bearer {}", token.expose())),
            )),
            Auth::Basic { user, password } => {
                let pair = format!("{user}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                Some((
                    "authorization".to_owned(),
                    Secret::new(format!("Basic {encoded}")),
                ))
            }
            Auth::QueryKey { .. } => None,
        }
    }

    /// The query parameter this auth adds, if any.
    pub(crate) fn query(&self) -> Option<(&str, &Secret)> {
        match self {
            Auth::QueryKey { name, key } => Some((name, key)),
            _ => None,
        }
    }
}
