//! Typed webcast messages: our own structs, decoded straight from the protobuf bytes. Every
//! field the schema (`proto/*.proto`) declares is here, under the same name and with its tag (a
//! test checks both against the `.proto` files, and the decoding against prost's); integers are
//! `i64` because the peers' schemas disagree on widths; strings are [`Str`], which shares the
//! frame's buffer instead of allocating. Build them in tests with `Default` and field
//! assignment.

use serde::Serialize;

use crate::codec::wire::{Decode, Field, Reader, WireError, WireType};

mod shared_str;

pub use shared_str::Str;

/// Conversion from the generated protobuf structs: the reference the wire decoding is checked
/// against in tests (prost stays out of the API and off the hot path).
#[cfg(test)]
pub(crate) trait FromProto<P> {
    fn from_proto(p: P) -> Self;
}

#[cfg(test)]
mod from_proto {
    use bytes::Bytes;

    use super::{FromProto, Str};

    macro_rules! identity {
        ($($t:ty),*) => {$(
            impl FromProto<$t> for $t {
                fn from_proto(p: $t) -> Self { p }
            }
        )*};
    }
    identity!(i64, bool);

    impl FromProto<String> for Str {
        fn from_proto(p: String) -> Self {
            Str::from(p)
        }
    }

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

    impl<P, T: FromProto<P>> FromProto<P> for Box<T> {
        fn from_proto(p: P) -> Self {
            Box::new(T::from_proto(p))
        }
    }

    impl<P, T: FromProto<P>> FromProto<Vec<P>> for Vec<T> {
        fn from_proto(p: Vec<P>) -> Self {
            p.into_iter().map(T::from_proto).collect()
        }
    }
}

