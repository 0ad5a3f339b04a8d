//! The payload of every Kick event the crate types (kick.md §3.2), read leniently: ids as
//! numbers or strings, four timestamp shapes, `null` or absent objects, unknown fields
//! ignored. Only the fields that identify an event are required; an event whose identifying
//! fields are missing reaches the caller as [`crate::KickEvent::Unknown`] with the reason.
//!
//! The structs are `#[non_exhaustive]`: build them in tests from JSON
//! (`serde_json::from_str::<ChatMessage>(...)`), exactly as the decoder does.

mod chat;
mod common;
mod kicks;
mod moderation;
mod stream;
mod subs;

pub use chat::{
    Celebration, ChatMessage, ChatMetadata, ChatModeChange, ChatroomClear, ChatroomUpdated,
    MessageDeleted, MessageRef, ModeSetting, OriginalMessage, PinnedMessageCreated, Poll,
    PollOption, PollUpdate,
};
pub use common::{Badge, ChannelSummary, Identity, Sender, UserRef};
pub use kicks::{
    FollowersUpdated, Goal, GoalStage, KickGift, KicksGifted, KicksLeaderboardUpdated, KicksSender,
    LeaderboardEntry, RewardRedeemed,
};
pub use moderation::{UserBanned, UserUnbanned};
pub use stream::{
    ChatMoveToSupportedChannel, HostedChannel, HostedMessage, HostedUser, LivestreamRef,
    StopStreamBroadcast, StreamHost, StreamHosted, StreamerIsLive,
};
pub use subs::{
    ChannelSubscription, ChunkDetails, GiftedSubscriptions, GiftsLeaderboardUpdated,
    LuckyUsersWhoGotGiftSubscriptions, Subscription,
};
