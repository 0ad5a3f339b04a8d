//! Lists every live room of a Tencent Cloud Chat app, across all pages.
//!
//! ```sh
//! LIVE_TENCENT_SDKAPPID=1400000000 LIVE_TENCENT_KEY=... \
//!   cargo run -p live-sdk --example tencent_rooms
//! ```
//!
//! `LIVE_TENCENT_URL` overrides the region's host (a loopback emulator, for instance) and
//! `LIVE_TENCENT_IDENTIFIER` the admin account (default `administrator`).

use futures_util::StreamExt;
use live_sdk::Secret;
use live_sdk::tencent::{RoomListOptions, TencentClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sdkappid: u64 = std::env::var("LIVE_TENCENT_SDKAPPID")?.parse()?;
    let key = Secret::new(std::env::var("LIVE_TENCENT_KEY")?);
    let mut builder = TencentClient::builder(sdkappid, key);
    if let Ok(url) = std::env::var("LIVE_TENCENT_URL") {
        builder = builder.base_url(url);
    }
    if let Ok(identifier) = std::env::var("LIVE_TENCENT_IDENTIFIER") {
        builder = builder.identifier(identifier);
    }
    let client = builder.build()?;
    let rooms = client.rooms(RoomListOptions::default());
    futures_util::pin_mut!(rooms);
    let mut count = 0;
    while let Some(room) = rooms.next().await {
        let room = room?;
        count += 1;
        println!(
            "{:<24} {:>8} views  {}",
            room.room_id, room.view_count, room.room_name
        );
    }
    println!("{count} rooms");
    Ok(())
}
