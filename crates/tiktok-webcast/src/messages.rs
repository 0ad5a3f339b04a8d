//! Typed webcast messages: our own structs, filled from the decoded protobuf. Every field the
//! schema (`proto/*.proto`) declares is here, under the same name; integers are `i64` because
//! the peers' schemas disagree on widths. Build them in tests with `Default` and field
//! assignment.

use bytes::Bytes;
use serde::Serialize;

use crate::proto;

/// Conversion from the generated protobuf structs (crate-private: prost stays out of the API).
pub(crate) trait FromProto<P> {
    fn from_proto(p: P) -> Self;
}

macro_rules! identity {
    ($($t:ty),*) => {$(
        impl FromProto<$t> for $t {
            fn from_proto(p: $t) -> Self { p }
        }
    )*};
}
identity!(i64, bool, String);

impl FromProto<Bytes> for Vec<u8> {
    fn from_proto(p: Bytes) -> Self {
        p.to_vec()
    }
}

impl<P, T: FromProto<P>> FromProto<Option<P>> for Option<T> {
    fn from_proto(p: Option<P>) -> Self {
        p.map(T::from_proto)
    }
}

impl<P, T: FromProto<P>> FromProto<Vec<P>> for Vec<T> {
    fn from_proto(p: Vec<P>) -> Self {
        p.into_iter().map(T::from_proto).collect()
    }
}

