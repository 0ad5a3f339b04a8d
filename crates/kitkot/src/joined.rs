//! [`JoinedRoom`]: a room joined as a viewer, until it is left.

use std::fmt;

use crate::chat::{ChatOptions, ChatStream};
use crate::client::SendMessage;
use crate::room::Room;
use crate::{Error, KitkotClient};

/// A room joined with [`KitkotClient::join`]. kitkot asks that every join be followed by a
/// leave: call [`JoinedRoom::leave`].
///
/// **Dropping it without leaving does not leave the room** (a leave is a network call, and
/// `Drop` cannot wait for one): kitkot keeps counting the viewer until it times the session out
/// on its side. The drop logs a `tracing` warning naming the room so the mistake shows. To stay
/// in the room on purpose (a one-shot program that joins and exits), call
/// [`JoinedRoom::detach`], which takes the room payload and logs nothing.
pub struct JoinedRoom {
    client: KitkotClient,
    room_id: String,
    room: Room,
    joined: bool,
}

impl fmt::Debug for JoinedRoom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinedRoom")
            .field("room_id", &self.room_id)
            .field("title", &self.room.title)
            .field("joined", &self.joined)
            .finish_non_exhaustive()
    }
}

impl JoinedRoom {
    pub(crate) fn new(client: KitkotClient, room_id: String, room: Room) -> Self {
        JoinedRoom {
            client,
            room_id,
            room,
            joined: true,
        }
    }

    /// The room id the room was joined with.
    pub fn room_id(&self) -> &str {
        &self.room_id
    }

    /// The anchor (streamer) id from the join response, when it names one.
    pub fn anchor_id(&self) -> Option<String> {
        self.room.anchor()
    }

    /// The room payload the join returned.
    pub fn room(&self) -> &Room {
        &self.room
    }

    /// False once [`JoinedRoom::leave`] succeeded.
    pub fn is_joined(&self) -> bool {
        self.joined
    }

    /// Leaves the room. After a success the handle is no longer joined and calling it again
    /// does nothing; after an error it is still joined and the call may be repeated.
    pub async fn leave(&mut self) -> Result<(), Error> {
        if self.joined {
            self.client.leave(&self.room_id).await?;
            self.joined = false;
        }
        Ok(())
    }

    /// Keeps the viewer in the room without a warning and hands back the room payload. Leave
    /// later with [`KitkotClient::leave`].
    pub fn detach(mut self) -> Room {
        self.joined = false;
        std::mem::take(&mut self.room)
    }

    /// The room's chat (see [`KitkotClient::chat`]).
    pub fn chat(&self) -> ChatStream {
        self.client.chat(&self.room_id)
    }

    /// The room's chat with options.
    pub fn chat_with(&self, options: ChatOptions) -> ChatStream {
        self.client.chat_with(&self.room_id, options)
    }

    /// Sends a chat message to the room, with the anchor id of the join response (kitkot
    /// suggests it, to look like a real viewer). Returns the room as kitkot sends it back.
    pub async fn send_message(&self, content: &str) -> Result<Room, Error> {
        let mut message = SendMessage::new(self.room_id.clone(), content);
        if let Some(anchor) = self.anchor_id() {
            message = message.anchor_id(anchor);
        }
        self.client.send_message(message).await
    }
}

impl Drop for JoinedRoom {
    fn drop(&mut self) {
        if self.joined {
            tracing::warn!(
                room_id = %self.room_id,
                "kitkot room dropped without leave(): kitkot still counts this viewer; call \
                 JoinedRoom::leave().await, or JoinedRoom::detach() to stay on purpose"
            );
        }
    }
}
