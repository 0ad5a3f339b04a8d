//! Where the `live` tool connects: every `LIVE_*` variable of DESIGN.md §3.1 in one place,
//! with its default. Secrets are wrapped at once so they never print.

use live_http::Secret;

/// The settings read from the environment.
#[derive(Debug, Clone)]
pub struct Env {
    /// `LIVE_KICK_API_URL`: channel lookup and viewer counts.
    pub kick_api_url: String,
    /// `LIVE_KICK_TRANSPORT`: `auto`, `pusher` or `centrifugo`.
    pub kick_transport: String,
    /// `LIVE_KICK_PUSHER_URL`: the Pusher WebSocket URL.
    pub kick_pusher_url: String,
    /// `LIVE_KICK_WEB_URL`: transport negotiation and the Centrifugo token.
    pub kick_web_url: String,
    /// `LIVE_TIKTOK_WEB_URL`: room id lookup.
    pub tiktok_web_url: String,
    /// `LIVE_TIKTOK_WEBCAST_URL`: webcast API.
    pub tiktok_webcast_url: String,
    /// `LIVE_EULER_URL`.
    pub euler_url: String,
    /// `LIVE_EULER_API_KEY`.
    pub euler_api_key: Option<Secret>,
    /// `LIVE_TIKHUB_URL`.
    pub tikhub_url: String,
    /// `LIVE_TIKHUB_TOKEN` (Bearer).
    pub tikhub_token: Option<Secret>,
    /// `LIVE_TIKHUB_BASIC` (`user:password`).
    pub tikhub_basic: Option<Secret>,
    /// `LIVE_TENCENT_URL`: overrides the region's host.
    pub tencent_url: Option<String>,
    /// `LIVE_TENCENT_REGION` (default `singapore`).
    pub tencent_region: String,
    /// `LIVE_TENCENT_SDKAPPID`.
    pub tencent_sdkappid: Option<String>,
    /// `LIVE_TENCENT_KEY`.
    pub tencent_key: Option<Secret>,
    /// `LIVE_TENCENT_IDENTIFIER` (default `administrator`).
    pub tencent_identifier: String,
    /// `LIVE_KITKOT_URL`.
    pub kitkot_url: String,
    /// `LIVE_KITKOT_API_KEY`.
    pub kitkot_api_key: Option<Secret>,
    /// `LIVE_KITKOT_SESSION_KEY`.
    pub kitkot_session_key: Option<Secret>,
}

/// Kick's public Pusher app (key `32cbd69e4b950bf97679`, cluster us2).
pub const DEFAULT_KICK_PUSHER_URL: &str = "wss://ws-us2.pusher.com/app/32cbd69e4b950bf97679?protocol=7&client=js&version=8.4.0&flash=false";

impl Env {
    /// Reads the process environment.
    pub fn from_process() -> Env {
        Env::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Env {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let or = |name: &str, default: &str| get(name).unwrap_or_else(|| default.to_owned());
        let secret = |name: &str| get(name).map(Secret::new);
        Env {
            kick_api_url: or("LIVE_KICK_API_URL", "https://kick.com"),
            kick_transport: or("LIVE_KICK_TRANSPORT", "auto"),
            kick_pusher_url: or("LIVE_KICK_PUSHER_URL", DEFAULT_KICK_PUSHER_URL),
            kick_web_url: or("LIVE_KICK_WEB_URL", "https://web.kick.com"),
            tiktok_web_url: or("LIVE_TIKTOK_WEB_URL", "https://www.tiktok.com"),
            tiktok_webcast_url: or("LIVE_TIKTOK_WEBCAST_URL", "https://webcast.tiktok.com"),
            euler_url: or("LIVE_EULER_URL", "https://tiktok.eulerstream.com"),
            euler_api_key: secret("LIVE_EULER_API_KEY"),
            tikhub_url: or("LIVE_TIKHUB_URL", "https://api.tikhubapi.com"),
            tikhub_token: secret("LIVE_TIKHUB_TOKEN"),
            tikhub_basic: secret("LIVE_TIKHUB_BASIC"),
            tencent_url: get("LIVE_TENCENT_URL"),
            tencent_region: or("LIVE_TENCENT_REGION", "singapore"),
            tencent_sdkappid: get("LIVE_TENCENT_SDKAPPID"),
            tencent_key: secret("LIVE_TENCENT_KEY"),
            tencent_identifier: or("LIVE_TENCENT_IDENTIFIER", "administrator"),
            kitkot_url: or("LIVE_KITKOT_URL", "https://kitkot.xyz/api"),
            kitkot_api_key: secret("LIVE_KITKOT_API_KEY"),
            kitkot_session_key: secret("LIVE_KITKOT_SESSION_KEY"),
        }
    }

    /// A required setting, or a usage error naming the variable.
    pub fn require<'a, T>(
        value: &'a Option<T>,
        variable: &str,
    ) -> Result<&'a T, crate::error::CliError> {
        value
            .as_ref()
            .ok_or_else(|| crate::error::CliError::usage(format!("{variable} is not set")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let env = Env::from_lookup(|name| match name {
            "LIVE_KICK_API_URL" => Some("http://127.0.0.1:9".to_owned()),
            "LIVE_TENCENT_KEY" => Some("k".to_owned()),
            "LIVE_EULER_API_KEY" => Some("  ".to_owned()),
            _ => None,
        });
        assert_eq!(env.kick_api_url, "http://127.0.0.1:9");
        assert_eq!(env.kick_transport, "auto");
        assert_eq!(env.tencent_identifier, "administrator");
        assert_eq!(env.tencent_region, "singapore");
        assert!(env.euler_api_key.is_none());
        assert_eq!(env.tencent_key.as_ref().map(Secret::expose), Some("k"));
        assert!(!format!("{env:?}").contains("\"k\""));
    }
}
