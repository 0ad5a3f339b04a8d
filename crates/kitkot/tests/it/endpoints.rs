//! Each endpoint against the emulator: what is sent, what comes back.

use kitkot::{Error, JoinRequest, KitkotClient, SendMessage};
use live_testkit::kitkot::{
    API_KEY, ChatLine, DEMO_ROOM_ID, EmulatedRoom, EmulatedSession, Endpoint, KitkotEmulator,
    SESSION_KEY,
};

use crate::client;

#[tokio::test]
async fn join_sends_the_ids_and_returns_the_room() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    let request = JoinRequest::new(DEMO_ROOM_ID)
        .anchor_id("7089254113840563206")
        .request_id("20250731102030A1B2C3D4E5F6");
    let mut joined = client.join(request).await.unwrap();

    let sent = &kitkot.requests_to(Endpoint::Join)[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.query_param("room_id").as_deref(), Some(DEMO_ROOM_ID));
    assert_eq!(sent.query_param("api_key").as_deref(), Some(API_KEY));
    assert_eq!(
        sent.query_param("session_key").as_deref(),
        Some(SESSION_KEY)
    );
    assert_eq!(
        sent.query_param("anchor_id").as_deref(),
        Some("7089254113840563206")
    );
    assert_eq!(
        sent.query_param("request_id").as_deref(),
        Some("20250731102030A1B2C3D4E5F6")
    );
    assert!(kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));

    let room = joined.room();
    assert_eq!(joined.room_id(), DEMO_ROOM_ID);
    assert_eq!(room.id().as_deref(), Some(DEMO_ROOM_ID));
    assert_eq!(joined.anchor_id().as_deref(), Some("7089254113840563206"));
    // The fixture's 10 viewers, plus us.
    assert_eq!(room.viewer_count(), 11);
    assert!(!room.title().is_empty());
    assert_eq!(room.owner().unique_id(), "sunny.bakes");
    assert_eq!(room.owner().follower_count(), 6558);
    assert!(room.owner().avatar_url().unwrap().starts_with("https://"));
    let streams: Vec<_> = room.streams().into_iter().map(|s| s.resolution).collect();
    assert_eq!(streams, ["SD1", "SD2", "HD1", "FULL_HD1"]);
    let best = room.default_stream().unwrap();
    assert_eq!(best.resolution, "FULL_HD1");
    assert_eq!(best.name.as_deref(), Some("1080p"));
    assert!(room.hls_url().is_some());
    assert_eq!(room.counts().total_user, 34);
    assert_eq!(room.top_fans()[0].fan_ticket, 1118);
    assert_eq!(room.top_fans()[0].user.unique_id(), "martak_88");

    joined.leave().await.unwrap();
}

#[tokio::test]
async fn join_leaves_out_empty_optional_ids() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    let mut joined = client
        .join(JoinRequest::new(DEMO_ROOM_ID).anchor_id(" "))
        .await
        .unwrap();
    let sent = &kitkot.requests_to(Endpoint::Join)[0];
    assert_eq!(sent.query_param("anchor_id"), None);
    assert_eq!(sent.query_param("request_id"), None);
    joined.leave().await.unwrap();
}

#[tokio::test]
async fn leave_removes_the_viewer() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    client.join(DEMO_ROOM_ID).await.unwrap().detach();
    assert_eq!(kitkot.joined_count(DEMO_ROOM_ID), 1);
    let response = client.leave(DEMO_ROOM_ID).await.unwrap();
    assert_eq!(response.code, 200);
    assert_eq!(response.msg, "success");
    assert!(response.data.is_empty());
    assert!(!kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
    let sent = &kitkot.requests_to(Endpoint::Leave)[0];
    assert_eq!(sent.query_param("room_id").as_deref(), Some(DEMO_ROOM_ID));
    assert_eq!(
        sent.query_param("session_key").as_deref(),
        Some(SESSION_KEY)
    );
}

