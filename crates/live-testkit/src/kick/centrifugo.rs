//! The emulated Centrifugo server (Kick's realtime socket since autumn 2026).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until};

use super::{ConnCommand, State, lock};
use crate::ws::{WsConn, WsMessage};

/// A publication as Kick's Centrifugo wraps a Kick event.
pub(crate) fn publication(channel: &str, event: &str, data: &str) -> String {
    json!({"push": {"channel": channel, "pub": {"data": {"event": event, "data": data}}}})
        .to_string()
}

pub(crate) async fn serve(mut conn: WsConn, state: Arc<State>) {
    let (id, mut commands) = state.register(true);
    let mut connected = false;
    let mut next_ping: Option<Instant> = None;
    loop {
        tokio::select! {
            message = conn.recv() => {
                let Some(message) = message else { break };
                if let WsMessage::Text(text) = message {
                    let mut replies = Vec::new();
                    for line in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
                        let Ok(command) = serde_json::from_str::<Value>(line) else { continue };
                        if let Some(reply) = handle(&state, id, &command, &mut connected) {
                            replies.push(reply);
                        }
                    }
                    let settings = state.settings();
                    if connected && next_ping.is_none() && settings.centrifugo_ping > 0 {
                        next_ping = Some(Instant::now() + Duration::from_secs(settings.centrifugo_ping));
                    }
                    if !replies.is_empty() && !settings.silent {
                        // Several replies share one frame, a line each, as Centrifugo batches them.
                        if conn.send_text(replies.join("\n")).await.is_err() {
                            break;
                        }
                    }
                }
            }
            command = commands.recv() => {
                match command {
                    Some(ConnCommand::Send(text)) => {
                        if state.settings().silent {
                            continue;
                        }
                        if conn.send_text(text).await.is_err() {
                            break;
                        }
                    }
                    Some(ConnCommand::Close(code, reason)) => {
                        state.unregister(id);
                        conn.close(code, &reason).await;
                        return;
                    }
                    Some(ConnCommand::Drop) | None => break,
                }
            }
            _ = async {
                match next_ping {
                    Some(at) => sleep_until(at).await,
                    None => std::future::pending().await,
                }
            } => {
                let settings = state.settings();
                if !settings.silent && conn.send_text("{}").await.is_err() {
                    break;
                }
                next_ping = Some(Instant::now() + Duration::from_secs(settings.centrifugo_ping.max(1)));
            }
        }
    }
    state.unregister(id);
}

fn handle(state: &State, id: u64, command: &Value, connected: &mut bool) -> Option<String> {
    let Some(command_id) = command["id"].as_u64() else {
        // `{}`: the client's pong.
        state.pings_received.fetch_add(1, Ordering::Relaxed);
        return None;
    };
    let settings = state.settings();
    if let Some(connect) = command.get("connect") {
        let token = connect["token"].as_str().unwrap_or_default();
        if !lock(&state.tokens).contains(token) {
            return Some(
                json!({"id": command_id, "error": {"code": 101, "message": "unauthorized"}})
                    .to_string(),
            );
        }
        *connected = true;
        return Some(
            json!({"id": command_id, "connect": {
                "client": format!("c0ffee00-0000-4000-8000-{id:012}"),
                "version": "6.1.0",
                "expires": true,
                "ttl": settings.token_ttl,
                "ping": settings.centrifugo_ping,
                "pong": true,
            }})
            .to_string(),
        );
    }
    if !*connected {
        return Some(
            json!({"id": command_id, "error": {"code": 101, "message": "unauthorized"}})
                .to_string(),
        );
    }
    if let Some(subscribe) = command.get("subscribe") {
        let channel = subscribe["channel"].as_str().unwrap_or_default();
        if channel.starts_with("private-") {
            return Some(
                json!({"id": command_id, "error": {"code": 103, "message": "permission denied"}})
                    .to_string(),
            );
        }
        state.subscribe(id, channel);
        return Some(json!({"id": command_id, "subscribe": {}}).to_string());
    }
    if let Some(unsubscribe) = command.get("unsubscribe") {
        state.unsubscribe(id, unsubscribe["channel"].as_str().unwrap_or_default());
        return Some(json!({"id": command_id, "unsubscribe": {}}).to_string());
    }
    if let Some(refresh) = command.get("refresh") {
        let token = refresh["token"].as_str().unwrap_or_default();
        if !lock(&state.tokens).contains(token) {
            return Some(
                json!({"id": command_id, "error": {"code": 109, "message": "token expired"}})
                    .to_string(),
            );
        }
        return Some(
            json!({"id": command_id, "refresh": {"expires": true, "ttl": settings.token_ttl}})
                .to_string(),
        );
    }
    Some(
        json!({"id": command_id, "error": {"code": 104, "message": "method not found"}})
            .to_string(),
    )
}
