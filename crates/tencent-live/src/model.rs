//! The reply models (generated from `fixtures/tencent` by `cargo xtask codegen`) under short
//! names, with the typed accessors users need on top of the lenient wire fields.

use std::borrow::Cow;

use live_model::lenient::StringOrNumber;

pub use crate::generated::destroy_room_response::RoomStatistic;
pub use crate::generated::get_banned_member_list_response::{BannedMember, BannedMemberPage};
pub use crate::generated::get_muted_member_list_response::MutedMember;
pub use crate::generated::get_room_info_response::RoomInfo;
pub use crate::generated::get_room_list_response::{RoomListPage, RoomSummary};
pub use crate::generated::get_room_metadata_response::MetadataEntry;
pub use crate::generated::get_room_stats_response::RoomStats;
pub use crate::generated::get_seat_list_response::Seat;

/// How guests take a seat.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TakeSeatMode {
    /// Anyone may take a free seat (`"FreeToTake"`, or `1` in older replies).
    FreeToTake,
    /// Guests apply and the host or an admin approves (`"ApplyToTake"`, or `2`).
    ApplyToTake,
}

impl TakeSeatMode {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TakeSeatMode::FreeToTake => "FreeToTake",
            TakeSeatMode::ApplyToTake => "ApplyToTake",
        }
    }

    /// Reads the mode in either form the service uses (`1`/`2` or the names); `None` for a
    /// value it does not know (the raw value stays on the model).
    pub fn from_wire(value: &StringOrNumber) -> Option<TakeSeatMode> {
        match value {
            StringOrNumber::Number(n) => match n.as_i64() {
                Some(1) => Some(TakeSeatMode::FreeToTake),
                Some(2) => Some(TakeSeatMode::ApplyToTake),
                _ => None,
            },
            StringOrNumber::String(s) => match s.trim() {
                "FreeToTake" | "1" => Some(TakeSeatMode::FreeToTake),
                "ApplyToTake" | "2" => Some(TakeSeatMode::ApplyToTake),
                _ => None,
            },
        }
    }
}

impl RoomInfo {
    /// The owner's account id as text, whether it came as a string or a number.
    pub fn owner(&self) -> Cow<'_, str> {
        self.owner_account.as_str()
    }

    /// How guests take a seat, when the service said so in a form known here.
    pub fn take_seat_mode(&self) -> Option<TakeSeatMode> {
        TakeSeatMode::from_wire(&self.take_seat_mode)
    }
}

impl RoomSummary {
    /// The owner's account id as text, whether it came as a string or a number.
    pub fn owner(&self) -> Cow<'_, str> {
        self.owner_account.as_str()
    }
}

impl Seat {
    /// The account on the seat, when someone sits there.
    pub fn occupant(&self) -> Option<&str> {
        self.member_account.as_deref().filter(|a| !a.is_empty())
    }

    /// True when nobody sits there.
    pub fn is_empty(&self) -> bool {
        self.occupant().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_seat_mode_reads_both_forms() {
        assert_eq!(
            TakeSeatMode::from_wire(&StringOrNumber::from(2)),
            Some(TakeSeatMode::ApplyToTake)
        );
        assert_eq!(
            TakeSeatMode::from_wire(&StringOrNumber::from("FreeToTake")),
            Some(TakeSeatMode::FreeToTake)
        );
        assert_eq!(
            TakeSeatMode::from_wire(&StringOrNumber::from("Other")),
            None
        );
        assert_eq!(TakeSeatMode::ApplyToTake.as_str(), "ApplyToTake");
    }
}
