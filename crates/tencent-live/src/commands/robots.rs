//! Robots: imported accounts that sit in a room (a room with robots is never auto-destroyed).

use serde::Serialize;

use crate::client::LIVE;
use crate::commands::rooms::{RoomIdBody, check_room_id};
use crate::generated::envelope::Envelope;
use crate::generated::get_robot_response::GetRobotResponse;
use crate::{Error, TencentClient};

#[derive(Serialize)]
struct RobotsBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "RobotList_Account")]
    robots: &'a [&'a str],
}

impl TencentClient {
    /// `add_robot`: puts these imported accounts in the room as robots (at most 3 per room).
    pub async fn add_robots(&self, room_id: &str, robots: &[&str]) -> Result<(), Error> {
        const COMMAND: &str = "add_robot";
        check_room_id(COMMAND, room_id)?;
        let _: Envelope = self
            .call(LIVE, COMMAND, &RobotsBody { room_id, robots })
            .await?;
        Ok(())
    }

    /// `get_robot`: the room's robot accounts.
    pub async fn robots(&self, room_id: &str) -> Result<Vec<String>, Error> {
        const COMMAND: &str = "get_robot";
        check_room_id(COMMAND, room_id)?;
        let reply: GetRobotResponse = self.call(LIVE, COMMAND, &RoomIdBody { room_id }).await?;
        Ok(reply.response.robot_list_account)
    }

    /// `del_robot`.
    pub async fn delete_robots(&self, room_id: &str, robots: &[&str]) -> Result<(), Error> {
        const COMMAND: &str = "del_robot";
        check_room_id(COMMAND, room_id)?;
        let _: Envelope = self
            .call(LIVE, COMMAND, &RobotsBody { room_id, robots })
            .await?;
        Ok(())
    }
}
