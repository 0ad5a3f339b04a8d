use serde::{Deserialize, Serialize};

/// The user acting in an event (the chatter, the gifter, the moderator...).
///
/// `id` is the platform's user id as an exact string (TikTok ids exceed 2^53), `name` is the
/// handle (Kick `username`, TikTok unique id) and `display_name` the nickname where the
/// platform has one; it is written as `null` when it has none.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct User {
    /// The platform's user id.
    pub id: String,
    /// The handle: Kick `username`, TikTok `display_id` (the unique id after `@`).
    pub name: String,
    /// The nickname, when the platform has one.
    pub display_name: Option<String>,
}

impl User {
    /// A user with an id and a handle and no display name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        User {
            id: id.into(),
            name: name.into(),
            display_name: None,
        }
    }

    /// Sets the nickname.
    #[must_use]
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }
}
