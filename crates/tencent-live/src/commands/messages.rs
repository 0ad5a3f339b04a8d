//! Messages sent into a room by the backend.

use serde::Serialize;

use crate::client::LIVE;
use crate::commands::rooms::check_room_id;
use crate::generated::envelope::Envelope;
use crate::{Error, TencentClient};

/// The body of `send_text_msg`.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a request does nothing until it is sent"]
pub struct SendTextMessage {
    #[serde(rename = "RoomId")]
    room_id: String,
    #[serde(rename = "Sender_Account")]
    sender: String,
    #[serde(rename = "TextContent")]
    text: String,
    #[serde(rename = "ExtensionInfo", skip_serializing_if = "Option::is_none")]
    extension: Option<String>,
}

impl SendTextMessage {
    /// `text` from `sender` (an imported account) into `room_id`.
    pub fn new(
        room_id: impl Into<String>,
        sender: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        SendTextMessage {
            room_id: room_id.into(),
            sender: sender.into(),
            text: text.into(),
            extension: None,
        }
    }

    /// `ExtensionInfo`: a JSON string clients receive as the message's CloudCustomData.
    pub fn extension(mut self, json: impl Into<String>) -> Self {
        self.extension = Some(json.into());
        self
    }
}

impl TencentClient {
    /// `send_text_msg`.
    pub async fn send_text_message(&self, message: SendTextMessage) -> Result<(), Error> {
        const COMMAND: &str = "send_text_msg";
        check_room_id(COMMAND, &message.room_id)?;
        let _: Envelope = self.call(LIVE, COMMAND, &message).await?;
        Ok(())
    }
}
