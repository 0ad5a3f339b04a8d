use live_http::Secret;
use live_http::ws::{WsErrorKind, WsMessage, WsOptions, connect};
use live_testkit::{HandshakeDecision, WsServer, WsStep};

fn text(message: &WsMessage) -> &str {
    match message {
        WsMessage::Text(t) => t.as_str(),
        other => panic!("not text: {other:?}"),
    }
}

#[tokio::test]
async fn exchanges_frames_and_sees_the_close_code() {
    let server = WsServer::start_scripted(vec![vec![
        WsStep::text(r#"{"event":"hello"}"#),
        WsStep::Receive,
        WsStep::binary(vec![1, 2, 3]),
        WsStep::Close(4200, "reconnect".into()),
    ]])
    .await
    .unwrap();
    let options = WsOptions::new()
        .header("Origin", "https://kick.com")
        .secret_header("Cookie", Secret::new("ttwid=secret-cookie"));
    let mut ws = connect(&format!("{}/app/key?protocol=7", server.url()), &options)
        .await
        .unwrap();
    let first = ws.next().await.unwrap().unwrap();
    assert_eq!(text(&first), r#"{"event":"hello"}"#);
    ws.send(WsMessage::text("ping")).await.unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        WsMessage::Binary(vec![1u8, 2, 3].into())
    );
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        WsMessage::Close(Some((4200, "reconnect".to_owned())))
    );
    let record = &server.connections()[0];
    assert_eq!(record.request.path, "/app/key");
    assert_eq!(record.request.query_param("protocol").as_deref(), Some("7"));
    assert_eq!(record.request.header("origin"), Some("https://kick.com"));
    assert_eq!(record.request.header("cookie"), Some("ttwid=secret-cookie"));
    assert_eq!(record.received[0].as_text(), Some("ping"));
}

#[tokio::test]
async fn a_refused_upgrade_keeps_status_and_headers() {
    let server = WsServer::builder()
        .handshake(|_| HandshakeDecision::Reject {
            status: 200,
            headers: vec![
                ("Handshake-Status".into(), "415".into()),
                ("Handshake-Msg".into(), "DEVICE_BLOCKED".into()),
            ],
            body: Some("blocked".into()),
        })
        .start(|_conn| async {})
        .await
        .unwrap();
    let error = connect(
        &format!("{}/ws?token=abc123", server.url()),
        &WsOptions::new().secret_param("token"),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), WsErrorKind::Rejected, "{error:?}");
    assert_eq!(error.status(), Some(200));
    let headers = error.headers().unwrap();
    assert_eq!(headers.get("handshake-status"), Some("415"));
    assert_eq!(headers.get("handshake-msg"), Some("DEVICE_BLOCKED"));
    assert!(!error.to_string().contains("abc123"), "{error}");
    assert!(error.to_string().contains("token=***"), "{error}");
    assert_eq!(server.rejected().len(), 1);
}

#[tokio::test]
async fn accepted_upgrades_expose_response_headers() {
    let server = WsServer::builder()
        .handshake(|_| {
            HandshakeDecision::Accept(vec![(
                "Handshake-Options".into(),
                "ping-interval=10; ping-timeout=20".into(),
            )])
        })
        .start(|conn| conn.hold_silently())
        .await
        .unwrap();
    let ws = connect(&server.url(), &WsOptions::new()).await.unwrap();
    assert_eq!(
        ws.response_headers().get("handshake-options"),
        Some("ping-interval=10; ping-timeout=20")
    );
}

#[tokio::test]
async fn oversized_messages_and_abrupt_drops_are_typed() {
    let server = WsServer::start_scripted(vec![vec![WsStep::Oversized(64 * 1024)]])
        .await
        .unwrap();
    let mut ws = connect(&server.url(), &WsOptions::new().max_message_size(16 * 1024))
        .await
        .unwrap();
    let error = ws.next().await.unwrap().unwrap_err();
    assert_eq!(error.kind(), WsErrorKind::TooLarge);

    let server = WsServer::start_scripted(vec![vec![WsStep::text("one"), WsStep::Drop]])
        .await
        .unwrap();
    let mut ws = connect(&server.url(), &WsOptions::new()).await.unwrap();
    assert_eq!(text(&ws.next().await.unwrap().unwrap()), "one");
    match ws.next().await {
        None => {}
        Some(Err(e)) => assert_eq!(e.kind(), WsErrorKind::Reset, "{e}"),
        Some(Ok(m)) => panic!("unexpected {m:?}"),
    }
}

#[tokio::test]
async fn frames_larger_than_the_read_buffer_arrive_whole() {
    let server = WsServer::start_scripted(vec![vec![
        WsStep::Oversized(300 * 1024),
        WsStep::text("after"),
    ]])
    .await
    .unwrap();
    let mut ws = connect(&server.url(), &WsOptions::new().read_buffer_size(1024))
        .await
        .unwrap();
    match ws.next().await.unwrap().unwrap() {
        WsMessage::Binary(bytes) => assert_eq!(bytes.len(), 300 * 1024),
        WsMessage::Text(text) => assert_eq!(text.as_str().len(), 300 * 1024),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(text(&ws.next().await.unwrap().unwrap()), "after");
}

#[tokio::test]
async fn refused_connections_are_connect_errors() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let error = connect(&format!("ws://127.0.0.1:{port}/"), &WsOptions::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), WsErrorKind::Connect);
}

#[tokio::test]
async fn split_halves_work_in_select_loops() {
    let server = WsServer::start(|mut conn| async move {
        while let Some(message) = conn.recv().await {
            if let Some(t) = message.as_text() {
                let reply = format!("echo:{t}");
                if conn.send_text(reply).await.is_err() {
                    break;
                }
            }
        }
    })
    .await
    .unwrap();
    let ws = connect(&server.url(), &WsOptions::new()).await.unwrap();
    let (mut tx, mut rx) = ws.split();
    tx.send(WsMessage::text("a")).await.unwrap();
    tx.send(WsMessage::text("b")).await.unwrap();
    let mut got = Vec::new();
    while got.len() < 2 {
        tokio::select! {
            Some(Ok(m)) = rx.next() => got.push(text(&m).to_owned()),
        }
    }
    assert_eq!(got, ["echo:a", "echo:b"]);
    tx.close(1000, "bye").await.unwrap();
}
