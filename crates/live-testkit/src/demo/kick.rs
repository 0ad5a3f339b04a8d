//! The Kick show: what the demo channel's sockets carry (every frame a real Kick event on
//! the alias real Kick uses), and the viewer counts `current-viewers` answers.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::{Instant, sleep, sleep_until, timeout};

use super::cast::{
    CAST, JOAO, LUNA, MAPLE, MINJUN, MOD, NIGHT_OWL, OMAR, PRIYA, RAIDERS, RAVEN, SAKURA, SPAMMER,
    Viewer, XIAOLONG,
};
use super::clock::{laravel, rfc3339, uuid, wall_ms};
use super::{DemoOptions, Timeline};
use crate::kick::{EmuChannel, KickEmulator};

/// The demo channel's slug (`kick:demo`).
pub const SLUG: &str = "demo";

/// Its viewers when a show starts (the lookup's count).
const VIEWERS: u64 = 1204;

/// The demo channel: chatroom 4 100 000, channel 4 100 176, livestream 61 000 010.
pub(crate) fn channel() -> EmuChannel {
    EmuChannel {
        slug: SLUG.to_owned(),
        username: "Demo".to_owned(),
        channel_id: 4_100_176,
        user_id: 4_185_000,
        chatroom_id: 4_100_000,
        livestream: Some((
            61_000_010,
            VIEWERS,
            "live-sdk demo ✨ ranked until diamond | !commands".to_owned(),
        )),
    }
}

/// What the broadcaster looks like in chat.
const STREAMER: Viewer = Viewer {
    kick_id: 4_185_000,
    kick: "Demo",
    color: "#53FC18",
    sub_months: 0,
    tiktok_id: 0,
    tiktok: "",
    nickname: "",
};

/// One thing the show does at its time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cue {
    /// Publish `event` with this `data` text on a channel.
    Publish {
        /// The Pusher channel (one of the five aliases).
        channel: String,
        /// The event name as Kick sends it.
        event: &'static str,
        /// The `data` string.
        data: String,
    },
    /// `current-viewers` answers this from now on.
    Viewers(u64),
}

/// Builds one round of the show.
struct Show<'a> {
    ch: &'a EmuChannel,
    round: u64,
    /// Wall-clock ms of the round's start (stamps are this plus the cue's real offset).
    base_ms: i64,
    speed: f64,
    line: Timeline<Cue>,
    ids: u64,
}

