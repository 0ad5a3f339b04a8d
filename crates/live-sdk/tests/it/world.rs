//! A small two-platform world: a Kick channel and a TikTok room with a short script.

use std::time::Duration;

use live_sdk::kick::{KickClient, Transport};
use live_sdk::tiktok::TikTokClient;
use live_sdk::{LiveClient, LiveClientBuilder, Secret};
use live_testkit::kick::{EmuChannel, KickEmulator};
use live_testkit::tiktok::{
    Batch, EmulatorConfig, FakeUser, PushStep, Room, RoomState, TikTokEmulator,
};
use serde_json::json;

pub const KEY: &str = "euler_facade_SECRET";
pub const CHAT: &str = "App\\Events\\ChatMessageEvent";

pub struct World {
    pub kick: KickEmulator,
    pub channel: EmuChannel,
    pub tiktok: TikTokEmulator,
}

impl World {
    /// Kick channel `streamer` (live); TikTok user `alice_01` whose room plays a chat, a Rose
    /// streak of 3 and a like, then ends; TikTok user `sleepy` is offline.
    pub async fn start() -> World {
        let kick = KickEmulator::start().await.unwrap();
        let channel = EmuChannel::live("streamer", 1000);
        kick.add_channel(channel.clone());
        let r = Room::new(7_300_000_000_000_000_001, 1_700_000_000_000);
        let alice = FakeUser::new(6_796_815_426_174_960_646, "alice_01", "Alice 🌸");
        let bob = FakeUser::new(7_012_345_678_901_234_567, "bob.builds", "Bob");
        let rose = (5655, "Rose", 1, 1);
        let mut config = EmulatorConfig::live("alice_01", "7300000000000000001");
        config.euler_key = Some(KEY.to_owned());
        config.rooms.insert("sleepy".into(), RoomState::Offline);
        config.fetches = vec![Batch::new(
            "c-0",
            vec![r.chat(1, &alice, "hello from history")],
        )];
        config.scripts = vec![vec![
            PushStep::Sleep(Duration::from_secs(1)),
            PushStep::Batch(Batch::new(
                "c-1",
                vec![
                    r.chat(2, &bob, "hi alice"),
                    r.gift(10, &bob, rose, 1, false, 77),
                    r.gift(11, &bob, rose, 2, false, 77),
                    r.gift(12, &bob, rose, 3, true, 77),
                    r.like(13, &alice, 5, 90),
                ],
            )),
            PushStep::Sleep(Duration::from_secs(5)),
            PushStep::Batch(Batch::new("c-2", vec![r.control(14, 3)])),
        ]];
        let tiktok = TikTokEmulator::start(config).await.unwrap();
        World {
            kick,
            channel,
            tiktok,
        }
    }

    /// A client builder pointed at this world.
    pub fn client(&self) -> LiveClientBuilder {
        let web = self.tiktok.web.url();
        let euler = self.tiktok.euler.url();
        LiveClient::builder()
            .kick(
                KickClient::builder()
                    .api_url(self.kick.api_url())
                    .pusher_url(self.kick.pusher_url())
                    .web_url(self.kick.web_url())
                    .transport(Transport::Pusher),
            )
            .tiktok(move |room| {
                TikTokClient::builder(room)
                    .web_url(&web)
                    .webcast_url(&web)
                    .euler_url(&euler)
                    .euler_api_key(Secret::new(KEY))
            })
    }

    /// Publishes a Kick chat message on the channel.
    pub fn kick_chat(&self, id: &str, text: &str) {
        let data = json!({
            "id": id, "chatroom_id": 1000, "content": text, "type": "message",
            "created_at": "2026-11-23T18:05:00+00:00",
            "sender": {"id": 346148, "username": "NightOwl_42", "slug": "nightowl-42",
                       "identity": {"color": "#FF9D00", "badges": []}},
            "metadata": null
        });
        self.kick
            .publish(&self.channel.chat_channel(), CHAT, &data.to_string());
    }
}
