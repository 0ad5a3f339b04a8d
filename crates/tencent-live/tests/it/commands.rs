//! Every command against the emulator: the body the client sends, and what comes back.

use std::time::Duration;

use futures_util::TryStreamExt;
use live_testkit::tencent::RoomSeed;
use serde_json::json;
use tencent_live::{
    BanMembers, CreateRoom, Error, LockSeat, MovePolicy, SendTextMessage, TakeSeatMode, UpdateRoom,
};
use tokio::time::Instant;

use crate::setup;

#[tokio::test(start_paused = true)]
async fn creates_reads_updates_and_destroys_a_room() {
    let (emulator, client) = setup().await;
    let created = client
        .create_room(
            CreateRoom::new("live_karaoke")
                .name("Friday Night Karaoke 🎤")
                .owner("mia_sings")
                .cover_url("https://cdn.example-live.com/covers/k.jpg")
                .category([1, 4])
                .max_members(5000)
                .seats_enabled(true)
                .max_seats(6)
                .take_seat_mode(TakeSeatMode::ApplyToTake)
                .activity_status(1),
        )
        .await
        .unwrap();
    assert_eq!(created.room_id, "live_karaoke");
    assert!(!created.already_existed);
    assert!(created.request_id.starts_with("Id-"));
    assert_eq!(
        emulator.calls_of("create_room")[0].body,
        Some(json!({"RoomInfo": {
            "RoomId": "live_karaoke", "RoomType": "Live", "Owner_Account": "mia_sings",
            "RoomName": "Friday Night Karaoke 🎤", "MaxMemberCount": 5000,
            "CoverURL": "https://cdn.example-live.com/covers/k.jpg", "Category": [1, 4],
            "IsSeatEnabled": true, "TakeSeatMode": "ApplyToTake", "MaxSeatCount": 6,
            "ActivityStatus": 1
        }}))
    );

    let info = client.room_info("live_karaoke").await.unwrap();
    assert_eq!(info.room_name, "Friday Night Karaoke 🎤");
    assert_eq!(info.owner(), "mia_sings");
    assert_eq!(info.take_seat_mode(), Some(TakeSeatMode::ApplyToTake));
    assert_eq!((info.max_seat_count, info.max_member_count), (6, 5000));
    assert!(info.is_seat_enabled && info.is_public_visible);
    assert_eq!(info.category, [1, 4]);
    // Fields the model does not name are kept, not lost.
    assert_eq!(info.extra.get("Notice"), Some(&json!("")));

    client
        .update_room_info(
            UpdateRoom::new("live_karaoke")
                .name("Karaoke (late edition)")
                .notice("Song requests open until 22:00")
                .public(false)
                .take_seat_mode(TakeSeatMode::FreeToTake),
        )
        .await
        .unwrap();
    assert_eq!(
        emulator.calls_of("update_room_info")[0].body,
        Some(
            json!({"RoomInfo": {"RoomId": "live_karaoke", "RoomName": "Karaoke (late edition)",
            "IsPublicVisible": false, "TakeSeatMode": "FreeToTake",
            "Notice": "Song requests open until 22:00"}})
        )
    );
    let room = emulator.room("live_karaoke").unwrap();
    assert_eq!(room["RoomName"], "Karaoke (late edition)");
    assert_eq!(room["IsPublicVisible"], false);

    let stats = client.room_stats("live_karaoke").await.unwrap();
    assert_eq!(stats.total_msg_count, 0);
    let statistic = client.destroy_room("live_karaoke").await.unwrap().unwrap();
    assert_eq!(statistic.total_viewers, 0);
    assert!(emulator.room("live_karaoke").is_none());
    let error = client.destroy_room("live_karaoke").await.unwrap_err();
    assert_eq!(error.code(), Some(100_004));
}