impl Show<'_> {
    fn after(&mut self, gap_ms: i64) -> &mut Self {
        self.line.after(gap_ms);
        self
    }

    fn stamp(&self) -> i64 {
        self.base_ms + (self.line.now() as f64 / self.speed) as i64
    }

    fn id(&mut self) -> String {
        self.ids += 1;
        uuid(self.round, self.ids)
    }

    fn publish(&mut self, channel: String, event: &'static str, data: Value) {
        let data = match data {
            Value::String(text) => text,
            other => other.to_string(),
        };
        self.line.cue(Cue::Publish {
            channel,
            event,
            data,
        });
    }

    fn v2(&self) -> String {
        self.ch.chat_channel()
    }

    fn identity(who: &Viewer) -> Value {
        let mut badges = Vec::new();
        if who.kick_id == STREAMER.kick_id {
            badges.push(json!({"type": "broadcaster", "text": "Broadcaster"}));
        }
        if who.kick_id == MOD.kick_id {
            badges.push(json!({"type": "moderator", "text": "Moderator"}));
        }
        if who.sub_months > 0 {
            badges
                .push(json!({"type": "subscriber", "text": "Subscriber", "count": who.sub_months}));
        }
        if who.kick_id == RAVEN.kick_id {
            badges.push(json!({"type": "og", "text": "OG"}));
        }
        json!({"color": who.color, "badges": badges})
    }

    fn user_ref(who: &Viewer) -> Value {
        json!({"id": who.kick_id, "username": who.kick, "slug": who.slug()})
    }

    fn message(
        &mut self,
        who: &Viewer,
        text: &str,
        reply_to: Option<(&Viewer, &str, &str)>,
    ) -> Value {
        let id = self.id();
        let stamp = self.stamp();
        let mut metadata = json!({"message_ref": stamp.to_string()});
        if let Some((to, to_id, to_text)) = reply_to {
            metadata["original_sender"] =
                json!({"id": to.kick_id.to_string(), "username": to.kick});
            metadata["original_message"] = json!({"id": to_id, "content": to_text});
        }
        json!({
            "id": id,
            "chatroom_id": self.ch.chatroom_id,
            "content": text,
            "type": if reply_to.is_some() { "reply" } else { "message" },
            "created_at": rfc3339(stamp),
            "sender": {
                "id": who.kick_id,
                "username": who.kick,
                "slug": who.slug(),
                "identity": Self::identity(who),
            },
            "metadata": metadata,
        })
    }

    /// A chat message; returns its id.
    fn chat(&mut self, gap: i64, who: &Viewer, text: &str) -> String {
        self.after(gap);
        let message = self.message(who, text, None);
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        self.publish(self.v2(), "App\\Events\\ChatMessageEvent", message);
        id
    }

    fn reply(&mut self, gap: i64, who: &Viewer, text: &str, to: (&Viewer, &str, &str)) {
        self.after(gap);
        let message = self.message(who, text, Some(to));
        self.publish(self.v2(), "App\\Events\\ChatMessageEvent", message);
    }

    fn pin(&mut self, gap: i64, who: &Viewer, text: &str, by: &Viewer) {
        self.after(gap);
        let mut message = self.message(who, text, None);
        message["metadata"] = Value::Null;
        let data = json!({
            "message": message,
            "duration": "1200",
            "pinnedBy": {"id": by.kick_id, "username": by.kick, "slug": by.slug(), "identity": Self::identity(by)},
        });
        self.publish(self.v2(), "App\\Events\\PinnedMessageCreatedEvent", data);
    }

    fn unpin(&mut self, gap: i64) {
        self.after(gap);
        self.publish(
            self.v2(),
            "App\\Events\\PinnedMessageDeletedEvent",
            json!("[]"),
        );
    }

    fn subscription(&mut self, gap: i64, who: &Viewer, months: u32) {
        self.after(gap);
        let data =
            json!({"chatroom_id": self.ch.chatroom_id, "username": who.kick, "months": months});
        self.publish(self.v2(), "App\\Events\\SubscriptionEvent", data);
        // Kick also sends the channel-side twin, which the client drops.
        self.after(150);
        let data = json!({"user_ids": [who.kick_id], "username": who.kick, "channel_id": self.ch.channel_id});
        self.publish(
            format!("channel.{}", self.ch.channel_id),
            "App\\Events\\ChannelSubscriptionEvent",
            data,
        );
    }

    fn gifted(&mut self, gap: i64, gifter: &Viewer, to: &[&Viewer]) {
        self.after(gap);
        let names: Vec<&str> = to.iter().map(|v| v.kick).collect();
        let data = json!({
            "chatroom_id": self.ch.chatroom_id,
            "gifted_usernames": names,
            "gifter_username": gifter.kick,
            "gifter_total": 17 + names.len() as u64 * self.round,
            "gifted_total": names.len(),
            "correlation_id": null,
            "chunk_details": null,
        });
        self.publish(
            format!("chatroom_{}", self.ch.chatroom_id),
            "GiftedSubscriptionsEvent",
            data,
        );
    }

    /// A Kicks gift and the leaderboard update Kick sends next to it.
    fn kicks(
        &mut self,
        gap: i64,
        who: &Viewer,
        gift: (&str, &str, u64, &str),
        message: Option<&str>,
    ) {
        self.after(gap);
        let (gift_id, name, amount, tier) = gift;
        let stamp = self.stamp();
        let mut data = json!({
            "gift_transaction_id": format!("gt_{}", self.id().replace('-', "").to_uppercase()),
            "sender": {"id": who.kick_id, "username": who.kick, "username_color": who.color},
            "gift": {
                "gift_id": gift_id, "name": name, "amount": amount,
                "type": if tier == "BASIC" { "BASIC" } else { "LEVEL_UP" }, "tier": tier,
                "character_limit": if message.is_some() { 60 } else { 0 },
                "pinned_time": if message.is_some() { 600 } else { 0 },
            },
            "created_at": laravel(stamp),
        });
        if let Some(text) = message {
            data["message"] = json!(text);
        }
        let channel = format!("channel_{}", self.ch.channel_id);
        self.publish(channel.clone(), "KicksGifted", data);
        self.after(150);
        let board = json!({
            "leaderboard": [
                {"user_id": RAVEN.kick_id, "username": RAVEN.kick, "gifted_amount": 2500},
                {"user_id": who.kick_id, "username": who.kick, "gifted_amount": amount + 400},
            ],
            "weekly_leaderboard": [{"user_id": who.kick_id, "username": who.kick, "gifted_amount": amount}],
            "monthly_leaderboard": [{"user_id": RAVEN.kick_id, "username": RAVEN.kick, "gifted_amount": 2500}],
            "gifter_id": who.kick_id,
            "gifter_username": who.kick,
            "gifted_amount": amount,
        });
        self.publish(channel, "KicksLeaderboardUpdated", board);
    }

    fn deleted(&mut self, gap: i64, message_id: &str) {
        self.after(gap);
        let data = json!({"id": self.id(), "message": {"id": message_id}, "aiModerated": false, "violatedRules": []});
        self.publish(self.v2(), "App\\Events\\MessageDeletedEvent", data);
    }

    fn timeout(&mut self, gap: i64, who: &Viewer, by: &Viewer, minutes: i64) {
        self.after(gap);
        let expires = self.stamp() + minutes * 60_000;
        let data = json!({
            "id": self.id(),
            "user": Self::user_ref(who),
            "banned_by": Self::user_ref(by),
            "permanent": false,
            "duration": minutes,
            "expires_at": rfc3339(expires),
        });
        self.publish(self.v2(), "App\\Events\\UserBannedEvent", data);
    }

    fn unban(&mut self, gap: i64, who: &Viewer, by: &Viewer) {
        self.after(gap);
        let data = json!({
            "id": self.id(),
            "user": Self::user_ref(who),
            "unbanned_by": Self::user_ref(by),
            "permanent": false,
        });
        self.publish(self.v2(), "App\\Events\\UserUnbannedEvent", data);
    }

    fn poll(&mut self, gap: i64, title: &str, options: &[(&str, u64)], remaining: u64) {
        self.after(gap);
        let list: Vec<Value> = options
            .iter()
            .enumerate()
            .map(|(i, (label, votes))| {
                // Later rounds' polls start from other numbers (and are not copies).
                let votes = if *votes > 0 { votes + self.round } else { 0 };
                json!({"id": i, "label": label, "votes": votes})
            })
            .collect();
        let mut poll = json!({
            "title": title, "options": list, "duration": 30, "remaining": remaining,
            "result_display_duration": 15,
        });
        if remaining == 30 {
            poll["has_voted"] = json!(false);
            poll["voted_option_id"] = Value::Null;
        }
        self.publish(
            self.v2(),
            "App\\Events\\PollUpdateEvent",
            json!({"poll": poll}),
        );
    }

    fn poll_deleted(&mut self, gap: i64) {
        self.after(gap);
        self.publish(self.v2(), "App\\Events\\PollDeleteEvent", json!("[]"));
    }

    /// A raid: `StreamHostEvent` on the chat channel and its camel-case twin
    /// `StreamHostedEvent` on `chatrooms.{id}` (the client keeps one).
    fn raid(&mut self, gap: i64, host: &str, viewers: u64) {
        self.after(gap);
        let data = json!({
            "chatroom_id": self.ch.chatroom_id,
            "optional_message": "have fun, chat! 💜",
            "number_viewers": viewers,
            "host_username": host,
        });
        self.publish(self.v2(), "App\\Events\\StreamHostEvent", data);
        self.after(150);
        let data = json!({
            "message": {
                "id": self.id(),
                "numberOfViewers": viewers,
                "optionalMessage": "have fun, chat! 💜",
                "createdAt": rfc3339(self.stamp()),
            },
            "user": {"id": 8_800_000 + viewers, "username": host, "isSuperAdmin": false, "verified": true},
        });
        self.publish(
            format!("chatrooms.{}", self.ch.chatroom_id),
            "App\\Events\\StreamHostedEvent",
            data,
        );
    }

    fn stream_end(&mut self, gap: i64) {
        self.after(gap);
        let livestream = self.ch.livestream.as_ref().map_or(0, |l| l.0);
        let data = json!({"livestream": {"id": livestream, "channel": {"id": self.ch.channel_id, "is_banned": false}}});
        self.publish(
            format!("channel.{}", self.ch.channel_id),
            "App\\Events\\StopStreamBroadcast",
            data,
        );
    }
}