/// A struct with public fields mirroring a protobuf message, and its conversion.
macro_rules! typed {
    ($(
        $(#[$meta:meta])*
        $name:ident <= $proto:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    )*) => {$(
        $(#[$meta])*
        #[non_exhaustive]
        #[derive(Debug, Clone, Default, PartialEq, Serialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl FromProto<proto::$proto> for $name {
            #[allow(unused_variables)]
            fn from_proto(p: proto::$proto) -> Self {
                $name { $( $field: FromProto::from_proto(p.$field), )* }
            }
        }
    )*};
}

/// An enum read from a protobuf enum number, keeping numbers it does not know.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),* $(,)? }) => {
        $(#[$meta])*
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
        pub enum $name {
            /// 0 or absent.
            #[default]
            Unspecified,
            $( $(#[$vmeta])* $variant, )*
            /// A number this version does not know.
            Other(i32),
        }

        impl $name {
            /// The wire number.
            pub fn number(self) -> i32 {
                match self {
                    $name::Unspecified => 0,
                    $( $name::$variant => $value, )*
                    $name::Other(n) => n,
                }
            }
        }

        impl From<i32> for $name {
            fn from(n: i32) -> Self {
                match n {
                    0 => $name::Unspecified,
                    $( $value => $name::$variant, )*
                    other => $name::Other(other),
                }
            }
        }

        impl FromProto<i32> for $name {
            fn from_proto(n: i32) -> Self {
                $name::from(n)
            }
        }
    };
}

wire_enum! {
    /// What a badge stands for.
    BadgeSceneType {
        /// Moderator.
        Admin = 1,
        /// First recharge.
        FirstRecharge = 2,
        /// Friends.
        Friends = 3,
        /// Subscriber.
        Subscriber = 4,
        /// Top gifter.
        RankList = 6,
        /// New subscriber.
        NewSubscriber = 7,
        /// Gifter level.
        UserGrade = 8,
        /// Fan club level.
        Fans = 10,
        /// LIVE pro.
        LivePro = 11,
        /// The streamer.
        Anchor = 12,
        /// Class rank.
        ClassRank = 13,
        /// Enigma.
        Enigma = 14,
    }
}

wire_enum! {
    /// What a member message reports.
    MemberAction {
        /// Someone joined.
        Enter = 1,
        /// Someone left.
        Leave = 2,
        /// Muted.
        BanTalk = 3,
        /// Unmuted.
        CancelBanTalk = 4,
        /// Made moderator.
        SetAdmin = 5,
        /// No longer moderator.
        CancelAdmin = 6,
        /// Kicked out.
        Kickout = 7,
        /// Comments turned on.
        CommentsOn = 22,
        /// Comments turned off.
        CommentsOff = 23,
        /// A comment was pinned.
        PinnedComment = 26,
        /// Joined from "nearby".
        NearbyEnter = 47,
    }
}

wire_enum! {
    /// What a control message says about the stream.
    ControlAction {
        /// Paused.
        StreamPaused = 1,
        /// Resumed.
        StreamUnpaused = 2,
        /// Ended by the streamer.
        StreamEnded = 3,
        /// Ended by a moderator or a ban.
        StreamSuspended = 4,
    }
}

impl ControlAction {
    /// True for actions 3 and 4: the stream is over.
    pub fn is_end(self) -> bool {
        matches!(
            self,
            ControlAction::StreamEnded | ControlAction::StreamSuspended
        )
    }
}

typed! {
    /// The header nearly every message carries.
    Common <= CommonMessageData {
        /// The method name.
        method: String,
        /// The message id.
        msg_id: i64,
        /// The room id.
        room_id: i64,
        /// Milliseconds since the Unix epoch.
        create_time: i64,
        /// Monitor flag.
        monitor: i64,
        /// Whether it is shown.
        is_show_msg: bool,
        /// Description.
        describe: String,
        /// The display text (its key classifies follows and shares).
        display_text: Option<Text>,
        /// Fold type.
        fold_type: i64,
        /// Anchor fold type.
        anchor_fold_type: i64,
        /// Priority score.
        priority_score: i64,
        /// Log id.
        log_id: String,
        /// Filter key.
        msg_process_filter_k: String,
        /// Filter value.
        msg_process_filter_v: String,
        /// Source data centre.
        from_idc: String,
        /// Target data centre.
        to_idc: String,
        /// Filter tags.
        filter_msg_tags: Vec<String>,
        /// Anchor priority score.
        anchor_priority_score: i64,
        /// Heat level.
        room_message_heat_level: i64,
        /// Web fold type.
        fold_type_for_web: i64,
        /// Web anchor fold type.
        anchor_fold_type_for_web: i64,
        /// Client send time.
        client_send_time: i64,
        /// Dispatch strategy.
        dispatch_strategy: i64,
    }

    /// A display text.
    Text <= Text {
        /// Its kind, e.g. `pm_mt_msg_viewer_follow`.
        key: String,
        /// The pattern.
        default_pattern: String,
        /// The pieces.
        pieces: Vec<TextPiece>,
    }

    /// One piece of a display text.
    TextPiece <= TextPiece {
        /// The piece's type.
        piece_type: i64,
        /// A string value.
        string_value: String,
        /// A user value.
        user_value: Option<TextPieceUser>,
    }

    /// A user inside a display text.
    TextPieceUser <= TextPieceUser {
        /// The user.
        user: Option<TikTokUser>,
        /// Whether a colon follows.
        with_colon: bool,
    }

    /// An image and its CDN URLs.
    Image <= ImageModel {
        /// The URLs; the first is the usual one.
        url_list: Vec<String>,
        /// The URI.
        uri: String,
        /// Height.
        height: i64,
        /// Width.
        width: i64,
        /// Average colour.
        avg_color: String,
        /// Image type.
        image_type: i64,
        /// Web URL to open.
        open_web_url: String,
        /// Content.
        content: Option<ImageContent>,
        /// Animated.
        is_animated: bool,
    }

    /// Text content of an image.
    ImageContent <= ImageContent {
        /// Name.
        name: String,
        /// Font colour.
        font_color: String,
        /// Level.
        level: i64,
    }

    /// A TikTok user as messages carry them.
    TikTokUser <= User {
        /// The numeric user id.
        id: i64,
        /// The nickname (display name).
        nickname: String,
        /// The bio.
        bio_description: String,
        /// Small avatar.
        avatar_thumb: Option<Image>,
        /// Medium avatar.
        avatar_medium: Option<Image>,
        /// Large avatar.
        avatar_large: Option<Image>,
        /// Verified account.
        verified: bool,
        /// Follow counts and status.
        follow_info: Option<FollowInfo>,
        /// Gifter level.
        pay_grade: Option<UserHonor>,
        /// Top VIP number.
        top_vip_no: i64,
        /// The @handle (unique id).
        display_id: String,
        /// The secure user id.
        sec_uid: String,
        /// Subscription state.
        subscribe_info: Option<SubscribeInfo>,
        /// Badges.
        badge_list: Vec<Badge>,
        /// The id as a string (when `id` is absent).
        id_str: String,
        /// Follows the viewer.
        is_follower: bool,
        /// Followed by the viewer.
        is_following: bool,
        /// Subscribed.
        is_subscribe: bool,
    }

    /// Follow counts and status.
    FollowInfo <= FollowInfo {
        /// Following.
        following_count: i64,
        /// Followers.
        follower_count: i64,
        /// 0 none, 1 following, 2 friends.
        follow_status: i64,
        /// Push status.
        push_status: i64,
    }

    /// The gifter level.
    UserHonor <= UserHonor {
        /// Level.
        level: i64,
    }

    /// Subscription state.
    SubscribeInfo <= SubscribeInfo {
        /// Subscribed.
        is_subscribe: bool,
        /// Subscribed to the streamer.
        is_subscribed_to_anchor: bool,
    }

    /// A badge. Its bodies are opaque protobuf bytes (their fields are undocumented).
    Badge <= BadgeStruct {
        /// Display type.
        display_type: i64,
        /// Priority type.
        priority_type: i64,
        /// What it stands for.
        scene_type: BadgeSceneType,
        /// Position.
        position: i64,
        /// Display status.
        display_status: i64,
        /// Exhibition type.
        exhibition_type: i64,
        /// Web URL.
        openweburl: String,
        /// Displayed.
        display: bool,
        /// Image body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        image: Vec<u8>,
        /// Text body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        text: Vec<u8>,
        /// String body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        str: Vec<u8>,
        /// Combined body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        combine: Vec<u8>,
    }

    /// Who the user is to the streamer.
    UserIdentity <= UserIdentity {
        /// Has given gifts.
        is_gift_giver_of_anchor: bool,
        /// Subscriber.
        is_subscriber_of_anchor: bool,
        /// Mutual follow.
        is_mutual_following_with_anchor: bool,
        /// Follower.
        is_follower_of_anchor: bool,
        /// Moderator.
        is_moderator_of_anchor: bool,
        /// The streamer.
        is_anchor: bool,
    }

    /// A gift of the catalogue.
    GiftInfo <= Gift {
        /// Image.
        image: Option<Image>,
        /// Description.
        describe: String,
        /// Duration.
        duration: i64,
        /// Gift id.
        id: i64,
        /// Combo gift.
        combo: bool,
        /// 1 = streakable; other types arrive once.
        gift_type: i64,
        /// Coins per unit.
        diamond_count: i64,
        /// On the panel.
        is_displayed_on_panel: bool,
        /// Name.
        name: String,
        /// Icon.
        icon: Option<Image>,
        /// Broadcast gift.
        is_broadcast_gift: bool,
        /// Random gift.
        is_random_gift: bool,
        /// Box gift.
        is_box_gift: bool,
        /// Gallery gift.
        is_gallery_gift: bool,
    }

    /// A custom emote.
    Emote <= EmoteModel {
        /// Emote id.
        emote_id: String,
        /// Image.
        image: Option<Image>,
        /// Audit status.
        audit_status: i64,
        /// UUID.
        uuid: String,
        /// Emote type.
        emote_type: i64,
        /// Creation time.
        create_time: i64,
    }

    /// An emote placed in a chat text.
    EmoteWithIndex <= EmoteWithIndex {
        /// Position in the text.
        index: i64,
        /// The emote.
        emote: Option<Emote>,
    }

    /// `WebcastChatMessage`: a chat message.
    ChatMessage <= WebcastChatMessage {
        /// Header.
        common: Option<Common>,
        /// Author.
        user: Option<TikTokUser>,
        /// Text.
        content: String,
        /// Visible to the sender only.
        visible_to_sender: bool,
        /// Input type.
        input_type: i64,
        /// Addressed user.
        at_user: Option<TikTokUser>,
        /// Emotes in the text.
        emotes: Vec<EmoteWithIndex>,
        /// Language.
        content_language: String,
        /// Who the author is to the streamer.
        user_identity: Option<UserIdentity>,
        /// 0 normal, 1 candidate, 2 overage.
        comment_tag: i64,
        /// Mentioned user ids.
        mention_user_list: Vec<i64>,
        /// Mentioned users.
        mention_users: Vec<TikTokUser>,
        /// On the comment tray.
        is_on_comment_tray: bool,
    }

    /// `WebcastGiftMessage`: one step of a gift (streak).
    GiftMessage <= WebcastGiftMessage {
        /// Header.
        common: Option<Common>,
        /// Gift id.
        gift_id: i64,
        /// Fan tickets.
        fan_ticket_count: i64,
        /// Group count.
        group_count: i64,
        /// The streak's running total.
        repeat_count: i64,
        /// Combo count.
        combo_count: i64,
        /// Sender.
        user: Option<TikTokUser>,
        /// Receiver (a co-host).
        to_user: Option<TikTokUser>,
        /// 1 when the streak is over.
        repeat_end: i64,
        /// The streak id.
        group_id: i64,
        /// Room fan tickets.
        room_fan_ticket_count: i64,
        /// The gift.
        gift: Option<GiftInfo>,
        /// Log id.
        log_id: String,
        /// Send type.
        send_type: i64,
        /// Colour id.
        color_id: i64,
        /// First sent.
        is_first_sent: bool,
        /// Order id.
        order_id: String,
        /// Who the sender is to the streamer.
        user_identity: Option<UserIdentity>,
        /// Receiving member id.
        to_member_id: String,
        /// Receiving member id (number).
        to_member_id_int: i64,
        /// Receiving member nickname.
        to_member_nickname: String,
        /// Display duration.
        display_duration_ms: i64,
    }

    /// `WebcastLikeMessage`: a batch of likes.
    LikeMessage <= WebcastLikeMessage {
        /// Header.
        common: Option<Common>,
        /// Likes in this batch.
        count: i64,
        /// The room total as one shard reports it (it can go backwards).
        total: i64,
        /// Who liked.
        user: Option<TikTokUser>,
        /// Effect count.
        effect_cnt: i64,
        /// Heat level.
        room_message_heat_level: i64,
    }

    /// `WebcastMemberMessage`: joins and moderation.
    MemberMessage <= WebcastMemberMessage {
        /// Header.
        common: Option<Common>,
        /// The member.
        user: Option<TikTokUser>,
        /// Member count.
        member_count: i64,
        /// Who acted (moderation).
        operator: Option<TikTokUser>,
        /// Made moderator.
        is_set_to_admin: bool,
        /// Top user.
        is_top_user: bool,
        /// Rank score.
        rank_score: i64,
        /// Top user number.
        top_user_no: i64,
        /// Enter type.
        enter_type: i64,
        /// What happened.
        action: MemberAction,
        /// Description.
        action_description: String,
        /// User id.
        user_id: i64,
        /// Popularity text.
        pop_str: String,
        /// Text shown to the streamer.
        anchor_display_text: Option<Text>,
    }

    /// `WebcastSocialMessage`: follows and shares.
    SocialMessage <= WebcastSocialMessage {
        /// Header.
        common: Option<Common>,
        /// Who.
        user: Option<TikTokUser>,
        /// Share type.
        share_type: i64,
        /// 1 follow, 2-5 share.
        action: i64,
        /// Share target.
        share_target: String,
        /// Follower count.
        follow_count: i64,
        /// Share count.
        share_count: i64,
        /// Display duration.
        show_duration_ms: i64,
        /// Follow type.
        follow_type: i64,
        /// Target user id.
        target_user_id: i64,
        /// Scene.
        scene: String,
    }

    /// A top viewer.
    Contributor <= Contributor {
        /// Coins given.
        score: i64,
        /// The viewer.
        user: Option<TikTokUser>,
        /// Rank.
        rank: i64,
        /// Change.
        delta: i64,
    }

    /// `WebcastRoomUserSeqMessage`: viewer counts and top viewers.
    RoomUserSeqMessage <= WebcastRoomUserSeqMessage {
        /// Header.
        common: Option<Common>,
        /// Top viewers.
        ranks: Vec<Contributor>,
        /// Current viewers.
        total: i64,
        /// Popularity text.
        pop_str: String,
        /// Seats.
        seats: Vec<Contributor>,
        /// Popularity.
        popularity: i64,
        /// Cumulative viewers.
        total_user: i64,
        /// Anonymous viewers.
        anonymous: i64,
    }

    /// `WebcastSubNotifyMessage`: a subscription.
    SubNotifyMessage <= WebcastSubNotifyMessage {
        /// Header.
        common: Option<Common>,
        /// Subscriber.
        user: Option<TikTokUser>,
        /// Exhibition type.
        exhibition_type: i64,
        /// Months subscribed.
        sub_month: i64,
        /// 0 once, 1 auto, 100 default.
        subscribe_type: i64,
        /// Previous status.
        old_subscribe_status: i64,
        /// 0 success, 1 reminder to the anchor, ...
        message_type: i64,
        /// Status.
        subscribing_status: i64,
        /// Sent.
        is_send: bool,
        /// Custom.
        is_custom: bool,
        /// Package id.
        package_id: String,
    }

    /// `WebcastControlMessage`: pauses and the end of the stream.
    ControlMessage <= WebcastControlMessage {
        /// Header.
        common: Option<Common>,
        /// What happened.
        action: ControlAction,
        /// Tips.
        tips: String,
    }

    /// `WebcastEmoteChatMessage`: an emote sent to the chat.
    EmoteChatMessage <= WebcastEmoteChatMessage {
        /// Header.
        common: Option<Common>,
        /// Sender.
        user: Option<TikTokUser>,
        /// Emotes.
        emote_list: Vec<Emote>,
        /// Who the sender is to the streamer.
        user_identity: Option<UserIdentity>,
    }

    /// A treasure chest.
    RedEnvelopeInfo <= RedEnvelopeInfo {
        /// Chest id.
        envelope_id: String,
        /// 19 = super-fan box.
        business_type: i64,
        /// Data centre.
        envelope_idc: String,
        /// Sender name.
        send_user_name: String,
        /// Diamonds inside.
        diamond_count: i64,
        /// People who can open it.
        people_count: i64,
        /// Opening time.
        unpack_at: i64,
        /// Sender id.
        send_user_id: String,
        /// Sender avatar.
        send_user_avatar: Option<Image>,
        /// Creation time.
        create_at: String,
        /// Room id.
        room_id: String,
        /// Skin id.
        skin_id: i64,
        /// Super fans.
        super_fan_count: i64,
    }

    /// `WebcastEnvelopeMessage`: a treasure chest.
    EnvelopeMessage <= WebcastEnvelopeMessage {
        /// Header.
        common: Option<Common>,
        /// The chest.
        envelope_info: Option<RedEnvelopeInfo>,
        /// Display mode.
        display: i64,
    }

    /// A question.
    Question <= Question {
        /// Question id.
        question_id: i64,
        /// Text.
        content: String,
        /// Answer status.
        answer_status: i64,
        /// Creation time.
        create_time: i64,
        /// Asker.
        user: Option<TikTokUser>,
        /// Source.
        create_from: i64,
        /// Answer source.
        answer_from: i64,
    }

    /// `WebcastQuestionNewMessage`: a new question.
    QuestionNewMessage <= WebcastQuestionNewMessage {
        /// Header.
        common: Option<Common>,
        /// The question.
        data: Option<Question>,
    }

    /// Battle settings.
    BattleSetting <= BattleSetting {
        /// Battle id.
        battle_id: i64,
        /// Start, ms.
        start_time_ms: i64,
        /// Duration.
        duration: i64,
        /// Channel id.
        channel_id: i64,
        /// Status.
        status: i64,
        /// Invite type.
        invite_type: i64,
        /// Battle type.
        battle_type: i64,
        /// Extra seconds.
        extra_duration_second: i64,
        /// End, ms.
        end_time_ms: i64,
    }

    /// A battle participant.
    BattleUserInfo <= BattleUserInfo {
        /// The user.
        user: Option<TikTokUser>,
    }

    /// A battle anchor and their info.
    BattleAnchorInfo <= BattleAnchorInfo {
        /// Anchor id.
        anchor_id: i64,
        /// Info.
        info: Option<BattleUserInfo>,
    }

    /// `WebcastLinkMicBattle`: a battle's state.
    LinkMicBattleMessage <= WebcastLinkMicBattle {
        /// Header.
        common: Option<Common>,
        /// Battle id.
        battle_id: i64,
        /// Settings.
        battle_settings: Option<BattleSetting>,
        /// 1 invite, 2 reject, 3 cancel, 4 open, 5 finish, 6 cut short, 7 accept, 8 quit apply.
        action: i64,
        /// Anchors.
        anchors_info: Vec<BattleAnchorInfo>,
    }

    /// `WebcastLinkMicArmies`: battle scores.
    LinkMicArmiesMessage <= WebcastLinkMicArmies {
        /// Header.
        common: Option<Common>,
        /// Battle id.
        battle_id: i64,
        /// Channel id.
        channel_id: i64,
        /// Gift success time.
        send_gift_success_time: i64,
        /// Score update time.
        update_battle_score_time: i64,
        /// Trigger reason.
        trigger_reason: i64,
        /// From user id.
        from_user_id: i64,
        /// Gift id.
        gift_id: i64,
        /// Gift count.
        gift_count: i64,
        /// Gift icon.
        gift_icon_image: Option<Image>,
        /// Total diamonds.
        total_diamond_count: i64,
        /// Repeat count.
        repeat_count: i64,
        /// Critical strike.
        trigger_critical_strike: bool,
        /// Log id.
        log_id: String,
        /// Settings.
        battle_settings: Option<BattleSetting>,
    }

    /// `WebcastLiveIntroMessage`: the stream's introduction.
    LiveIntroMessage <= WebcastLiveIntroMessage {
        /// Header.
        common: Option<Common>,
        /// Id.
        id: i64,
        /// Audit status.
        audit_status: i64,
        /// Text.
        content: String,
        /// Streamer.
        user: Option<TikTokUser>,
        /// Mode.
        intro_mode: i64,
        /// Badges.
        badges: Vec<Badge>,
        /// Language.
        content_language: String,
    }

    /// One rank update.
    RankUpdate <= RankUpdate {
        /// Rank type.
        rank_type: i64,
        /// Own rank.
        own_rank: i64,
        /// Text.
        default_content: Option<Text>,
        /// Countdown.
        countdown: i64,
        /// Score.
        current_score: i64,
    }

    /// `WebcastRankUpdateMessage`: rank changes.
    RankUpdateMessage <= WebcastRankUpdateMessage {
        /// Header.
        common: Option<Common>,
        /// Updates.
        updates: Vec<RankUpdate>,
        /// Group type.
        group_type: i64,
        /// Op type.
        op_type: i64,
        /// Priority.
        rank_priority: i64,
    }

    /// One answer of a poll.
    PollOption <= PollOptionInfo {
        /// Votes.
        votes: i64,
        /// Text.
        display_content: String,
        /// Index.
        option_idx: i64,
    }

    /// A poll's start.
    PollStartContent <= PollStartContent {
        /// Start.
        start_time: i64,
        /// End.
        end_time: i64,
        /// Answers.
        option_list: Vec<PollOption>,
        /// Question.
        title: String,
        /// Who started it.
        operator: Option<TikTokUser>,
    }

    /// A poll's end.
    PollEndContent <= PollEndContent {
        /// End type.
        end_type: i64,
        /// Answers.
        option_list: Vec<PollOption>,
        /// Who ended it.
        operator: Option<TikTokUser>,
    }

    /// New votes.
    PollUpdateVotesContent <= PollUpdateVotesContent {
        /// Answers.
        option_list: Vec<PollOption>,
        /// Operator.
        operator: Option<TikTokUser>,
    }

    /// `WebcastPollMessage`: a poll.
    PollMessage <= WebcastPollMessage {
        /// Header.
        common: Option<Common>,
        /// Message type.
        message_type: i64,
        /// Poll id.
        poll_id: i64,
        /// Start.
        start_content: Option<PollStartContent>,
        /// End.
        end_content: Option<PollEndContent>,
        /// Votes.
        update_votes_content: Option<PollUpdateVotesContent>,
        /// Kind.
        poll_kind: i64,
    }

    /// A stream goal.
    LiveStreamGoal <= LiveStreamGoal {
        /// Type.
        goal_type: i64,
        /// Status.
        status: i64,
        /// Description.
        description: String,
    }

    /// `WebcastGoalUpdateMessage`: progress towards a goal.
    GoalUpdateMessage <= WebcastGoalUpdateMessage {
        /// Header.
        common: Option<Common>,
        /// The goal.
        goal: Option<LiveStreamGoal>,
        /// Contributor id.
        contributor_id: i64,
        /// Contributor avatar.
        contributor_avatar: Option<Image>,
        /// Contributor handle.
        contributor_display_id: String,
        /// Count.
        contribute_count: i64,
        /// Score.
        contribute_score: i64,
        /// Gift repeat count.
        gift_repeat_count: i64,
        /// Contributor id (string).
        contributor_id_str: String,
    }

    /// `WebcastRoomMessage`: a room notice.
    RoomMessage <= WebcastRoomMessage {
        /// Header.
        common: Option<Common>,
        /// Text.
        content: String,
        /// Landscape support (spelled as the schema spells it).
        supprot_landscape: bool,
        /// Source.
        source: i64,
        /// Icon.
        icon: Option<Image>,
        /// Scene.
        scene: String,
        /// Welcome message.
        is_welcome: bool,
        /// Display duration.
        show_duration_ms: i64,
        /// Sub scene.
        sub_scene: String,
    }

    /// `WebcastBarrageMessage`: a banner.
    BarrageMessage <= WebcastBarrageMessage {
        /// Header.
        common: Option<Common>,
        /// Message type.
        msg_type: i64,
        /// Icon.
        icon: Option<Image>,
        /// Text.
        content: Option<Text>,
        /// Duration.
        duration: i64,
        /// Background.
        background: Option<Image>,
        /// Right icon.
        right_icon: Option<Image>,
        /// Gallery gift id.
        gallery_gift_id: i64,
        /// Marquee.
        use_marquee: bool,
        /// Show type.
        show_type: i64,
        /// Render type.
        render_type: i64,
        /// Common text.
        common_barrage_content: Option<Text>,
        /// User.
        user: Option<TikTokUser>,
    }

    /// `WebcastImDeleteMessage`: messages to retract.
    ImDeleteMessage <= WebcastImDeleteMessage {
        /// Header.
        common: Option<Common>,
        /// Message ids to remove.
        delete_msg_ids: Vec<i64>,
        /// Users whose messages to remove.
        delete_user_ids: Vec<i64>,
    }

    /// `WebcastInRoomBannerMessage`: a banner.
    InRoomBannerMessage <= WebcastInRoomBannerMessage {
        /// Header.
        common: Option<Common>,
        /// JSON banner payload.
        json_data: String,
    }

    /// One language of a caption.
    CaptionContent <= CaptionContent {
        /// Language.
        lang: String,
        /// Text.
        content: String,
    }

    /// `WebcastCaptionMessage`: live captions.
    CaptionMessage <= WebcastCaptionMessage {
        /// Header.
        common: Option<Common>,
        /// Time, ms.
        timestamp_ms: i64,
        /// Duration, ms.
        duration_ms: i64,
        /// Texts.
        content: Vec<CaptionContent>,
        /// Sentence id.
        sentence_id: i64,
        /// Sequence id.
        sequence_id: i64,
        /// Final (true) or interim (false).
        definite: bool,
    }

    /// `WebcastSystemMessage`: a system notice.
    SystemMessage <= WebcastSystemMessage {
        /// Header.
        common: Option<Common>,
        /// Text.
        message: String,
    }
}

impl TikTokUser {
    /// The user id as an exact string (`id`, else `id_str`), if any.
    pub fn id_string(&self) -> Option<String> {
        if self.id != 0 {
            Some(self.id.to_string())
        } else if !self.id_str.is_empty() {
            Some(self.id_str.clone())
        } else {
            None
        }
    }

    /// True when a badge or the identity marks the user a moderator.
    pub fn is_moderator(&self) -> bool {
        self.badge_list
            .iter()
            .any(|b| b.scene_type == BadgeSceneType::Admin)
    }

    /// The gifter level, when known.
    pub fn gifter_level(&self) -> Option<i64> {
        self.pay_grade.as_ref().map(|g| g.level).filter(|&l| l > 0)
    }

    /// Follow status 2: the user and the streamer follow each other.
    pub fn is_friend(&self) -> bool {
        self.follow_info
            .as_ref()
            .is_some_and(|f| f.follow_status >= 2)
    }

    /// Converts to the unified user: `name` the handle, `display_name` the nickname.
    pub fn to_live_user(&self) -> Option<live_model::User> {
        let id = self.id_string()?;
        let name = if self.display_id.is_empty() {
            id.clone()
        } else {
            self.display_id.clone()
        };
        let user = live_model::User::new(id, name);
        Some(if self.nickname.is_empty() {
            user
        } else {
            user.with_display_name(self.nickname.clone())
        })
    }
}

impl GiftMessage {
    /// The gift's type (1 = streakable), 0 when the message carries no gift details.
    pub fn gift_type(&self) -> i64 {
        self.gift.as_ref().map_or(0, |g| g.gift_type)
    }

    /// True for gifts that arrive as a streak (`gift.type == 1`).
    pub fn is_streakable(&self) -> bool {
        self.gift_type() == 1
    }

    /// Coins per unit.
    pub fn diamond_count(&self) -> i64 {
        self.gift.as_ref().map_or(0, |g| g.diamond_count)
    }

    /// The gift's name.
    pub fn gift_name(&self) -> &str {
        self.gift.as_ref().map_or("", |g| g.name.as_str())
    }
}