#[tokio::test(start_paused = true)]
async fn creating_an_existing_room_is_idempotent_and_waits_out_100012() {
    let (emulator, client) = setup().await;
    client
        .create_room(CreateRoom::new("live_a").owner("mia"))
        .await
        .unwrap();
    // The same id again within the second: the service says 100012, the client waits 1 s.
    let start = Instant::now();
    let again = client
        .create_room(CreateRoom::new("live_a").owner("mia"))
        .await
        .unwrap();
    assert!(again.already_existed);
    assert_eq!(again.room_id, "live_a");
    assert!(start.elapsed() >= Duration::from_secs(1));
    let codes: Vec<i64> = emulator
        .calls_of("create_room")
        .iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(codes, [0, 100_012, 100_010]);
    // Another owner: the id is taken, and that is final.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let taken = client
        .create_room(CreateRoom::new("live_a").owner("zed"))
        .await
        .unwrap_err();
    assert_eq!(taken.code(), Some(100_003));
    // The service's own validation comes back typed, unretried.
    let long = client
        .create_room(CreateRoom::new("x".repeat(49)))
        .await
        .unwrap_err();
    assert_eq!(long.code(), Some(100_002));
    let not_live = client
        .create_room(CreateRoom::new("live_b").room_type("Conference"))
        .await
        .unwrap_err();
    assert_eq!(not_live.code(), Some(100_006));
    assert!(matches!(
        client.create_room(CreateRoom::new("")).await,
        Err(Error::InvalidRequest(_))
    ));
    // The owner defaults to the calling admin.
    client.create_room(CreateRoom::new("live_c")).await.unwrap();
    assert_eq!(
        emulator.room("live_c").unwrap()["Owner_Account"],
        "administrator"
    );
}

#[tokio::test(start_paused = true)]
async fn room_metadata_is_set_read_and_deleted() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    client
        .set_room_metadata(
            "live_a",
            &[
                ("pinned_notice", "Requests open"),
                ("theme", "{\"accent\":\"#ff4f8b\"}"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        emulator.calls_of("set_room_metadata")[0].body,
        Some(json!({"RoomId": "live_a", "Metadata": [
            {"Key": "pinned_notice", "Value": "Requests open"},
            {"Key": "theme", "Value": "{\"accent\":\"#ff4f8b\"}"}]}))
    );
    let all = client.room_metadata("live_a", &[]).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all["theme"], "{\"accent\":\"#ff4f8b\"}");
    let one = client
        .room_metadata("live_a", &["pinned_notice"])
        .await
        .unwrap();
    assert_eq!(one.keys().collect::<Vec<_>>(), ["pinned_notice"]);
    client
        .delete_room_metadata("live_a", &["theme"])
        .await
        .unwrap();
    assert_eq!(emulator.metadata("live_a").len(), 1);
    assert_eq!(
        emulator.calls_of("del_room_metadata")[0].body,
        Some(json!({"RoomId": "live_a", "Keys": ["theme"]}))
    );
    let too_many: Vec<(String, String)> =
        (0..11).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    let error = client
        .set_room_metadata("live_a", &too_many)
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(100_002));
}

