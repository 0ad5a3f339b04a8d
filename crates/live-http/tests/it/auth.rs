use live_http::{Auth, HttpClient, Secret};
use live_testkit::{HttpServer, Reply};

#[tokio::test]
async fn every_auth_scheme_reaches_the_server() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", [Reply::status(200)]);
    let cases = [
        (Auth::query_key("apiKey", "k1"), "query"),
        (Auth::header_key("x-api-key", "k2"), "header"),
        (Auth::bearer("t3"), "bearer"),
        (Auth::basic("user", "p4"), "basic"),
        (Auth::basic_from_pair("user:p:5"), "pair"),
    ];
    for (auth, _) in &cases {
        let http = HttpClient::builder(&server.url())
            .auth(auth.clone())
            .build()
            .unwrap();
        http.get("/x").query("room_id", 7).send().await.unwrap();
    }
    let requests = server.requests_to("/x");
    assert_eq!(requests[0].query_param("apiKey").as_deref(), Some("k1"));
    assert_eq!(requests[0].query_param("room_id").as_deref(), Some("7"));
    assert_eq!(requests[1].header("x-api-key"), Some("k2"));
    assert_eq!(requests[2].header("authorization"), Some("Bearer t3"));
    // base64("user:p4")
    assert_eq!(
        requests[3].header("authorization"),
        Some("Basic dXNlcjpwNA==")
    );
    // base64("user:p:5"): only the first colon separates user and password.
    assert_eq!(
        requests[4].header("authorization"),
        Some("Basic dXNlcjpwOjU=")
    );
}

#[tokio::test]
async fn default_and_request_headers_and_bodies() {
    let server = HttpServer::start().await.unwrap();
    server.script("POST", "/v4/svc/cmd", [Reply::status(200)]);
    let http = HttpClient::builder(&format!("{}/", server.url()))
        .header("accept", "application/json")
        .user_agent("test-agent/1")
        .build()
        .unwrap();
    http.post("/v4/svc/cmd")
        .header("accept", "application/protobuf")
        .secret_query("usersig", Secret::new("sig"))
        .json(&serde_json::json!({"Next": "", "Count": 20}))
        .send()
        .await
        .unwrap();
    let r = &server.requests_to("/v4/svc/cmd")[0];
    assert_eq!(r.header("accept"), Some("application/protobuf"));
    assert_eq!(r.header("user-agent"), Some("test-agent/1"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json().unwrap(),
        serde_json::json!({"Next": "", "Count": 20})
    );
    assert_eq!(r.query_param("usersig").as_deref(), Some("sig"));
}

#[tokio::test]
async fn double_slashes_in_paths_are_kept() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/api/v1//live/info", [Reply::status(200)]);
    let http = HttpClient::builder(&server.url()).build().unwrap();
    http.get("/api/v1//live/info").send().await.unwrap();
    assert_eq!(server.requests_to("/api/v1//live/info").len(), 1);
}
