//! Bans, timeouts and their lifting.

use live_model::Timestamp;
use serde::{Deserialize, Serialize};

use super::common::UserRef;
use crate::lenient;

/// `App\Events\UserBannedEvent`: a permanent ban or a timeout.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBanned {
    /// The event id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Who was banned.
    pub user: UserRef,
    /// The moderator (`{id: 0, username: "moderator"}` when Kick hides who).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub banned_by: Option<UserRef>,
    /// Permanent ban; older payloads lack it (then a ban without duration is permanent).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub permanent: Option<bool>,
    /// Timeout length in **minutes**, as Kick sends it.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub duration: Option<u64>,
    /// When a timeout ends.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub expires_at: Option<Timestamp>,
}

impl UserBanned {
    /// True for a permanent ban: said so, or no timeout length given.
    pub fn is_permanent(&self) -> bool {
        self.permanent
            .unwrap_or(self.duration.is_none() && self.expires_at.is_none())
    }

    /// The timeout length in seconds (Kick sends minutes).
    pub fn duration_secs(&self) -> Option<u64> {
        self.duration.map(|m| m.saturating_mul(60))
    }
}

/// `App\Events\UserUnbannedEvent`: a ban or timeout lifted.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserUnbanned {
    /// The event id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Who was unbanned.
    pub user: UserRef,
    /// The moderator (id 0 when hidden).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub unbanned_by: Option<UserRef>,
    /// A permanent ban was lifted (else a timeout).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub permanent: Option<bool>,
}
