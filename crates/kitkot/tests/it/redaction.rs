//! No credential in any `Debug`, error, URL shown or log line, through every endpoint and the
//! failures around them.

use futures_util::StreamExt;
use kitkot::{KitkotClient, SendMessage};
use live_testkit::kitkot::{API_KEY, DEMO_ROOM_ID, Endpoint, Fault, KitkotEmulator, SESSION_KEY};

use crate::client;

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows a credential: {text}");
    }
}

#[tokio::test(start_paused = true)]
async fn credentials_never_show() {
    let capture = live_testkit::logs::LogCapture::start();
    let kitkot = KitkotEmulator::start().await.unwrap();
    let session = kitkot::KitkotClient::builder()
        .api_key(API_KEY)
        .base_url(kitkot.url())
        .session_key(SESSION_KEY)
        .build()
        .unwrap()
        .session()
        .await
        .unwrap();
    let cloud_token = session.cloud_token.as_ref().unwrap().expose().to_owned();
    let secrets = [API_KEY, SESSION_KEY, cloud_token.as_str()];
    let mut shown: Vec<(&str, String)> = Vec::new();

    let builder = client(&kitkot);
    shown.push(("builder Debug", format!("{builder:?}")));
    let client = builder.build().unwrap();
    shown.push(("client Debug", format!("{client:?}")));
    shown.push(("session Debug", format!("{session:?}")));
    shown.push(("session JSON", serde_json::to_string(&session).unwrap()));

    // Every endpoint, successes first.
    let mut room = client.join(DEMO_ROOM_ID).await.unwrap();
    shown.push(("joined Debug", format!("{room:?}")));
    room.send_message("hello").await.unwrap();
    let mut chat = room.chat();
    chat.next().await.unwrap().unwrap();
    shown.push(("chat Debug", format!("{chat:?}")));
    client.room_exists([DEMO_ROOM_ID]).await.unwrap();
    room.leave().await.unwrap();

    // Then failures, retried and final, including a message that echoes the key.
    kitkot.inject(Endpoint::Join, Fault::Status(503));
    kitkot.inject(
        Endpoint::Join,
        Fault::BodyCode {
            code: 401,
            msg: format!("api_key {API_KEY} expired for session {SESSION_KEY}"),
        },
    );
    let errors = [
        client.join(DEMO_ROOM_ID).await.unwrap_err(),
        client.join("7000000000000000404").await.unwrap_err(),
        client
            .send_message(SendMessage::new("7000000000000000404", "x"))
            .await
            .unwrap_err(),
        KitkotClient::builder()
            .base_url(kitkot.url())
            .api_key("kk_live_wrong")
            .session_key(SESSION_KEY)
            .build()
            .unwrap()
            .session()
            .await
            .unwrap_err(),
    ];
    for error in &errors {
        shown.push(("error Display", error.to_string()));
        shown.push(("error Debug", format!("{error:?}")));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            shown.push(("error cause", cause.to_string()));
            source = cause.source();
        }
        let url = error.http().unwrap().url().unwrap();
        assert!(url.contains("api_key=***"), "{url}");
        assert!(url.contains("session_key=***"), "{url}");
        shown.push(("error URL", url.to_owned()));
    }
    assert_eq!(
        errors[0].message(),
        Some("api_key *** expired for session ***")
    );

    // The server did receive the real credentials...
    let join = &kitkot.requests_to(Endpoint::Join)[0];
    assert_eq!(join.query_param("api_key").as_deref(), Some(API_KEY));
    assert_eq!(
        join.query_param("session_key").as_deref(),
        Some(SESSION_KEY)
    );
    // ...and nothing we show has them.
    for (what, text) in &shown {
        assert_clean(what, text, &secrets);
    }
    let logs = capture.text();
    assert!(
        logs.contains("retrying"),
        "the retry was not logged: {logs}"
    );
    assert!(logs.contains("joined kitkot room"), "{logs}");
    assert_clean("tracing output", &logs, &secrets);
}
