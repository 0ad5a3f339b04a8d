use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A live-streaming platform whose real-time events the SDK receives.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// kick.com.
    Kick,
    /// TikTok LIVE.
    #[serde(rename = "tiktok")]
    TikTok,
}

impl Platform {
    /// The platform's name as it appears on an NDJSON line and in a `live watch` target.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Kick => "kick",
            Platform::TikTok => "tiktok",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A platform name that the SDK does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform {0:?} (expected \"kick\" or \"tiktok\")")]
pub struct ParsePlatformError(String);

impl FromStr for Platform {
    type Err = ParsePlatformError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "kick" => Ok(Platform::Kick),
            "tiktok" => Ok(Platform::TikTok),
            _ => Err(ParsePlatformError(s.to_owned())),
        }
    }
}
