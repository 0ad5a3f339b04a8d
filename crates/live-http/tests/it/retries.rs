use std::time::Duration;

use live_http::{ErrorKind, Failure, HttpClient, Response, RetryPolicy, Verdict};
use live_testkit::{HttpServer, Reply};
use serde_json::json;
use tokio::time::Instant;

use crate::client;

#[tokio::test(start_paused = true)]
async fn retries_5xx_until_success() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/x",
        [
            Reply::status(503),
            Reply::status(502),
            Reply::json(200, &json!({"ok": true})),
        ],
    );
    let http = client(&server).build().unwrap();
    let body: serde_json::Value = http.get("/x").send_json().await.unwrap();
    assert_eq!(body, json!({"ok": true}));
    assert_eq!(server.requests_to("/x").len(), 3);
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_the_retry_budget() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", [Reply::json(500, &json!({"message": "boom"}))]);
    let http = client(&server)
        .retry_policy(RetryPolicy::default().max_retries(2))
        .build()
        .unwrap();
    let error = http.get("/x").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.message(), Some("boom"));
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests_to("/x").len(), 3);
}

#[tokio::test(start_paused = true)]
async fn never_retries_other_4xx() {
    for status in [400, 401, 402, 403, 404, 422] {
        let server = HttpServer::start().await.unwrap();
        server.script("GET", "/x", [Reply::status(status)]);
        let http = client(&server).build().unwrap();
        let error = http.get("/x").send().await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(
            server.requests_to("/x").len(),
            1,
            "HTTP {status} was retried"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn honours_retry_after() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/x",
        [
            Reply::json(429, &json!({"message": "slow down"})).header("Retry-After", "7"),
            Reply::status(200),
        ],
    );
    let http = client(&server).build().unwrap();
    let start = Instant::now();
    http.get("/x").send().await.unwrap();
    let requests = server.requests_to("/x");
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(7));
    assert!(start.elapsed() < Duration::from_secs(8));
}

#[tokio::test(start_paused = true)]
async fn honours_x_ratelimit_reset_in_seconds_and_unix_time() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (value, at_least) in [("4".to_owned(), 4), ((now + 10).to_string(), 8)] {
        let server = HttpServer::start().await.unwrap();
        server.script(
            "GET",
            "/x",
            [
                Reply::status(429).header("X-RateLimit-Reset", value.as_str()),
                Reply::status(200),
            ],
        );
        let http = client(&server).build().unwrap();
        http.get("/x").send().await.unwrap();
        let requests = server.requests_to("/x");
        assert!(
            requests[1].at - requests[0].at >= Duration::from_secs(at_least),
            "{value}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_wait_longer_than_the_cap_is_returned_not_slept() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/x",
        [Reply::json(
            429,
            &json!({"message": "daily limit", "limit_label": "rate_limit_account_day"}),
        )
        .header("retry-after", "86400")],
    );
    let http = client(&server).build().unwrap();
    let error = http.get("/x").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(86400)));
    assert_eq!(server.requests_to("/x").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn retries_dropped_connections_and_refused_connects() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", [Reply::drop_connection(), Reply::status(200)]);
    let http = client(&server).build().unwrap();
    http.get("/x").send().await.unwrap();
    assert_eq!(server.requests_to("/x").len(), 2);

    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let http = HttpClient::builder(&format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::default().max_retries(2))
        .build()
        .unwrap();
    let error = http.get("/x").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert_eq!(error.attempts(), 3);
}

#[tokio::test(start_paused = true)]
async fn times_out_and_retries_timeouts() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/slow",
        [Reply::status(200).delay(Duration::from_secs(60))],
    );
    let http = client(&server)
        .timeout(Duration::from_secs(2))
        .retry_policy(RetryPolicy::default().max_retries(1))
        .build()
        .unwrap();
    let start = Instant::now();
    let error = http.get("/slow").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.attempts(), 2);
    assert!(start.elapsed() >= Duration::from_secs(4));
    assert!(start.elapsed() < Duration::from_secs(10));

    // A per-request timeout wins over the client's.
    let error = http
        .get("/slow")
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
}

