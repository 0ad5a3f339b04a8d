//! Shapes shared by many events: users, identities, badges, channel summaries.

use serde::{Deserialize, Serialize};

use crate::lenient;

/// A user as most events name one: `{id, username, slug}`. Id `0` is Kick's hidden
/// moderator or the system.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    /// The user id, exact (absent in some shapes).
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// The username (display-cased: `User`).
    #[serde(default, deserialize_with = "lenient::string")]
    pub username: String,
    /// The slug (lower-case username used in URLs).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub slug: Option<String>,
}

impl UserRef {
    /// The unified user: id (`"0"` when Kick names no id), name = username.
    pub fn to_user(&self) -> live_model::User {
        live_model::User::new(
            self.id.clone().unwrap_or_else(|| "0".to_owned()),
            &*self.username,
        )
    }
}

/// A chat sender: a [`UserRef`] with its identity (colour and badges).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    /// The user id, exact.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// The username.
    #[serde(default, deserialize_with = "lenient::string")]
    pub username: String,
    /// The slug.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub slug: Option<String>,
    /// Colour and badges.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub identity: Option<Identity>,
}

impl Sender {
    /// The unified user.
    pub fn to_user(&self) -> live_model::User {
        live_model::User::new(
            self.id.clone().unwrap_or_else(|| "0".to_owned()),
            &*self.username,
        )
    }
}

/// A sender's colour and badges.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `#RRGGBB`, possibly empty.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub color: Option<String>,
    /// Badges: `broadcaster`, `moderator`, `vip`, `og`, `founder`, `subscriber` (count =
    /// months), `sub_gifter` (count = gifts), `verified`, `bot`...
    #[serde(default, deserialize_with = "lenient::objects")]
    pub badges: Vec<Badge>,
}

/// One badge.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badge {
    /// The badge type (`subscriber`).
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub badge_type: String,
    /// Its label (`Subscriber`).
    #[serde(default, deserialize_with = "lenient::string")]
    pub text: String,
    /// Months for `subscriber`, gifts for `sub_gifter`.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub count: Option<u64>,
    /// Whether it is shown.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub active: Option<bool>,
}

/// The channel object some events carry (leaderboards, lucky users, hosts leaving). The
/// signed `playback_url` is deliberately not kept: it is a credential.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// The channel id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// The broadcaster's user id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub user_id: Option<String>,
    /// The channel slug.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub slug: Option<String>,
    /// Banned channel.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_banned: Option<bool>,
    /// Can host others.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub can_host: Option<bool>,
}