/// Structs with public fields mirroring protobuf messages (`field: Type = tag`), their wire
/// decoding, and (in tests) the table of their fields and the reference conversion from prost.
macro_rules! typed {
    ($(
        $(#[$meta:meta])*
        $name:ident <= $proto:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $tag:literal ),* $(,)?
        }
    )*) => {
        $(
            $(#[$meta])*
            #[non_exhaustive]
            #[derive(Debug, Clone, Default, PartialEq, Serialize)]
            pub struct $name {
                $( $(#[$fmeta])* pub $field: $ty, )*
            }

            impl Decode for $name {
                fn merge_field(
                    &mut self,
                    tag: u32,
                    wire_type: WireType,
                    reader: &mut Reader<'_>,
                ) -> Result<(), WireError> {
                    match tag {
                        $( $tag => Field::merge_value(&mut self.$field, wire_type, reader), )*
                        _ => reader.skip(tag, wire_type),
                    }
                }
            }

            #[cfg(test)]
            impl FromProto<crate::proto::$proto> for $name {
                #[allow(unused_variables)]
                fn from_proto(p: crate::proto::$proto) -> Self {
                    $name { $( $field: FromProto::from_proto(p.$field), )* }
                }
            }
        )*

        /// Every typed struct: its protobuf message and its fields as `(name, tag)`.
        #[cfg(test)]
        pub(crate) const SCHEMA: &[(&str, &str, &[(&str, u32)])] = &[
            $( (stringify!($name), stringify!($proto), &[ $( (stringify!($field), $tag) ),* ]), )*
        ];

        /// Decodes `bytes` as every typed struct, both with the wire decoder and through prost,
        /// and panics where they disagree; returns the structs it decoded as.
        #[cfg(test)]
        pub(crate) fn check_against_prost(bytes: &bytes::Bytes) -> Vec<&'static str> {
            let mut decoded = Vec::new();
            $(
                if check_one::<$name, crate::proto::$proto>(stringify!($name), bytes) {
                    decoded.push(stringify!($name));
                }
            )*
            decoded
        }
    };
}

#[cfg(test)]
fn check_one<T, P>(name: &str, bytes: &bytes::Bytes) -> bool
where
    T: Decode + FromProto<P> + PartialEq + std::fmt::Debug,
    P: prost::Message + Default,
{
    let ours = crate::codec::wire::decode::<T>(bytes);
    let reference = P::decode(bytes.clone()).map(T::from_proto);
    match (ours, reference) {
        (Ok(ours), Ok(reference)) => {
            assert_eq!(ours, reference, "{name}: {bytes:02x?}");
            true
        }
        (Err(_), Err(_)) => false,
        (ours, reference) => panic!("{name} disagrees on {bytes:02x?}: {ours:?} vs {reference:?}"),
    }
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

        impl Field for $name {
            fn merge_value(&mut self, wire_type: WireType, reader: &mut Reader<'_>) -> Result<(), WireError> {
                let mut number = 0i32;
                number.merge_value(wire_type, reader)?;
                *self = $name::from(number);
                Ok(())
            }
        }

        #[cfg(test)]
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
        method: Str = 1,
        /// The message id.
        msg_id: i64 = 2,
        /// The room id.
        room_id: i64 = 3,
        /// Milliseconds since the Unix epoch.
        create_time: i64 = 4,
        /// Monitor flag.
        monitor: i64 = 5,
        /// Whether it is shown.
        is_show_msg: bool = 6,
        /// Description.
        describe: Str = 7,
        /// The display text (its key classifies follows and shares).
        display_text: Option<Text> = 8,
        /// Fold type.
        fold_type: i64 = 9,
        /// Anchor fold type.
        anchor_fold_type: i64 = 10,
        /// Priority score.
        priority_score: i64 = 11,
        /// Log id.
        log_id: Str = 12,
        /// Filter key.
        msg_process_filter_k: Str = 13,
        /// Filter value.
        msg_process_filter_v: Str = 14,
        /// Source data centre.
        from_idc: Str = 15,
        /// Target data centre.
        to_idc: Str = 16,
        /// Filter tags.
        filter_msg_tags: Vec<Str> = 17,
        /// Anchor priority score.
        anchor_priority_score: i64 = 21,
        /// Heat level.
        room_message_heat_level: i64 = 22,
        /// Web fold type.
        fold_type_for_web: i64 = 23,
        /// Web anchor fold type.
        anchor_fold_type_for_web: i64 = 24,
        /// Client send time.
        client_send_time: i64 = 25,
        /// Dispatch strategy.
        dispatch_strategy: i64 = 26,
    }

    /// A display text.
    Text <= Text {
        /// Its kind, e.g. `pm_mt_msg_viewer_follow`.
        key: Str = 1,
        /// The pattern.
        default_pattern: Str = 2,
        /// The pieces.
        pieces: Vec<TextPiece> = 4,
    }

    /// One piece of a display text.
    TextPiece <= TextPiece {
        /// The piece's type.
        piece_type: i64 = 1,
        /// A string value.
        string_value: Str = 11,
        /// A user value.
        user_value: Option<TextPieceUser> = 21,
    }

    /// A user inside a display text.
    TextPieceUser <= TextPieceUser {
        /// The user.
        user: Option<Box<TikTokUser>> = 1,
        /// Whether a colon follows.
        with_colon: bool = 2,
    }

    /// An image and its CDN URLs.
    Image <= ImageModel {
        /// The URLs; the first is the usual one.
        url_list: Vec<Str> = 1,
        /// The URI.
        uri: Str = 2,
        /// Height.
        height: i64 = 3,
        /// Width.
        width: i64 = 4,
        /// Average colour.
        avg_color: Str = 5,
        /// Image type.
        image_type: i64 = 6,
        /// Web URL to open.
        open_web_url: Str = 7,
        /// Content.
        content: Option<ImageContent> = 8,
        /// Animated.
        is_animated: bool = 9,
    }

    /// Text content of an image.
    ImageContent <= ImageContent {
        /// Name.
        name: Str = 1,
        /// Font colour.
        font_color: Str = 2,
        /// Level.
        level: i64 = 3,
    }

    /// A TikTok user as messages carry them.
    TikTokUser <= User {
        /// The numeric user id.
        id: i64 = 1,
        /// The nickname (display name).
        nickname: Str = 3,
        /// The bio.
        bio_description: Str = 5,
        /// Small avatar.
        avatar_thumb: Option<Image> = 9,
        /// Medium avatar.
        avatar_medium: Option<Image> = 10,
        /// Large avatar.
        avatar_large: Option<Image> = 11,
        /// Verified account.
        verified: bool = 12,
        /// Follow counts and status.
        follow_info: Option<FollowInfo> = 22,
        /// Gifter level.
        pay_grade: Option<UserHonor> = 23,
        /// Top VIP number.
        top_vip_no: i64 = 31,
        /// The @handle (unique id).
        display_id: Str = 38,
        /// The secure user id.
        sec_uid: Str = 46,
        /// Subscription state.
        subscribe_info: Option<SubscribeInfo> = 63,
        /// Badges.
        badge_list: Vec<Badge> = 64,
        /// The id as a string (when `id` is absent).
        id_str: Str = 1028,
        /// Follows the viewer.
        is_follower: bool = 1029,
        /// Followed by the viewer.
        is_following: bool = 1030,
        /// Subscribed.
        is_subscribe: bool = 1090,
    }

    /// Follow counts and status.
    FollowInfo <= FollowInfo {
        /// Following.
        following_count: i64 = 1,
        /// Followers.
        follower_count: i64 = 2,
        /// 0 none, 1 following, 2 friends.
        follow_status: i64 = 3,
        /// Push status.
        push_status: i64 = 4,
    }

    /// The gifter level.
    UserHonor <= UserHonor {
        /// Level.
        level: i64 = 6,
    }

    /// Subscription state.
    SubscribeInfo <= SubscribeInfo {
        /// Subscribed.
        is_subscribe: bool = 2,
        /// Subscribed to the streamer.
        is_subscribed_to_anchor: bool = 7,
    }

    /// A badge. Its bodies are opaque protobuf bytes (their fields are undocumented).
    Badge <= BadgeStruct {
        /// Display type.
        display_type: i64 = 1,
        /// Priority type.
        priority_type: i64 = 2,
        /// What it stands for.
        scene_type: BadgeSceneType = 3,
        /// Position.
        position: i64 = 4,
        /// Display status.
        display_status: i64 = 5,
        /// Exhibition type.
        exhibition_type: i64 = 7,
        /// Web URL.
        openweburl: Str = 10,
        /// Displayed.
        display: bool = 11,
        /// Image body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        image: Vec<u8> = 20,
        /// Text body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        text: Vec<u8> = 21,
        /// String body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        str: Vec<u8> = 22,
        /// Combined body (raw protobuf).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        combine: Vec<u8> = 23,
    }

    /// Who the user is to the streamer.
    UserIdentity <= UserIdentity {
        /// Has given gifts.
        is_gift_giver_of_anchor: bool = 1,
        /// Subscriber.
        is_subscriber_of_anchor: bool = 2,
        /// Mutual follow.
        is_mutual_following_with_anchor: bool = 3,
        /// Follower.
        is_follower_of_anchor: bool = 4,
        /// Moderator.
        is_moderator_of_anchor: bool = 5,
        /// The streamer.
        is_anchor: bool = 6,
    }

    /// A gift of the catalogue.
    GiftInfo <= Gift {
        /// Image.
        image: Option<Image> = 1,
        /// Description.
        describe: Str = 2,
        /// Duration.
        duration: i64 = 4,
        /// Gift id.
        id: i64 = 5,
        /// Combo gift.
        combo: bool = 10,
        /// 1 = streakable; other types arrive once.
        gift_type: i64 = 11,
        /// Coins per unit.
        diamond_count: i64 = 12,
        /// On the panel.
        is_displayed_on_panel: bool = 13,
        /// Name.
        name: Str = 16,
        /// Icon.
        icon: Option<Image> = 21,
        /// Broadcast gift.
        is_broadcast_gift: bool = 49,
        /// Random gift.
        is_random_gift: bool = 51,
        /// Box gift.
        is_box_gift: bool = 52,
        /// Gallery gift.
        is_gallery_gift: bool = 108,
    }

    /// A custom emote.
    Emote <= EmoteModel {
        /// Emote id.
        emote_id: Str = 1,
        /// Image.
        image: Option<Image> = 2,
        /// Audit status.
        audit_status: i64 = 3,
        /// UUID.
        uuid: Str = 4,
        /// Emote type.
        emote_type: i64 = 5,
        /// Creation time.
        create_time: i64 = 12,
    }

    /// An emote placed in a chat text.
    EmoteWithIndex <= EmoteWithIndex {
        /// Position in the text.
        index: i64 = 1,
        /// The emote.
        emote: Option<Emote> = 2,
    }

    /// `WebcastChatMessage`: a chat message.
    ChatMessage <= WebcastChatMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Author.
        user: Option<Box<TikTokUser>> = 2,
        /// Text.
        content: Str = 3,
        /// Visible to the sender only.
        visible_to_sender: bool = 4,
        /// Input type.
        input_type: i64 = 11,
        /// Addressed user.
        at_user: Option<Box<TikTokUser>> = 12,
        /// Emotes in the text.
        emotes: Vec<EmoteWithIndex> = 13,
        /// Language.
        content_language: Str = 14,
        /// Who the author is to the streamer.
        user_identity: Option<UserIdentity> = 18,
        /// 0 normal, 1 candidate, 2 overage.
        comment_tag: i64 = 20,
        /// Mentioned user ids.
        mention_user_list: Vec<i64> = 27,
        /// Mentioned users.
        mention_users: Vec<TikTokUser> = 28,
        /// On the comment tray.
        is_on_comment_tray: bool = 29,
    }

    /// `WebcastGiftMessage`: one step of a gift (streak).
    GiftMessage <= WebcastGiftMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Gift id.
        gift_id: i64 = 2,
        /// Fan tickets.
        fan_ticket_count: i64 = 3,
        /// Group count.
        group_count: i64 = 4,
        /// The streak's running total.
        repeat_count: i64 = 5,
        /// Combo count.
        combo_count: i64 = 6,
        /// Sender.
        user: Option<Box<TikTokUser>> = 7,
        /// Receiver (a co-host).
        to_user: Option<Box<TikTokUser>> = 8,
        /// 1 when the streak is over.
        repeat_end: i64 = 9,
        /// The streak id.
        group_id: i64 = 11,
        /// Room fan tickets.
        room_fan_ticket_count: i64 = 13,
        /// The gift.
        gift: Option<GiftInfo> = 15,
        /// Log id.
        log_id: Str = 16,
        /// Send type.
        send_type: i64 = 17,
        /// Colour id.
        color_id: i64 = 24,
        /// First sent.
        is_first_sent: bool = 25,
        /// Order id.
        order_id: Str = 28,
        /// Who the sender is to the streamer.
        user_identity: Option<UserIdentity> = 32,
        /// Receiving member id.
        to_member_id: Str = 45,
        /// Receiving member id (number).
        to_member_id_int: i64 = 46,
        /// Receiving member nickname.
        to_member_nickname: Str = 47,
        /// Display duration.
        display_duration_ms: i64 = 49,
    }

    /// `WebcastLikeMessage`: a batch of likes.
    LikeMessage <= WebcastLikeMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Likes in this batch.
        count: i64 = 2,
        /// The room total as one shard reports it (it can go backwards).
        total: i64 = 3,
        /// Who liked.
        user: Option<Box<TikTokUser>> = 5,
        /// Effect count.
        effect_cnt: i64 = 9,
        /// Heat level.
        room_message_heat_level: i64 = 12,
    }

    /// `WebcastMemberMessage`: joins and moderation.
    MemberMessage <= WebcastMemberMessage {
        /// Header.
        common: Option<Common> = 1,
        /// The member.
        user: Option<Box<TikTokUser>> = 2,
        /// Member count.
        member_count: i64 = 3,
        /// Who acted (moderation).
        operator: Option<Box<TikTokUser>> = 4,
        /// Made moderator.
        is_set_to_admin: bool = 5,
        /// Top user.
        is_top_user: bool = 6,
        /// Rank score.
        rank_score: i64 = 7,
        /// Top user number.
        top_user_no: i64 = 8,
        /// Enter type.
        enter_type: i64 = 9,
        /// What happened.
        action: MemberAction = 10,
        /// Description.
        action_description: Str = 11,
        /// User id.
        user_id: i64 = 12,
        /// Popularity text.
        pop_str: Str = 14,
        /// Text shown to the streamer.
        anchor_display_text: Option<Text> = 18,
    }

    /// `WebcastSocialMessage`: follows and shares.
    SocialMessage <= WebcastSocialMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Who.
        user: Option<Box<TikTokUser>> = 2,
        /// Share type.
        share_type: i64 = 3,
        /// 1 follow, 2-5 share.
        action: i64 = 4,
        /// Share target.
        share_target: Str = 5,
        /// Follower count.
        follow_count: i64 = 6,
        /// Share count.
        share_count: i64 = 8,
        /// Display duration.
        show_duration_ms: i64 = 12,
        /// Follow type.
        follow_type: i64 = 13,
        /// Target user id.
        target_user_id: i64 = 14,
        /// Scene.
        scene: Str = 15,
    }

    /// A top viewer.
    Contributor <= Contributor {
        /// Coins given.
        score: i64 = 1,
        /// The viewer.
        user: Option<Box<TikTokUser>> = 2,
        /// Rank.
        rank: i64 = 3,
        /// Change.
        delta: i64 = 4,
    }

    /// `WebcastRoomUserSeqMessage`: viewer counts and top viewers.
    RoomUserSeqMessage <= WebcastRoomUserSeqMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Top viewers.
        ranks: Vec<Contributor> = 2,
        /// Current viewers.
        total: i64 = 3,
        /// Popularity text.
        pop_str: Str = 4,
        /// Seats.
        seats: Vec<Contributor> = 5,
        /// Popularity.
        popularity: i64 = 6,
        /// Cumulative viewers.
        total_user: i64 = 7,
        /// Anonymous viewers.
        anonymous: i64 = 8,
    }

    /// `WebcastSubNotifyMessage`: a subscription.
    SubNotifyMessage <= WebcastSubNotifyMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Subscriber.
        user: Option<Box<TikTokUser>> = 2,
        /// Exhibition type.
        exhibition_type: i64 = 3,
        /// Months subscribed.
        sub_month: i64 = 4,
        /// 0 once, 1 auto, 100 default.
        subscribe_type: i64 = 5,
        /// Previous status.
        old_subscribe_status: i64 = 6,
        /// 0 success, 1 reminder to the anchor, ...
        message_type: i64 = 7,
        /// Status.
        subscribing_status: i64 = 8,
        /// Sent.
        is_send: bool = 9,
        /// Custom.
        is_custom: bool = 10,
        /// Package id.
        package_id: Str = 14,
    }

    /// `WebcastControlMessage`: pauses and the end of the stream.
    ControlMessage <= WebcastControlMessage {
        /// Header.
        common: Option<Common> = 1,
        /// What happened.
        action: ControlAction = 2,
        /// Tips.
        tips: Str = 3,
    }

    /// `WebcastEmoteChatMessage`: an emote sent to the chat.
    EmoteChatMessage <= WebcastEmoteChatMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Sender.
        user: Option<Box<TikTokUser>> = 2,
        /// Emotes.
        emote_list: Vec<Emote> = 3,
        /// Who the sender is to the streamer.
        user_identity: Option<UserIdentity> = 5,
    }

    /// A treasure chest.
    RedEnvelopeInfo <= RedEnvelopeInfo {
        /// Chest id.
        envelope_id: Str = 1,
        /// 19 = super-fan box.
        business_type: i64 = 2,
        /// Data centre.
        envelope_idc: Str = 3,
        /// Sender name.
        send_user_name: Str = 4,
        /// Diamonds inside.
        diamond_count: i64 = 5,
        /// People who can open it.
        people_count: i64 = 6,
        /// Opening time.
        unpack_at: i64 = 7,
        /// Sender id.
        send_user_id: Str = 8,
        /// Sender avatar.
        send_user_avatar: Option<Image> = 9,
        /// Creation time.
        create_at: Str = 10,
        /// Room id.
        room_id: Str = 11,
        /// Skin id.
        skin_id: i64 = 13,
        /// Super fans.
        super_fan_count: i64 = 16,
    }

    /// `WebcastEnvelopeMessage`: a treasure chest.
    EnvelopeMessage <= WebcastEnvelopeMessage {
        /// Header.
        common: Option<Common> = 1,
        /// The chest.
        envelope_info: Option<RedEnvelopeInfo> = 2,
        /// Display mode.
        display: i64 = 3,
    }

    /// A question.
    Question <= Question {
        /// Question id.
        question_id: i64 = 1,
        /// Text.
        content: Str = 2,
        /// Answer status.
        answer_status: i64 = 3,
        /// Creation time.
        create_time: i64 = 4,
        /// Asker.
        user: Option<Box<TikTokUser>> = 5,
        /// Source.
        create_from: i64 = 20,
        /// Answer source.
        answer_from: i64 = 21,
    }

    /// `WebcastQuestionNewMessage`: a new question.
    QuestionNewMessage <= WebcastQuestionNewMessage {
        /// Header.
        common: Option<Common> = 1,
        /// The question.
        data: Option<Question> = 2,
    }

    /// Battle settings.
    BattleSetting <= BattleSetting {
        /// Battle id.
        battle_id: i64 = 1,
        /// Start, ms.
        start_time_ms: i64 = 2,
        /// Duration.
        duration: i64 = 3,
        /// Channel id.
        channel_id: i64 = 4,
        /// Status.
        status: i64 = 5,
        /// Invite type.
        invite_type: i64 = 6,
        /// Battle type.
        battle_type: i64 = 8,
        /// Extra seconds.
        extra_duration_second: i64 = 9,
        /// End, ms.
        end_time_ms: i64 = 10,
    }

    /// A battle participant.
    BattleUserInfo <= BattleUserInfo {
        /// The user.
        user: Option<Box<TikTokUser>> = 1,
    }

    /// A battle anchor and their info.
    BattleAnchorInfo <= BattleAnchorInfo {
        /// Anchor id.
        anchor_id: i64 = 1,
        /// Info.
        info: Option<BattleUserInfo> = 2,
    }

    /// `WebcastLinkMicBattle`: a battle's state.
    LinkMicBattleMessage <= WebcastLinkMicBattle {
        /// Header.
        common: Option<Common> = 1,
        /// Battle id.
        battle_id: i64 = 2,
        /// Settings.
        battle_settings: Option<BattleSetting> = 3,
        /// 1 invite, 2 reject, 3 cancel, 4 open, 5 finish, 6 cut short, 7 accept, 8 quit apply.
        action: i64 = 4,
        /// Anchors.
        anchors_info: Vec<BattleAnchorInfo> = 10,
    }

    /// `WebcastLinkMicArmies`: battle scores.
    LinkMicArmiesMessage <= WebcastLinkMicArmies {
        /// Header.
        common: Option<Common> = 1,
        /// Battle id.
        battle_id: i64 = 2,
        /// Channel id.
        channel_id: i64 = 4,
        /// Gift success time.
        send_gift_success_time: i64 = 5,
        /// Score update time.
        update_battle_score_time: i64 = 6,
        /// Trigger reason.
        trigger_reason: i64 = 7,
        /// From user id.
        from_user_id: i64 = 8,
        /// Gift id.
        gift_id: i64 = 9,
        /// Gift count.
        gift_count: i64 = 10,
        /// Gift icon.
        gift_icon_image: Option<Image> = 11,
        /// Total diamonds.
        total_diamond_count: i64 = 12,
        /// Repeat count.
        repeat_count: i64 = 13,
        /// Critical strike.
        trigger_critical_strike: bool = 15,
        /// Log id.
        log_id: Str = 17,
        /// Settings.
        battle_settings: Option<BattleSetting> = 18,
    }

    /// `WebcastLiveIntroMessage`: the stream's introduction.
    LiveIntroMessage <= WebcastLiveIntroMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Id.
        id: i64 = 2,
        /// Audit status.
        audit_status: i64 = 3,
        /// Text.
        content: Str = 4,
        /// Streamer.
        user: Option<Box<TikTokUser>> = 5,
        /// Mode.
        intro_mode: i64 = 6,
        /// Badges.
        badges: Vec<Badge> = 7,
        /// Language.
        content_language: Str = 8,
    }

    /// One rank update.
    RankUpdate <= RankUpdate {
        /// Rank type.
        rank_type: i64 = 1,
        /// Own rank.
        own_rank: i64 = 2,
        /// Text.
        default_content: Option<Text> = 3,
        /// Countdown.
        countdown: i64 = 6,
        /// Score.
        current_score: i64 = 15,
    }

    /// `WebcastRankUpdateMessage`: rank changes.
    RankUpdateMessage <= WebcastRankUpdateMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Updates.
        updates: Vec<RankUpdate> = 2,
        /// Group type.
        group_type: i64 = 3,
        /// Op type.
        op_type: i64 = 4,
        /// Priority.
        rank_priority: i64 = 5,
    }

    /// One answer of a poll.
    PollOption <= PollOptionInfo {
        /// Votes.
        votes: i64 = 1,
        /// Text.
        display_content: Str = 2,
        /// Index.
        option_idx: i64 = 3,
    }

    /// A poll's start.
    PollStartContent <= PollStartContent {
        /// Start.
        start_time: i64 = 1,
        /// End.
        end_time: i64 = 2,
        /// Answers.
        option_list: Vec<PollOption> = 3,
        /// Question.
        title: Str = 4,
        /// Who started it.
        operator: Option<Box<TikTokUser>> = 5,
    }

    /// A poll's end.
    PollEndContent <= PollEndContent {
        /// End type.
        end_type: i64 = 1,
        /// Answers.
        option_list: Vec<PollOption> = 2,
        /// Who ended it.
        operator: Option<Box<TikTokUser>> = 3,
    }

    /// New votes.
    PollUpdateVotesContent <= PollUpdateVotesContent {
        /// Answers.
        option_list: Vec<PollOption> = 2,
        /// Operator.
        operator: Option<Box<TikTokUser>> = 3,
    }

    /// `WebcastPollMessage`: a poll.
    PollMessage <= WebcastPollMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Message type.
        message_type: i64 = 2,
        /// Poll id.
        poll_id: i64 = 3,
        /// Start.
        start_content: Option<PollStartContent> = 4,
        /// End.
        end_content: Option<PollEndContent> = 5,
        /// Votes.
        update_votes_content: Option<PollUpdateVotesContent> = 6,
        /// Kind.
        poll_kind: i64 = 7,
    }

    /// A stream goal.
    LiveStreamGoal <= LiveStreamGoal {
        /// Type.
        goal_type: i64 = 2,
        /// Status.
        status: i64 = 3,
        /// Description.
        description: Str = 5,
    }

    /// `WebcastGoalUpdateMessage`: progress towards a goal.
    GoalUpdateMessage <= WebcastGoalUpdateMessage {
        /// Header.
        common: Option<Common> = 1,
        /// The goal.
        goal: Option<LiveStreamGoal> = 3,
        /// Contributor id.
        contributor_id: i64 = 4,
        /// Contributor avatar.
        contributor_avatar: Option<Image> = 5,
        /// Contributor handle.
        contributor_display_id: Str = 6,
        /// Count.
        contribute_count: i64 = 9,
        /// Score.
        contribute_score: i64 = 10,
        /// Gift repeat count.
        gift_repeat_count: i64 = 11,
        /// Contributor id (string).
        contributor_id_str: Str = 12,
    }

    /// `WebcastRoomMessage`: a room notice.
    RoomMessage <= WebcastRoomMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Text.
        content: Str = 2,
        /// Landscape support (spelled as the schema spells it).
        supprot_landscape: bool = 3,
        /// Source.
        source: i64 = 4,
        /// Icon.
        icon: Option<Image> = 5,
        /// Scene.
        scene: Str = 6,
        /// Welcome message.
        is_welcome: bool = 7,
        /// Display duration.
        show_duration_ms: i64 = 9,
        /// Sub scene.
        sub_scene: Str = 10,
    }

    /// `WebcastBarrageMessage`: a banner.
    BarrageMessage <= WebcastBarrageMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Message type.
        msg_type: i64 = 3,
        /// Icon.
        icon: Option<Image> = 4,
        /// Text.
        content: Option<Text> = 5,
        /// Duration.
        duration: i64 = 6,
        /// Background.
        background: Option<Image> = 7,
        /// Right icon.
        right_icon: Option<Image> = 8,
        /// Gallery gift id.
        gallery_gift_id: i64 = 10,
        /// Marquee.
        use_marquee: bool = 14,
        /// Show type.
        show_type: i64 = 15,
        /// Render type.
        render_type: i64 = 17,
        /// Common text.
        common_barrage_content: Option<Text> = 24,
        /// User.
        user: Option<Box<TikTokUser>> = 50,
    }

    /// `WebcastImDeleteMessage`: messages to retract.
    ImDeleteMessage <= WebcastImDeleteMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Message ids to remove.
        delete_msg_ids: Vec<i64> = 2,
        /// Users whose messages to remove.
        delete_user_ids: Vec<i64> = 3,
    }

    /// `WebcastInRoomBannerMessage`: a banner.
    InRoomBannerMessage <= WebcastInRoomBannerMessage {
        /// Header.
        common: Option<Common> = 1,
        /// JSON banner payload.
        json_data: Str = 2,
    }

    /// One language of a caption.
    CaptionContent <= CaptionContent {
        /// Language.
        lang: Str = 1,
        /// Text.
        content: Str = 2,
    }

    /// `WebcastCaptionMessage`: live captions.
    CaptionMessage <= WebcastCaptionMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Time, ms.
        timestamp_ms: i64 = 2,
        /// Duration, ms.
        duration_ms: i64 = 3,
        /// Texts.
        content: Vec<CaptionContent> = 4,
        /// Sentence id.
        sentence_id: i64 = 5,
        /// Sequence id.
        sequence_id: i64 = 6,
        /// Final (true) or interim (false).
        definite: bool = 7,
    }

    /// `WebcastSystemMessage`: a system notice.
    SystemMessage <= WebcastSystemMessage {
        /// Header.
        common: Option<Common> = 1,
        /// Text.
        message: Str = 2,
    }
}

