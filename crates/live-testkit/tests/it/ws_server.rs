use std::time::Duration;

use live_http::ws::{WsMessage, WsOptions, connect};
use live_testkit::{WsServer, WsStep};

#[tokio::test]
async fn each_connection_plays_its_script_and_the_last_repeats() {
    let server = WsServer::start_scripted(vec![
        vec![WsStep::text("first"), WsStep::Close(4200, "again".into())],
        vec![WsStep::text("later")],
    ])
    .await
    .unwrap();
    let mut seen = Vec::new();
    for _ in 0..3 {
        let mut ws = connect(&server.url(), &WsOptions::new()).await.unwrap();
        if let Some(Ok(WsMessage::Text(t))) = ws.next().await {
            seen.push(t.as_str().to_owned());
        }
    }
    assert_eq!(seen, ["first", "later", "later"]);
    server.wait_for_connections(3).await;
    assert_eq!(server.connection_count(), 3);
}

#[tokio::test]
async fn receive_steps_wait_for_the_client_and_record_it() {
    let server = WsServer::start_scripted(vec![vec![
        WsStep::ReceiveContaining("pusher:subscribe".into()),
        WsStep::text("subscribed"),
    ]])
    .await
    .unwrap();
    let mut ws = connect(&server.url(), &WsOptions::new()).await.unwrap();
    ws.send(WsMessage::text("noise")).await.unwrap();
    ws.send(WsMessage::text(r#"{"event":"pusher:subscribe"}"#))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(WsMessage::Text(t))) => assert_eq!(t.as_str(), "subscribed"),
        other => panic!("{other:?}"),
    }
    let found = server
        .wait_for_message(|m| m.as_text().is_some_and(|t| t.contains("subscribe")))
        .await;
    assert!(found.json().is_some());
    assert_eq!(server.connections()[0].received.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn silence_answers_nothing() {
    let server = WsServer::start_scripted(vec![vec![WsStep::Silence]])
        .await
        .unwrap();
    let mut ws = connect(&server.url(), &WsOptions::new()).await.unwrap();
    ws.send(WsMessage::Ping(vec![1].into())).await.unwrap();
    let waited = tokio::time::timeout(Duration::from_secs(60), ws.next()).await;
    assert!(waited.is_err(), "a silent server answered: {waited:?}");
}
