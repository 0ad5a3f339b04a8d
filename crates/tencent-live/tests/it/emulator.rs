//! The emulator checks requests as the service does: raw requests that break one rule each
//! get the service's code. (The client never sends these; this proves the emulator would
//! catch it if it did.)

use std::time::Duration;

use live_http::{HttpClient, RetryPolicy};
use live_testkit::tencent::usersig::sign;
use live_testkit::tencent::{RoomSeed, TencentEmulator};
use serde_json::{Value, json};
use tencent_live::UserSigSigner;

use crate::{KEY, SDKAPPID};

struct Raw {
    http: HttpClient,
}

impl Raw {
    fn new(emulator: &TencentEmulator) -> Raw {
        Raw {
            http: HttpClient::builder(&emulator.url())
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap(),
        }
    }

    /// Posts `body` to `path` with these query pairs; returns the reply's ErrorCode.
    async fn code(
        &self,
        method: live_http::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&str>,
    ) -> i64 {
        let mut request = self.http.request(method, path);
        for (name, value) in query {
            request = request.query(name, value);
        }
        if let Some(body) = body {
            request = request.body(body.to_owned(), "application/json");
        }
        let reply: Value = request.send_json().await.unwrap();
        reply["ErrorCode"].as_i64().unwrap()
    }
}

