//! The WebSocket URL (tiktok.md §1.6) and the cookie header.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 "unreserved" is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// The inputs of the URL.
pub(crate) struct UrlParts<'a> {
    pub push_server: &'a str,
    pub room_id: &'a str,
    pub user_agent: &'a str,
    pub cursor: &'a str,
    pub internal_ext: &'a str,
    pub route_params: &'a [(String, String)],
    pub direct: bool,
    pub last_rtt: f64,
}

/// `push_server?params&version_code=270000`: the base parameters of the production web
/// client, the cursor, then the fetch result's route parameters (non-empty ones; they replace
/// base ones of the same name), every value percent-encoded once. `version_code` appears twice
/// (180800, then 270000) as the web client sends it.
pub(crate) fn websocket_url(parts: &UrlParts<'_>) -> String {
    let (browser_name, browser_version) = parts
        .user_agent
        .split_once('/')
        .unwrap_or((parts.user_agent, ""));
    let mut params: Vec<(String, String)> = [
        ("version_code", "180800"),
        ("update_version_code", "2.0.0"),
        ("aid", "1988"),
        ("app_name", "tiktok_web"),
        ("device_platform", "web"),
        ("app_language", "en-US"),
        ("webcast_language", "en"),
        ("browser_language", "en-US"),
        ("browser_platform", "Win32"),
        ("browser_name", browser_name),
        ("browser_version", browser_version),
        ("browser_online", "true"),
        ("cookie_enabled", "true"),
        ("tz_name", "Etc/UTC"),
        ("screen_width", "1920"),
        ("screen_height", "1080"),
        ("identity", "audience"),
        ("live_id", "12"),
        ("ws_direct", if parts.direct { "1" } else { "0" }),
        ("sup_ws_ds_opt", "1"),
        ("did_rule", "3"),
        ("client_enter", "1"),
        (
            "heartbeat_duration",
            if parts.direct { "10000" } else { "0" },
        ),
        ("resp_content_type", "protobuf"),
        ("history_comment_count", "6"),
        ("compress", "gzip"),
        ("room_id", parts.room_id),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    params.push(("last_rtt".to_owned(), format!("{:.3}", parts.last_rtt)));
    for (name, value) in [
        ("cursor", parts.cursor),
        ("internal_ext", parts.internal_ext),
    ] {
        if !value.is_empty() {
            params.push((name.to_owned(), value.to_owned()));
        }
    }
    for (name, value) in parts.route_params {
        if value.is_empty() {
            continue;
        }
        match params.iter_mut().find(|(n, _)| n == name) {
            Some(existing) => existing.1 = value.clone(),
            None => params.push((name.clone(), value.clone())),
        }
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let separator = if parts.push_server.contains('?') {
        '&'
    } else {
        '?'
    };
    format!(
        "{}{separator}{}&version_code=270000",
        parts.push_server,
        query.join("&")
    )
}

/// Cookie names that carry a logged-in session: never forwarded to the WebSocket.
const SESSION_COOKIES: [&str; 5] = [
    "sessionid",
    "sessionid_ss",
    "sid_tt",
    "sid_guard",
    "tt-target-idc",
];
/// `Set-Cookie` attributes, which are not cookies.
const ATTRIBUTES: [&str; 7] = [
    "path", "domain", "expires", "max-age", "samesite", "secure", "httponly",
];

/// The `Cookie` header from a cookie string such as `X-Set-TT-Cookie` (`a=1; b=2`, possibly
/// with `Set-Cookie` attributes), without session cookies.
pub(crate) fn cookie_header(raw: &str) -> String {
    raw.split([';', ','])
        .filter_map(|part| {
            let (name, value) = part.trim().split_once('=')?;
            let name = name.trim();
            let lower = name.to_ascii_lowercase();
            if name.is_empty()
                || ATTRIBUTES.contains(&lower.as_str())
                || SESSION_COOKIES.contains(&lower.as_str())
            {
                return None;
            }
            Some(format!("{name}={}", value.trim()))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_url_with_encoded_route_params_and_version_code_twice() {
        let route = vec![
            ("user_agent".to_owned(), "Mozilla/5.0 (X11)".to_owned()),
            ("empty".to_owned(), String::new()),
            ("room_id".to_owned(), "99".to_owned()),
        ];
        let url = websocket_url(&UrlParts {
            push_server: "wss://push.example/ws/",
            room_id: "7",
            user_agent: "Mozilla/5.0 (Windows NT 10.0)",
            cursor: "c1",
            internal_ext: "x=1|y",
            route_params: &route,
            direct: false,
            last_rtt: 150.1234,
        });
        assert!(
            url.starts_with("wss://push.example/ws/?version_code=180800&"),
            "{url}"
        );
        assert!(url.ends_with("&version_code=270000"), "{url}");
        assert!(
            url.contains("&user_agent=Mozilla%2F5.0%20%28X11%29&"),
            "{url}"
        );
        assert!(
            url.contains("&browser_version=5.0%20%28Windows%20NT%2010.0%29&"),
            "{url}"
        );
        assert!(url.contains("&room_id=99&"), "{url}");
        assert!(!url.contains("empty="), "{url}");
        assert!(url.contains("&internal_ext=x%3D1%7Cy"), "{url}");
        assert!(url.contains("&last_rtt=150.123&"), "{url}");
        assert_eq!(
            url.matches("version_code=").count(),
            3,
            "update_version_code too: {url}"
        );
    }

    #[test]
    fn cookie_header_drops_attributes_and_sessions() {
        assert_eq!(
            cookie_header("ttwid=1|abc|2; Path=/; tt_csrf_token=x; sessionid=s; HttpOnly"),
            "ttwid=1|abc|2; tt_csrf_token=x"
        );
    }
}