#[tokio::test(start_paused = true)]
async fn a_platform_code_in_a_200_can_be_retryable() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "POST",
        "/v4/x",
        [
            Reply::json(200, &json!({"ActionStatus": "FAIL", "ErrorCode": 100001, "ErrorInfo": "internal", "RequestId": "r-1"})),
            Reply::json(200, &json!({"ActionStatus": "OK", "ErrorCode": 0})),
        ],
    );
    let classifier = |response: &Response| -> Verdict {
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
        match body["ErrorCode"].as_i64() {
            Some(0) => Verdict::Success,
            Some(code) => Verdict::Failure(
                Failure::new()
                    .code(code)
                    .message(body["ErrorInfo"].as_str().unwrap_or_default())
                    .request_id(body["RequestId"].as_str().unwrap_or_default())
                    .retryable(code == 100001),
            ),
            None => Verdict::Failure(Failure::new()),
        }
    };
    let http = client(&server).classifier(classifier).build().unwrap();
    http.post("/v4/x").json(&json!({})).send().await.unwrap();
    assert_eq!(server.requests_to("/v4/x").len(), 2);

    server.script(
        "POST",
        "/v4/x",
        [Reply::json(200, &json!({"ActionStatus": "FAIL", "ErrorCode": 100004, "ErrorInfo": "no room", "RequestId": "r-2"}))],
    );
    let error = http
        .post("/v4/x")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Platform);
    assert_eq!(error.platform_code_i64(), Some(100004));
    assert_eq!(error.request_id(), Some("r-2"));
    assert_eq!(error.status(), Some(200));
}

#[tokio::test(start_paused = true)]
async fn attempt_hooks_refresh_the_request_each_time() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/x",
        [Reply::status(503), Reply::status(503), Reply::status(200)],
    );
    let http = client(&server).build().unwrap();
    let mut seen_previous = Vec::new();
    let mut nonce = 0;
    http.get("/x")
        .on_attempt(move |ctx: &mut live_http::AttemptContext<'_>| {
            nonce += 1;
            seen_previous.push(ctx.previous_error().and_then(|e| e.status()));
            assert_eq!(ctx.attempt(), nonce);
            ctx.set_query("random", nonce.to_string());
        })
        .send()
        .await
        .unwrap();
    let randoms: Vec<String> = server
        .requests_to("/x")
        .iter()
        .map(|r| r.query_param("random").unwrap())
        .collect();
    assert_eq!(randoms, ["1", "2", "3"]);
}

#[tokio::test(start_paused = true)]
async fn reuses_connections() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", [Reply::status(200)]);
    let http = client(&server).build().unwrap();
    for _ in 0..5 {
        http.get("/x").send().await.unwrap();
    }
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_classifier_can_name_the_wait_a_body_code_asks_for() {
    // Tencent's create_room answers 100012 ("once per second") in a 200: the classifier, not
    // a header, says how long to wait.
    let server = HttpServer::start().await.unwrap();
    server.script(
        "POST",
        "/v4/x",
        [
            Reply::json(200, &json!({"ErrorCode": 100012})),
            Reply::json(200, &json!({"ErrorCode": 0})),
        ],
    );
    let classifier = |response: &Response| -> Verdict {
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
        match body["ErrorCode"].as_i64() {
            Some(0) => Verdict::Success,
            Some(code) => Verdict::Failure(
                Failure::new()
                    .code(code)
                    .retry_after(Duration::from_secs(1)),
            ),
            None => Verdict::Failure(Failure::new()),
        }
    };
    // A backoff far longer than the named wait proves the named wait is the one used.
    let http = client(&server)
        .retry_policy(
            RetryPolicy::default().backoff(Duration::from_secs(20), Duration::from_secs(40)),
        )
        .classifier(classifier)
        .build()
        .unwrap();
    let start = Instant::now();
    http.post("/v4/x").json(&json!({})).send().await.unwrap();
    let requests = server.requests_to("/v4/x");
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(1));
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(Failure::new().retry_after(Duration::ZERO).retryable);
}