/// One round of the show (the stream ends at the end of the `last` one), with cue times in
/// the show's nominal milliseconds; also returns the round's nominal length.
pub(crate) fn round(
    ch: &EmuChannel,
    round: u64,
    base_ms: i64,
    speed: f64,
    last: bool,
) -> (Vec<(i64, Cue)>, i64) {
    let mut s = Show {
        ch,
        round,
        base_ms,
        speed,
        line: Timeline::default(),
        ids: 0,
    };
    // Rounds rotate who subscribes and who raids: the client rightly drops a second
    // subscription or host by the same name within a minute as a twin.
    let subscriber = CAST[(1 + round as usize) % CAST.len()];
    let (raider, raiders) = RAIDERS[round as usize % RAIDERS.len()];

    s.chat(400, &NIGHT_OWL, "gg everyone, this stream is 🔥");
    s.chat(350, &LUNA, "¡Hola a todos desde México! 🇲🇽");
    s.chat(300, &SAKURA, "こんばんは！日本から見てます 👀");
    s.chat(450, &JOAO, "Boa noite do Brasil! 🇧🇷");
    s.chat(250, &MINJUN, "안녕하세요! 한국에서 왔어요 ㅋㅋ");
    let welcome = "Welcome in! Ranked until diamond today. Be nice 💚";
    s.chat(500, &STREAMER, welcome);
    s.pin(300, &STREAMER, welcome, &MOD);
    s.chat(350, &XIAOLONG, "今天打排位吗？🎯");
    s.chat(300, &LUNA, "¡vamos con todo! 💪");
    let clutch = "that clutch was insane [emote:37226:KEKW]";
    let clutch_id = s.chat(400, &RAVEN, clutch);
    s.subscription(300, &subscriber, 6);
    s.reply(
        200,
        &MAPLE,
        "@pixelRaven it really was [emote:37226:KEKW]",
        (&RAVEN, &clutch_id, clutch),
    );
    s.chat(350, &XIAOLONG, "大家好！来自上海的问候 👋");
    s.chat(400, &OMAR, "مرحبا من الكويت 👋");
    s.chat(300, &PRIYA, "नमस्ते दोस्तों! 🙏");
    s.gifted(450, &NIGHT_OWL, &[&LUNA, &JOAO, &SAKURA, &MINJUN, &OMAR]);
    s.chat(300, &LUNA, "¡Gracias por el sub, NightOwl! 💚");
    s.chat(250, &SAKURA, "ありがとう！🎁");
    s.chat(300, &JOAO, "valeu pelo sub! 🙌");
    s.chat(350, &MINJUN, "감사합니다! 🎁");
    s.chat(300, &OMAR, "شكرا جزيلا 🎁");
    s.kicks(400, &PRIYA, ("rage_quit", "Rage Quit", 100, "BASIC"), None);
    s.chat(350, &RAVEN, "🔥🔥🔥 [emote:37226:KEKW]");
    let spam = s.chat(400, &SPAMMER, "FREE KICKS 👉 kick-gifts.example/claim 💰💰");
    s.deleted(300, &spam);
    s.timeout(250, &SPAMMER, &MOD, 10);
    s.chat(400, &MOD, "no links please 🙏");
    s.chat(350, &JOAO, "que jogada incrível 😱");
    let map = "Which map next?";
    s.poll(300, map, &[("Ascent", 0), ("Lotus", 0), ("Sunset", 0)], 30);
    s.chat(400, &MINJUN, "대박 ㅋㅋㅋ Lotus 가자!");
    s.poll(300, map, &[("Ascent", 3), ("Lotus", 5), ("Sunset", 1)], 27);
    s.chat(350, &XIAOLONG, "太厉害了 👍");
    s.poll(300, map, &[("Ascent", 6), ("Lotus", 9), ("Sunset", 2)], 24);
    s.chat(400, &OMAR, "رائع جدا 🔥");
    s.poll(300, map, &[("Ascent", 8), ("Lotus", 14), ("Sunset", 3)], 21);
    s.raid(450, raider, raiders);
    let raid_at = s.line.now();
    s.chat(250, &PRIYA, "RAID 🎉🎉🎉");
    s.chat(300, &MAPLE, "welcome raiders! 👋");
    s.chat(350, &SAKURA, "レイドありがとう！🙌");
    s.chat(300, &XIAOLONG, "欢迎欢迎 👋");
    s.chat(350, &OMAR, "أهلا وسهلا 🎉");
    s.chat(300, &JOAO, "bem-vindos! 🎉");
    s.chat(300, &RAVEN, "🎉🎉🎉");
    s.poll(300, map, &[("Ascent", 9), ("Lotus", 17), ("Sunset", 4)], 18);
    s.poll_deleted(500);
    s.chat(300, &STREAMER, "Lotus it is! gg chat 🗺️");
    s.chat(400, &NIGHT_OWL, "lets gooo [emote:37226:KEKW]");
    s.unban(350, &SPAMMER, &MOD);
    s.chat(300, &LUNA, "¿qué juego es este? 🎮");
    s.chat(400, &JOAO, "Valorant, mano 😄");
    s.kicks(
        300,
        &RAVEN,
        ("full_send", "Full Send", 500, "MID"),
        Some("GG from the raven 🐦"),
    );
    s.chat(350, &PRIYA, "क्या बात है! 🔥");
    s.unpin(400);
    s.chat(
        300,
        &STREAMER,
        "That's it for today, thanks for watching! 👋",
    );
    s.chat(350, &MAPLE, "gg! 👋");
    s.chat(350, &SAKURA, "お疲れ様でした！🙇");
    s.chat(300, &MINJUN, "수고하셨습니다! 👏");
    s.chat(400, &PRIYA, "अलविदा! 👋");
    s.chat(300, &LUNA, "¡Hasta mañana! 👋");
    s.chat(350, &JOAO, "falou, até amanhã! 👋");
    s.chat(300, &NIGHT_OWL, "gg 🫡");
    s.chat(300, &XIAOLONG, "拜拜！明天见 👋");
    s.chat(400, &OMAR, "مع السلامة 👋");
    if last {
        s.stream_end(600);
    } else {
        s.after(600);
    }
    let length = s.line.now();

    // Viewer counts change between the client's polls (every 3 s of the show, from its
    // start), so each poll sees a new count.
    let wobble = [15, 32, 47, 58, 66, 61, 75, 82, 90];
    let mut at = 1500;
    for w in wobble {
        if at >= length {
            break;
        }
        let raid_bonus = if at > raid_at { raiders } else { 0 };
        s.line.cue_at(at, Cue::Viewers(VIEWERS + w + raid_bonus));
        at += 3000;
    }
    (s.line.into_cues(), length)
}

