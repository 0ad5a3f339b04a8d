//! The `{code, msg}` envelope becomes typed errors, whatever the HTTP status; what is retried
//! and what is not.

use std::time::Duration;

use kitkot::{Error, SendMessage};
use live_http::ErrorKind;
use live_testkit::kitkot::{DEMO_ROOM_ID, Endpoint, Fault, KitkotEmulator, SESSION_KEY};

use crate::client;

#[tokio::test]
async fn a_bad_api_key_is_unauthorized_and_not_retried() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).api_key("kk_live_wrong").build().unwrap();
    let error = client.join(DEMO_ROOM_ID).await.unwrap_err();
    let Error::Unauthorized { code, message, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*code, message.as_str()), (401, "Invalid api_key"));
    assert_eq!(error.http().unwrap().status(), Some(401));
    assert!(!error.is_transient());
    assert_eq!(kitkot.requests_to(Endpoint::Join).len(), 1);
    assert!(!kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
}

#[tokio::test]
async fn a_bad_session_key_is_unauthorized() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).session_key("kks_expired").build().unwrap();
    for error in [
        client.session().await.unwrap_err(),
        client.chat_page(DEMO_ROOM_ID, None).await.unwrap_err(),
        client.leave(DEMO_ROOM_ID).await.unwrap_err(),
    ] {
        assert!(
            matches!(&error, Error::Unauthorized { code: 401, message, .. } if message == "Invalid session_key"),
            "{error:?}"
        );
    }
    kitkot.revoke_session(SESSION_KEY);
    let error = crate::client(&kitkot)
        .build()
        .unwrap()
        .session()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
}

