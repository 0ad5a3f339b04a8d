//! The client's behaviour on the wire: common parameters, retries per the service's codes,
//! the admin UserSig's life, pacing, timeouts. All against the emulator, in paused time.

use std::collections::HashSet;
use std::time::Duration;

use live_testkit::tencent::{Fault, RoomSeed, TencentConfig, TencentEmulator};
use live_testkit::{HttpServer, Reply};
use serde_json::json;
use tencent_live::usersig::decode;
use tencent_live::{Error, ManualClock, Region, TencentClient};
use tokio::time::Instant;

use crate::{KEY, SDKAPPID, builder, setup};

#[tokio::test(start_paused = true)]
async fn every_request_carries_the_common_parameters_and_a_json_body() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    client.room_info("live_a").await.unwrap();
    client.rooms(Default::default()).for_each_ok().await;
    let requests = emulator.server().requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert!(
            request.path.starts_with("/v4/live_engine_http_srv/"),
            "{}",
            request.path
        );
        let names: Vec<&str> = request
            .query
            .split('&')
            .map(|p| p.split('=').next().unwrap())
            .collect();
        assert_eq!(
            names,
            ["sdkappid", "identifier", "usersig", "random", "contenttype"]
        );
        assert_eq!(
            request.query_param("sdkappid").unwrap(),
            SDKAPPID.to_string()
        );
        assert_eq!(request.query_param("identifier").unwrap(), "administrator");
        assert_eq!(request.query_param("contenttype").unwrap(), "json");
        request
            .query_param("random")
            .unwrap()
            .parse::<u32>()
            .unwrap();
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert!(request.json().unwrap().is_object());
    }
    assert_eq!(requests[0].json().unwrap(), json!({"RoomId": "live_a"}));
    assert_eq!(
        requests[1].json().unwrap(),
        json!({"Next": "", "Count": 20})
    );
}

/// `.for_each_ok()`: drains a stream of results, panicking on an error.
trait Drain {
    async fn for_each_ok(self);
}

