//! The TikTok show: the demo room's bootstrap and the push frames each connection gets from
//! the moment it enters the room, built with the emulator's message builders (so every
//! frame is a real webcast frame: gzip'd fetch results, acks asked for now and then).

use super::cast::{
    JOAO, LUNA, MAPLE, MINJUN, NIGHT_OWL, OMAR, PRIYA, RAVEN, SAKURA, SPAMMER, Viewer, XIAOLONG,
};
use super::clock::{ms, wall_ms};
use super::{DemoOptions, Timeline};
use crate::tiktok::{Batch, EmulatorConfig, FakeMessage, FakeUser, PushStep, Room, StepSource};

/// The demo host's unique id (`tiktok:demo_live`).
pub const UNIQUE_ID: &str = "demo_live";

/// The demo room's id.
pub(crate) const ROOM_ID: i64 = 7_311_223_344_556_677_889;

/// The API key the demo's Euler Stream asks for (it is not a secret: it opens nothing but
/// this loopback emulator).
pub const EULER_KEY: &str = "euler_demo_key";

/// Viewers when a show starts.
const VIEWERS: i64 = 312;

/// Room likes before the show.
const LIKES: i64 = 15_200;

/// The Rose (a streakable gift): id, name, diamonds, type 1.
const ROSE: (i64, &str, i64, i64) = (5655, "Rose", 1, 1);

/// The Galaxy (not streakable: type 2).
const GALAXY: (i64, &str, i64, i64) = (11_046, "Galaxy", 1000, 2);

/// The Perfume (streakable, 20 diamonds).
const PERFUME: (i64, &str, i64, i64) = (5658, "Perfume", 20, 1);

fn user(who: &Viewer) -> FakeUser {
    FakeUser::new(who.tiktok_id, who.tiktok, who.nickname)
}

/// One push frame of the show.
struct Frame {
    messages: Vec<FakeMessage>,
}

/// Builds one round of the show.
struct Show {
    round: u64,
    base_ms: i64,
    speed: f64,
    line: Timeline<Frame>,
    ids: i64,
    likes: i64,
    /// `member_count` of joins.
    members: i64,
}

impl Show {
    /// Messages stamped at the pen (the moment the frame is sent).
    fn room(&self) -> Room {
        self.room_at(self.line.now())
    }

    fn room_at(&self, at: i64) -> Room {
        Room::new(ROOM_ID, self.base_ms + real(at, self.speed))
    }

    /// Message ids: above 2^53 like TikTok's, unique per round.
    fn id(&mut self) -> i64 {
        self.ids += 1;
        7_311_500_000_000_000_000 + self.round as i64 * 100_000 + self.ids
    }

    /// A frame `gap` ms after the previous one, its messages built (and stamped) there.
    fn frame(&mut self, gap: i64, build: impl FnOnce(&mut Self) -> Vec<FakeMessage>) {
        self.line.after(gap);
        let messages = build(self);
        self.line.cue(Frame { messages });
    }

    /// A frame of one message.
    fn one(&mut self, gap: i64, build: impl FnOnce(&mut Self) -> FakeMessage) {
        self.frame(gap, |s| vec![build(s)]);
    }

    /// A chat frame; returns the message id.
    fn chat(&mut self, gap: i64, who: &Viewer, text: &str) -> i64 {
        let mut id = 0;
        self.one(gap, |s| {
            id = s.id();
            s.room().chat(id, &user(who), text)
        });
        id
    }

    fn join(&mut self, who: &Viewer) -> FakeMessage {
        self.members += 1;
        let id = self.id();
        self.room().member(id, &user(who), 1, self.members)
    }

    fn like(&mut self, who: &Viewer, count: i64) -> FakeMessage {
        self.likes += count;
        let id = self.id();
        self.room().like(id, &user(who), count, self.likes)
    }

    /// A like whose total comes from a shard that is behind (lower than one already sent).
    fn stale_like(&mut self, who: &Viewer, count: i64) -> FakeMessage {
        self.likes += count;
        let id = self.id();
        self.room().like(id, &user(who), count, self.likes - 64)
    }

