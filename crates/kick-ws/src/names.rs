//! Kick's names: the public channel aliases of a chatroom and a channel, and the event names
//! that arrive on them (with or without the `App\Events\` prefix).

use std::fmt;

/// The five public Pusher/Centrifugo channels a chatroom and its channel publish on.
///
/// Kick spreads a channel's events over these aliases (kick.md §1.4): chat on
/// `chatrooms.{c}.v2`, the host's second shape on `chatrooms.{c}`, gifted subscriptions and
/// rewards on `chatroom_{c}`, stream status and leaderboards on `channel.{id}`, Kicks and goals on
/// `channel_{id}`. Watching fewer misses events; the decoder removes the duplicates that several
/// aliases produce.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alias {
    /// `chatrooms.{chatroom_id}.v2`: chat, moderation, pins, polls, subscriptions, hosts.
    ChatroomV2,
    /// `chatrooms.{chatroom_id}`: `StreamHostedEvent`, occasional duplicates.
    Chatrooms,
    /// `chatroom_{chatroom_id}`: gifted subscriptions and rewards (bare event names).
    ChatroomUnderscore,
    /// `channel.{channel_id}`: stream start/end, leaderboards, channel subscriptions, hosts leaving.
    ChannelDot,
    /// `channel_{channel_id}`: Kicks gifts and leaderboard, goals (bare event names).
    ChannelUnderscore,
}

impl Alias {
    /// Every alias, in subscription order.
    pub const ALL: [Alias; 5] = [
        Alias::ChatroomV2,
        Alias::Chatrooms,
        Alias::ChatroomUnderscore,
        Alias::ChannelDot,
        Alias::ChannelUnderscore,
    ];

    /// The channel name of this alias for a chatroom id and a channel id.
    pub fn channel_name(self, chatroom_id: u64, channel_id: u64) -> String {
        match self {
            Alias::ChatroomV2 => format!("chatrooms.{chatroom_id}.v2"),
            Alias::Chatrooms => format!("chatrooms.{chatroom_id}"),
            Alias::ChatroomUnderscore => format!("chatroom_{chatroom_id}"),
            Alias::ChannelDot => format!("channel.{channel_id}"),
            Alias::ChannelUnderscore => format!("channel_{channel_id}"),
        }
    }

    /// Which alias a channel name is, and the id in it.
    pub fn parse(name: &str) -> Option<(Alias, u64)> {
        let digits = |s: &str| -> Option<u64> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        if let Some(rest) = name.strip_prefix("chatrooms.") {
            return match rest.strip_suffix(".v2") {
                Some(id) => digits(id).map(|id| (Alias::ChatroomV2, id)),
                None => digits(rest).map(|id| (Alias::Chatrooms, id)),
            };
        }
        if let Some(id) = name.strip_prefix("chatroom_") {
            return digits(id).map(|id| (Alias::ChatroomUnderscore, id));
        }
        if let Some(id) = name.strip_prefix("channel.") {
            return digits(id).map(|id| (Alias::ChannelDot, id));
        }
        if let Some(id) = name.strip_prefix("channel_") {
            return digits(id).map(|id| (Alias::ChannelUnderscore, id));
        }
        None
    }
}

/// The prefix Kick's Laravel back end puts on most event names.
pub const EVENT_PREFIX: &str = "App\\Events\\";