#[tokio::test]
async fn room_exists_asks_about_several_rooms_at_once() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.add_room(EmulatedRoom::new("7531804739027651342").alive(false));
    let client = client(&kitkot).build().unwrap();
    let answer = client
        .room_exists([DEMO_ROOM_ID, "7531804739027651342", " 7000000000000000001 "])
        .await
        .unwrap();
    let sent = &kitkot.requests_to(Endpoint::RoomExists)[0];
    assert_eq!(
        sent.query_param("room_ids").as_deref(),
        Some("7532218465099557662,7531804739027651342,7000000000000000001")
    );
    assert_eq!(answer.rooms.len(), 3);
    assert_eq!(answer.is_alive(DEMO_ROOM_ID), Some(true));
    assert_eq!(answer.is_alive("7531804739027651342"), Some(false));
    assert_eq!(answer.is_alive("7000000000000000001"), Some(false));
    assert_eq!(answer.is_alive("1"), None);
    // The number form keeps every digit.
    assert_eq!(
        answer.rooms[0].room_id.as_str(),
        "7532218465099557662",
        "room_id went through a float"
    );
}

#[tokio::test]
async fn room_exists_works_without_a_session_key() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = KitkotClient::builder()
        .base_url(kitkot.url())
        .api_key(API_KEY)
        .build()
        .unwrap();
    let answer = client.room_exists([DEMO_ROOM_ID]).await.unwrap();
    assert_eq!(answer.is_alive(DEMO_ROOM_ID), Some(true));
    let sent = &kitkot.requests_to(Endpoint::RoomExists)[0];
    assert_eq!(sent.query_param("session_key"), None);
    // Every other call needs one, and says so before sending anything.
    let error = client.join(DEMO_ROOM_ID).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::MissingSessionKey {
                endpoint: "live/join"
            }
        ),
        "{error:?}"
    );
    assert!(matches!(
        client.session().await,
        Err(Error::MissingSessionKey { .. })
    ));
    assert!(kitkot.requests_to(Endpoint::Join).is_empty());
    // The same client, with a session.
    let with_session = client.with_session_key(SESSION_KEY);
    assert!(with_session.session().await.is_ok());
}

#[tokio::test]
async fn send_message_posts_to_the_chat_and_returns_the_room() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    let text = "Hi from Rust 🦀 & friends: 100% ok?";
    let room = client
        .send_message(SendMessage::new(DEMO_ROOM_ID, text).anchor_id("7089254113840563206"))
        .await
        .unwrap();
    assert_eq!(room.id().as_deref(), Some(DEMO_ROOM_ID));
    let sent = &kitkot.requests_to(Endpoint::SendMessage)[0];
    assert_eq!(sent.query_param("content").as_deref(), Some(text));
    assert_eq!(
        sent.query_param("anchor_id").as_deref(),
        Some("7089254113840563206")
    );
    let chat = kitkot.chat(DEMO_ROOM_ID);
    let last = chat.last().unwrap();
    assert_eq!(last["content"], text);
    assert_eq!(last["user"]["uniqueId"], "night.owl.viewer");
}

#[tokio::test]
async fn a_joined_room_sends_with_its_anchor_id() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.add_room(
        EmulatedRoom::new("7000000000000000042")
            .owner("river.sings", "River")
            .title("acoustic night"),
    );
    let client = client(&kitkot).build().unwrap();
    let mut joined = client.join("7000000000000000042").await.unwrap();
    assert_eq!(joined.room().title(), "acoustic night");
    joined.send_message("encore!").await.unwrap();
    let sent = &kitkot.requests_to(Endpoint::SendMessage)[0];
    assert_eq!(sent.query_param("anchor_id"), joined.anchor_id());
    assert_eq!(kitkot.chat("7000000000000000042")[0]["content"], "encore!");
    joined.leave().await.unwrap();
}

