//! Watches a TikTok LIVE room and keeps a gift leaderboard: who gave the most coins. Each gift
//! counts once, when its streak ends (the SDK's unified `gift` event), so a Rose streak of 7
//! counts 7 Roses, not 1 + 2 + ... + 7.
//!
//! ```sh
//! LIVE_EULER_API_KEY=... cargo run -p live-sdk --example tiktok_gift_leaderboard -- @someone
//! ```

use std::collections::HashMap;

use live_sdk::tiktok::TikTokClient;
use live_sdk::{EventKind, Secret};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let unique_id = std::env::args()
        .nth(1)
        .ok_or("usage: tiktok_gift_leaderboard UNIQUE_ID")?;
    let mut builder = TikTokClient::builder(&unique_id);
    if let Ok(url) = std::env::var("LIVE_TIKTOK_WEB_URL") {
        builder = builder.web_url(url);
    }
    if let Ok(url) = std::env::var("LIVE_TIKTOK_WEBCAST_URL") {
        builder = builder.webcast_url(url);
    }
    if let Ok(url) = std::env::var("LIVE_EULER_URL") {
        builder = builder.euler_url(url);
    }
    if let Ok(key) = std::env::var("LIVE_EULER_API_KEY") {
        builder = builder.euler_api_key(Secret::new(key));
    }
    let mut stream = builder.connect().await?;
    let mut coins: HashMap<String, u64> = HashMap::new();
    while let Some(event) = stream.next_event().await {
        let Some(live) = event.to_live_event() else {
            continue;
        };
        match &live.kind {
            EventKind::Gift(gift) => {
                let who = live.user.map(|u| u.name).unwrap_or_default();
                *coins.entry(who).or_default() += gift.value;
                print_board(&coins);
            }
            EventKind::Disconnected(_) => break,
            _ => {}
        }
    }
    stream.close().await;
    Ok(())
}

fn print_board(coins: &HashMap<String, u64>) {
    let mut board: Vec<(&String, &u64)> = coins.iter().collect();
    board.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("--- top gifters ---");
    for (rank, (who, total)) in board.iter().take(10).enumerate() {
        println!("{:>2}. {who:<24} {total:>8} coins", rank + 1);
    }
}