impl<S, T> Drain for S
where
    S: futures_util::Stream<Item = Result<T, Error>>,
{
    async fn for_each_ok(self) {
        use futures_util::StreamExt;
        let mut stream = std::pin::pin!(self);
        while let Some(item) = stream.next().await {
            item.unwrap();
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_raw_call_without_a_body_sends_an_empty_object() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    let reply = client
        .call_raw(
            "live_engine_http_srv",
            "get_robot",
            &json!({"RoomId": "live_a"}),
        )
        .await
        .unwrap();
    assert_eq!(reply["ActionStatus"], "OK");
    // The service refuses an empty body; the client never sends one.
    let error = client
        .call_raw("live_engine_http_srv", "get_robot", &())
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(100_002), "{error}");
    assert_eq!(emulator.calls().last().unwrap().body, Some(json!({})));
    assert!(matches!(
        client
            .call_raw("live_engine_http_srv", "get_robot", &[1])
            .await,
        Err(Error::InvalidRequest(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn retries_internal_errors_and_rate_limits_with_a_fresh_random_each_time() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    emulator.fail_next("get_room_info", 1, 100_001);
    emulator.fail_next("get_room_info", 1, 60_018);
    emulator.fail_next("get_room_info", 1, 60_008);
    let start = Instant::now();
    let info = client.room_info("live_a").await.unwrap();
    assert_eq!(info.room_id, "live_a");
    let calls = emulator.calls_of("get_room_info");
    let codes: Vec<i64> = calls.iter().map(|c| c.code).collect();
    assert_eq!(codes, [100_001, 60_018, 60_008, 0]);
    let randoms: HashSet<_> = calls.iter().map(|c| c.random.clone().unwrap()).collect();
    assert_eq!(randoms.len(), 4, "random was reused across attempts");
    // Backoff: at least half of 200 ms, 400 ms, 800 ms between the attempts.
    assert!(calls[3].at - calls[0].at >= Duration::from_millis(700));
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn retries_every_retryable_code_and_gateway_failures() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    for code in [
        100_001, 60_007, 60_008, 60_011, 60_018, 60_019, 70_114, 70_169, 70_202, 70_500,
    ] {
        emulator.fail_next("get_robot", 1, code);
        client
            .robots("live_a")
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
    }
    emulator.inject("get_robot", 1, Fault::Status(502));
    emulator.inject("get_robot", 1, Fault::Drop);
    client.robots("live_a").await.unwrap();
    let codes: Vec<i64> = emulator
        .calls_of("get_robot")
        .iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(codes.len(), 23);
    assert_eq!(&codes[20..], [502, -1, 0]);
}

#[tokio::test(start_paused = true)]
async fn never_retries_what_a_retry_cannot_mend() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    for code in [100_002, 100_003, 100_004, 100_011, 100_026, 60_010] {
        emulator.fail_next("get_room_info", 1, code);
        let error = client.room_info("live_a").await.unwrap_err();
        let Error::Service(service) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(service.code, code);
        assert_eq!(service.command, "get_room_info");
        assert_eq!(service.http_status, 200);
        assert_eq!(service.attempts, 1);
        assert!(
            service.request_id.starts_with("Id-"),
            "{}",
            service.request_id
        );
        assert!(!service.info.is_empty());
    }
    assert_eq!(emulator.calls_of("get_room_info").len(), 6);
    // The real thing: a room that does not exist.
    let error = client.room_info("live_nope").await.unwrap_err();
    assert_eq!(error.code(), Some(100_004));
    assert_eq!(error.command(), Some("get_room_info"));
    assert!(error.request_id().unwrap().starts_with("Id-"));
    assert!(error.to_string().contains("ErrorCode 100004"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_the_retry_budget_with_the_last_code() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    emulator.fail_next("get_room_info", 10, 100_001);
    let error = client.room_info("live_a").await.unwrap_err();
    let Error::Service(service) = error else {
        panic!()
    };
    assert_eq!((service.code, service.attempts), (100_001, 4));
}

#[tokio::test(start_paused = true)]
async fn an_expired_usersig_is_made_again_and_retried_once() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    emulator.fail_next("get_room_info", 1, 70_001);
    client.room_info("live_a").await.unwrap();
    emulator.fail_next("get_room_info", 1, 70_052);
    client.room_info("live_a").await.unwrap();
    assert_eq!(emulator.calls_of("get_room_info").len(), 4);

    // Twice in a row: one renewal only, then the error.
    emulator.fail_next("get_room_info", 2, 70_001);
    let error = client.room_info("live_a").await.unwrap_err();
    assert_eq!(error.code(), Some(70_001));
    assert_eq!(emulator.calls_of("get_room_info").len(), 6);
}

#[tokio::test(start_paused = true)]
async fn the_service_really_refuses_an_expired_sig_and_the_client_recovers() {
    let emulator = crate::emulator().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    let clock = ManualClock::new(1_700_000_000);
    let client = builder(&emulator)
        .clock(clock.clone())
        .usersig_expire(3600)
        .build()
        .unwrap();
    // The service's clock is an hour and a minute ahead: the cached sig is expired there.
    emulator.set_unix_time(Some(1_700_003_660));
    let error = client.room_info("live_a").await.unwrap_err();
    assert_eq!(error.code(), Some(70_001), "{error}");
    // The client made a new sig, but with its own (late) clock: still expired, so one retry.
    assert_eq!(emulator.calls_of("get_room_info").len(), 2);
    // Once the clocks agree, the renewal on 70001 works.
    clock.set(1_700_003_660);
    emulator.set_unix_time(Some(1_700_003_660 + 3_599));
    client.room_info("live_a").await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_admin_sig_is_reused_and_renewed_before_it_expires() {
    let emulator = crate::emulator().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    let start = 1_700_000_000;
    let clock = ManualClock::new(start);
    emulator.set_unix_time(Some(start));
    let client = builder(&emulator)
        .clock(clock.clone())
        .usersig_expire(1000)
        .build()
        .unwrap();
    for _ in 0..3 {
        client.room_info("live_a").await.unwrap();
    }
    // 899 s in: 101 s left of 1000, more than the tenth kept in reserve: same sig.
    clock.set(start + 899);
    emulator.set_unix_time(Some(start + 899));
    client.room_info("live_a").await.unwrap();
    // 900 s in: renewed before the service could see it expire.
    clock.set(start + 900);
    emulator.set_unix_time(Some(start + 900));
    client.room_info("live_a").await.unwrap();
    let times: Vec<u64> = emulator
        .calls_of("get_room_info")
        .iter()
        .map(|c| c.usersig_time.unwrap())
        .collect();
    assert_eq!(times, [start, start, start, start, start + 900]);
    let sigs: HashSet<String> = emulator
        .server()
        .requests()
        .iter()
        .map(|r| r.query_param("usersig").unwrap())
        .collect();
    assert_eq!(sigs.len(), 2);
    for sig in &sigs {
        assert_eq!(decode(sig).unwrap().expire(), 1000);
    }
}

#[tokio::test(start_paused = true)]
async fn each_command_is_paced_at_its_documented_rate() {
    let (emulator, client) = setup().await;
    emulator.seed_rooms(5);
    // 25 lookups of the first page, as fast as the client allows.
    let lists = (0..25).map(|_| client.room_list_page("", 20));
    for page in futures_util::future::join_all(lists).await {
        page.unwrap();
    }
    let calls = emulator.calls_of("get_room_list");
    assert_eq!(calls.len(), 25);
    assert!(
        calls.iter().all(|c| c.code == 0),
        "the emulator refused a call"
    );
    for pair in calls.windows(2) {
        assert!(pair[1].at - pair[0].at >= Duration::from_millis(100));
    }
    assert!(emulator.max_calls_in_window("get_room_list", Duration::from_secs(1)) <= 10);

    // Robots at 100/s, the rest at 200/s: 30 calls of each, each spaced.
    let robots = (0..30).map(|_| client.robots("live_0000"));
    let infos = (0..30).map(|_| client.room_info("live_0000"));
    let (robots, infos) = futures_util::future::join(
        futures_util::future::join_all(robots),
        futures_util::future::join_all(infos),
    )
    .await;
    assert!(robots.iter().all(Result::is_ok));
    assert!(infos.iter().all(Result::is_ok));
    for (command, per_second) in [("get_robot", 100u32), ("get_room_info", 200)] {
        let calls = emulator.calls_of(command);
        let spacing = Duration::from_secs(1) / per_second;
        assert!(
            calls.windows(2).all(|p| p[1].at - p[0].at >= spacing),
            "{command}"
        );
        assert!(
            emulator.max_calls_in_window(command, Duration::from_secs(1)) <= per_second as usize
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_client_that_ignores_the_limit_is_refused_with_60007() {
    // A client told it may go 50/s against a service enforcing 10/s: the emulator answers
    // 60007 and the client backs off and retries until it gets through.
    let (emulator, _) = setup().await;
    emulator.seed_rooms(3);
    let client = builder(&emulator)
        .command_rate("get_room_list", 50)
        .build()
        .unwrap();
    let lists = (0..20).map(|_| client.room_list_page("", 20));
    let results = futures_util::future::join_all(lists).await;
    let calls = emulator.calls_of("get_room_list");
    assert!(
        calls.iter().any(|c| c.code == 60_007),
        "the emulator never refused"
    );
    assert!(results.iter().filter(|r| r.is_ok()).count() >= 10);
}

#[tokio::test(start_paused = true)]
async fn a_slow_service_times_out_after_the_configured_time() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "POST",
        "/v4/live_engine_http_srv/get_room_info",
        [Reply::json(200, &json!({"ErrorCode": 0})).delay(Duration::from_secs(60))],
    );
    let client = TencentClient::builder(SDKAPPID, KEY)
        .base_url(server.url())
        .timeout(Duration::from_secs(5))
        .retry_policy(live_http::RetryPolicy::none())
        .build()
        .unwrap();
    let start = Instant::now();
    let error = client.room_info("live_a").await.unwrap_err();
    let Error::Http { command, source } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(command, "get_room_info");
    assert_eq!(source.kind(), live_http::ErrorKind::Timeout);
    assert!(start.elapsed() >= Duration::from_secs(5) && start.elapsed() < Duration::from_secs(6));
    // The service's own limit is 3 s: a client timeout at or below it is refused.
    assert!(matches!(
        TencentClient::builder(SDKAPPID, KEY)
            .timeout(Duration::from_millis(2500))
            .build(),
        Err(Error::Config(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn html_or_garbage_instead_of_an_envelope_is_a_typed_error() {
    let server = HttpServer::start().await.unwrap();
    server.script(
        "POST",
        "/v4/live_engine_http_srv/get_room_info",
        [Reply::text(200, "text/html", "<html>captive portal</html>")],
    );
    server.script(
        "POST",
        "/v4/live_engine_http_srv/get_room_stats",
        [Reply::json(
            200,
            &json!({"ErrorCode": 0, "Response": {"TotalViewers": "many"}}),
        )],
    );
    let client = TencentClient::builder(SDKAPPID, KEY)
        .base_url(server.url())
        .build()
        .unwrap();
    let error = client.room_info("live_a").await.unwrap_err();
    assert!(matches!(error, Error::Http { .. }), "{error:?}");
    let error = client.room_stats("live_a").await.unwrap_err();
    let Error::Http { source, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(source.kind(), live_http::ErrorKind::Decode);
    assert_eq!(source.json_path(), Some("Response.TotalViewers"));
}

#[test]
fn regions_name_every_documented_host() {
    let hosts: Vec<(&str, Option<&str>)> = Region::ALL
        .iter()
        .map(|r| (r.host(), r.backup_host()))
        .collect();
    assert_eq!(
        hosts,
        [
            ("console.tim.qq.com", Some("adminapi.my-imcloud.com")),
            (
                "adminapisgp.im.qcloud.com",
                Some("adminapisgp.my-imcloud.com")
            ),
            (
                "adminapikr.im.qcloud.com",
                Some("adminapikr.my-imcloud.com")
            ),
            (
                "adminapijpn.im.qcloud.com",
                Some("adminapijpn.my-imcloud.com")
            ),
            (
                "adminapiger.im.qcloud.com",
                Some("adminapiger.my-imcloud.com")
            ),
            (
                "adminapiind.im.qcloud.com",
                Some("adminapiind.my-imcloud.com")
            ),
            (
                "adminapiusa.im.qcloud.com",
                Some("adminapiusa.my-imcloud.com")
            ),
            (
                "adminapiidn.im.qcloud.com",
                Some("adminapiidn.my-imcloud.com")
            ),
        ]
    );
    for region in Region::ALL {
        assert_eq!(region.name().parse::<Region>().unwrap(), region);
    }
    assert_eq!("SGP".parse::<Region>().unwrap(), Region::Singapore);
    assert_eq!("usa".parse::<Region>().unwrap(), Region::SiliconValley);
    assert_eq!(
        "http://127.0.0.1:9".parse::<Region>().unwrap().base_url(),
        "http://127.0.0.1:9"
    );
    assert_eq!(
        Region::Custom("proxy.example.com".into()).base_url(),
        "https://proxy.example.com"
    );
    assert!("atlantis".parse::<Region>().is_err());
}

#[tokio::test(start_paused = true)]
async fn only_administrators_and_this_apps_key_get_in() {
    let emulator = TencentEmulator::start(TencentConfig::new(SDKAPPID, KEY).admin("ops_admin"))
        .await
        .unwrap();
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    let ops = builder(&emulator).identifier("ops_admin").build().unwrap();
    ops.room_info("live_a").await.unwrap();
    let viewer = builder(&emulator)
        .identifier("some_viewer")
        .build()
        .unwrap();
    assert_eq!(
        viewer.room_info("live_a").await.unwrap_err().code(),
        Some(60_010)
    );
    let wrong_key = TencentClient::builder(SDKAPPID, "not the key")
        .base_url(emulator.url())
        .build()
        .unwrap();
    assert_eq!(
        wrong_key.room_info("live_a").await.unwrap_err().code(),
        Some(70_009)
    );
    let wrong_app = TencentClient::builder(SDKAPPID + 1, KEY)
        .base_url(emulator.url())
        .build()
        .unwrap();
    assert_eq!(
        wrong_app.room_info("live_a").await.unwrap_err().code(),
        Some(70_020)
    );
}

#[tokio::test(start_paused = true)]
async fn a_message_that_timed_out_is_not_sent_again() {
    let server = HttpServer::start().await.unwrap();
    let slow = Reply::json(200, &json!({"ErrorCode": 0})).delay(Duration::from_secs(60));
    server.script(
        "POST",
        "/v4/live_engine_http_srv/send_text_msg",
        [slow.clone()],
    );
    server.script("POST", "/v4/live_engine_http_srv/get_room_info", [slow]);
    let client = TencentClient::builder(SDKAPPID, KEY)
        .base_url(server.url())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let message = tencent_live::SendTextMessage::new("live_a", "robot", "hi");
    let error = client.send_text_message(message).await.unwrap_err();
    assert!(
        matches!(&error, Error::Http { source, .. } if source.kind() == live_http::ErrorKind::Timeout)
    );
    // It may have been delivered: once only. A read is retried.
    assert_eq!(
        server
            .requests_to("/v4/live_engine_http_srv/send_text_msg")
            .len(),
        1
    );
    client.room_info("live_a").await.unwrap_err();
    assert_eq!(
        server
            .requests_to("/v4/live_engine_http_srv/get_room_info")
            .len(),
        4
    );
}

#[tokio::test(start_paused = true)]
async fn a_message_whose_reply_was_lost_is_not_sent_again_but_a_refused_one_is() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    emulator.inject("send_text_msg", 1, Fault::Drop);
    let message = tencent_live::SendTextMessage::new("live_a", "robot", "hi");
    let error = client.send_text_message(message.clone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Http { source, .. } if source.kind() == live_http::ErrorKind::Interrupted)
    );
    assert_eq!(emulator.calls_of("send_text_msg").len(), 1);
    // A refusal means it was not processed: that is retried.
    emulator.fail_next("send_text_msg", 1, 60_018);
    client.send_text_message(message).await.unwrap();
    assert_eq!(emulator.calls_of("send_text_msg").len(), 3);
    assert_eq!(emulator.messages("live_a").len(), 1);
}
