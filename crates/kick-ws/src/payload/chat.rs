//! Chat: messages, deletions, pins, polls, clears, chat settings.

use live_model::Timestamp;
use serde::{Deserialize, Serialize};

use super::common::{Sender, UserRef};
use crate::lenient;

/// `App\Events\ChatMessageEvent`: a message, a reply or a celebration.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// The message id (a UUID).
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// The chatroom id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub chatroom_id: Option<String>,
    /// The text; emotes stay inline as `[emote:ID:NAME]`.
    #[serde(deserialize_with = "lenient::string")]
    pub content: String,
    /// `message`, `reply`, `celebration`...
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub message_type: String,
    /// When it was sent.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
    /// Who sent it.
    pub sender: Sender,
    /// Reply and celebration details (`null` or absent on plain messages).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub metadata: Option<ChatMetadata>,
    /// The thread's first message, for threaded replies.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub thread_parent_id: Option<String>,
}

/// What a message's `metadata` holds.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMetadata {
    /// The author of the message replied to (its id may arrive as a string).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub original_sender: Option<UserRef>,
    /// The message replied to.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub original_message: Option<OriginalMessage>,
    /// The sender's own reference (a millisecond timestamp echoed back).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message_ref: Option<String>,
    /// A celebration (subscription anniversary) shared in chat.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub celebration: Option<Celebration>,
}

/// The message a reply answers.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginalMessage {
    /// Its id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Its text.
    #[serde(default, deserialize_with = "lenient::string")]
    pub content: String,
}

/// A celebration attached to a chat message.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Celebration {
    /// `chceleb_…`.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// `subscription_renewed`...
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub celebration_type: String,
    /// Months subscribed, for renewals.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub total_months: Option<u64>,
    /// When it happened.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
}

/// A reference to a message by id.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    /// The message id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
}

/// `App\Events\MessageDeletedEvent`. Kick never sends the deleted text.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDeleted {
    /// The deletion's own id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// The deleted message.
    pub message: MessageRef,
    /// Deleted by Kick's automatic moderation.
    #[serde(
        default,
        alias = "aiModerated",
        deserialize_with = "lenient::bool_or_false"
    )]
    pub ai_moderated: bool,
    /// The rules the message broke (automatic moderation), possibly with empty entries.
    #[serde(default, alias = "violatedRules", deserialize_with = "lenient::names")]
    pub violated_rules: Vec<String>,
}

/// `App\Events\PinnedMessageCreatedEvent`: replaces any earlier pin.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedMessageCreated {
    /// The pinned message.
    pub message: ChatMessage,
    /// How long it stays pinned, as Kick sends it (`"1200"`; seconds, most likely).
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub duration: Option<u64>,
    /// Who pinned it (absent in 2024 captures).
    #[serde(default, alias = "pinnedBy", deserialize_with = "lenient::opt_object")]
    pub pinned_by: Option<Sender>,
}

/// `App\Events\ChatroomClearEvent`.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatroomClear {
    /// The event id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
}

/// `App\Events\PollUpdateEvent`: a poll was created or someone voted.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollUpdate {
    /// The poll as it stands.
    pub poll: Poll,
}

/// A poll.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poll {
    /// The question.
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: String,
    /// The answers and their votes.
    #[serde(default, deserialize_with = "lenient::objects")]
    pub options: Vec<PollOption>,
    /// Length in seconds.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub duration: Option<u64>,
    /// Seconds left.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub remaining: Option<u64>,
    /// Seconds the result stays on screen.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub result_display_duration: Option<u64>,
    /// Whether the connected (anonymous) viewer voted: `false` on creation.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub has_voted: Option<bool>,
    /// The option the viewer voted for.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub voted_option_id: Option<String>,
}

/// One poll answer.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollOption {
    /// Its index.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Its text.
    #[serde(default, deserialize_with = "lenient::string")]
    pub label: String,
    /// Votes so far.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub votes: u64,
}

/// `App\Events\ChatroomUpdatedEvent`: the chat's modes after a change.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatroomUpdated {
    /// The chatroom id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Slow mode (`message_interval` seconds).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub slow_mode: Option<ModeSetting>,
    /// Subscribers-only mode.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub subscribers_mode: Option<ModeSetting>,
    /// Followers-only mode (`min_duration` minutes of following).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub followers_mode: Option<ModeSetting>,
    /// Emotes-only mode.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub emotes_mode: Option<ModeSetting>,
    /// Kick's bot protection.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub advanced_bot_protection: Option<ModeSetting>,
    /// Minimum account age.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub account_age: Option<ModeSetting>,
}

/// One chat mode's setting.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeSetting {
    /// On or off.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub enabled: bool,
    /// Slow mode: seconds between messages.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub message_interval: Option<u64>,
    /// Followers mode: minutes of following required.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub min_duration: Option<u64>,
    /// Bot protection: seconds left.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub remaining_time: Option<u64>,
}

/// A chat-mode event (`SlowModeActivated`, `SubscribersModeDeactivated`...): who switched
/// which mode, and its setting.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatModeChange {
    /// The event id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Who changed it.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub user: Option<UserRef>,
    /// When.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
    /// Slow mode: seconds between messages.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub message_interval: Option<u64>,
    /// Followers mode: minutes of following required.
    #[serde(
        default,
        alias = "following_min_duration",
        deserialize_with = "lenient::opt_u64"
    )]
    pub min_duration: Option<u64>,
}
