//! Watches several rooms of any platform at once and prints one merged NDJSON stream.
//!
//! ```sh
//! cargo run -p live-sdk --example watch_many -- kick:xqc tiktok:@alice
//! ```
//!
//! Ctrl-C closes every connection cleanly. The `LIVE_*` variables point the clients at other
//! hosts (see the `live` tool's documentation).

use live_sdk::kick::KickClient;
use live_sdk::tiktok::TikTokClient;
use live_sdk::{LiveClient, Secret, Target};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let targets: Vec<Target> = std::env::args()
        .skip(1)
        .map(|t| t.parse())
        .collect::<Result<_, _>>()?;
    if targets.is_empty() {
        return Err("usage: watch_many TARGET... (kick:SLUG, tiktok:UNIQUE_ID)".into());
    }
    let env = |name: &str| std::env::var(name).ok();
    let mut kick = KickClient::builder();
    if let Some(url) = env("LIVE_KICK_API_URL") {
        kick = kick.api_url(url);
    }
    if let Some(url) = env("LIVE_KICK_PUSHER_URL") {
        kick = kick.pusher_url(url);
    }
    let mut client = LiveClient::builder()
        .kick(kick)
        .tiktok(move |room| {
            let mut builder = TikTokClient::builder(room);
            if let Some(url) = env("LIVE_TIKTOK_WEB_URL") {
                builder = builder.web_url(url);
            }
            if let Some(url) = env("LIVE_EULER_URL") {
                builder = builder.euler_url(url);
            }
            if let Some(key) = env("LIVE_EULER_API_KEY") {
                builder = builder.euler_api_key(Secret::new(key));
            }
            builder
        })
        .build()?;
    for target in targets {
        if let Err(error) = client.add(target.clone()).await {
            eprintln!("{target}: {error}");
        }
    }
    let handle = client.handle();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => handle.close().await,
            event = client.next_event() => match event {
                Some(event) => {
                    if let Some(live) = event.live {
                        println!("{}", live.to_json_line());
                    }
                }
                None => break,
            },
        }
    }
    Ok(())
}
