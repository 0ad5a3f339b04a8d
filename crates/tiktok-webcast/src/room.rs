//! Finding a user's room: tiktok.com's `api-live/user/room` JSON first, then the `/@id/live`
//! page's `SIGI_STATE`, then Euler's `room_id`; and the room-info check for age restrictions.

use std::time::Duration;

use live_http::{ConnectionPool, HttpClient, RetryPolicy, Secret};
use serde_json::Value;

use crate::error::{Error, Service};
use crate::euler::{EulerClient, json_id};

/// A browser user agent (Edge on Windows, as TLC's default preset); the sign server signs with
/// it and the WebSocket must send the same one.
pub const DEFAULT_USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";

/// Where a room id came from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomSource {
    /// `api-live/user/room`.
    WebApi,
    /// The live page's `SIGI_STATE`.
    LivePage,
    /// Euler's `room_id`.
    Euler,
    /// Given by the caller.
    Given,
}

/// A resolved live room.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomInfo {
    /// The unique id, normalised.
    pub unique_id: String,
    /// The room id, exact.
    pub room_id: String,
    /// The streamer's user id, when the answer had it.
    pub anchor_id: Option<String>,
    /// Where it came from.
    pub source: RoomSource,
}

/// `@alice`, `https://www.tiktok.com/@alice/live` → `alice`.
pub fn normalize_unique_id(input: &str) -> Result<String, Error> {
    let mut id = input.trim();
    for prefix in [
        "https://www.tiktok.com/",
        "http://www.tiktok.com/",
        "www.tiktok.com/",
        "tiktok.com/",
    ] {
        if let Some(rest) = id.strip_prefix(prefix) {
            id = rest;
        }
    }
    let id = id.strip_suffix("/live").unwrap_or(id);
    let id = id
        .strip_prefix('@')
        .unwrap_or(id)
        .trim()
        .trim_end_matches('/');
    if id.is_empty() || id.contains(['/', '?', '#', ' ', '&']) {
        return Err(Error::InvalidUniqueId(input.to_owned()));
    }
    Ok(id.to_owned())
}

/// The HTTP side of TikTok (room lookups, room info, the ttwid cookie).
#[derive(Debug, Clone)]
pub struct RoomLookup {
    web: HttpClient,
    webcast: HttpClient,
    euler: Option<EulerClient>,
}

impl RoomLookup {
    /// Lookups against `web_url` (`https://www.tiktok.com`) and `webcast_url`
    /// (`https://webcast.tiktok.com`), falling back to Euler when given.
    pub fn new(
        web_url: &str,
        webcast_url: &str,
        user_agent: &str,
        euler: Option<EulerClient>,
    ) -> Result<RoomLookup, Error> {
        let pool = ConnectionPool::new().map_err(|e| Error::http(Service::TikTok, e))?;
        RoomLookup::with_connection_pool(web_url, webcast_url, user_agent, euler, pool)
    }

    /// As [`RoomLookup::new`], keeping connections in `pool` (shared with other clients: one
    /// TikTok client per room need not keep idle connections of its own).
    pub fn with_connection_pool(
        web_url: &str,
        webcast_url: &str,
        user_agent: &str,
        euler: Option<EulerClient>,
        pool: ConnectionPool,
    ) -> Result<RoomLookup, Error> {
        let build = |url: &str| {
            HttpClient::builder(url)
                .connection_pool(pool.clone())
                .user_agent(user_agent)
                .header("accept", "text/html,application/json,application/protobuf")
                .header("referer", "https://www.tiktok.com/")
                .header("origin", "https://www.tiktok.com")
                .header("accept-language", "en-US,en;q=0.9")
                .timeout(Duration::from_secs(10))
                .retry_policy(RetryPolicy::default().max_retries(1))
                // Redirects and errors are read, not retried: a 3xx to a login page is a block.
                .classifier(|r: &live_http::Response| {
                    if r.status() < 400 {
                        live_http::Verdict::Success
                    } else {
                        live_http::Verdict::Failure(live_http::StatusClassifier::failure_of(r))
                    }
                })
                .build()
                .map_err(|e| Error::http(Service::TikTok, e))
        };
        Ok(RoomLookup {
            web: build(web_url)?,
            webcast: build(webcast_url)?,
            euler,
        })
    }

