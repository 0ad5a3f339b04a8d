use live_http::{ConnectionPool, HttpClient};
use live_testkit::{HttpServer, Reply};
use serde_json::json;

#[tokio::test]
async fn clients_sharing_a_pool_reuse_one_connection() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", (0..4).map(|_| Reply::json(200, &json!({}))));
    let pool = ConnectionPool::new().unwrap();
    let first = HttpClient::builder(&server.url())
        .connection_pool(pool.clone())
        .build()
        .unwrap();
    let second = HttpClient::builder(&server.url())
        .header("x-other", "headers of its own")
        .connection_pool(first.connection_pool())
        .build()
        .unwrap();
    for client in [&first, &second, &first, &second] {
        client.get("/x").send().await.unwrap();
        // hyper puts a connection back in the pool from its own task once the exchange is
        // over; on this single-threaded runtime, yielding lets that task run first.
        for _ in 0..16 {
            tokio::task::yield_now().await;
        }
    }
    assert_eq!(server.connection_count(), 1);
    let sent: Vec<bool> = server
        .requests()
        .iter()
        .map(|r| r.headers.iter().any(|(name, _)| name == "x-other"))
        .collect();
    assert_eq!(sent, [false, true, false, true]);
}

#[tokio::test]
async fn clients_without_a_shared_pool_open_their_own_connections() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", (0..2).map(|_| Reply::json(200, &json!({}))));
    for _ in 0..2 {
        let client = HttpClient::builder(&server.url()).build().unwrap();
        client.get("/x").send().await.unwrap();
    }
    assert_eq!(server.connection_count(), 2);
}
