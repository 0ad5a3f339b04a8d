use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Platform;

/// A room to watch: a platform and the room as the user names it (`kick:xqc`,
/// `tiktok:@alice`).
///
/// The room is kept as given, without the platform prefix and without a leading `@`: it is
/// what events carry in [`crate::LiveEvent::room`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    platform: Platform,
    room: String,
}

/// A target that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid target {text:?}: {why}")]
pub struct ParseTargetError {
    text: String,
    why: &'static str,
}

impl Target {
    /// A target on `platform`; a leading `@` of `room` is dropped.
    pub fn new(platform: Platform, room: impl AsRef<str>) -> Self {
        Target {
            platform,
            room: normalise(room.as_ref()),
        }
    }

    /// The platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// The room (Kick slug, TikTok unique id).
    pub fn room(&self) -> &str {
        &self.room
    }
}

fn normalise(room: &str) -> String {
    room.trim().trim_start_matches('@').to_owned()
}

impl FromStr for Target {
    type Err = ParseTargetError;

    /// Reads `kick:SLUG` or `tiktok:UNIQUE_ID`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |why| ParseTargetError {
            text: text.to_owned(),
            why,
        };
        let (platform, room) = text
            .split_once(':')
            .ok_or_else(|| error("write kick:SLUG or tiktok:UNIQUE_ID"))?;
        let platform: Platform = platform
            .parse()
            .map_err(|_| error("the platform is not kick or tiktok"))?;
        let room = normalise(room);
        if room.is_empty() {
            return Err(error("it names no room"));
        }
        Ok(Target { platform, room })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.room)
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_targets() {
        let t: Target = "tiktok:@alice_01".parse().unwrap();
        assert_eq!(t.platform(), Platform::TikTok);
        assert_eq!(t.room(), "alice_01");
        assert_eq!(t.to_string(), "tiktok:alice_01");
        assert_eq!(
            "KICK:xqc".parse::<Target>().unwrap(),
            Target::new(Platform::Kick, "xqc")
        );
        for bad in ["xqc", "twitch:xqc", "kick:", "kick:@", ":x"] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"tiktok:alice_01\"");
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), t);
    }
}
