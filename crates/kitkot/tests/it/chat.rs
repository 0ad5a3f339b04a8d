//! The chat stream: cursor paging, `fetchInterval`, laziness, repeats, errors, resuming.
//! Time is paused: waits are exact and cost nothing.

use std::time::Duration;

use futures_util::StreamExt;
use kitkot::{ChatOptions, Error};
use live_testkit::kitkot::{ChatLine, ChatMode, DEMO_ROOM_ID, Endpoint, KitkotEmulator};
use serde_json::json;

use crate::client;

const LINES: [(&str, &str, &str); 7] = [
    ("martak_88", "Marta K", "hello from Lisbon 🇵🇹"),
    ("doughboy_dan", "Dan 🍞", "what hydration?"),
    ("priya.eats", "Priya", "今晩は！"),
    ("martak_88", "Marta K", "75%?"),
    ("lofi.listener", "Lo", "👏👏"),
    ("doughboy_dan", "Dan 🍞", "nice crumb"),
    ("priya.eats", "Priya", "bye!"),
];

async fn emulator_with_history() -> KitkotEmulator {
    let kitkot = KitkotEmulator::start().await.unwrap();
    for (user, nick, text) in LINES {
        kitkot.push_chat(DEMO_ROOM_ID, ChatLine::new(user, nick, text));
    }
    kitkot
}

fn texts(messages: &[kitkot::ChatMessage]) -> Vec<&str> {
    messages.iter().filter_map(|m| m.text()).collect()
}

#[tokio::test(start_paused = true)]
async fn follows_the_cursor_to_the_end_waiting_fetch_interval_between_pages() {
    let kitkot = emulator_with_history().await;
    kitkot.set_fetch_interval(Some(1500));
    let client = client(&kitkot).build().unwrap();
    let messages: Vec<_> = client
        .chat(DEMO_ROOM_ID)
        .map(Result::unwrap)
        .collect()
        .await;
    let expected: Vec<&str> = LINES.iter().map(|l| l.2).collect();
    assert_eq!(texts(&messages), expected);

    // 7 messages in pages of 3: three requests, each page's cursor sent back with its
    // internalExt, each request at least fetchInterval after the previous one.
    let requests = kitkot.requests_to(Endpoint::Chat);
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].query_param("cursor"), None);
    for pair in requests.windows(2) {
        assert!(pair[1].at - pair[0].at >= Duration::from_millis(1500));
        let cursor = pair[1].query_param("cursor").unwrap();
        let ext = pair[1].query_param("internalExt").unwrap();
        assert!(cursor.starts_with("t-") && ext.contains("next_offset:"));
    }
}