#[tokio::test(start_paused = true)]
async fn bans_page_by_offset_and_mutes_come_and_go() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    let accounts: Vec<String> = (0..250).map(|i| format!("spam_{i:03}")).collect();
    for chunk in accounts.chunks(20) {
        client
            .ban_members(
                BanMembers::new("live_a", chunk.to_vec(), Duration::from_secs(3600)).reason("spam"),
            )
            .await
            .unwrap();
    }
    let first = &emulator.calls_of("ban_member")[0];
    assert_eq!(first.body.as_ref().unwrap()["Duration"], 3600);
    assert_eq!(first.body.as_ref().unwrap()["Reason"], "spam");
    assert_eq!(
        first.body.as_ref().unwrap()["MemberList_Account"]
            .as_array()
            .unwrap()
            .len(),
        20
    );

    let page = client.banned_members_page("live_a", 0, 500).await.unwrap();
    assert_eq!(
        (page.banned_account_list.len(), page.next_offset),
        (100, 100)
    );
    let banned: Vec<_> = client.banned_members("live_a").try_collect().await.unwrap();
    assert_eq!(banned.len(), 250);
    assert_eq!(banned[0].member_account, "spam_000");
    assert!(banned[0].banned_until > 1_700_000_000);
    let offsets: Vec<u64> = emulator
        .calls_of("get_banned_member_list")
        .iter()
        .skip(1)
        .map(|c| c.body.as_ref().unwrap()["Offset"].as_u64().unwrap())
        .collect();
    assert_eq!(offsets, [0, 100, 200]);

    client
        .unban_members("live_a", &["spam_000", "spam_001"])
        .await
        .unwrap();
    let banned: Vec<_> = client.banned_members("live_a").try_collect().await.unwrap();
    assert_eq!(banned.len(), 248);
    let too_many: Vec<&str> = accounts.iter().take(21).map(String::as_str).collect();
    assert!(matches!(
        client.unban_members("live_a", &too_many).await,
        Err(Error::InvalidRequest(_))
    ));

    client
        .mute_members(
            "live_a",
            &["loud_lee", "caps_carl"],
            Duration::from_secs(600),
        )
        .await
        .unwrap();
    assert_eq!(
        emulator.calls_of("mute_member")[0].body,
        Some(
            json!({"RoomId": "live_a", "MemberList_Account": ["loud_lee", "caps_carl"], "MuteTime": 600})
        )
    );
    let muted = client.muted_members("live_a").await.unwrap();
    assert_eq!(muted.len(), 2);
    assert!(muted.iter().all(|m| m.muted_until > 0));
    client
        .unmute_members("live_a", &["loud_lee"])
        .await
        .unwrap();
    assert_eq!(
        emulator.calls_of("mute_member")[1].body.as_ref().unwrap()["MuteTime"],
        0
    );
    let muted = client.muted_members("live_a").await.unwrap();
    assert_eq!(
        muted
            .iter()
            .map(|m| m.member_account.as_str())
            .collect::<Vec<_>>(),
        ["caps_carl"]
    );
}

