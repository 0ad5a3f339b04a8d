//! kick.com's HTTP side: the channel lookup, viewer counts, and the realtime transport
//! negotiation with its guest token.

use std::fmt;

use live_http::{HttpClient, RetryPolicy, Secret};
use serde::Deserialize;

use crate::centrifugo::ORIGIN;
use crate::channel::ChannelInfo;
use crate::error::{Error, Result};

/// A browser's User-Agent: kick.com's firewall refuses obvious bots more often.
const BROWSER_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// A transport kick.com offers in the negotiation.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// Centrifugo at this WebSocket URL.
    Centrifugo {
        /// `wss://realtime.<region>.platform.kick.com/connection/websocket`.
        url: String,
    },
    /// Pusher with this app key and cluster.
    Pusher {
        /// The app key.
        app_key: String,
        /// The cluster (`us2`).
        cluster: Option<String>,
    },
}

/// kick.com's HTTP endpoints used by the real-time client.
#[derive(Clone)]
pub struct KickApi {
    api: HttpClient,
    web: HttpClient,
    api_url: String,
}

impl fmt::Debug for KickApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KickApi")
            .field("api", self.api.base_url())
            .field("web", self.web.base_url())
            .finish()
    }
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: Option<T>,
}

#[derive(Deserialize)]
struct Negotiation {
    #[serde(default)]
    connections: Vec<Connection>,
}

#[derive(Deserialize)]
struct Connection {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    credentials: Credentials,
}

#[derive(Deserialize, Default)]
struct Credentials {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    app_key: Option<String>,
    #[serde(default)]
    cluster: Option<String>,
}

#[derive(Deserialize)]
struct Token {
    token: String,
}

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn blocked_reason(error: &live_http::Error) -> Option<String> {
    let body = error
        .body()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let challenge = body.contains("Just a moment")
        || body.contains("cf-chl")
        || body.contains("challenge-platform")
        || body.contains("Attention Required");
    if challenge {
        return Some("a Cloudflare challenge page".to_owned());
    }
    if body.contains("Request blocked by security policy") {
        return Some("HTTP 403, request blocked by security policy".to_owned());
    }
    match error.status() {
        Some(403) => Some("HTTP 403".to_owned()),
        Some(status) if error.is_html() => Some(format!("an HTML page with HTTP {status}")),
        None if error.is_html() => Some("an HTML page instead of JSON".to_owned()),
        _ => None,
    }
}

impl KickApi {
    /// Clients for `api_url` (kick.com) and `web_url` (web.kick.com).
    pub fn new(api_url: &str, web_url: &str) -> Result<Self> {
        let build = |url: &str| {
            HttpClient::builder(url)
                .user_agent(BROWSER_UA)
                .header("accept", "application/json")
                .build()
                .map_err(|e| Error::InvalidConfig(format!("{url}: {e}")))
        };
        Ok(KickApi {
            api: build(api_url)?,
            web: build(web_url)?,
            api_url: api_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Looks a channel up: `GET {api}/api/v2/channels/{slug}`.
    pub async fn channel(&self, slug: &str) -> Result<ChannelInfo> {
        if !valid_slug(slug) {
            return Err(Error::InvalidSlug(slug.to_owned()));
        }
        let path = format!("/api/v2/channels/{slug}");
        let url = format!("https://kick.com{path}");
        let result = self.api.get(&path).route("channel").send().await;
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                if error.status() == Some(404) && !error.is_html() {
                    return Err(Error::ChannelNotFound {
                        slug: slug.to_owned(),
                    });
                }
                if let Some(reason) = blocked_reason(&error) {
                    return Err(Error::Blocked {
                        slug: slug.to_owned(),
                        url,
                        reason,
                        source: Some(error),
                    });
                }
                return Err(Error::Http {
                    what: "channel lookup",
                    source: error,
                });
            }
        };
        match response.json::<ChannelInfo>() {
            Ok(info) => Ok(info),
            Err(error) => match blocked_reason(&error) {
                Some(reason) => Err(Error::Blocked {
                    slug: slug.to_owned(),
                    url,
                    reason,
                    source: Some(error),
                }),
                None => Err(Error::Http {
                    what: "channel lookup",
                    source: error,
                }),
            },
        }
    }

    /// `GET {api}/current-viewers?ids[]=...` for several livestreams at once; returns the
    /// body as received (the decoder reads it, so a recording can replay it).
    pub async fn current_viewers_raw(&self, livestream_ids: &[u64]) -> Result<String> {
        let mut request = self
            .api
            .get("/current-viewers")
            .route("viewers")
            .retry_policy(RetryPolicy::none());
        for id in livestream_ids {
            request = request.query("ids[]", id);
        }
        let response = request.send().await.map_err(|source| Error::Http {
            what: "viewer count",
            source,
        })?;
        Ok(response.text().into_owned())
    }

    /// Asks kick.com which transport to use for a channel:
    /// `POST {web}/api/v1/realtime/channels/{channel_id}/chat/connection`.
    pub async fn negotiate(&self, channel_id: u64, client_id: &str) -> Result<Vec<Offer>> {
        let body = serde_json::json!({
            "client": {"id": client_id, "type": "web"},
            "capabilities": {"accepted_providers": [{"provider": "pusher"}, {"provider": "centrifugo"}]},
        });
        let path = format!("/api/v1/realtime/channels/{channel_id}/chat/connection");
        let envelope: Envelope<Negotiation> = self
            .web
            .post(&path)
            .route("negotiate")
            .header("origin", ORIGIN)
            .json(&body)
            .retry_policy(RetryPolicy::none())
            .send_json()
            .await
            .map_err(|source| Error::Http {
                what: "transport negotiation",
                source,
            })?;
        let connections = envelope.data.map(|d| d.connections).unwrap_or_default();
        Ok(connections
            .into_iter()
            .filter_map(|c| match c.provider.as_str() {
                "centrifugo" => c.credentials.url.map(|url| Offer::Centrifugo { url }),
                "pusher" => c.credentials.app_key.map(|app_key| Offer::Pusher {
                    app_key,
                    cluster: c.credentials.cluster,
                }),
                _ => None,
            })
            .collect())
    }

    /// A guest token for Centrifugo: `POST {web}/api/v1/realtime/auth/connection`.
    pub async fn guest_token(&self, client_id: &str) -> Result<Secret> {
        let envelope: Envelope<Token> = self
            .web
            .post("/api/v1/realtime/auth/connection")
            .route("token")
            .header("origin", ORIGIN)
            .json(&serde_json::json!({"client_id": client_id}))
            .send_json()
            .await
            .map_err(|source| Error::Http {
                what: "Centrifugo token",
                source,
            })?;
        envelope
            .data
            .map(|t| Secret::new(t.token))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Unexpected {
                what: "Centrifugo token",
                message: "no token in the answer".to_owned(),
            })
    }

    /// The API base URL.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked_before_any_request() {
        assert!(valid_slug("xqc"));
        assert!(valid_slug("some_user-1"));
        assert!(!valid_slug(""));
        assert!(!valid_slug("../admin"));
        assert!(!valid_slug("a b"));
    }
}