/// What, how, which query, which body, where, and the code expected.
type Case = (
    &'static str,
    live_http::Method,
    Vec<(&'static str, String)>,
    Option<&'static str>,
    &'static str,
    i64,
);

fn good_query(usersig: String) -> Vec<(&'static str, String)> {
    vec![
        ("sdkappid", SDKAPPID.to_string()),
        ("identifier", "administrator".to_owned()),
        ("usersig", usersig),
        ("random", "3141592653".to_owned()),
        ("contenttype", "json".to_owned()),
    ]
}

fn without(query: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    query.iter().filter(|(n, _)| *n != name).cloned().collect()
}

fn with(
    query: &[(&'static str, String)],
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut query = without(query, name);
    query.push((name, value.to_owned()));
    query
}

#[tokio::test(start_paused = true)]
async fn each_broken_rule_gets_the_services_code() {
    let emulator = crate::emulator().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    let now = emulator.now_unix();
    let raw = Raw::new(&emulator);
    use live_http::Method::{Get, Post};
    let path = "/v4/live_engine_http_srv/get_room_info";
    let body = Some(r#"{"RoomId":"live_a"}"#);
    let ok = good_query(sign(SDKAPPID, KEY, "administrator", now, 3600));
    assert_eq!(raw.code(Post, path, &ok, body).await, 0);
    // The client crate's signer and the emulator's verifier agree.
    let ours = UserSigSigner::new(SDKAPPID, KEY)
        .sign("administrator", 60)
        .unwrap();
    assert_eq!(
        raw.code(Post, path, &good_query(ours.expose().to_owned()), body)
            .await,
        0
    );

    let cases: Vec<Case> = vec![
        ("GET", Get, ok.clone(), None, path, 60_002),
        (
            "no sdkappid",
            Post,
            without(&ok, "sdkappid"),
            body,
            path,
            60_012,
        ),
        (
            "bad sdkappid",
            Post,
            with(&ok, "sdkappid", "abc"),
            body,
            path,
            60_006,
        ),
        (
            "other app",
            Post,
            with(&ok, "sdkappid", "1400000001"),
            body,
            path,
            70_020,
        ),
        (
            "no identifier",
            Post,
            without(&ok, "identifier"),
            body,
            path,
            60_002,
        ),
        (
            "no random",
            Post,
            without(&ok, "random"),
            body,
            path,
            60_002,
        ),
        (
            "random too big",
            Post,
            with(&ok, "random", "4294967296"),
            body,
            path,
            60_002,
        ),
        (
            "no contenttype",
            Post,
            without(&ok, "contenttype"),
            body,
            path,
            60_002,
        ),
        (
            "contenttype xml",
            Post,
            with(&ok, "contenttype", "xml"),
            body,
            path,
            60_002,
        ),
        (
            "no usersig",
            Post,
            without(&ok, "usersig"),
            body,
            path,
            70_002,
        ),
        (
            "usersig not base64",
            Post,
            with(&ok, "usersig", "%%%"),
            body,
            path,
            70_003,
        ),
        (
            "usersig not zlib",
            Post,
            with(&ok, "usersig", "aGVsbG8_"),
            body,
            path,
            70_005,
        ),
        (
            "sig for another app",
            Post,
            with(
                &ok,
                "usersig",
                &sign(SDKAPPID + 1, KEY, "administrator", now, 3600),
            ),
            body,
            path,
            70_014,
        ),
        (
            "sig for another user",
            Post,
            with(&ok, "usersig", &sign(SDKAPPID, KEY, "admin2", now, 3600)),
            body,
            path,
            70_013,
        ),
        (
            "expired sig",
            Post,
            with(
                &ok,
                "usersig",
                &sign(SDKAPPID, KEY, "administrator", now - 7200, 3600),
            ),
            body,
            path,
            70_001,
        ),
        (
            "wrong key",
            Post,
            with(
                &ok,
                "usersig",
                &sign(SDKAPPID, "other", "administrator", now, 3600),
            ),
            body,
            path,
            70_009,
        ),
        (
            "unknown command",
            Post,
            ok.clone(),
            body,
            "/v4/live_engine_http_srv/get_room_lst",
            60_009,
        ),
        (
            "unknown service",
            Post,
            ok.clone(),
            body,
            "/v4/room_engine_http_srv/get_seat_list",
            60_009,
        ),
        ("empty body", Post, ok.clone(), None, path, 60_003),
        ("array body", Post, ok.clone(), Some("[]"), path, 60_003),
        ("no RoomId", Post, ok.clone(), Some("{}"), path, 100_002),
        (
            "no such room",
            Post,
            ok.clone(),
            Some(r#"{"RoomId":"live_zz"}"#),
            path,
            100_004,
        ),
    ];
    for (what, method, query, body, path, code) in cases {
        assert_eq!(raw.code(method, path, &query, body).await, code, "{what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A non-admin with a valid sig of their own.
    let viewer = with(
        &with(&ok, "usersig", &sign(SDKAPPID, KEY, "viewer", now, 3600)),
        "identifier",
        "viewer",
    );
    assert_eq!(raw.code(Post, path, &viewer, body).await, 60_010);
}

#[tokio::test(start_paused = true)]
async fn more_than_the_limit_in_one_second_is_refused_with_60007() {
    let emulator = crate::emulator().await;
    let raw = Raw::new(&emulator);
    let ok = good_query(sign(
        SDKAPPID,
        KEY,
        "administrator",
        emulator.now_unix(),
        3600,
    ));
    let path = "/v4/live_engine_http_srv/get_room_list";
    let body = Some(r#"{"Next":"","Count":20}"#);
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(raw.code(live_http::Method::Post, path, &ok, body).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Ten in the first 500 ms pass; the 11th and 12th are within the same second.
    assert_eq!(&codes[..10], [0; 10]);
    assert_eq!(&codes[10..], [60_007, 60_007]);
    // A second after the burst began, the window has room again... but refused calls count
    // too, so wait until the window has emptied.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(raw.code(live_http::Method::Post, path, &ok, body).await, 0);
    assert!(emulator.max_calls_in_window("get_room_list", Duration::from_secs(1)) > 10);
    assert_eq!(emulator.limit_of("get_room_list"), 10);
    assert_eq!(emulator.limit_of("add_robot"), 100);
    assert_eq!(emulator.limit_of("create_room"), 200);
}

#[tokio::test(start_paused = true)]
async fn pages_use_opaque_cursors_and_refuse_forged_ones() {
    let emulator = crate::emulator().await;
    emulator.seed_rooms(3);
    let raw = Raw::new(&emulator);
    let ok = good_query(sign(
        SDKAPPID,
        KEY,
        "administrator",
        emulator.now_unix(),
        3600,
    ));
    let path = "/v4/live_engine_http_srv/get_room_list";
    for (body, code) in [
        (r#"{"Next":"","Count":0}"#, 100_002),
        (r#"{"Next":"","Count":21}"#, 100_002),
        (r#"{"Count":20}"#, 100_002),
        (r#"{"Next":"not-a-cursor","Count":20}"#, 100_002),
        (r#"{"Next":"","Count":2}"#, 0),
    ] {
        assert_eq!(
            raw.code(live_http::Method::Post, path, &ok, Some(body))
                .await,
            code,
            "{body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        json!(emulator.room_ids()),
        json!(["live_0000", "live_0001", "live_0002"])
    );
}
