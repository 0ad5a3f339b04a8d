//! Seats ("mics"), under the separate `v4/room_engine_http_mic/` service.

use serde::Serialize;

use crate::client::MIC;
use crate::commands::rooms::{RoomIdBody, check_room_id};
use crate::generated::envelope::Envelope;
use crate::generated::get_seat_list_response::GetSeatListResponse;
use crate::model::Seat;
use crate::{Error, TencentClient};

/// The body of `lock_seat`: what a seat forbids. An occupant is removed first when taking
/// the seat is forbidden.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a request does nothing until it is sent"]
pub struct LockSeat {
    #[serde(rename = "RoomId")]
    room_id: String,
    #[serde(rename = "Index")]
    index: u32,
    #[serde(rename = "ForbidTaken", skip_serializing_if = "Option::is_none")]
    forbid_taken: Option<bool>,
    #[serde(rename = "ForbidVideo", skip_serializing_if = "Option::is_none")]
    forbid_video: Option<bool>,
    #[serde(rename = "ForbidAudio", skip_serializing_if = "Option::is_none")]
    forbid_audio: Option<bool>,
}

impl LockSeat {
    /// Changes to seat `index` of `room_id`.
    pub fn new(room_id: impl Into<String>, index: u32) -> Self {
        LockSeat {
            room_id: room_id.into(),
            index,
            forbid_taken: None,
            forbid_video: None,
            forbid_audio: None,
        }
    }

    /// `ForbidTaken`: nobody may take the seat.
    pub fn forbid_taken(mut self, forbid: bool) -> Self {
        self.forbid_taken = Some(forbid);
        self
    }

    /// `ForbidVideo`.
    pub fn forbid_video(mut self, forbid: bool) -> Self {
        self.forbid_video = Some(forbid);
        self
    }

    /// `ForbidAudio`.
    pub fn forbid_audio(mut self, forbid: bool) -> Self {
        self.forbid_audio = Some(forbid);
        self
    }
}

/// What `move_user_to_seat` does when the target seat is taken.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MovePolicy {
    /// Give up (`Policy` 0).
    CancelIfTaken,
    /// Move anyway; the occupant leaves the seat (`Policy` 1).
    Force,
    /// The two swap seats (`Policy` 2).
    Swap,
}

impl MovePolicy {
    /// The wire value.
    pub fn code(self) -> u8 {
        match self {
            MovePolicy::CancelIfTaken => 0,
            MovePolicy::Force => 1,
            MovePolicy::Swap => 2,
        }
    }
}

#[derive(Serialize)]
struct PickBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "Index")]
    index: u32,
    #[serde(rename = "Member_Account")]
    member: &'a str,
}

#[derive(Serialize)]
struct KickBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "Member_Account")]
    member: &'a str,
    #[serde(rename = "Data")]
    data: &'a str,
}

#[derive(Serialize)]
struct SwitchBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "ToIndex")]
    to_index: u32,
    #[serde(rename = "Member_Account")]
    member: &'a str,
}

#[derive(Serialize)]
struct MoveBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "SeatIndex")]
    seat_index: u32,
    #[serde(rename = "Member_Account")]
    member: &'a str,
    #[serde(rename = "Policy")]
    policy: u8,
}

impl TencentClient {
    /// `get_seat_list`.
    pub async fn seats(&self, room_id: &str) -> Result<Vec<Seat>, Error> {
        const COMMAND: &str = "get_seat_list";
        check_room_id(COMMAND, room_id)?;
        let reply: GetSeatListResponse = self.call(MIC, COMMAND, &RoomIdBody { room_id }).await?;
        Ok(reply.response.seat_list)
    }

    /// `pick_user_on_seat`: puts a room member on seat `index`.
    pub async fn pick_user_on_seat(
        &self,
        room_id: &str,
        index: u32,
        member: &str,
    ) -> Result<(), Error> {
        const COMMAND: &str = "pick_user_on_seat";
        check_room_id(COMMAND, room_id)?;
        let body = PickBody {
            room_id,
            index,
            member,
        };
        let _: Envelope = self.call(MIC, COMMAND, &body).await?;
        Ok(())
    }

    /// `kick_user_off_seat`; `data` travels in the notification clients receive.
    pub async fn kick_user_off_seat(
        &self,
        room_id: &str,
        member: &str,
        data: &str,
    ) -> Result<(), Error> {
        const COMMAND: &str = "kick_user_off_seat";
        check_room_id(COMMAND, room_id)?;
        let body = KickBody {
            room_id,
            member,
            data,
        };
        let _: Envelope = self.call(MIC, COMMAND, &body).await?;
        Ok(())
    }

    /// `lock_seat`.
    pub async fn lock_seat(&self, lock: LockSeat) -> Result<(), Error> {
        const COMMAND: &str = "lock_seat";
        check_room_id(COMMAND, &lock.room_id)?;
        let _: Envelope = self.call(MIC, COMMAND, &lock).await?;
        Ok(())
    }

    /// `switch_seat` (the older move): moves a seated member to an empty seat only.
    pub async fn switch_seat(
        &self,
        room_id: &str,
        to_index: u32,
        member: &str,
    ) -> Result<(), Error> {
        const COMMAND: &str = "switch_seat";
        check_room_id(COMMAND, room_id)?;
        let body = SwitchBody {
            room_id,
            to_index,
            member,
        };
        let _: Envelope = self.call(MIC, COMMAND, &body).await?;
        Ok(())
    }

    /// `move_user_to_seat` (the newer move): to any seat, with a policy for a taken one.
    pub async fn move_user_to_seat(
        &self,
        room_id: &str,
        seat_index: u32,
        member: &str,
        policy: MovePolicy,
    ) -> Result<(), Error> {
        const COMMAND: &str = "move_user_to_seat";
        check_room_id(COMMAND, room_id)?;
        let body = MoveBody {
            room_id,
            seat_index,
            member,
            policy: policy.code(),
        };
        let _: Envelope = self.call(MIC, COMMAND, &body).await?;
        Ok(())
    }
}