    /// Resolves a unique id to its live room, trying the web API, the live page, then Euler.
    /// Not found and offline are definite answers; a blocked or failed step falls through to
    /// the next.
    pub async fn resolve(&self, unique_id: &str) -> Result<RoomInfo, Error> {
        let unique_id = normalize_unique_id(unique_id)?;
        let mut last_error = match self.ask_web_api(&unique_id).await {
            Ok(room) => return Ok(room),
            Err(e @ (Error::UserNotFound { .. } | Error::UserOffline { .. })) => return Err(e),
            Err(e) => e,
        };
        tracing::debug!(error = %last_error, "room id: web API failed, trying the live page");
        match self.read_live_page(&unique_id).await {
            Ok(room) => return Ok(room),
            Err(e @ (Error::UserNotFound { .. } | Error::UserOffline { .. })) => return Err(e),
            Err(e) => last_error = e,
        }
        if let Some(euler) = &self.euler {
            tracing::debug!(error = %last_error, "room id: live page failed, asking Euler");
            let answer = match euler.room_id(&unique_id).await {
                Ok(answer) => answer,
                // Without a plan that includes `room_id`, the block is the news.
                Err(Error::Unauthorized { .. } | Error::PlanRequired { .. }) => {
                    return Err(last_error);
                }
                Err(other) => return Err(other),
            };
            if answer.is_live == Some(false) {
                return Err(Error::UserOffline { unique_id });
            }
            if let Some(room_id) = answer.room_id.filter(|r| r != "0") {
                return Ok(RoomInfo {
                    unique_id,
                    room_id,
                    anchor_id: None,
                    source: RoomSource::Euler,
                });
            }
            return Err(Error::UserOffline { unique_id });
        }
        Err(last_error)
    }

    async fn ask_web_api(&self, unique_id: &str) -> Result<RoomInfo, Error> {
        let response = self
            .web
            .get("/api-live/user/room/")
            .query("aid", 1988)
            .query("app_name", "tiktok_web")
            .query("device_platform", "web_pc")
            .query("app_language", "en")
            .query("browser_language", "en-US")
            .query("region", "US")
            .query("user_is_login", false)
            .query("sourceType", 54)
            .query("staleTime", 600000)
            .query("uniqueId", unique_id)
            .send()
            .await
            .map_err(|e| Error::http(Service::TikTok, e))?;
        let body: Value = serde_json::from_slice(response.body()).map_err(|_| Error::Blocked {
            url: response.url().to_owned(),
            reason: "the room API did not answer JSON (captcha or firewall?)".to_owned(),
        })?;
        let status_code = body.get("statusCode").and_then(Value::as_i64).unwrap_or(0);
        let message = body.get("message").and_then(Value::as_str).unwrap_or("");
        if status_code == 19_881_007 || message == "user_not_found" {
            return Err(Error::UserNotFound {
                unique_id: unique_id.to_owned(),
            });
        }
        let user = body.pointer("/data/user");
        let room_id = user.and_then(|u| u.get("roomId")).and_then(json_id);
        let status = body
            .pointer("/data/liveRoom/status")
            .or_else(|| user.and_then(|u| u.get("status")))
            .and_then(Value::as_i64);
        if body.get("data").is_none() {
            return Err(Error::Blocked {
                url: response.url().to_owned(),
                reason: format!("statusCode {status_code} without data"),
            });
        }
        match (room_id, status) {
            (_, Some(4)) | (None, _) => Err(Error::UserOffline {
                unique_id: unique_id.to_owned(),
            }),
            (Some(room_id), _) => Ok(RoomInfo {
                unique_id: unique_id.to_owned(),
                room_id,
                anchor_id: user.and_then(|u| u.get("id")).and_then(json_id),
                source: RoomSource::WebApi,
            }),
        }
    }

