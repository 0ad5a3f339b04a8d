//! The demo's viewers: the same ten people on both platforms, with handles and nicknames in
//! several scripts (so aligned columns are put to the test), and the extras only Kick has.

/// One viewer of the demo, as Kick and TikTok know them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Viewer {
    /// Kick user id.
    pub(crate) kick_id: u64,
    /// Kick username (`slug` is its lower-case, dash-separated form).
    pub(crate) kick: &'static str,
    /// Kick name colour.
    pub(crate) color: &'static str,
    /// Months subscribed on Kick (0: not a subscriber).
    pub(crate) sub_months: u32,
    /// TikTok numeric id (above 2^53, as real ones are).
    pub(crate) tiktok_id: i64,
    /// TikTok @handle.
    pub(crate) tiktok: &'static str,
    /// TikTok nickname.
    pub(crate) nickname: &'static str,
}

impl Viewer {
    /// Kick's slug of the username.
    pub(crate) fn slug(&self) -> String {
        self.kick.to_ascii_lowercase().replace('_', "-")
    }
}

const fn viewer(
    kick_id: u64,
    kick: &'static str,
    color: &'static str,
    sub_months: u32,
    tiktok_id: i64,
    tiktok: &'static str,
    nickname: &'static str,
) -> Viewer {
    Viewer {
        kick_id,
        kick,
        color,
        sub_months,
        tiktok_id,
        tiktok,
        nickname,
    }
}

/// English, night owl.
pub(crate) const NIGHT_OWL: Viewer = viewer(
    346_148,
    "NightOwl_42",
    "#FF9D00",
    4,
    6_812_440_193_317_004_289,
    "nightowl42",
    "Night Owl 🦉",
);
/// English, tea.
pub(crate) const MAPLE: Viewer = viewer(
    4_412_907,
    "maple_tea",
    "#1E90FF",
    0,
    7_034_118_802_655_101_442,
    "maple.tea",
    "Maple 🍁",
);
/// Spanish.
pub(crate) const LUNA: Viewer = viewer(
    2_209_331,
    "luna_garcia",
    "#E9113C",
    2,
    6_990_212_704_481_330_177,
    "lunagarcia.mx",
    "Luna García 🌙",
);
/// Portuguese.
pub(crate) const JOAO: Viewer = viewer(
    5_180_224,
    "joaopedro_br",
    "#00C853",
    0,
    7_101_554_318_892_207_105,
    "joaopedro.br",
    "João Pedro ⚽",
);
/// Japanese.
pub(crate) const SAKURA: Viewer = viewer(
    3_307_118,
    "sakura_gg",
    "#FF69B4",
    7,
    6_875_003_114_209_551_366,
    "sakura_gg",
    "さくら🌸",
);
/// Korean.
pub(crate) const MINJUN: Viewer = viewer(
    6_021_775,
    "minjun_kr",
    "#9B59B6",
    0,
    7_156_902_231_774_380_039,
    "minjun.kr",
    "민준",
);
/// Chinese.
pub(crate) const XIAOLONG: Viewer = viewer(
    4_870_016,
    "xiaolong88",
    "#F1C40F",
    1,
    6_933_870_552_018_776_072,
    "xiaolong88",
    "小龙 🐉",
);
/// Arabic.
pub(crate) const OMAR: Viewer = viewer(
    5_553_902,
    "omar_q8",
    "#1ABC9C",
    0,
    7_088_431_900_126_554_121,
    "omar.q8",
    "عمر",
);
/// Hindi.
pub(crate) const PRIYA: Viewer = viewer(
    6_340_558,
    "priya_plays",
    "#E67E22",
    3,
    7_219_067_451_330_812_938,
    "priya.plays",
    "प्रिया ✨",
);
/// Emoji.
pub(crate) const RAVEN: Viewer = viewer(
    7_723_019,
    "pixelRaven",
    "#8E44AD",
    12,
    6_751_338_204_917_661_707,
    "pixel.raven",
    "🎮 Pixel Raven",
);

/// The ten viewers, in a fixed order (subscribers and raiders rotate through it per round).
pub(crate) const CAST: [Viewer; 10] = [
    NIGHT_OWL, MAPLE, LUNA, JOAO, SAKURA, MINJUN, XIAOLONG, OMAR, PRIYA, RAVEN,
];

/// Kick's moderator of the demo channel.
pub(crate) const MOD: Viewer = viewer(44_065_611, "ModKatie", "#2ECC71", 24, 0, "", "");

/// The spammer that gets deleted, timed out and (after an appeal) unbanned.
pub(crate) const SPAMMER: Viewer = viewer(
    9_900_112,
    "free_kicks_4u",
    "#95A5A6",
    0,
    7_300_000_990_011_200_013,
    "free.coins.4u",
    "FREE COINS 💰",
);

/// Channels that raid the Kick channel, one per round (the client drops a second host by
/// the same channel within a minute as a twin, so rounds must not repeat one too soon).
pub(crate) const RAIDERS: [(&str, u64); 5] = [
    ("BigRaidTV", 248),
    ("CozyCorner", 86),
    ("SpeedrunSam", 131),
    ("NocturnaLive", 57),
    ("TheBoysGaming", 402),
];
