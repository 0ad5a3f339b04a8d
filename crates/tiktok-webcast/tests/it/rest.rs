//! The Euler and TikHub clients against the emulator.

use std::time::Duration;

use live_http::{RetryPolicy, Secret};
use live_testkit::tiktok::{EmulatorConfig, TikTokEmulator};
use tiktok_webcast::euler::{
    ChatRequest, EulerAuth, EulerClient, FetchRequest, SessionAuth, SignUrlRequest, StreamType,
};
use tiktok_webcast::tikhub::{Product, TikhubClient};
use tiktok_webcast::{Error, Service};

const KEY: &str = "euler_test_key_0123456789";

async fn emulator() -> TikTokEmulator {
    let mut config = EmulatorConfig::live("alice_01", "7300000000000000001");
    config.euler_key = Some(KEY.to_owned());
    config.fetch_rate_limited = 1;
    TikTokEmulator::start(config).await.unwrap()
}

fn euler(emulator: &TikTokEmulator, auth: EulerAuth) -> EulerClient {
    EulerClient::builder()
        .base_url(emulator.euler.url())
        .auth(auth)
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn fetch_sends_the_client_id_and_key_and_returns_binary_and_cookies_after_a_429() {
    let emu = emulator().await;
    let client = euler(&emu, EulerAuth::ApiKeyHeader(Secret::new(KEY)));
    let started = tokio::time::Instant::now();
    let answer = client
        .fetch(
            &FetchRequest::room("7300000000000000001")
                .user_agent("Mozilla/5.0 test")
                .cursor("c-1"),
        )
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited out retry-after"
    );
    assert!(!answer.body.is_empty());
    assert!(answer.tt_cookie.unwrap().expose().starts_with("ttwid="));
    assert_eq!(answer.room_id.as_deref(), Some("7300000000000000001"));
    let requests = emu.fetches();
    assert_eq!(requests.len(), 2, "one 429, one success");
    let sent = &requests[1];
    assert_eq!(sent.query_param("client").as_deref(), Some("ttlive-rust"));
    assert_eq!(
        sent.query_param("user_agent").as_deref(),
        Some("Mozilla/5.0 test")
    );
    assert_eq!(sent.query_param("cursor").as_deref(), Some("c-1"));
    assert_eq!(sent.query_param("client_enter").as_deref(), Some("true"));
    assert_eq!(sent.header("x-api-key"), Some(KEY));
}

#[tokio::test(start_paused = true)]
async fn every_auth_mode_reaches_the_server() {
    let emu = emulator().await;
    for auth in [
        EulerAuth::ApiKeyQuery(Secret::new(KEY)),
        EulerAuth::Jwt(Secret::new(KEY)),
        EulerAuth::ApiKeyHeader(Secret::new(KEY)),
    ] {
        let limits = euler(&emu, auth).rate_limits().await.unwrap();
        assert_eq!(limits.minute.unwrap().max, Some(60));
        assert!(limits.load_shedding.is_some());
    }
    let requests = emu.euler.requests_to("/webcast/rate_limits");
    assert_eq!(requests[0].query_param("apiKey").as_deref(), Some(KEY));
    assert_eq!(requests[1].header("x-jwt-key"), Some(KEY));
    assert_eq!(requests[2].header("x-api-key"), Some(KEY));
}