    async fn read_live_page(&self, unique_id: &str) -> Result<RoomInfo, Error> {
        let response = self
            .web
            .get(&format!("/@{unique_id}/live"))
            .send()
            .await
            .map_err(|e| Error::http(Service::TikTok, e))?;
        let html = response.text();
        let blocked = |reason: &str| Error::Blocked {
            url: response.url().to_owned(),
            reason: reason.to_owned(),
        };
        let state = sigi_state(&html)
            .ok_or_else(|| blocked("no SIGI_STATE in the live page (captcha or firewall?)"))?;
        let state: Value =
            serde_json::from_str(state).map_err(|_| blocked("SIGI_STATE is not JSON"))?;
        let Some(info) = state.pointer("/LiveRoom/liveRoomUserInfo") else {
            return Err(Error::UserNotFound {
                unique_id: unique_id.to_owned(),
            });
        };
        let user = info.get("user");
        let status = info
            .pointer("/liveRoom/status")
            .or_else(|| user.and_then(|u| u.get("status")))
            .and_then(Value::as_i64);
        let room_id = user.and_then(|u| u.get("roomId")).and_then(json_id);
        match (room_id, status) {
            (_, Some(4)) | (None, _) => Err(Error::UserOffline {
                unique_id: unique_id.to_owned(),
            }),
            (Some(room_id), _) => Ok(RoomInfo {
                unique_id: unique_id.to_owned(),
                room_id,
                anchor_id: user.and_then(|u| u.get("id")).and_then(json_id),
                source: RoomSource::LivePage,
            }),
        }
    }

    /// Checks `webcast/room/info`: age-restricted rooms (`prompts`, status codes 4003110 and
    /// 10011) and ended rooms (status 4) are typed errors. Not needed to connect; failures of
    /// the request itself are the caller's to ignore.
    pub async fn check_room(&self, room_id: &str, unique_id: &str) -> Result<(), Error> {
        let response = self
            .webcast
            .get("/webcast/room/info/")
            .query("aid", 1988)
            .query("app_name", "tiktok_web")
            .query("room_id", room_id)
            .send()
            .await
            .map_err(|e| Error::http(Service::TikTok, e))?;
        let Ok(body) = serde_json::from_slice::<Value>(response.body()) else {
            return Ok(());
        };
        let status_code = body.get("status_code").and_then(Value::as_i64).unwrap_or(0);
        let data = body.get("data");
        let message = data
            .and_then(|d| d.get("message"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let prompts = data.is_some_and(|d| d.get("prompts").is_some());
        if matches!(status_code, 4_003_110 | 10_011) || prompts {
            return Err(Error::AgeRestricted {
                room_id: room_id.to_owned(),
                message,
            });
        }
        if data.and_then(|d| d.get("status")).and_then(Value::as_i64) == Some(4) {
            return Err(Error::UserOffline {
                unique_id: unique_id.to_owned(),
            });
        }
        Ok(())
    }

    /// `GET {web}/` and the `ttwid` cookie it sets (the direct, signer-free flow).
    pub async fn ttwid(&self) -> Result<Secret, Error> {
        let response = self
            .web
            .get("/")
            .send()
            .await
            .map_err(|e| Error::http(Service::TikTok, e))?;
        response
            .headers()
            .get_all("set-cookie")
            .into_iter()
            .find_map(|cookie| {
                let pair = cookie.split(';').next()?.trim();
                let value = pair.strip_prefix("ttwid=")?;
                (!value.is_empty()).then(|| Secret::new(format!("ttwid={value}")))
            })
            .ok_or_else(|| Error::Bootstrap("tiktok.com set no ttwid cookie".to_owned()))
    }
}

/// The JSON inside `<script id="SIGI_STATE" ...>...</script>`.
fn sigi_state(html: &str) -> Option<&str> {
    let start = html.find("id=\"SIGI_STATE\"")?;
    let open = start + html[start..].find('>')? + 1;
    let close = open + html[open..].find("</script>")?;
    Some(html[open..close].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_unique_ids() {
        for input in [
            "alice_01",
            "@alice_01",
            " @alice_01 ",
            "https://www.tiktok.com/@alice_01/live",
            "https://www.tiktok.com/@alice_01",
        ] {
            assert_eq!(normalize_unique_id(input).unwrap(), "alice_01", "{input}");
        }
        for bad in ["", "@", "a b", "a/b"] {
            assert!(normalize_unique_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn finds_sigi_state() {
        let html =
            r#"<html><script id="SIGI_STATE" type="application/json">{"a":1}</script></html>"#;
        assert_eq!(sigi_state(html), Some(r#"{"a":1}"#));
        assert_eq!(sigi_state("<html>Please wait...</html>"), None);
    }
}