#[tokio::test]
async fn a_missing_room_is_room_not_found() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    let error = client.join("7000000000000000404").await.unwrap_err();
    let Error::RoomNotFound {
        room_id,
        code,
        message,
        source,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(room_id, "7000000000000000404");
    assert_eq!(*code, 404);
    assert_eq!(message, "That room does not exist");
    assert_eq!(source.status(), Some(404));
    assert_eq!(
        error.to_string(),
        "kitkot: room 7000000000000000404 does not exist (code 404: That room does not exist)"
    );
    assert_eq!(
        kitkot.requests_to(Endpoint::Join).len(),
        1,
        "a 404 was retried"
    );
    for error in [
        client.leave("7000000000000000404").await.unwrap_err(),
        client
            .chat_page("7000000000000000404", None)
            .await
            .unwrap_err(),
        client
            .send_message(SendMessage::new("7000000000000000404", "hi"))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, Error::RoomNotFound { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn too_many_attempts_is_typed_and_not_retried() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.inject(Endpoint::Session, Fault::TooManyAttempts);
    let client = client(&kitkot).build().unwrap();
    let error = client.session().await.unwrap_err();
    assert!(
        matches!(&error, Error::TooManyAttempts { code: 400, message, .. } if message.starts_with("Too many attempts")),
        "{error:?}"
    );
    assert_eq!(kitkot.requests_to(Endpoint::Session).len(), 1);
}

#[tokio::test]
async fn the_body_code_counts_even_on_http_200() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.inject(
        Endpoint::Join,
        Fault::BodyCode {
            code: 400,
            msg: "Too many attempts, try again later".into(),
        },
    );
    kitkot.inject(
        Endpoint::Join,
        Fault::BodyCode {
            code: 404,
            msg: "That room does not exist".into(),
        },
    );
    kitkot.inject(
        Endpoint::Join,
        Fault::BodyCode {
            code: 418,
            msg: "Unexpected".into(),
        },
    );
    let client = client(&kitkot).build().unwrap();
    let first = client.join(DEMO_ROOM_ID).await.unwrap_err();
    assert!(matches!(first, Error::TooManyAttempts { .. }), "{first:?}");
    assert_eq!(first.http().unwrap().status(), Some(200));
    assert_eq!(first.http().unwrap().kind(), ErrorKind::Platform);
    let second = client.join(DEMO_ROOM_ID).await.unwrap_err();
    assert!(matches!(second, Error::RoomNotFound { .. }), "{second:?}");
    let third = client.join(DEMO_ROOM_ID).await.unwrap_err();
    assert!(
        matches!(&third, Error::Api { code: 418, message, .. } if message == "Unexpected"),
        "{third:?}"
    );
    assert_eq!(third.code(), Some(418));
    assert_eq!(third.message(), Some("Unexpected"));
    assert!(!kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_then_reported() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.inject(Endpoint::Join, Fault::Status(503));
    kitkot.inject(
        Endpoint::Join,
        Fault::BodyCode {
            code: 500,
            msg: "Internal Server Error".into(),
        },
    );
    let client = client(&kitkot).build().unwrap();
    let joined = client.join(DEMO_ROOM_ID).await.unwrap();
    assert_eq!(kitkot.requests_to(Endpoint::Join).len(), 3);
    joined.detach();

    for _ in 0..3 {
        kitkot.inject(Endpoint::Session, Fault::Status(500));
    }
    let error = client.session().await.unwrap_err();
    assert!(matches!(error, Error::Api { code: 500, .. }), "{error:?}");
    assert!(error.is_transient());
    assert_eq!(error.http().unwrap().attempts(), 3);
}

#[tokio::test(start_paused = true)]
async fn rate_limits_wait_for_retry_after() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.inject(
        Endpoint::RoomExists,
        Fault::RateLimited {
            retry_after_secs: 4,
        },
    );
    let client = client(&kitkot).build().unwrap();
    client.room_exists([DEMO_ROOM_ID]).await.unwrap();
    let requests = kitkot.requests_to(Endpoint::RoomExists);
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(4));

    for _ in 0..3 {
        kitkot.inject(
            Endpoint::RoomExists,
            Fault::RateLimited {
                retry_after_secs: 1,
            },
        );
    }
    let error = client.room_exists([DEMO_ROOM_ID]).await.unwrap_err();
    assert!(
        matches!(error, Error::RateLimited { retry_after: Some(wait), .. } if wait == Duration::from_secs(1)),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert_eq!(error.code(), Some(429));
}

#[tokio::test(start_paused = true)]
async fn html_and_dropped_connections_are_transport_errors() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    for _ in 0..3 {
        kitkot.inject(Endpoint::Session, Fault::Html(502));
    }
    let client = client(&kitkot).build().unwrap();
    let error = client.session().await.unwrap_err();
    let Error::Http(source) = &error else {
        panic!("{error:?}")
    };
    assert!(source.is_html());
    assert_eq!(source.status(), Some(502));
    assert_eq!(kitkot.requests_to(Endpoint::Session).len(), 3);

    kitkot.inject(Endpoint::Leave, Fault::Drop);
    client.leave(DEMO_ROOM_ID).await.unwrap();
    assert_eq!(kitkot.requests_to(Endpoint::Leave).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn timeouts_are_retried_for_reads() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.inject(Endpoint::Session, Fault::Delay(Duration::from_secs(60)));
    let client = client(&kitkot)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    client.session().await.unwrap();
    assert_eq!(kitkot.requests_to(Endpoint::Session).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn sending_a_message_is_never_repeated_after_it_may_have_landed() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for fault in [
        Fault::Status(500),
        Fault::Drop,
        Fault::Delay(Duration::from_secs(60)),
    ] {
        kitkot.server().clear_requests();
        kitkot.inject(Endpoint::SendMessage, fault.clone());
        let error = client
            .send_message(SendMessage::new(DEMO_ROOM_ID, "just once"))
            .await
            .unwrap_err();
        assert!(error.is_transient(), "{fault:?}: {error:?}");
        assert_eq!(
            kitkot.requests_to(Endpoint::SendMessage).len(),
            1,
            "{fault:?} was retried"
        );
    }
    // A rate limit means it was refused: that one is retried.
    kitkot.server().clear_requests();
    kitkot.inject(
        Endpoint::SendMessage,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    );
    client
        .send_message(SendMessage::new(DEMO_ROOM_ID, "after the limit"))
        .await
        .unwrap();
    assert_eq!(kitkot.requests_to(Endpoint::SendMessage).len(), 2);
}

#[tokio::test]
async fn a_body_that_is_not_the_model_names_the_json_path() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let mut payload = kitkot::Room::default();
    payload.code = 200;
    let mut json = serde_json::to_value(&payload).unwrap();
    json["stats"]["total_user"] = serde_json::json!("many");
    kitkot.add_room(live_testkit::kitkot::EmulatedRoom::from_payload(
        "7000000000000000001",
        json,
    ));
    let client = client(&kitkot).build().unwrap();
    let error = client.join("7000000000000000001").await.unwrap_err();
    let Error::Http(source) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(source.kind(), ErrorKind::Decode);
    assert_eq!(source.json_path(), Some("stats.total_user"));
}

#[tokio::test]
async fn nulls_where_values_were_expected_do_not_fail_the_call() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let mut json = live_testkit::kitkot::EmulatedRoom::demo().payload().clone();
    json["title"] = serde_json::Value::Null;
    json["linked_mic"] = serde_json::Value::Null;
    json["owner"]["nickname"] = serde_json::Value::Null;
    json["room_id"] = serde_json::json!(7_000_000_000_000_000_002_u64);
    kitkot.add_room(live_testkit::kitkot::EmulatedRoom::from_payload(
        "7000000000000000002",
        json,
    ));
    let client = client(&kitkot).build().unwrap();
    let joined = client.join("7000000000000000002").await.unwrap();
    assert_eq!(joined.room().title(), "");
    // A numeric room id reads exactly.
    assert_eq!(joined.room().id().as_deref(), Some("7000000000000000002"));
    assert_eq!(joined.room().owner().unique_id(), "sunny.bakes");
    joined.detach();
}
