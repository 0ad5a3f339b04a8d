use std::time::Duration;

use live_http::RateLimit;
use live_testkit::{HttpServer, Reply};

use crate::client;

/// The largest number of requests inside any window `(t - 1 s, t]`.
fn busiest_second(times: &[tokio::time::Instant]) -> usize {
    times
        .iter()
        .map(|end| {
            times
                .iter()
                .filter(|t| **t <= *end && *end - **t < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn a_client_rate_spaces_requests() {
    let server = HttpServer::start().await.unwrap();
    server.script("GET", "/x", [Reply::status(200)]);
    let http = client(&server)
        .rate_limit(RateLimit::per_second(10))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..25 {
        let http = http.clone();
        tasks.push(tokio::spawn(
            async move { http.get("/x").send().await.unwrap() },
        ));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let times: Vec<_> = server.requests_to("/x").iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 25);
    assert_eq!(busiest_second(&times), 10);
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(99),
            "burst: {:?}",
            pair[1] - pair[0]
        );
    }
}

#[tokio::test(start_paused = true)]
async fn route_rates_apply_per_route() {
    let server = HttpServer::start().await.unwrap();
    server.script("POST", "/slow", [Reply::status(200)]);
    server.script("POST", "/fast", [Reply::status(200)]);
    let http = client(&server)
        .route_rate_limit("slow", RateLimit::per_second(2))
        .route_rate_limit("fast", RateLimit::per_second(100))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    for _ in 0..4 {
        http.post("/slow").route("slow").send().await.unwrap();
    }
    assert!(start.elapsed() >= Duration::from_millis(1500));
    let start = tokio::time::Instant::now();
    for _ in 0..4 {
        http.post("/fast").route("fast").send().await.unwrap();
    }
    assert!(start.elapsed() < Duration::from_millis(100));
}