#[tokio::test(start_paused = true)]
async fn fetches_no_page_the_consumer_does_not_pull() {
    let kitkot = emulator_with_history().await;
    let client = client(&kitkot).build().unwrap();
    let mut chat = client.chat(DEMO_ROOM_ID);
    assert!(
        kitkot.requests_to(Endpoint::Chat).is_empty(),
        "fetched before polled"
    );
    for _ in 0..3 {
        chat.next().await.unwrap().unwrap();
    }
    assert_eq!(kitkot.requests_to(Endpoint::Chat).len(), 1);
    // The fourth message needs the second page.
    chat.next().await.unwrap().unwrap();
    assert_eq!(kitkot.requests_to(Endpoint::Chat).len(), 2);
    assert_eq!(chat.pages_fetched(), 2);
    // `take` stops pulling: no third page.
    let rest: Vec<_> = chat.by_ref().take(2).collect().await;
    assert_eq!(rest.len(), 2);
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(kitkot.requests_to(Endpoint::Chat).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_slow_consumer_waits_no_longer_than_the_interval() {
    let kitkot = emulator_with_history().await;
    let client = client(&kitkot).build().unwrap();
    let mut chat = client.chat(DEMO_ROOM_ID);
    for _ in 0..3 {
        chat.next().await.unwrap().unwrap();
    }
    // The consumer spends longer than fetchInterval (1 s) on the first page...
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = tokio::time::Instant::now();
    chat.next().await.unwrap().unwrap();
    // ...so the next page is fetched at once.
    assert!(before.elapsed() < Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn a_page_without_fetch_interval_waits_the_default() {
    let kitkot = emulator_with_history().await;
    kitkot.set_fetch_interval(None);
    let client = client(&kitkot).build().unwrap();
    let options = ChatOptions::default().default_interval(Duration::from_millis(700));
    let count = client.chat_with(DEMO_ROOM_ID, options).count().await;
    assert_eq!(count, 7);
    let requests = kitkot.requests_to(Endpoint::Chat);
    assert!(requests[1].at - requests[0].at >= Duration::from_millis(700));
    assert!(requests[1].at - requests[0].at < Duration::from_millis(1000));
}

#[tokio::test(start_paused = true)]
async fn max_pages_stops_early_and_the_cursor_resumes() {
    let kitkot = emulator_with_history().await;
    let client = client(&kitkot).build().unwrap();
    let mut chat = client.chat_with(DEMO_ROOM_ID, ChatOptions::default().max_pages(1));
    let first: Vec<_> = chat.by_ref().map(Result::unwrap).collect().await;
    assert_eq!(first.len(), 3);
    assert!(chat.is_finished());
    let cursor = chat.cursor().cloned().unwrap();
    let rest: Vec<_> = client
        .chat_with(DEMO_ROOM_ID, ChatOptions::default().start(cursor))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(texts(&rest), ["75%?", "👏👏", "nice crumb", "bye!"]);
}

#[tokio::test(start_paused = true)]
async fn live_mode_keeps_polling_until_the_room_ends() {
    let kitkot = emulator_with_history().await;
    kitkot.set_chat_mode(ChatMode::Live);
    kitkot.set_page_size(10);
    let client = client(&kitkot).build().unwrap();
    let mut chat = client.chat(DEMO_ROOM_ID);
    for _ in 0..7 {
        chat.next().await.unwrap().unwrap();
    }
    // Nothing new for a while: the stream polls (empty pages) and yields nothing.
    let waited = tokio::time::timeout(Duration::from_millis(3500), chat.next()).await;
    assert!(waited.is_err());
    let polls = kitkot.requests_to(Endpoint::Chat).len();
    assert!(
        (3..=5).contains(&polls),
        "{polls} polls in 3.5 s at 1 per second"
    );
    kitkot.push_chat(
        DEMO_ROOM_ID,
        ChatLine::new("late.comer", "Late", "did I miss it?"),
    );
    let late = chat.next().await.unwrap().unwrap();
    assert_eq!(late.text(), Some("did I miss it?"));
    kitkot.set_alive(DEMO_ROOM_ID, false);
    assert!(chat.next().await.is_none());
}

#[tokio::test(start_paused = true)]
async fn repeated_message_ids_are_yielded_once() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let message = json!({"common": {"msgId": "7532230118237047999"}, "content": "once"});
    kitkot.push_raw_chat(DEMO_ROOM_ID, message.clone());
    kitkot.push_raw_chat(DEMO_ROOM_ID, json!({"content": "no id, always kept"}));
    kitkot.push_raw_chat(DEMO_ROOM_ID, message);
    kitkot.push_raw_chat(DEMO_ROOM_ID, json!({"content": "no id, always kept"}));
    let client = client(&kitkot).build().unwrap();
    let messages: Vec<_> = client
        .chat(DEMO_ROOM_ID)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        texts(&messages),
        ["once", "no id, always kept", "no id, always kept"]
    );
}

#[tokio::test(start_paused = true)]
async fn an_error_ends_the_stream_after_the_messages_before_it() {
    let kitkot = emulator_with_history().await;
    let client = client(&kitkot).build().unwrap();
    let mut chat = client.chat(DEMO_ROOM_ID);
    for _ in 0..3 {
        chat.next().await.unwrap().unwrap();
    }
    kitkot.remove_room(DEMO_ROOM_ID);
    let error = chat.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&error, Error::RoomNotFound { room_id, .. } if room_id == DEMO_ROOM_ID),
        "{error:?}"
    );
    assert!(chat.next().await.is_none());
    assert!(chat.is_finished());
}

#[tokio::test(start_paused = true)]
async fn a_cursor_without_its_internal_ext_is_refused() {
    let kitkot = emulator_with_history().await;
    let client = client(&kitkot).build().unwrap();
    let bad = kitkot::ChatCursor::new("t-1_r-3_d-1_u-1_h-1", "");
    let error = client
        .chat_page(DEMO_ROOM_ID, Some(&bad))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api { code: 400, message, .. } if message == "Invalid cursor"),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn unified_events_name_the_author() {
    let kitkot = emulator_with_history().await;
    let client = client(&kitkot).build().unwrap();
    let first = client.chat(DEMO_ROOM_ID).next().await.unwrap().unwrap();
    let event = first.to_live_event(DEMO_ROOM_ID);
    let line: serde_json::Value = serde_json::from_str(&event.to_json_line()).unwrap();
    assert_eq!(line["platform"], "tiktok");
    assert_eq!(line["kind"], "chat");
    assert_eq!(line["text"], "hello from Lisbon 🇵🇹");
    assert_eq!(line["user"]["name"], "martak_88");
    assert_eq!(line["user"]["display_name"], "Marta K");
    assert_eq!(line["id"], first.id().unwrap());
}
