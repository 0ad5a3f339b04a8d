use live_http::{Auth, HttpClient, RetryPolicy, Secret};
use live_testkit::{HttpServer, Reply};
use serde_json::json;

const KEY: &str = "sk_live_0123456789abcdef";
const SESSION: &str = "sess-fedcba9876543210";
const TOKEN: &str = "tok-5555";

fn assert_clean(what: &str, text: &str) {
    for secret in [KEY, SESSION, TOKEN] {
        assert!(!text.contains(secret), "{what} leaks a secret: {text}");
    }
}

#[tokio::test(start_paused = true)]
async fn secrets_never_reach_debug_errors_or_logs() {
    let capture = live_testkit::logs::LogCapture::start();

    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/live/join",
        [
            Reply::status(503),
            Reply::json(
                404,
                &json!({"code": 404, "msg": "That room does not exist"}),
            ),
        ],
    );
    let http = HttpClient::builder(&server.url())
        .auth(Auth::query_key("api_key", KEY))
        .auth(Auth::bearer(TOKEN))
        .retry_policy(RetryPolicy::default().max_retries(2))
        .build()
        .unwrap();
    let error = http
        .get("/live/join")
        .secret_query("session_key", Secret::new(SESSION))
        .query("room_id", "123")
        .send()
        .await
        .unwrap_err();

    // The server did get the secrets...
    let sent = &server.requests_to("/live/join")[0];
    assert_eq!(sent.query_param("api_key").as_deref(), Some(KEY));
    assert_eq!(sent.query_param("session_key").as_deref(), Some(SESSION));
    // ...and nothing we print shows them.
    assert_clean("client Debug", &format!("{http:?}"));
    assert_clean("error Display", &error.to_string());
    assert_clean("error Debug", &format!("{error:?}"));
    assert_clean("Auth Debug", &format!("{:?}", Auth::basic("u", TOKEN)));
    assert_clean(
        "Secret",
        &format!("{} {:?}", Secret::new(KEY), Secret::new(KEY)),
    );
    let url = error.url().unwrap();
    assert!(
        url.contains("api_key=***") && url.contains("session_key=***"),
        "{url}"
    );
    assert!(url.contains("room_id=123"), "{url}");

    let logs = capture.text();
    assert!(
        logs.contains("retrying"),
        "the retry was not logged: {logs}"
    );
    assert_clean("tracing output", &logs);
}