impl TikTokUser {
    /// The user id as an exact string (`id`, else `id_str`), if any.
    pub fn id_string(&self) -> Option<String> {
        if self.id != 0 {
            Some(self.id.to_string())
        } else if !self.id_str.is_empty() {
            Some(self.id_str.to_string())
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
            self.display_id.to_string()
        };
        let user = live_model::User::new(id, name);
        Some(if self.nickname.is_empty() {
            user
        } else {
            user.with_display_name(self.nickname.to_string())
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use bytes::Bytes;

    use super::*;

    /// One field of a `.proto` message: type name, tag, repeated.
    type ProtoFields = HashMap<String, (String, u32, bool)>;

    /// The messages of the crate's `.proto` files, read with a line parser (they are simple).
    fn proto_schema() -> HashMap<String, ProtoFields> {
        let mut schema = HashMap::new();
        for text in [
            include_str!("../proto/frame.proto"),
            include_str!("../proto/model.proto"),
            include_str!("../proto/messages.proto"),
        ] {
            let mut current: Option<(String, ProtoFields)> = None;
            for line in text.lines().map(str::trim) {
                if let Some(name) = line.strip_prefix("message ") {
                    let name = name.trim_end_matches(" {").to_owned();
                    current = Some((name, HashMap::new()));
                } else if line == "}" {
                    if let Some((name, fields)) = current.take() {
                        schema.insert(name, fields);
                    }
                } else if let Some((_, fields)) = current.as_mut()
                    && let Some((decl, tag)) =
                        line.strip_suffix(';').and_then(|l| l.split_once('='))
                    && !line.starts_with("//")
                {
                    let words: Vec<&str> = decl.split_whitespace().collect();
                    let repeated = words.first() == Some(&"repeated");
                    let (ty, name) = (words[words.len() - 2], words[words.len() - 1]);
                    let tag = tag.trim().parse().unwrap();
                    fields.insert(name.to_owned(), (ty.to_owned(), tag, repeated));
                }
            }
        }
        schema
    }

    #[test]
    fn every_typed_struct_has_every_field_of_its_message_under_its_tag() {
        let schema = proto_schema();
        for (name, proto, fields) in SCHEMA {
            let declared = schema
                .get(*proto)
                .unwrap_or_else(|| panic!("{proto} not in .proto"));
            let ours: HashMap<&str, u32> = fields.iter().copied().collect();
            let theirs: HashMap<&str, u32> = declared
                .iter()
                .map(|(f, (_, tag, _))| (f.as_str(), *tag))
                .collect();
            assert_eq!(ours, theirs, "{name} <= {proto}");
        }
    }

    /// xorshift64*: seeded, so a failure reproduces.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn key(out: &mut Vec<u8>, tag: u32, wire_type: u8) {
        varint(out, u64::from(tag) << 3 | u64::from(wire_type));
    }

    fn len_delimited(out: &mut Vec<u8>, tag: u32, body: &[u8]) {
        key(out, tag, 2);
        varint(out, body.len() as u64);
        out.extend_from_slice(body);
    }

    /// A random encoding of `message`: every field in turn (some left out, repeated ones up to
    /// three times, packed or not), unknown fields of every wire type in between.
    fn random_message(
        schema: &HashMap<String, ProtoFields>,
        message: &str,
        rng: &mut Rng,
        depth: u32,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut fields: Vec<_> = schema[message].values().cloned().collect();
        fields.sort_by_key(|(_, tag, _)| *tag);
        for (ty, tag, repeated) in fields {
            let count = if repeated {
                rng.below(4)
            } else {
                rng.below(3).min(1)
            };
            let packed = ty == "int64" && repeated && rng.below(2) == 0;
            let mut run = Vec::new();
            for _ in 0..count {
                let value = match rng.below(4) {
                    0 => 0,
                    1 => rng.next(),
                    _ => rng.next() % 300,
                };
                match ty.as_str() {
                    "int64" | "int32" | "bool" if packed => varint(&mut run, value),
                    "int64" | "int32" | "bool" => {
                        key(&mut out, tag, 0);
                        varint(&mut out, value);
                    }
                    "string" => {
                        let text = ["", "hello", "Viewer 🌸", "https://p16.tiktokcdn.com/a.webp"]
                            [rng.below(4)];
                        len_delimited(&mut out, tag, text.as_bytes());
                    }
                    "bytes" => len_delimited(&mut out, tag, &rng.next().to_le_bytes()),
                    nested if schema.contains_key(nested) => {
                        let body = if depth > 4 {
                            Vec::new()
                        } else {
                            random_message(schema, nested, rng, depth + 1)
                        };
                        len_delimited(&mut out, tag, &body);
                    }
                    "map<string," => {
                        let mut entry = Vec::new();
                        len_delimited(&mut entry, 1, format!("k{}", rng.below(3)).as_bytes());
                        len_delimited(&mut entry, 2, b"v");
                        len_delimited(&mut out, tag, &entry);
                    }
                    _ => {
                        // An enum.
                        key(&mut out, tag, 0);
                        varint(&mut out, value % 20);
                    }
                }
            }
            if packed && count > 0 {
                len_delimited(&mut out, tag, &run);
            }
            if rng.below(8) == 0 {
                // An unknown field.
                let unknown = 5000 + rng.below(100) as u32;
                match rng.below(4) {
                    0 => {
                        key(&mut out, unknown, 0);
                        varint(&mut out, rng.next());
                    }
                    1 => {
                        key(&mut out, unknown, 1);
                        out.extend_from_slice(&rng.next().to_le_bytes());
                    }
                    2 => {
                        key(&mut out, unknown, 5);
                        out.extend_from_slice(&[1, 2, 3, 4]);
                    }
                    _ => len_delimited(&mut out, unknown, b"xyz"),
                }
            }
        }
        out
    }

    /// The wire decoder and prost (through the reference conversion) agree on random
    /// encodings of every message, on mutations of them, and on what they refuse.
    #[test]
    fn wire_decoding_agrees_with_prost_on_every_message() {
        let schema = proto_schema();
        let mut rng = Rng(0x5eed_cafe_f00d_1234);
        let mut refused = 0;
        for (name, proto, _) in SCHEMA {
            for round in 0..12 {
                let mut bytes = random_message(&schema, proto, &mut rng, 0);
                if round >= 8 && !bytes.is_empty() {
                    // Mutated: a flipped byte, a cut.
                    let at = rng.below(bytes.len());
                    bytes[at] ^= 1 << rng.below(8);
                    if round >= 10 {
                        bytes.truncate(rng.below(bytes.len()));
                    }
                }
                let decoded = check_against_prost(&Bytes::from(bytes));
                if round < 8 {
                    assert!(decoded.contains(name), "{name} <= {proto}");
                }
                refused += usize::from(!decoded.contains(name));
            }
        }
        assert!(
            refused > 0,
            "some mutations must be refused for the test to mean anything"
        );
    }
}
