//! Stream status and hosts (raids).

use live_model::Timestamp;
use serde::{Deserialize, Serialize};

use super::common::ChannelSummary;
use crate::lenient;

/// A livestream as the status events name it.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivestreamRef {
    /// The livestream id (used for viewer counts).
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// The channel id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub channel_id: Option<String>,
    /// The title.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_title: Option<String>,
    /// When it started.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
    /// The channel (`StopStreamBroadcast` nests `{id, is_banned}` here).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub channel: Option<ChannelSummary>,
}

/// `App\Events\StreamerIsLive`: the stream started.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamerIsLive {
    /// The new livestream.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub livestream: Option<LivestreamRef>,
}

/// `App\Events\StopStreamBroadcast`: the stream ended (Kick sends it some time after).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopStreamBroadcast {
    /// The ended livestream.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub livestream: Option<LivestreamRef>,
}

/// `App\Events\StreamHostEvent`: another channel hosts (raids) this one. Kick names only the
/// host's username.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamHost {
    /// The chatroom id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub chatroom_id: Option<String>,
    /// The host's message.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub optional_message: Option<String>,
    /// Viewers brought along.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub number_viewers: u64,
    /// The hosting channel's username.
    #[serde(deserialize_with = "lenient::id")]
    pub host_username: String,
}

/// `App\Events\StreamHostedEvent`: the same host as [`StreamHost`], in camelCase and with the
/// host's id. The decoder keeps whichever of the two arrives first.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamHosted {
    /// The host message.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub message: Option<HostedMessage>,
    /// The hosting user.
    pub user: HostedUser,
}

/// The message part of [`StreamHosted`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedMessage {
    /// Its id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Viewers brought along.
    #[serde(
        default,
        alias = "numberOfViewers",
        deserialize_with = "lenient::u64_or_zero"
    )]
    pub number_of_viewers: u64,
    /// The host's message.
    #[serde(
        default,
        alias = "optionalMessage",
        deserialize_with = "lenient::opt_string"
    )]
    pub optional_message: Option<String>,
    /// When.
    #[serde(
        default,
        alias = "createdAt",
        deserialize_with = "lenient::opt_timestamp"
    )]
    pub created_at: Option<Timestamp>,
}

/// The user part of [`StreamHosted`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedUser {
    /// The host's user id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// The host's username.
    #[serde(deserialize_with = "lenient::id")]
    pub username: String,
    /// Kick staff.
    #[serde(
        default,
        alias = "isSuperAdmin",
        deserialize_with = "lenient::opt_bool"
    )]
    pub is_super_admin: Option<bool>,
    /// Verified channel.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub verified: Option<bool>,
}

/// `App\Events\ChatMoveToSupportedChannelEvent`: this channel now hosts another one (the host
/// leaving). The signed `playback_url` of the channel is not kept.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMoveToSupportedChannel {
    /// This channel.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub channel: Option<ChannelSummary>,
    /// The hosted channel's slug.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub slug: Option<String>,
    /// The hosted channel.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub hosted: Option<HostedChannel>,
}

/// The channel a host moves to.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedChannel {
    /// Its channel id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Its username.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub username: Option<String>,
    /// Its slug.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub slug: Option<String>,
    /// Its viewers.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub viewers_count: Option<u64>,
    /// Live now.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_live: Option<bool>,
    /// Its category slug.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category: Option<String>,
}
