//! The facade's error.

/// What can go wrong watching targets or reading a recording.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client was built without the platform's feature.
    #[error("this build of live-sdk has no {0} support (enable the `{0}` feature)")]
    PlatformDisabled(&'static str),
    /// A Kick failure.
    #[cfg(feature = "kick")]
    #[error("kick: {0}")]
    Kick(#[from] kick_ws::Error),
    /// A TikTok failure.
    #[cfg(feature = "tiktok")]
    #[error("tiktok: {0}")]
    TikTok(#[from] tiktok_webcast::Error),
    /// The HTTP layer could not be set up (no TLS configuration).
    #[error("http: {0}")]
    Http(#[from] live_http::Error),
    /// The client is closed.
    #[error("the client is closed")]
    Closed,
    /// The target is already watched.
    #[error("{0} is already watched")]
    AlreadyWatched(live_model::Target),
    /// A recording could not be read or written.
    #[error("recording: {0}")]
    Recording(String),
    /// I/O on a recording.
    #[error("recording I/O")]
    Io(#[from] std::io::Error),
}
