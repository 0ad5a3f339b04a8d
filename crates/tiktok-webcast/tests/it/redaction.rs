//! Secrets (the Euler key, TikTok cookies) never reach Debug output, errors or logs.

use live_http::Secret;
use live_testkit::tiktok::{EmulatorConfig, TikTokEmulator};
use tiktok_webcast::euler::{EulerAuth, EulerClient, FetchRequest};
use tiktok_webcast::{ReconnectPolicy, TikTokClient, TikTokEvent};

const KEY: &str = "sk_euler_SECRET_0123456789";

#[tokio::test(start_paused = true)]
async fn keys_and_cookies_never_print() {
    let capture = live_testkit::logs::LogCapture::start();

    let mut config = EmulatorConfig::live("alice_01", "7300000000000000001");
    config.euler_key = Some(KEY.to_owned());
    config.tt_cookie = "ttwid=COOKIE_SECRET_42; Path=/".to_owned();
    let emu = TikTokEmulator::start(config).await.unwrap();

    // A failing call with the key in the query.
    let client = EulerClient::builder()
        .base_url(emu.euler.url())
        .auth(EulerAuth::ApiKeyQuery(Secret::new("wrong_SECRET_key")))
        .build()
        .unwrap();
    let error = client.fetch(&FetchRequest::room("1")).await.unwrap_err();
    let builder = TikTokClient::builder("alice_01")
        .web_url(emu.web.url())
        .webcast_url(emu.web.url())
        .euler_url(emu.euler.url())
        .euler_api_key(Secret::new(KEY))
        .reconnect(ReconnectPolicy::never());
    let debug_builder = format!("{builder:?}");
    let mut stream = builder.build().unwrap().connect().await.unwrap();
    assert!(matches!(
        stream.next_event().await,
        Some(TikTokEvent::Connected(_))
    ));
    stream.close().await;
    let cookie = emu.push.connections()[0]
        .request
        .header("cookie")
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.contains("COOKIE_SECRET_42"),
        "the push server got the cookie: {cookie}"
    );

    let logs = capture.text();
    for (what, text) in [
        ("error", format!("{error} {error:?}")),
        ("builder", debug_builder),
        ("client", format!("{client:?}")),
        ("logs", logs),
    ] {
        for secret in [KEY, "wrong_SECRET_key", "COOKIE_SECRET_42"] {
            assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
        }
    }
}
