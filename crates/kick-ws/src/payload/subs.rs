//! Subscriptions, gifted subscriptions and the gift leaderboards.

use live_model::Timestamp;
use serde::{Deserialize, Serialize};

use super::common::ChannelSummary;
use super::kicks::LeaderboardEntry;
use crate::lenient;

/// `App\Events\SubscriptionEvent`: a new subscription or a renewal.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The chatroom id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub chatroom_id: Option<String>,
    /// The subscriber.
    #[serde(deserialize_with = "lenient::id")]
    pub username: String,
    /// Months subscribed.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub months: Option<u64>,
    /// The subscriber's id, in the shapes that carry it.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub user_id: Option<String>,
}

/// `App\Events\ChannelSubscriptionEvent`: the same subscription seen from the channel (no
/// months). The decoder drops it when the `SubscriptionEvent` came first, and drops that when
/// this came first.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSubscription {
    /// The subscriber's user ids.
    #[serde(default, deserialize_with = "lenient::names")]
    pub user_ids: Vec<String>,
    /// The subscriber.
    #[serde(deserialize_with = "lenient::id")]
    pub username: String,
    /// The channel id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub channel_id: Option<String>,
}

/// `GiftedSubscriptionsEvent`: subscriptions gifted to viewers. Big gifts arrive in chunks
/// sharing a `correlation_id`; the decoder merges them into one event.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftedSubscriptions {
    /// The chatroom id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub chatroom_id: Option<String>,
    /// Who received one (after merging: every chunk's names, in chunk order).
    #[serde(default, deserialize_with = "lenient::names")]
    pub gifted_usernames: Vec<String>,
    /// The gifter; absent or `Anonymous` for anonymous gifts.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub gifter_username: Option<String>,
    /// The gifter's lifetime gifts in this channel.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub gifter_total: Option<u64>,
    /// Subscriptions in this gift, when Kick says (else count the names).
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub gifted_total: Option<u64>,
    /// Shared by the chunks of one gift.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub correlation_id: Option<String>,
    /// Which chunk this is (`null` for unchunked gifts).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub chunk_details: Option<ChunkDetails>,
    /// When, in the shapes that carry it.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
}

impl GiftedSubscriptions {
    /// How many subscriptions: `gifted_total` when given, else the number of names.
    pub fn count(&self) -> u64 {
        let named = self.gifted_usernames.len() as u64;
        self.gifted_total.unwrap_or(named).max(named)
    }
}

/// Where a chunk of a big gift stands.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkDetails {
    /// The gift's correlation id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub correlation_id: Option<String>,
    /// This chunk's index, from 0.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub chunk_index: u64,
    /// How many chunks the gift has.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub total_chunks: u64,
}

/// `App\Events\LuckyUsersWhoGotGiftSubscriptionsEvent`: who got the gifted subscriptions.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LuckyUsersWhoGotGiftSubscriptions {
    /// The channel.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub channel: Option<ChannelSummary>,
    /// The recipients.
    #[serde(default, deserialize_with = "lenient::names")]
    pub usernames: Vec<String>,
    /// The gifter.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub gifter_username: Option<String>,
}

/// `App\Events\GiftsLeaderboardUpdated`: the gifted-subscription leaderboards after a gift.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftsLeaderboardUpdated {
    /// The channel.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub channel: Option<ChannelSummary>,
    /// All-time leaderboard.
    #[serde(default, deserialize_with = "lenient::objects")]
    pub leaderboard: Vec<LeaderboardEntry>,
    /// This week's.
    #[serde(default, deserialize_with = "lenient::objects")]
    pub weekly_leaderboard: Vec<LeaderboardEntry>,
    /// This month's.
    #[serde(default, deserialize_with = "lenient::objects")]
    pub monthly_leaderboard: Vec<LeaderboardEntry>,
    /// The gifter's id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub gifter_id: Option<String>,
    /// Subscriptions in the gift that moved the board.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub gifted_quantity: Option<u64>,
    /// The gifter's name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub gifter_username: Option<String>,
}
