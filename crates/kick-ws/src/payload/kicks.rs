//! Kicks (paid gifts), rewards, followers and goals.

use live_model::Timestamp;
use serde::{Deserialize, Serialize};

use super::common::Identity;
use crate::lenient;

/// `KicksGifted`: a paid gift ("Kicks").
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KicksGifted {
    /// The transaction id (used as the event id).
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub gift_transaction_id: Option<String>,
    /// The gifter's message (bigger gifts only).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
    /// The gifter.
    pub sender: KicksSender,
    /// What was given.
    pub gift: KickGift,
    /// When.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
    /// When its pin ends.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub expires_at: Option<Timestamp>,
}

/// The gifter of a [`KicksGifted`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KicksSender {
    /// User id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Username.
    #[serde(default, deserialize_with = "lenient::string")]
    pub username: String,
    /// Chat colour.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub username_color: Option<String>,
    /// Identity, when sent.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub identity: Option<Identity>,
}

/// The gift of a [`KicksGifted`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KickGift {
    /// `rage_quit`.
    #[serde(deserialize_with = "lenient::id")]
    pub gift_id: String,
    /// `Rage Quit`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// Its worth in Kicks.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub amount: u64,
    /// `BASIC`, `LEVEL_UP`...
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    pub gift_type: Option<String>,
    /// `BASIC`, `MID`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tier: Option<String>,
    /// Longest message allowed with it.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub character_limit: Option<u64>,
    /// How long it stays pinned, as sent (the unit is disputed: seconds most likely).
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub pinned_time: Option<u64>,
}

/// `KicksLeaderboardUpdated`: the Kicks leaderboards after a gift.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KicksLeaderboardUpdated {
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
    /// The gifter's name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub gifter_username: Option<String>,
    /// Kicks in the gift that moved the board.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub gifted_amount: Option<u64>,
}

/// One leaderboard row.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderboardEntry {
    /// User id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub user_id: Option<String>,
    /// Username.
    #[serde(default, deserialize_with = "lenient::string")]
    pub username: String,
    /// Subscriptions gifted, or Kicks.
    #[serde(
        default,
        alias = "gifted_amount",
        deserialize_with = "lenient::u64_or_zero"
    )]
    pub quantity: u64,
}

/// `RewardRedeemedEvent`: channel points spent on a reward.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardRedeemed {
    /// The reward.
    #[serde(default, deserialize_with = "lenient::string")]
    pub reward_title: String,
    /// The redeemer's id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub user_id: Option<String>,
    /// The channel id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub channel_id: Option<String>,
    /// The redeemer.
    #[serde(default, deserialize_with = "lenient::string")]
    pub username: String,
    /// What the redeemer typed, for rewards that ask.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_input: Option<String>,
    /// The reward's colour.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub reward_background_color: Option<String>,
}

/// `App\Events\FollowersUpdated`: the follower count changed (older; rarely seen since 2026).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowersUpdated {
    /// Followers now.
    #[serde(
        default,
        alias = "followersCount",
        deserialize_with = "lenient::opt_u64"
    )]
    pub followers_count: Option<u64>,
    /// The channel id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub channel_id: Option<String>,
    /// The follower (usually `null`: Kick stopped naming followers).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub username: Option<String>,
    /// When (Unix seconds).
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
    /// A follow (`true`) or an unfollow (`false`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub followed: Option<bool>,
}

/// Which goal event a [`Goal`] came from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStage {
    /// `GoalProgressUpdateEvent`: the count moved.
    Progress,
    /// `GoalAchievedEvent`.
    Achieved,
    /// `GoalCanceledEvent`.
    Canceled,
    /// `GoalUpdatedEvent`: the goal was edited.
    Updated,
}

/// A channel goal (`type: "followers"`...).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// The goal id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// `followers`, `subscribers`...
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    pub goal_type: Option<String>,
    /// Where it stands.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub current_value: Option<u64>,
    /// Where it ends.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub target_value: Option<u64>,
    /// The goal's description.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
}
