//! The emulator side: live_testkit's Kick and TikTok emulators with N rooms, and the load
//! they push once told to go. Run in a child process (`load --serve`) so that the client's
//! memory and CPU are the SDK's alone; tests run it in-process.
//!
//! Every pushed message carries its send time (wall clock, µs) in its id, which the unified
//! event keeps: TikTok's numeric `msg_id`, Kick's chat message id.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use live_testkit::kick::{EmuChannel, KickEmulator};
use live_testkit::tiktok::{
    Batch, EmulatorConfig, FakeMessage, FakeUser, PushStep, Room, RoomState, StepSource,
    TikTokEmulator,
};
use tokio::time::Instant;

use super::measure::{now_us, stamp_id};

/// What to serve and push.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Kick channels (`k0`, `k1`...).
    pub kick: usize,
    /// TikTok rooms (`t0`, `t1`...).
    pub tiktok: usize,
    /// Total events per second over every room, once told to go (0: idle).
    pub rate: f64,
    /// How long the load lasts once started.
    pub load: Duration,
}

impl Plan {
    /// Events per second of one room.
    fn per_room(&self) -> f64 {
        let rooms = (self.kick + self.tiktok).max(1) as f64;
        self.rate / rooms
    }

    /// The Kick channel names.
    pub fn kick_slugs(&self) -> Vec<String> {
        (0..self.kick).map(|i| format!("k{i}")).collect()
    }

    /// The TikTok unique ids.
    pub fn tiktok_ids(&self) -> Vec<String> {
        (0..self.tiktok).map(|i| format!("t{i}")).collect()
    }
}

/// Where the client finds the emulators.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Urls {
    /// kick.com.
    pub kick_api: String,
    /// The Pusher socket.
    pub kick_pusher: String,
    /// tiktok.com and webcast.tiktok.com.
    pub tiktok_web: String,
    /// Euler Stream.
    pub tiktok_euler: String,
}

/// Shared by the load's generators.
#[derive(Default)]
struct Control {
    /// Wall-clock µs at which the load started (0: not yet).
    started: AtomicU64,
    /// Stamped messages sent so far.
    sent: AtomicU64,
    /// The load is over (generators stop).
    over: AtomicBool,
}