    fn follow(&mut self, who: &Viewer) -> FakeMessage {
        let id = self.id();
        self.room()
            .social(id, &user(who), "pm_mt_msg_viewer_follow", 1)
    }

    fn share(&mut self, who: &Viewer) -> FakeMessage {
        let id = self.id();
        self.room()
            .social(id, &user(who), "pm_mt_guidance_viewer_3_share", 3)
    }

    fn gift(
        &mut self,
        who: &Viewer,
        gift: (i64, &str, i64, i64),
        count: i64,
        end: bool,
        group: i64,
    ) -> FakeMessage {
        let id = self.id();
        self.room().gift(id, &user(who), gift, count, end, group)
    }

    /// A viewer count at `at` (with the top three gifters).
    fn seq(&mut self, at: i64, viewers: i64) -> FakeMessage {
        let id = self.id();
        let (a, b, c) = (user(&RAVEN), user(&XIAOLONG), user(&MINJUN));
        let cumulative = 4_800 + viewers * 3;
        self.room_at(at).viewers(
            id,
            viewers,
            cumulative,
            &[(&a, 2500), (&b, 1000), (&c, 180)],
        )
    }
}

/// One round of the show as push steps (the stream ends at the end of the `last` one).
pub(crate) fn round(round: u64, base_ms: i64, speed: f64, last: bool) -> Vec<PushStep> {
    let mut s = Show {
        round,
        base_ms,
        speed,
        line: Timeline::default(),
        ids: 0,
        likes: LIKES + round as i64 * 1_000,
        members: VIEWERS,
    };
    // Streak ids are unique per round; gifts of one streak share one.
    let streak = 7_311_600_000_000_000_000 + round as i64 * 10;
    let poll = 7_311_700_000_000_000_000 + round as i64;

    s.one(300, |s| s.join(&LUNA));
    s.chat(350, &LUNA, "¡Hola desde México! 🇲🇽");
    s.frame(300, |s| vec![s.like(&SAKURA, 5), s.join(&JOAO)]);
    s.chat(400, &SAKURA, "こんばんは〜！初見です 🌸");
    s.one(250, |s| s.follow(&JOAO));
    s.chat(350, &JOAO, "Boa noite, galera! 🇧🇷");
    s.one(300, |s| s.like(&MINJUN, 12));
    s.chat(300, &MINJUN, "안녕하세요! 🇰🇷 처음 왔어요");
    s.frame(300, |s| vec![s.join(&PRIYA), s.like(&LUNA, 7)]);
    s.chat(350, &PRIYA, "नमस्ते सबको! 🙏");
    s.one(300, |s| s.like(&NIGHT_OWL, 10));
    s.chat(300, &NIGHT_OWL, "hi chat 👋 the stream looks great tonight");
    // A Rose streak: 1, 2, 3, 4, 5, then the same count with repeat_end.
    s.one(400, |s| s.gift(&MINJUN, ROSE, 1, false, streak));
    s.chat(250, &XIAOLONG, "大家好 👋 来自上海");
    s.one(250, |s| s.gift(&MINJUN, ROSE, 2, false, streak));
    s.frame(300, |s| vec![s.like(&RAVEN, 15), s.join(&OMAR)]);
    s.one(250, |s| s.gift(&MINJUN, ROSE, 3, false, streak));
    s.chat(300, &OMAR, "مرحبا من الكويت 👋");
    s.one(250, |s| s.gift(&MINJUN, ROSE, 4, false, streak));
    s.one(300, |s| s.share(&PRIYA));
    s.one(250, |s| s.gift(&MINJUN, ROSE, 5, false, streak));
    s.one(300, |s| s.gift(&MINJUN, ROSE, 5, true, streak));
    s.chat(350, &MINJUN, "🌹🌹🌹🌹🌹");
    s.one(300, |s| s.like(&LUNA, 9));
    s.one(400, |s| {
        let id = s.id();
        s.room().subscription(id, &user(&PRIYA), 3)
    });
    s.chat(300, &PRIYA, "नमस्ते! अभी सब्सक्राइब किया 🙏");
    s.chat(300, &SAKURA, "おめでとう！🎉");
    s.one(300, |s| s.like(&JOAO, 12));
    s.one(300, |s| s.join(&RAVEN));
    s.chat(300, &RAVEN, "yo chat 🎮");
    s.frame(350, |s| vec![s.like(&NIGHT_OWL, 14), s.join(&MAPLE)]);
    s.one(250, |s| s.stale_like(&SAKURA, 3));
    s.one(400, |s| s.gift(&XIAOLONG, GALAXY, 1, false, streak + 1));
    s.chat(300, &XIAOLONG, "送你一个银河 🌌");
    let spam = s.chat(400, &SPAMMER, "FREE COINS 👉 link in bio 💰💰");
    s.one(300, |s| {
        let id = s.id();
        s.room().im_delete(id, &[spam])
    });
    s.one(300, |s| s.follow(&MAPLE));
    let title = "Next game?";
    s.one(350, |s| {
        let id = s.id();
        s.room().poll_start(
            id,
            poll,
            title,
            &[("Valorant", 0), ("Minecraft", 0), ("Fortnite", 0)],
        )
    });
    s.chat(300, &MAPLE, "Minecraft pls 🙏");
    s.one(250, |s| s.like(&JOAO, 10));
    s.one(350, |s| {
        let id = s.id();
        s.room().poll_update(
            id,
            poll,
            &[("Valorant", 4), ("Minecraft", 7), ("Fortnite", 2)],
        )
    });
    s.chat(300, &SAKURA, "マイクラ！⛏️");
    s.frame(300, |s| vec![s.like(&OMAR, 11), s.join(&NIGHT_OWL)]);
    s.chat(300, &NIGHT_OWL, "the rose combo was cute 🌹");
    s.one(400, |s| {
        let id = s.id();
        s.room().poll_update(
            id,
            poll,
            &[("Valorant", 9), ("Minecraft", 12), ("Fortnite", 5)],
        )
    });
    s.one(300, |s| s.share(&NIGHT_OWL));
    // A short Perfume streak: 1, 2, 2 (end).
    s.one(300, |s| s.gift(&RAVEN, PERFUME, 1, false, streak + 2));
    s.chat(300, &JOAO, "que live boa 😄");
    s.one(250, |s| s.gift(&RAVEN, PERFUME, 2, false, streak + 2));
    s.one(300, |s| s.gift(&RAVEN, PERFUME, 2, true, streak + 2));
    s.one(350, |s| {
        let id = s.id();
        s.room().poll_end(
            id,
            poll,
            &[("Valorant", 11), ("Minecraft", 18), ("Fortnite", 6)],
        )
    });
    s.chat(300, &RAVEN, "🎉🎉 LET'S GO 🎉🎉");
    s.chat(300, &XIAOLONG, "我投了 Minecraft ⛏️");
    s.one(250, |s| s.like(&SAKURA, 15));
    s.one(300, |s| s.follow(&OMAR));
    s.chat(350, &OMAR, "تابعت! ❤️");
    s.one(300, |s| s.like(&MAPLE, 11));
    s.chat(300, &JOAO, "Minecraft ganhou! ⛏️");
    s.one(250, |s| s.like(&PRIYA, 15));
    s.chat(350, &PRIYA, "क्या बात है! 🔥");
    s.one(300, |s| s.like(&MINJUN, 8));
    s.chat(300, &MINJUN, "대박 ㅋㅋㅋ");
    s.chat(400, &LUNA, "¡Qué buen stream! 💜");
    s.one(300, |s| s.like(&XIAOLONG, 13));
    s.chat(350, &OMAR, "مع السلامة 👋");
    s.one(300, |s| s.like(&RAVEN, 15));
    s.chat(350, &SAKURA, "お疲れ様でした！🙇");
    s.chat(300, &NIGHT_OWL, "gg 🫡");
    s.one(300, |s| s.like(&NIGHT_OWL, 9));
    s.chat(300, &XIAOLONG, "拜拜！明天见 👋");
    s.chat(350, &PRIYA, "अलविदा! 👋");
    s.one(300, |s| s.share(&LUNA));
    s.chat(300, &JOAO, "falou, até amanhã! 👋");
    s.chat(300, &MAPLE, "bye bye 👋");
    if last {
        s.one(600, |s| {
            let id = s.id();
            s.room().control(id, 3)
        });
    } else {
        s.line.after(600);
    }
    let length = s.line.now();

    // Viewer counts every 3 s, slotted between the other frames.
    let counts = [319, 331, 327, 345, 352, 349, 361, 358, 370];
    let mut at = 1000;
    for viewers in counts {
        if at >= length {
            break;
        }
        let m = s.seq(at, viewers);
        s.line.cue_at(at, Frame { messages: vec![m] });
        at += 3000;
    }

    // Frames to steps: a sleep before each (the script's own pacing), and now and then an
    // ack asked for, as TikTok does.
    let mut steps = Vec::new();
    let mut previous = 0;
    for (n, (at, frame)) in s.line.into_cues().into_iter().enumerate() {
        // Sleeps measured from the round's start, so rounding never adds up.
        let gap = real(at, speed) - real(previous, speed);
        previous = at;
        if gap > 0 {
            steps.push(PushStep::Sleep(ms(gap)));
        }
        let cursor = format!("demo-{round}-{n}");
        let mut batch = Batch::new(&cursor, frame.messages);
        batch.now_ms = base_ms + real(at, speed);
        if n % 4 == 3 {
            batch = batch.with_ack(round as i64 * 1_000 + n as i64 + 1);
        }
        steps.push(PushStep::Batch(batch));
    }
    if !last {
        let tail = real(length, speed) - real(previous, speed);
        steps.push(PushStep::Sleep(ms(tail)));
    }
    steps
}