#[tokio::test(start_paused = true)]
async fn unauthorized_and_plan_errors_are_typed_and_never_retried() {
    let emu = emulator().await;
    let wrong = euler(&emu, EulerAuth::ApiKeyHeader(Secret::new("nope")));
    let error = wrong.room_id("alice_01").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unauthorized {
                service: Service::Euler,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(emu.euler.requests_to("/webcast/room_id").len(), 1);
    let client = euler(&emu, EulerAuth::ApiKeyHeader(Secret::new(KEY)));
    let error = client.room_cover("alice_01").await.unwrap_err();
    assert!(matches!(error, Error::PlanRequired { .. }), "{error:?}");
    let error = client
        .room_video("alice_01", Some(StreamType::FlvSd))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::PlanRequired { .. }), "{error:?}");
    assert_eq!(
        emu.euler.requests_to("/webcast/room_video")[0]
            .query_param("streamType")
            .as_deref(),
        Some("flv_sd")
    );
    let error = client
        .send_chat(&ChatRequest::new("7300000000000000001", "hi"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::PlanRequired { .. }), "{error:?}");
    assert_eq!(emu.euler.requests_to("/webcast/chat").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn rate_limits_past_the_retries_are_typed_with_the_label_and_wait() {
    let mut config = EmulatorConfig::live("alice_01", "7300000000000000001");
    config.fetch_rate_limited = 10;
    let emu = TikTokEmulator::start(config).await.unwrap();
    let client = EulerClient::builder()
        .base_url(emu.euler.url())
        .retry_policy(RetryPolicy::default().max_retries(1))
        .build()
        .unwrap();
    let error = client.fetch(&FetchRequest::room("1")).await.unwrap_err();
    let Error::RateLimited {
        retry_after, label, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(2)));
    assert_eq!(label.as_deref(), Some("rate_limit_account_minute"));
    assert!(error.is_retryable());
    assert_eq!(emu.fetches().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn room_lookups_chat_and_signing() {
    let emu = emulator().await;
    let client = euler(&emu, EulerAuth::ApiKeyHeader(Secret::new(KEY)));
    let room = client.room_id("alice_01").await.unwrap();
    assert_eq!(
        (room.ok, room.is_live, room.room_id.as_deref()),
        (true, Some(true), Some("7300000000000000001"))
    );
    let info = client.room_info("alice_01").await.unwrap();
    assert_eq!(info.room_id().as_deref(), Some("7300000000000000001"));
    assert_eq!(
        (info.is_live(), info.current_viewers()),
        (Some(true), Some(1234))
    );
    let sent = client
        .send_chat(
            &ChatRequest::new("7300000000000000001", "hello")
                .session(SessionAuth::Cookie(Secret::new("sessionid=s3cr3t"))),
        )
        .await
        .unwrap();
    assert_eq!(sent.code, Some(200));
    let chat = &emu.euler.requests_to("/webcast/chat")[0];
    assert_eq!(chat.json().unwrap()["targetRoomId"], "7300000000000000001");
    assert_eq!(chat.header("x-cookie-header"), Some("sessionid=s3cr3t"));
    let signed = client
        .sign_url(&SignUrlRequest::new(
            "https://webcast.tiktok.com/webcast/room/info/?room_id=1",
        ))
        .await
        .unwrap();
    assert!(signed.signed_url().unwrap().contains("X-Bogus"));
    assert_eq!(
        emu.euler.requests_to("/webcast/sign_url")[0]
            .query_param("client")
            .as_deref(),
        Some("ttlive-rust")
    );
}

#[tokio::test(start_paused = true)]
async fn tikhub_live_info_keeps_the_double_slash_and_maps_errors() {
    let emu = emulator().await;
    let client = TikhubClient::builder()
        .base_url(emu.tikhub.url())
        .basic(&Secret::new("user:pass"))
        .build()
        .unwrap();
    assert_eq!(client.product(), Product::TikhubApi);
    let info = client
        .live_info("7531095702089370381", Some("6796815426174960646"))
        .await
        .unwrap();
    assert_eq!(info.code, Some(0));
    assert_eq!(info.room_id().as_deref(), Some("7531095702089370381"));
    assert_eq!(info.room_status(), Some(2));
    let sent = &emu.tikhub.requests()[0];
    assert_eq!(sent.path, "/api/v1//live/info");
    assert_eq!(sent.header("authorization"), Some("Basic dXNlcjpwYXNz"));
    let error = client.live_info("428", None).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::SessionExpired {
                service: Service::Tikhub,
                ..
            }
        ),
        "{error:?}"
    );
    let error = client.live_info("", None).await.unwrap_err();
    assert!(matches!(error, Error::BadRequest { .. }), "{error:?}");
    let anonymous = TikhubClient::builder()
        .base_url(emu.tikhub.url())
        .build()
        .unwrap();
    assert!(matches!(
        anonymous.key_info().await.unwrap_err(),
        Error::Unauthorized { .. }
    ));
    let bearer = TikhubClient::builder()
        .base_url(emu.tikhub.url())
        .bearer(Secret::new("tok"))
        .build()
        .unwrap();
    for envelope in [
        bearer.ranking_list("1", "2").await.unwrap(),
        bearer.ranking_info(Some("1"), None).await.unwrap(),
        bearer.check_live("1").await.unwrap(),
        bearer.key_info().await.unwrap(),
    ] {
        assert_eq!(envelope.code, Some(200));
    }
    assert_eq!(
        emu.tikhub
            .requests()
            .last()
            .unwrap()
            .header("authorization"),
        Some("Bearer tok")
    );
}

#[tokio::test(start_paused = true)]
async fn tikhub_retries_429_and_500_then_types_them() {
    use live_testkit::{HttpServer, Reply};
    let server = HttpServer::start().await.unwrap();
    let busy = || {
        Reply::json(429, &serde_json::json!({"code": 429, "msg": "Rate limit"}))
            .header("retry-after", "1")
    };
    server.script(
        "GET",
        "/api/v1//live/info",
        [busy(), busy(), busy(), busy()],
    );
    server.script(
        "GET",
        "/api/v1/tikhub/user/get_user_info",
        [
            Reply::json(
                500,
                &serde_json::json!({"code": 500, "msg": "Server error"}),
            ),
            Reply::json(
                200,
                &serde_json::json!({"code": 200, "data": {"email": "a@b.c"}}),
            ),
        ],
    );
    let client = TikhubClient::builder()
        .base_url(server.url())
        .product(Product::TikhubApi)
        .bearer(Secret::new("tok"))
        .retry_policy(RetryPolicy::default().max_retries(2))
        .build()
        .unwrap();
    let error = client.live_info("1", None).await.unwrap_err();
    assert!(
        matches!(error, Error::RateLimited { service: Service::Tikhub, retry_after: Some(d), .. } if d == Duration::from_secs(1)),
        "{error:?}"
    );
    assert_eq!(
        server.requests_to("/api/v1//live/info").len(),
        3,
        "retried twice"
    );
    let info = client.key_info().await.unwrap();
    assert_eq!(info.data["email"], "a@b.c");
    let always_500 = HttpServer::start().await.unwrap();
    always_500.script(
        "GET",
        "/api/v1//live/info",
        [Reply::json(
            500,
            &serde_json::json!({"code": 500, "msg": "down"}),
        )],
    );
    let client = TikhubClient::builder()
        .base_url(always_500.url())
        .basic(&Secret::new("u:p"))
        .retry_policy(RetryPolicy::default().max_retries(1))
        .build()
        .unwrap();
    let error = client.live_info("1", None).await.unwrap_err();
    let Error::Http { source, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(source.status(), Some(500));
    assert!(error.is_retryable());
}