/// The running emulators.
pub struct Served {
    /// Their URLs.
    pub urls: Urls,
    plan: Plan,
    control: Arc<Control>,
    kick: Arc<KickEmulator>,
    _tiktok: TikTokEmulator,
    /// The Kick publisher task, once started.
    publisher: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Served {
    /// Starts both emulators with the plan's rooms.
    pub async fn start(plan: Plan) -> std::io::Result<Served> {
        let control = Arc::new(Control::default());
        let kick = KickEmulator::start().await?;
        for (i, slug) in plan.kick_slugs().iter().enumerate() {
            kick.add_channel(EmuChannel::live(slug, 1_000 + i as u64));
        }
        let mut config = EmulatorConfig::default();
        for (i, id) in plan.tiktok_ids().iter().enumerate() {
            config.rooms.insert(
                id.clone(),
                RoomState::Live {
                    room_id: (7_400_000_000_000_000_000u64 + i as u64).to_string(),
                },
            );
        }
        // Room-level pushes are generated per connection, on demand (see `room_script`).
        config.scripts = vec![vec![PushStep::Generate(room_script(
            plan.clone(),
            Arc::clone(&control),
        ))]];
        config.heartbeat_timeout = Duration::from_secs(60);
        let tiktok = TikTokEmulator::start(config).await?;
        let urls = Urls {
            kick_api: kick.api_url(),
            kick_pusher: kick.pusher_url(),
            tiktok_web: tiktok.web.url(),
            tiktok_euler: tiktok.euler.url(),
        };
        Ok(Served {
            urls,
            plan,
            control,
            kick: Arc::new(kick),
            _tiktok: tiktok,
            publisher: Mutex::new(None),
        })
    }

    /// Starts the load: TikTok connections notice within 100 ms and follow their own
    /// schedules from this instant; the Kick publisher starts now.
    pub fn go(&self) {
        let start = now_us();
        self.control.started.store(start, Ordering::SeqCst);
        if self.plan.kick > 0 && self.plan.rate > 0.0 {
            let task = tokio::spawn(publish_kick(
                self.plan.clone(),
                Arc::clone(&self.kick),
                Arc::clone(&self.control),
            ));
            *self.publisher.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        }
    }

    /// Stamped messages sent so far.
    pub fn sent(&self) -> u64 {
        self.control.sent.load(Ordering::SeqCst)
    }

    /// Waits for the end of the load; returns the messages sent.
    pub async fn finish(&self) -> u64 {
        let task = self
            .publisher
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
        let start = self.control.started.load(Ordering::SeqCst);
        let end = start + self.plan.load.as_micros() as u64;
        while now_us() < end + 200_000 && self.plan.tiktok > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.control.over.store(true, Ordering::SeqCst);
        self.sent()
    }
}

/// Users of the pushed messages.
fn users() -> Arc<Vec<FakeUser>> {
    Arc::new(
        (0..64)
            .map(|i| {
                FakeUser::new(
                    6_796_815_426_174_960_000 + i,
                    &format!("viewer_{i:02}"),
                    &format!("Viewer {i} 🌸"),
                )
            })
            .collect(),
    )
}

/// One TikTok message of the mix: half chat, then likes, joins, follows and gifts, each
/// delivered as one unified event with the message id.
fn tiktok_message(room: &Room, users: &[FakeUser], id: i64, n: u64) -> FakeMessage {
    let user = &users[(n % users.len() as u64) as usize];
    match n % 10 {
        0..=4 => room.chat(id, user, "this stream is great, hello from Berlin! 🎉"),
        5 | 6 => room.like(id, user, 15, 519_000 + n as i64),
        7 => room.member(id, user, 1, 1_200 + (n % 500) as i64),
        8 => room.social(id, user, "pm_mt_msg_viewer_follow", 1),
        _ => room.gift(id, user, (5_655, "Rose", 1, 1), 1, true, n as i64),
    }
}

/// The script of every TikTok push connection: its first round makes the connection's own
/// generator, which sleeps until the load starts, then sends frames of 1 to 5 messages on
/// a fixed schedule (absolute times, so the rate holds whatever the timer's rounding).
fn room_script(plan: Plan, control: Arc<Control>) -> StepSource {
    let users = users();
    StepSource::new(move |round| {
        if round > 0 || plan.rate <= 0.0 {
            return None;
        }
        let generator = RoomGenerator {
            per_room: plan.per_room(),
            load: plan.load,
            control: Arc::clone(&control),
            users: Arc::clone(&users),
            state: Mutex::new(GeneratorState::default()),
        };
        Some(vec![PushStep::Generate(StepSource::new(move |_| {
            generator.next()
        }))])
    })
}

#[derive(Default)]
struct GeneratorState {
    /// The schedule's origin (tokio time) and wall-clock start, once started.
    origin: Option<(Instant, u64)>,
    /// Messages scheduled so far.
    scheduled: f64,
    sequence: u64,
    frames: u64,
}

struct RoomGenerator {
    per_room: f64,
    load: Duration,
    control: Arc<Control>,
    users: Arc<Vec<FakeUser>>,
    state: Mutex<GeneratorState>,
}

impl RoomGenerator {
    fn next(&self) -> Option<Vec<PushStep>> {
        if self.control.over.load(Ordering::Relaxed) {
            return None;
        }
        let started = self.control.started.load(Ordering::Relaxed);
        if started == 0 {
            return Some(vec![PushStep::Sleep(Duration::from_millis(100))]);
        }
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (origin, wall) = *state.origin.get_or_insert_with(|| {
            // Rooms start at a random point of their first period, not all at once.
            let skew = (now_us().wrapping_mul(2_654_435_761) % 1_000) as f64 / 1_000.0;
            let offset = Duration::from_secs_f64(skew * 3.0 / self.per_room.max(1e-9));
            (
                Instant::now() + offset.min(Duration::from_millis(500)),
                started,
            )
        });
        let due = origin + Duration::from_secs_f64(state.scheduled / self.per_room.max(1e-9));
        let now = Instant::now();
        if now < due {
            return Some(vec![PushStep::Sleep(due - now)]);
        }
        let send = now_us();
        if send >= wall + self.load.as_micros() as u64 {
            return None;
        }
        let count = 1 + (state.frames.wrapping_mul(7) + send) % 5;
        state.frames += 1;
        state.scheduled += count as f64;
        let room = Room::new(7_400_000_000_000_000_000, (send / 1000) as i64);
        let messages = (0..count)
            .map(|_| {
                state.sequence += 1;
                let id = stamp_id(send, state.sequence) as i64;
                tiktok_message(&room, &self.users, id, state.sequence)
            })
            .collect();
        self.control.sent.fetch_add(count, Ordering::Relaxed);
        Some(vec![PushStep::Batch(Batch::new(
            &format!("c-{send}"),
            messages,
        ))])
    }
}

/// A Kick chat message's `data`, stamped in its id; one in eight is a reply.
fn kick_chat(chatroom: u64, send: u64, sequence: u64) -> String {
    let sender = sequence % 500;
    let id = stamp_id(send, sequence);
    let badges = if sender.is_multiple_of(3) {
        r#"[{"type":"subscriber","text":"Subscriber","count":6}]"#
    } else {
        "[]"
    };
    let (kind, content, metadata) = if sequence.is_multiple_of(8) {
        (
            "reply",
            "@viewer_001 it really was",
            r#"{"original_sender":{"id":"346149","username":"viewer_001"},"original_message":{"id":"0f3c9d1e-6b2a-4c59-9d8e-000000000001","content":"gg"}}"#,
        )
    } else {
        (
            "message",
            "that clutch was insane [emote:37226:KEKW]",
            r#"{"message_ref":"1730038312000"}"#,
        )
    };
    format!(
        r##"{{"id":"{id}-k","chatroom_id":{chatroom},"content":"{content}","type":"{kind}","created_at":"2024-10-27T14:11:52+00:00","sender":{{"id":{},"username":"viewer_{sender:03}","slug":"viewer-{sender:03}","identity":{{"color":"#FF9D00","badges":{badges}}}}},"metadata":{metadata}}}"##,
        346_148 + sender
    )
}

/// Publishes the Kick share of the load: every millisecond, what is due since the start,
/// round-robin over the channels.
async fn publish_kick(plan: Plan, kick: Arc<KickEmulator>, control: Arc<Control>) {
    let rate = plan.per_room() * plan.kick as f64;
    let channels: Vec<(String, u64)> = (0..plan.kick)
        .map(|i| {
            let channel = EmuChannel::live(&format!("k{i}"), 1_000 + i as u64);
            (channel.chat_channel(), channel.chatroom_id)
        })
        .collect();
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sent = 0u64;
    loop {
        tick.tick().await;
        let elapsed = start.elapsed();
        if elapsed >= plan.load {
            break;
        }
        let due = (elapsed.as_secs_f64() * rate) as u64;
        while sent < due {
            let (channel, chatroom) = &channels[(sent % channels.len() as u64) as usize];
            let send = now_us();
            let data = kick_chat(*chatroom, send, sent);
            kick.publish(channel, "App\\Events\\ChatMessageEvent", &data);
            sent += 1;
            control.sent.fetch_add(1, Ordering::Relaxed);
        }
    }
}