fn real(nominal_ms: i64, speed: f64) -> i64 {
    (nominal_ms as f64 / speed) as i64
}

/// What Euler's `/webcast/fetch` answers: a little history stamped just before `now_ms`
/// (the viewer count, a like, a chat), as a real bootstrap carries.
fn bootstrap(now_ms: i64) -> Batch {
    let room = Room::new(ROOM_ID, now_ms - 2_000);
    let (a, b, c) = (user(&RAVEN), user(&XIAOLONG), user(&MINJUN));
    let night_owl = user(&NIGHT_OWL);
    let mut batch = Batch::new(
        "demo-bootstrap",
        vec![
            room.viewers(
                7_311_400_000_000_000_001,
                VIEWERS,
                4_800 + VIEWERS * 3,
                &[(&a, 2500), (&b, 1000), (&c, 180)],
            ),
            room.like(7_311_400_000_000_000_002, &night_owl, 6, LIKES),
            room.chat(7_311_400_000_000_000_003, &night_owl, "first! 🦉"),
        ],
    );
    batch.now_ms = now_ms;
    batch.heartbeat_ms = 10_000;
    batch
}

/// The emulator's configuration: the demo room is live, Euler wants the demo key, and each
/// push connection plays the show from the moment it enters the room.
pub(crate) fn config(options: &DemoOptions) -> EmulatorConfig {
    let mut config = EmulatorConfig::live(UNIQUE_ID, &ROOM_ID.to_string());
    config.euler_key = Some(EULER_KEY.to_owned());
    config.fetches = vec![bootstrap(options.clock_ms.unwrap_or_else(wall_ms))];
    let options = options.clone();
    let show = StepSource::new(move |n| {
        if n > 0 && !options.looping {
            return None;
        }
        // Stamped from when this round starts (or from the fixed clock: rounds are
        // back to back, each as long as the first).
        let base_ms = match options.clock_ms {
            Some(clock) => clock + n as i64 * real(round_length(), options.speed),
            None => wall_ms(),
        };
        Some(round(n, base_ms, options.speed, !options.looping))
    });
    config.scripts = vec![vec![PushStep::Generate(show)]];
    config
}

/// The nominal length of a round (the same for every round).
pub(crate) fn round_length() -> i64 {
    let steps = round(0, 0, 1.0, true);
    steps
        .iter()
        .map(|step| match step {
            PushStep::Sleep(d) => d.as_millis() as i64,
            _ => 0,
        })
        .sum()
}