/// How often the demo client should poll viewer counts (at speed 1).
pub(crate) const VIEWER_POLL: Duration = Duration::from_secs(3);

/// How often the player checks for a new subscriber while no show runs.
const IDLE_POLL: Duration = Duration::from_millis(50);

/// How long the player waits for the other aliases after the chat channel's subscribe.
const ALIAS_GRACE: Duration = Duration::from_secs(1);

/// Plays the show to every subscriber of the demo channel, forever: a show starts when a
/// client subscribes while none runs.
pub(crate) async fn player(emulator: Arc<KickEmulator>, ch: EmuChannel, options: DemoOptions) {
    let v2 = ch.chat_channel();
    let mut seen = 0;
    loop {
        while emulator.subscribe_count(&v2) <= seen {
            sleep(IDLE_POLL).await;
        }
        // A client subscribes to every alias at once: give the others a moment to arrive.
        let _ = timeout(ALIAS_GRACE, async {
            for alias in ch.aliases() {
                emulator.wait_for_subscribed(&alias).await;
            }
        })
        .await;
        play(&emulator, &ch, &options).await;
        seen = emulator.subscribe_count(&v2);
    }
}

async fn play(emulator: &KickEmulator, ch: &EmuChannel, options: &DemoOptions) {
    let livestream = ch.livestream.as_ref().map_or(0, |l| l.0);
    emulator.set_viewers(livestream, VIEWERS);
    let start = Instant::now();
    let base_ms = options.clock_ms.unwrap_or_else(wall_ms);
    let mut offset = 0i64;
    for n in 0.. {
        let last = !options.looping;
        let round_base = base_ms + (offset as f64 / options.speed) as i64;
        let (cues, length) = round(ch, n, round_base, options.speed, last);
        for (at, cue) in cues {
            sleep_until(start + options.real(offset + at)).await;
            match cue {
                Cue::Publish {
                    channel,
                    event,
                    data,
                } => {
                    emulator.publish(&channel, event, &data);
                }
                Cue::Viewers(viewers) => emulator.set_viewers(livestream, viewers),
            }
        }
        offset += length;
        if last {
            return;
        }
    }
}
