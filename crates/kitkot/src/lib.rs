//! kitkot viewer API client: join and leave TikTok LIVE rooms, room existence, chat history, send chat, session.

#[rustfmt::skip]
pub mod generated;
