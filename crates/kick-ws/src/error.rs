//! The crate's one error type.

/// Everything that can go wrong in this crate. `Display` gives this layer's view; the cause
/// (an HTTP or WebSocket error) is the `source`.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting (URL, option) cannot be used.
    #[error("invalid Kick client setting: {0}")]
    InvalidConfig(String),
    /// The slug is empty or has characters Kick's slugs never have.
    #[error("invalid Kick channel slug {0:?}")]
    InvalidSlug(String),
    /// kick.com has no channel with this slug.
    #[error("Kick channel {slug:?} was not found")]
    ChannelNotFound {
        /// The slug asked for.
        slug: String,
    },
    /// kick.com (Cloudflare) refused the request: HTTP 403, a challenge page, or HTML where
    /// JSON was expected. Retrying at once rarely helps.
    #[error(
        "kick.com blocked the lookup of {slug:?} ({reason}). Kick's channel API sits behind \
         Cloudflare and refuses some networks: pass the ids instead of the slug \
         (ChannelRef::ids(chatroom_id, channel_id), found as `chatroom.id` and `id` when \
         {url} is opened in a browser), retry later or from another network, or point the API \
         URL (LIVE_KICK_API_URL) at a proxy that can reach kick.com"
    )]
    Blocked {
        /// The slug asked for.
        slug: String,
        /// The URL to open in a browser to read the ids.
        url: String,
        /// What was seen (`HTTP 403`, `a Cloudflare challenge page`).
        reason: String,
        /// The HTTP error.
        #[source]
        source: Option<live_http::Error>,
    },
    /// An HTTP request to kick.com failed.
    #[error("Kick {what} failed")]
    Http {
        /// Which request (`channel lookup`, `viewer count`, `transport negotiation`...).
        what: &'static str,
        /// The HTTP error.
        #[source]
        source: live_http::Error,
    },
    /// The answer was not the JSON expected.
    #[error("Kick {what}: unexpected answer: {message}")]
    Unexpected {
        /// Which request.
        what: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The server refused the connection for good (Pusher close codes 4000–4099: unknown app
    /// key, app disabled, over quota...). Reconnecting unchanged would fail the same way.
    #[error("the Kick socket refused the connection with code {code}: {message}")]
    Refused {
        /// The close or error code.
        code: u16,
        /// The server's reason.
        message: String,
    },
    /// The client gave up reconnecting after the configured number of attempts.
    #[error("gave up reconnecting to Kick after {attempts} attempts: {last_error}")]
    ReconnectLimit {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last_error: String,
    },
    /// The room is already watched under this name.
    #[error("room {0:?} is already watched")]
    AlreadyWatched(String),
    /// The client was closed (or its task ended).
    #[error("the Kick client is closed")]
    Closed,
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
