use live_http::ErrorKind;
use live_testkit::{HttpServer, Reply};
use serde::Deserialize;
use serde_json::json;

use crate::client;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Envelope {
    data: Data,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Data {
    users: Vec<UserRow>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct UserRow {
    id: u64,
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/u",
        [Reply::json(
            200,
            &json!({"data": {"users": [{"id": 1}, {"id": "two"}]}}),
        )],
    );
    let http = client(&server).build().unwrap();
    let error = http.get("/u").send_json::<Envelope>().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.json_path(), Some("data.users[1].id"));
    assert!(error.to_string().contains("data.users[1].id"), "{error}");
}

#[tokio::test]
async fn html_where_json_was_expected_is_named() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/api/v2/channels/xqc",
        [Reply::text(
            200,
            "text/html",
            "<!DOCTYPE html><html><title>Just a moment...</title></html>",
        )],
    );
    let http = client(&server).build().unwrap();
    let error = http
        .get("/api/v2/channels/xqc")
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.is_html());
    assert!(error.to_string().contains("HTML"), "{error}");
}

#[tokio::test]
async fn errors_carry_status_code_message_and_request_id() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/x",
        [Reply::json(
            403,
            &json!({"code": 40301, "message": "premium plan required"}),
        )
        .header("x-request-id", "req-42")],
    );
    let http = client(&server).build().unwrap();
    let error = http.get("/x").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.platform_code(), Some("40301"));
    assert_eq!(error.message(), Some("premium plan required"));
    assert_eq!(error.request_id(), Some("req-42"));
    let text = error.to_string();
    for part in [
        "GET",
        "/x",
        "HTTP 403",
        "40301",
        "premium plan required",
        "req-42",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
}

#[tokio::test]
async fn responses_over_the_cap_are_refused() {
    let server = HttpServer::start().await.unwrap();
    let big = "x".repeat(64 * 1024);
    server.script("GET", "/big", [Reply::text(200, "text/plain", big)]);
    let http = client(&server)
        .max_response_bytes(16 * 1024)
        .build()
        .unwrap();
    let error = http.get("/big").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooLarge);
    assert_eq!(
        server.requests_to("/big").len(),
        1,
        "too large must not be retried"
    );
    // The cap can be raised for one request.
    let ok = http
        .get("/big")
        .max_response_bytes(128 * 1024)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.body().len(), 64 * 1024);
}

#[tokio::test]
async fn bad_base_urls_are_typed_errors() {
    let error = live_http::HttpClient::builder("kick.com")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn trailing_data_after_the_json_is_an_error() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/t",
        [Reply::text(200, "application/json", r#"{"a":1} {"b":2}"#)],
    );
    let http = client(&server).build().unwrap();
    let error = http
        .get("/t")
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("after the JSON"), "{error}");
    // White space after the document is fine.
    server.script(
        "GET",
        "/w",
        [Reply::text(200, "application/json", "{\"a\":1}\n  ")],
    );
    let ok: serde_json::Value = http.get("/w").send_json().await.unwrap();
    assert_eq!(ok["a"], 1);
}