#[tokio::test(start_paused = true)]
async fn sends_text_messages_and_manages_robots() {
    let (emulator, client) = setup().await;
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    client
        .send_text_message(
            SendTextMessage::new("live_a", "robot_greeter", "Welcome to the stream! 👋")
                .extension(r#"{"color":"gold"}"#),
        )
        .await
        .unwrap();
    let messages = emulator.messages("live_a");
    assert_eq!(messages[0]["TextContent"], "Welcome to the stream! 👋");
    assert_eq!(messages[0]["ExtensionInfo"], r#"{"color":"gold"}"#);
    assert_eq!(
        emulator.calls_of("send_text_msg")[0].body,
        Some(
            json!({"RoomId": "live_a", "Sender_Account": "robot_greeter",
            "TextContent": "Welcome to the stream! 👋", "ExtensionInfo": "{\"color\":\"gold\"}"})
        )
    );
    assert_eq!(
        client.room_stats("live_a").await.unwrap().total_msg_count,
        1
    );

    client
        .add_robots("live_a", &["robot_greeter", "robot_dj"])
        .await
        .unwrap();
    assert_eq!(
        client.robots("live_a").await.unwrap(),
        ["robot_greeter", "robot_dj"]
    );
    let error = client
        .add_robots("live_a", &["robot_3", "robot_4"])
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some(100_002),
        "a room has at most three robots"
    );
    client.delete_robots("live_a", &["robot_dj"]).await.unwrap();
    assert_eq!(emulator.robots("live_a"), ["robot_greeter"]);
    assert_eq!(
        emulator.calls_of("del_robot")[0].body,
        Some(json!({"RoomId": "live_a", "RobotList_Account": ["robot_dj"]}))
    );
}

#[tokio::test(start_paused = true)]
async fn seats_are_picked_moved_locked_and_kicked() {
    let (emulator, client) = setup().await;
    emulator.insert_room(
        RoomSeed::new("live_a", "mia")
            .seats(4)
            .members(["ravi", "lee", "kim"]),
    );
    let requests_before = emulator.server().requests().len();
    client.pick_user_on_seat("live_a", 0, "mia").await.unwrap();
    client.pick_user_on_seat("live_a", 1, "ravi").await.unwrap();
    assert!(
        emulator.server().requests()[requests_before]
            .path
            .starts_with("/v4/room_engine_http_mic/")
    );
    let seats = client.seats("live_a").await.unwrap();
    assert_eq!(seats.len(), 4);
    assert_eq!(seats[0].occupant(), Some("mia"));
    assert!(seats[2].is_empty() && seats[2].member_account.is_none());
    assert_eq!(
        client
            .pick_user_on_seat("live_a", 1, "lee")
            .await
            .unwrap_err()
            .code(),
        Some(100_002)
    );
    assert_eq!(
        client
            .pick_user_on_seat("live_a", 2, "stranger")
            .await
            .unwrap_err()
            .code(),
        Some(100_002)
    );

    // Old move: empty seats only.
    client.switch_seat("live_a", 2, "ravi").await.unwrap();
    assert_eq!(
        emulator.calls_of("switch_seat")[0].body,
        Some(json!({"RoomId": "live_a", "ToIndex": 2, "Member_Account": "ravi"}))
    );
    assert_eq!(
        client
            .switch_seat("live_a", 0, "ravi")
            .await
            .unwrap_err()
            .code(),
        Some(100_002)
    );
    // New move: swap, then force.
    client
        .move_user_to_seat("live_a", 0, "ravi", MovePolicy::Swap)
        .await
        .unwrap();
    assert_eq!(
        emulator.seat_occupants("live_a"),
        [Some("ravi".into()), None, Some("mia".into()), None]
    );
    assert_eq!(
        emulator.calls_of("move_user_to_seat")[0].body,
        Some(json!({"RoomId": "live_a", "SeatIndex": 0, "Member_Account": "ravi", "Policy": 2}))
    );
    let taken = client
        .move_user_to_seat("live_a", 2, "ravi", MovePolicy::CancelIfTaken)
        .await;
    assert_eq!(taken.unwrap_err().code(), Some(100_002));
    client
        .move_user_to_seat("live_a", 2, "ravi", MovePolicy::Force)
        .await
        .unwrap();
    assert_eq!(
        emulator.seat_occupants("live_a"),
        [None, None, Some("ravi".into()), None]
    );

    // Locking a seat that forbids taking removes whoever sits there.
    client
        .lock_seat(
            LockSeat::new("live_a", 2)
                .forbid_taken(true)
                .forbid_video(true),
        )
        .await
        .unwrap();
    assert_eq!(
        emulator.calls_of("lock_seat")[0].body,
        Some(json!({"RoomId": "live_a", "Index": 2, "ForbidTaken": true, "ForbidVideo": true}))
    );
    let seats = client.seats("live_a").await.unwrap();
    assert!(seats[2].is_empty() && seats[2].is_taken_disabled && seats[2].is_video_disabled);
    assert_eq!(
        client
            .pick_user_on_seat("live_a", 2, "lee")
            .await
            .unwrap_err()
            .code(),
        Some(100_002)
    );

    client.pick_user_on_seat("live_a", 3, "kim").await.unwrap();
    client
        .kick_user_off_seat("live_a", "kim", "{\"reason\":\"afk\"}")
        .await
        .unwrap();
    assert_eq!(
        emulator.calls_of("kick_user_off_seat")[0].body,
        Some(json!({"RoomId": "live_a", "Member_Account": "kim", "Data": "{\"reason\":\"afk\"}"}))
    );
    assert!(
        emulator
            .seat_occupants("live_a")
            .iter()
            .all(Option::is_none)
    );

    // A room without seats says so with its own code.
    emulator.insert_room(RoomSeed::new("live_b", "mia"));
    assert_eq!(
        client.seats("live_b").await.unwrap_err().code(),
        Some(100_211)
    );
}