#[tokio::test]
async fn session_reads_the_account_and_keeps_credentials_secret() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let other = EmulatedSession::new("kks_second_account_0001").account("lofi.listener", "Lo");
    let cloud_token = other.cloud_token().to_owned();
    kitkot.add_session(other);
    let client = client(&kitkot)
        .session_key("kks_second_account_0001")
        .build()
        .unwrap();
    let session = client.session().await.unwrap();
    assert_eq!(session.code, 200);
    assert_eq!(session.email, "lofi.listener@example.com");
    assert_eq!(session.screen_name, "Lo");
    assert!(session.user_id().is_some());
    assert!(!session.is_new_user());
    assert_eq!(
        session.session_key.as_ref().map(|k| k.expose()),
        Some("kks_second_account_0001")
    );
    assert_eq!(
        session.cloud_token.as_ref().map(|k| k.expose()),
        Some(cloud_token.as_str())
    );
    let debug = format!("{session:?}");
    let json = serde_json::to_string(&session).unwrap();
    for shown in [&debug, &json] {
        assert!(!shown.contains("kks_second_account_0001"), "{shown}");
        assert!(!shown.contains(&cloud_token), "{shown}");
    }
    assert!(json.contains(r#""session_key":"***""#), "{json}");
}

#[tokio::test]
async fn arguments_are_checked_before_sending() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    for error in [
        client.join("  ").await.unwrap_err(),
        client.leave("").await.unwrap_err(),
        client.room_exists(Vec::<String>::new()).await.unwrap_err(),
        client.room_exists(["1,2"]).await.unwrap_err(),
        client
            .send_message(SendMessage::new(DEMO_ROOM_ID, " "))
            .await
            .unwrap_err(),
        client.chat_page("", None).await.unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
    }
    assert!(kitkot.server().requests().is_empty());
    assert!(matches!(
        KitkotClient::builder().build(),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        KitkotClient::builder()
            .api_key("k")
            .base_url("kitkot.xyz")
            .build(),
        Err(Error::Http(_))
    ));
}

#[tokio::test]
async fn chat_page_reads_one_page() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.push_chat(DEMO_ROOM_ID, ChatLine::new("martak_88", "Marta K", "hello"));
    let client = client(&kitkot).build().unwrap();
    let page = client.chat_page(DEMO_ROOM_ID, None).await.unwrap();
    assert_eq!(page.messages.len(), 1);
    assert_eq!(page.messages[0].text(), Some("hello"));
    assert_eq!(
        page.fetch_interval(),
        Some(std::time::Duration::from_secs(1))
    );
    assert!(!page.has_more);
    let cursor = page.next_cursor().unwrap();
    let sent = &kitkot.requests_to(Endpoint::Chat)[0];
    assert_eq!(sent.query_param("cursor"), None);
    // Both halves of the cursor go back.
    client.chat_page(DEMO_ROOM_ID, Some(&cursor)).await.unwrap();
    let sent = &kitkot.requests_to(Endpoint::Chat)[1];
    assert_eq!(sent.query_param("cursor"), Some(cursor.cursor));
    assert_eq!(sent.query_param("internalExt"), Some(cursor.internal_ext));
}

/// The client, its handles and every call's future can move between threads (a spawned task).
#[test]
fn everything_is_send() {
    fn send<T: Send>(_: &T) {}
    fn send_sync<T: Send + Sync>() {}
    send_sync::<KitkotClient>();
    send_sync::<kitkot::JoinedRoom>();
    send_sync::<Error>();
    let client = KitkotClient::builder().api_key("k").build().unwrap();
    send(&client.join(DEMO_ROOM_ID));
    send(&client.leave(DEMO_ROOM_ID));
    send(&client.room_exists([DEMO_ROOM_ID]));
    send(&client.chat_page(DEMO_ROOM_ID, None));
    send(&client.chat(DEMO_ROOM_ID));
    send(&client.send_message(SendMessage::new(DEMO_ROOM_ID, "x")));
    send(&client.session());
}