/// The Kick events the crate types, by their name without the `App\Events\` prefix.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventName {
    /// `ChatMessageEvent`
    ChatMessage,
    /// `MessageDeletedEvent`
    MessageDeleted,
    /// `PinnedMessageCreatedEvent`
    PinnedMessageCreated,
    /// `PinnedMessageDeletedEvent`
    PinnedMessageDeleted,
    /// `PollUpdateEvent`
    PollUpdate,
    /// `PollDeleteEvent`
    PollDelete,
    /// `UserBannedEvent`
    UserBanned,
    /// `UserUnbannedEvent`
    UserUnbanned,
    /// `SubscriptionEvent`
    Subscription,
    /// `GiftedSubscriptionsEvent`
    GiftedSubscriptions,
    /// `LuckyUsersWhoGotGiftSubscriptionsEvent`
    LuckyUsersWhoGotGiftSubscriptions,
    /// `GiftsLeaderboardUpdated`
    GiftsLeaderboardUpdated,
    /// `StopStreamBroadcast`
    StopStreamBroadcast,
    /// `StreamerIsLive`
    StreamerIsLive,
    /// `StreamHostEvent`
    StreamHost,
    /// `StreamHostedEvent`
    StreamHosted,
    /// `ChatMoveToSupportedChannelEvent`
    ChatMoveToSupportedChannel,
    /// `ChatroomClearEvent`
    ChatroomClear,
    /// `ChatroomUpdatedEvent`
    ChatroomUpdated,
    /// `KicksGifted`
    KicksGifted,
    /// `KicksLeaderboardUpdated`
    KicksLeaderboardUpdated,
    /// `RewardRedeemedEvent`
    RewardRedeemed,
    /// `FollowersUpdated`
    FollowersUpdated,
    /// `ChannelSubscriptionEvent`
    ChannelSubscription,
    /// `GoalProgressUpdateEvent`
    GoalProgressUpdate,
    /// `GoalAchievedEvent`
    GoalAchieved,
    /// `GoalCanceledEvent`
    GoalCanceled,
    /// `GoalUpdatedEvent`
    GoalUpdated,
    /// `SubscribersModeActivated`
    SubscribersModeActivated,
    /// `SubscribersModeDeactivated`
    SubscribersModeDeactivated,
    /// `EmotesModeActivated`
    EmotesModeActivated,
    /// `EmotesModeDeactivated`
    EmotesModeDeactivated,
    /// `FollowersModeActivated`
    FollowersModeActivated,
    /// `FollowersModeDeactivated`
    FollowersModeDeactivated,
    /// `SlowModeActivated`
    SlowModeActivated,
    /// `SlowModeDeactivated`
    SlowModeDeactivated,
}

impl EventName {
    /// Recognises a raw event name, with or without the `App\Events\` prefix and with or
    /// without the `Event` suffix (Kick uses both forms for several events).
    pub fn parse(raw: &str) -> Option<EventName> {
        let bare = raw.strip_prefix(EVENT_PREFIX).unwrap_or(raw);
        let stem = bare.strip_suffix("Event").unwrap_or(bare);
        use EventName::*;
        Some(match stem {
            "ChatMessage" => ChatMessage,
            "MessageDeleted" => MessageDeleted,
            "PinnedMessageCreated" => PinnedMessageCreated,
            "PinnedMessageDeleted" => PinnedMessageDeleted,
            "PollUpdate" => PollUpdate,
            "PollDelete" => PollDelete,
            "UserBanned" => UserBanned,
            "UserUnbanned" => UserUnbanned,
            "Subscription" => Subscription,
            "GiftedSubscriptions" => GiftedSubscriptions,
            "LuckyUsersWhoGotGiftSubscriptions" => LuckyUsersWhoGotGiftSubscriptions,
            "GiftsLeaderboardUpdated" => GiftsLeaderboardUpdated,
            "StopStreamBroadcast" => StopStreamBroadcast,
            "StreamerIsLive" => StreamerIsLive,
            "StreamHost" => StreamHost,
            "StreamHosted" => StreamHosted,
            "ChatMoveToSupportedChannel" => ChatMoveToSupportedChannel,
            "ChatroomClear" => ChatroomClear,
            "ChatroomUpdated" => ChatroomUpdated,
            "KicksGifted" => KicksGifted,
            "KicksLeaderboardUpdated" => KicksLeaderboardUpdated,
            "RewardRedeemed" => RewardRedeemed,
            "FollowersUpdated" => FollowersUpdated,
            "ChannelSubscription" => ChannelSubscription,
            "GoalProgressUpdate" => GoalProgressUpdate,
            "GoalAchieved" => GoalAchieved,
            "GoalCanceled" | "GoalCancelled" => GoalCanceled,
            "GoalUpdated" => GoalUpdated,
            "SubscribersModeActivated" => SubscribersModeActivated,
            "SubscribersModeDeactivated" => SubscribersModeDeactivated,
            "EmotesModeActivated" => EmotesModeActivated,
            "EmotesModeDeactivated" => EmotesModeDeactivated,
            "FollowersModeActivated" => FollowersModeActivated,
            "FollowersModeDeactivated" => FollowersModeDeactivated,
            "SlowModeActivated" => SlowModeActivated,
            "SlowModeDeactivated" => SlowModeDeactivated,
            _ => return None,
        })
    }

