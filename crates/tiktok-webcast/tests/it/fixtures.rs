//! Every TikHub fixture round-trips through its generated model, and the model reads the
//! values a client needs.

use live_testkit::fixtures::{assert_round_trip, fixture_files, fixture_path};
use tiktok_webcast::tikhub_model::LiveInfoResponse;

#[test]
fn tikhub_live_info_round_trips() {
    let info = assert_round_trip::<LiveInfoResponse>(&fixture_path("tikhub/live_info.json"));
    assert_eq!((info.code, info.msg.as_str()), (0, "success"));
    let room = &info.data.data;
    assert_eq!(room.id, 7_531_095_702_089_370_381);
    assert_eq!(room.id_str, "7531095702089370381");
    assert_eq!(room.owner.id_str, "6796815426174960646");
    assert_eq!(room.age_restricted.age_interval, 4);
    let audience = &room.aggregation_data.audience;
    assert_eq!(
        audience.avatar_large.uri,
        "1080x1080/musically-maliva-obj/1594805258216454"
    );
    assert_eq!(audience.author_stats.video_total_count, 0);
    // The owner, the audience member and the cover share the one `User`/`Image` types.
    assert_eq!(room.cover.url_list.len(), 3);
    assert_eq!(room.stream_url.flv_pull_url.len(), 4);
    let pull_data = &room.stream_url.live_core_sdk_data.pull_data;
    assert_eq!(pull_data.options.qualities.len(), 4);
    let stream_data: serde_json::Value = serde_json::from_str(&pull_data.stream_data).unwrap();
    assert!(stream_data["data"]["origin"]["main"]["flv"].is_string());
    assert!(room.anchor_ab_map.is_empty());
}

#[test]
fn every_tikhub_fixture_has_a_round_trip_test() {
    assert_eq!(fixture_files("tikhub"), ["live_info.json"]);
}
