//! Prints a Kick channel's chat as it happens.
//!
//! ```sh
//! cargo run -p live-sdk --example kick_chat -- xqc
//! ```
//!
//! `LIVE_KICK_API_URL`, `LIVE_KICK_PUSHER_URL`, `LIVE_KICK_WEB_URL` and `LIVE_KICK_TRANSPORT`
//! point it elsewhere (the loopback emulators of `live demo`, for instance).

use live_sdk::kick::{ChannelRef, KickClient, KickEvent, Transport};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let slug = std::env::args().nth(1).ok_or("usage: kick_chat SLUG")?;
    let mut builder = KickClient::builder();
    if let Ok(url) = std::env::var("LIVE_KICK_API_URL") {
        builder = builder.api_url(url);
    }
    if let Ok(url) = std::env::var("LIVE_KICK_PUSHER_URL") {
        builder = builder.pusher_url(url);
    }
    if let Ok(url) = std::env::var("LIVE_KICK_WEB_URL") {
        builder = builder.web_url(url);
    }
    if let Ok(transport) = std::env::var("LIVE_KICK_TRANSPORT") {
        builder = builder.transport(transport.parse::<Transport>()?);
    }
    let mut client = builder.build()?;
    client.watch(ChannelRef::slug(&slug)).await?;
    while let Some(event) = client.next_event().await {
        match event {
            KickEvent::ChatMessage(chat) => {
                println!("{}: {}", chat.data.sender.username, chat.data.content)
            }
            KickEvent::Disconnected(_) => break,
            _ => {}
        }
    }
    client.close().await?;
    Ok(())
}