    /// The name as Kick sends it today (prefixed where Kick prefixes it).
    pub fn wire_name(self) -> &'static str {
        use EventName::*;
        match self {
            ChatMessage => "App\\Events\\ChatMessageEvent",
            MessageDeleted => "App\\Events\\MessageDeletedEvent",
            PinnedMessageCreated => "App\\Events\\PinnedMessageCreatedEvent",
            PinnedMessageDeleted => "App\\Events\\PinnedMessageDeletedEvent",
            PollUpdate => "App\\Events\\PollUpdateEvent",
            PollDelete => "App\\Events\\PollDeleteEvent",
            UserBanned => "App\\Events\\UserBannedEvent",
            UserUnbanned => "App\\Events\\UserUnbannedEvent",
            Subscription => "App\\Events\\SubscriptionEvent",
            GiftedSubscriptions => "GiftedSubscriptionsEvent",
            LuckyUsersWhoGotGiftSubscriptions => {
                "App\\Events\\LuckyUsersWhoGotGiftSubscriptionsEvent"
            }
            GiftsLeaderboardUpdated => "App\\Events\\GiftsLeaderboardUpdated",
            StopStreamBroadcast => "App\\Events\\StopStreamBroadcast",
            StreamerIsLive => "App\\Events\\StreamerIsLive",
            StreamHost => "App\\Events\\StreamHostEvent",
            StreamHosted => "App\\Events\\StreamHostedEvent",
            ChatMoveToSupportedChannel => "App\\Events\\ChatMoveToSupportedChannelEvent",
            ChatroomClear => "App\\Events\\ChatroomClearEvent",
            ChatroomUpdated => "App\\Events\\ChatroomUpdatedEvent",
            KicksGifted => "KicksGifted",
            KicksLeaderboardUpdated => "KicksLeaderboardUpdated",
            RewardRedeemed => "RewardRedeemedEvent",
            FollowersUpdated => "App\\Events\\FollowersUpdated",
            ChannelSubscription => "App\\Events\\ChannelSubscriptionEvent",
            GoalProgressUpdate => "GoalProgressUpdateEvent",
            GoalAchieved => "GoalAchievedEvent",
            GoalCanceled => "GoalCanceledEvent",
            GoalUpdated => "GoalUpdatedEvent",
            SubscribersModeActivated => "SubscribersModeActivated",
            SubscribersModeDeactivated => "SubscribersModeDeactivated",
            EmotesModeActivated => "EmotesModeActivated",
            EmotesModeDeactivated => "EmotesModeDeactivated",
            FollowersModeActivated => "FollowersModeActivated",
            FollowersModeDeactivated => "FollowersModeDeactivated",
            SlowModeActivated => "SlowModeActivated",
            SlowModeDeactivated => "SlowModeDeactivated",
        }
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_round_trip() {
        for alias in Alias::ALL {
            let name = alias.channel_name(123, 456);
            let (parsed, id) = Alias::parse(&name).unwrap();
            assert_eq!(parsed, alias);
            assert_eq!(id, if name.starts_with("chat") { 123 } else { 456 });
        }
        assert_eq!(Alias::parse("chatrooms.x.v2"), None);
        assert_eq!(Alias::parse("private-livestream.1"), None);
        assert_eq!(Alias::parse("channel."), None);
    }

    #[test]
    fn names_match_with_and_without_prefix_and_suffix() {
        assert_eq!(
            EventName::parse("App\\Events\\ChatMessageEvent"),
            Some(EventName::ChatMessage)
        );
        assert_eq!(
            EventName::parse("ChatMessageEvent"),
            Some(EventName::ChatMessage)
        );
        assert_eq!(
            EventName::parse("App\\Events\\KicksGiftedEvent"),
            Some(EventName::KicksGifted)
        );
        assert_eq!(
            EventName::parse("GiftedSubscriptionsEvent"),
            Some(EventName::GiftedSubscriptions)
        );
        assert_eq!(EventName::parse("App\\Events\\NewThing"), None);
        assert_eq!(EventName::parse("pusher:ping"), None);
        // The seed's mistake: the third `\`-segment of a bare name does not exist.
        assert_eq!(
            EventName::parse("RewardRedeemedEvent"),
            Some(EventName::RewardRedeemed)
        );
    }
}
