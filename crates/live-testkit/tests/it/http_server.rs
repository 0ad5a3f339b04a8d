use std::time::Duration;

use live_http::{ErrorKind, HttpClient, RetryPolicy};
use live_testkit::{HttpServer, Reply};
use serde_json::json;

fn client(server: &HttpServer) -> HttpClient {
    HttpClient::builder(&server.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn scripts_play_in_order_and_the_last_reply_repeats() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", [Reply::status(201), Reply::status(202)]);
    let http = client(&server);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(http.get("/x").send().await.unwrap().status());
    }
    assert_eq!(statuses, [201, 202, 202, 202]);
}

#[tokio::test]
async fn patterns_capture_segments_and_later_routes_win() {
    let server = HttpServer::start().await.unwrap();
    server.handle("GET", "/api/v2/channels/{slug}", |req| {
        Reply::json(200, &json!({ "slug": req.param("slug") }))
    });
    server.script("GET", "/api/v2/channels/banned", [Reply::status(403)]);
    let http = client(&server);
    let body: serde_json::Value = http
        .get("/api/v2/channels/x%20q")
        .send_json()
        .await
        .unwrap();
    assert_eq!(body, json!({"slug": "x q"}));
    let error = http
        .get("/api/v2/channels/banned")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403));
    // One segment only: a deeper path does not match.
    let error = http.get("/api/v2/channels/a/b").send().await.unwrap_err();
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn unmatched_requests_are_recorded_and_answered_404() {
    let server = HttpServer::start().await.unwrap();
    let http = client(&server);
    let error = http
        .post("/nowhere")
        .query("a", "1 2")
        .header("x-test", "yes")
        .json(&json!({"k": "v"}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    let recorded = &server.requests()[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.path, "/nowhere");
    assert_eq!(recorded.query_param("a").as_deref(), Some("1 2"));
    assert_eq!(recorded.header("X-Test"), Some("yes"));
    assert_eq!(recorded.json().unwrap(), json!({"k": "v"}));
    assert_eq!(recorded.path_and_query(), "/nowhere?a=1%202");
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn delays_use_tokio_time_and_drops_close_the_connection() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/slow",
        [Reply::status(200).delay(Duration::from_secs(20))],
    );
    server.script("GET", "/drop", [Reply::drop_connection()]);
    let http = client(&server);
    let start = tokio::time::Instant::now();
    http.get("/slow").send().await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(20));
    let error = http.get("/drop").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Interrupted);
}

#[tokio::test]
async fn headers_and_binary_bodies_are_served() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/bin",
        [
            Reply::bytes(200, "application/x-protobuf", vec![0x1f, 0x8b, 0x08])
                .header("X-Set-TT-Cookie", "ttwid=1|abc"),
        ],
    );
    let response = client(&server).get("/bin").send().await.unwrap();
    assert_eq!(response.body().as_ref(), [0x1f, 0x8b, 0x08]);
    assert_eq!(response.header("x-set-tt-cookie"), Some("ttwid=1|abc"));
    assert_eq!(
        response.header("content-type"),
        Some("application/x-protobuf")
    );
}
