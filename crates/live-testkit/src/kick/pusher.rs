//! The emulated Pusher protocol 7 server.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until};

use super::{ConnCommand, State};
use crate::ws::{WsConn, WsMessage};

/// How long the server waits for a pong after its own ping (Pusher's recommendation).
const PONG_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) async fn serve(mut conn: WsConn, state: Arc<State>) {
    let settings = state.settings();
    let key = conn
        .request()
        .path
        .strip_prefix("/app/")
        .unwrap_or_default()
        .to_owned();
    if key != settings.app_key {
        let error = json!({"event": "pusher:error", "data": {"code": 4001, "message": format!("App key {key} does not exist.")}});
        let _ = conn.send_text(error.to_string()).await;
        conn.close(4001, &format!("App key {key} does not exist."))
            .await;
        return;
    }
    let (id, mut commands) = state.register(false);
    let socket_id = format!("{}.{}", 8_550_232_818u64 + id, 1_764_729_048u64 + id * 7);
    let established = json!({
        "event": "pusher:connection_established",
        "data": json!({"socket_id": socket_id, "activity_timeout": settings.activity_timeout}).to_string(),
    });
    if !settings.silent && conn.send_text(established.to_string()).await.is_err() {
        state.unregister(id);
        return;
    }
    let mut last_heard = Instant::now();
    let mut awaiting_pong: Option<Instant> = None;
    loop {
        let settings = state.settings();
        let ping_at = match (settings.server_ping, awaiting_pong) {
            (_, Some(sent)) => Some(sent + PONG_TIMEOUT),
            (Some(after), None) => Some(last_heard + after),
            (None, None) => None,
        };
        tokio::select! {
            message = conn.recv() => {
                let Some(message) = message else { break };
                last_heard = Instant::now();
                awaiting_pong = None;
                if let WsMessage::Text(text) = message
                    && !handle(&mut conn, &state, id, &text).await
                {
                    break;
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
                match ping_at {
                    Some(at) => sleep_until(at).await,
                    None => std::future::pending().await,
                }
            } => {
                if awaiting_pong.is_some() {
                    let error = json!({"event": "pusher:error", "data": {"code": 4201, "message": "Pong reply not received in time"}});
                    let _ = conn.send_text(error.to_string()).await;
                    state.unregister(id);
                    conn.close(4201, "Pong reply not received in time").await;
                    return;
                }
                if !settings.silent {
                    let _ = conn.send_text(r#"{"event":"pusher:ping"}"#).await;
                }
                awaiting_pong = Some(Instant::now());
            }
        }
    }
    state.unregister(id);
}

/// Handles one client frame; false ends the connection.
async fn handle(conn: &mut WsConn, state: &State, id: u64, text: &str) -> bool {
    let settings = state.settings();
    // Real servers ignore what they cannot parse (soketi) or answer 4000 (sockudo): ignore.
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return true;
    };
    let event = frame["event"].as_str().unwrap_or_default();
    // `data` as an object (what clients send) or as a JSON string (the spec's form).
    let data = match &frame["data"] {
        Value::String(s) => serde_json::from_str::<Value>(s).unwrap_or(Value::Null),
        other => other.clone(),
    };
    match event {
        "pusher:subscribe" => {
            let channel = data["channel"].as_str().unwrap_or_default().to_owned();
            if channel.starts_with("private-") || channel.starts_with("presence-") {
                let error = json!({"event": "pusher:subscription_error", "channel": channel, "data": {"type": "AuthError", "error": "The connection is unauthorized.", "status": 401}});
                return conn.send_text(error.to_string()).await.is_ok();
            }
            state.subscribe(id, &channel);
            if settings.silent {
                return true;
            }
            let reply = if settings.subscription_data {
                json!({"event": "pusher_internal:subscription_succeeded", "data": "{}", "channel": channel})
            } else {
                json!({"event": "pusher_internal:subscription_succeeded", "channel": channel})
            };
            conn.send_text(reply.to_string()).await.is_ok()
        }
        "pusher:unsubscribe" => {
            state.unsubscribe(id, data["channel"].as_str().unwrap_or_default());
            true
        }
        "pusher:ping" => {
            state.pings_received.fetch_add(1, Ordering::Relaxed);
            if settings.silent {
                return true;
            }
            conn.send_text(r#"{"event":"pusher:pong","data":{}}"#)
                .await
                .is_ok()
        }
        "pusher:pong" => true,
        name if name.starts_with("client-") => {
            let error = json!({"event": "pusher:error", "data": {"code": 4301, "message": "The app does not have client messaging enabled."}});
            conn.send_text(error.to_string()).await.is_ok()
        }
        _ => true,
    }
}
