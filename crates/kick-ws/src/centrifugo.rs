//! Kick's Centrifugo transport (kick.md §1.7), sans I/O: reading frames (several JSON objects
//! may share one, a line each), writing commands, and what its codes mean.

use std::borrow::Cow;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::pusher::{EventData, FrameError};

/// The Origin Kick's realtime endpoints insist on.
pub const ORIGIN: &str = "https://kick.com";

/// How long past the announced ping interval the client waits before calling the server
/// silent (Centrifugo's clients use 10 s).
pub const MAX_PING_DELAY: Duration = Duration::from_secs(10);

/// A reply to one of the client's commands.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The connect command succeeded.
    Connect {
        /// The client id the server assigned.
        client: Option<String>,
        /// The server pings every this many seconds.
        ping: Option<u64>,
        /// The server wants pongs.
        pong: bool,
        /// The token expires: refresh before `ttl`.
        expires: bool,
        /// Seconds until the token must be refreshed.
        ttl: Option<u64>,
    },
    /// The subscribe command succeeded.
    Subscribe,
    /// The refresh command succeeded.
    Refresh {
        /// The token expires again.
        expires: bool,
        /// Seconds until the next refresh.
        ttl: Option<u64>,
    },
    /// The command failed.
    Error {
        /// Centrifugo's code (101 unauthorized, 103 permission denied, 109 token expired...).
        code: i64,
        /// Its message.
        message: String,
        /// Trying again may help.
        temporary: bool,
    },
    /// A reply with nothing this crate reads.
    Empty,
}

/// A message from a Centrifugo server.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentrifugoMessage<'a> {
    /// An empty object: the server's ping; answer `{}`.
    Ping,
    /// The reply to command `id`.
    Reply {
        /// The command id.
        id: u64,
        /// What it says.
        reply: Reply,
    },
    /// A publication carrying a Kick event.
    Publication {
        /// The channel.
        channel: Cow<'a, str>,
        /// Kick's event name.
        name: String,
        /// The event's data.
        data: EventData<'a>,
    },
    /// The server ends the session.
    Disconnect {
        /// The code.
        code: i64,
        /// The reason.
        reason: String,
    },
    /// The server unsubscribed a channel.
    Unsubscribed {
        /// The channel.
        channel: String,
        /// The code (2500–2999: subscribe again).
        code: i64,
        /// The reason.
        reason: String,
    },
    /// A push this crate does not act on (join, leave, a server-side subscribe...).
    Other,
}

#[derive(Deserialize)]
struct Incoming<'a> {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default, borrow)]
    push: Option<Push<'a>>,
    #[serde(default)]
    connect: Option<ConnectResult>,
    #[serde(default, borrow)]
    subscribe: Option<&'a RawValue>,
    #[serde(default)]
    refresh: Option<RefreshResult>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct Push<'a> {
    #[serde(default, borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(default, rename = "pub", borrow)]
    publication: Option<Publication<'a>>,
    #[serde(default)]
    disconnect: Option<CodeReason>,
    #[serde(default, alias = "unsub")]
    unsubscribe: Option<CodeReason>,
}

#[derive(Deserialize)]
struct Publication<'a> {
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct KickPayload<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct CodeReason {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
struct ConnectResult {
    #[serde(default)]
    client: Option<String>,
    #[serde(default)]
    ping: Option<u64>,
    #[serde(default)]
    pong: bool,
    #[serde(default)]
    expires: bool,
    #[serde(default)]
    ttl: Option<u64>,
}

#[derive(Deserialize)]
struct RefreshResult {
    #[serde(default)]
    expires: bool,
    #[serde(default)]
    ttl: Option<u64>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    temporary: bool,
}

/// Reads one frame: one result per non-empty line.
pub fn parse_frame(text: &str) -> Vec<Result<CentrifugoMessage<'_>, FrameError>> {
    text.split('\n')
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(parse_message)
        .collect()
}

fn parse_message(line: &str) -> Result<CentrifugoMessage<'_>, FrameError> {
    let incoming: Incoming<'_> = serde_json::from_str(line)
        .map_err(|e| FrameError(format!("not a Centrifugo message: {e}")))?;
    if let Some(push) = incoming.push {
        let channel = push.channel.unwrap_or_default();
        if let Some(publication) = push.publication {
            return publication_event(channel, publication);
        }
        if let Some(d) = push.disconnect {
            return Ok(CentrifugoMessage::Disconnect {
                code: d.code,
                reason: d.reason,
            });
        }
        if let Some(u) = push.unsubscribe {
            return Ok(CentrifugoMessage::Unsubscribed {
                channel: channel.into_owned(),
                code: u.code,
                reason: u.reason,
            });
        }
        return Ok(CentrifugoMessage::Other);
    }
    let Some(id) = incoming.id.filter(|id| *id > 0) else {
        if incoming.error.is_none() && incoming.connect.is_none() {
            return Ok(CentrifugoMessage::Ping);
        }
        return Err(FrameError("a Centrifugo reply without an id".to_owned()));
    };
    let reply = if let Some(e) = incoming.error {
        Reply::Error {
            code: e.code,
            message: e.message,
            temporary: e.temporary,
        }
    } else if let Some(c) = incoming.connect {
        Reply::Connect {
            client: c.client,
            ping: c.ping,
            pong: c.pong,
            expires: c.expires,
            ttl: c.ttl,
        }
    } else if incoming.subscribe.is_some() {
        Reply::Subscribe
    } else if let Some(r) = incoming.refresh {
        Reply::Refresh {
            expires: r.expires,
            ttl: r.ttl,
        }
    } else {
        Reply::Empty
    };
    Ok(CentrifugoMessage::Reply { id, reply })
}

fn publication_event<'a>(
    channel: Cow<'a, str>,
    publication: Publication<'a>,
) -> Result<CentrifugoMessage<'a>, FrameError> {
    let raw = publication
        .data
        .ok_or_else(|| FrameError("a publication without data".to_owned()))?;
    let text = raw.get();
    // `pub.data` is Kick's `{event, data}` object; some relays send it JSON-encoded.
    let payload: KickPayload<'a> = if text.starts_with('"') {
        let inner: String = serde_json::from_str(text)
            .map_err(|e| FrameError(format!("bad publication data: {e}")))?;
        let owned: KickPayloadOwned = serde_json::from_str(&inner)
            .map_err(|e| FrameError(format!("bad publication data: {e}")))?;
        return Ok(CentrifugoMessage::Publication {
            channel,
            name: owned.event,
            data: owned.data.map_or(EventData::Absent, |d| match d {
                serde_json::Value::String(s) => EventData::Text(Cow::Owned(s)),
                serde_json::Value::Null => EventData::Absent,
                other => EventData::Text(Cow::Owned(other.to_string())),
            }),
        });
    } else {
        serde_json::from_str(text).map_err(|e| FrameError(format!("bad publication data: {e}")))?
    };
    let data = match payload.data {
        None => EventData::Absent,
        Some(raw) => {
            let t = raw.get();
            if t.starts_with('"') {
                EventData::Text(Cow::Owned(
                    serde_json::from_str::<String>(t)
                        .map_err(|e| FrameError(format!("bad event data: {e}")))?,
                ))
            } else if t == "null" {
                EventData::Absent
            } else {
                EventData::Json(Cow::Borrowed(t))
            }
        }
    };
    Ok(CentrifugoMessage::Publication {
        channel,
        name: payload.event.into_owned(),
        data,
    })
}

#[derive(Deserialize)]
struct KickPayloadOwned {
    event: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct ConnectCommand<'a> {
    token: &'a str,
    name: &'a str,
}

/// The connect command (id 1 by convention).
pub fn connect(id: u64, token: &str) -> String {
    serde_json::json!({"id": id, "connect": ConnectCommand { token, name: "js" }}).to_string()
}

/// A subscribe command.
pub fn subscribe(id: u64, channel: &str) -> String {
    serde_json::json!({"id": id, "subscribe": {"channel": channel}}).to_string()
}

/// An unsubscribe command.
pub fn unsubscribe(id: u64, channel: &str) -> String {
    serde_json::json!({"id": id, "unsubscribe": {"channel": channel}}).to_string()
}

/// A refresh command with a new token.
pub fn refresh(id: u64, token: &str) -> String {
    serde_json::json!({"id": id, "refresh": {"token": token}}).to_string()
}

/// The answer to a server ping.
pub const PONG: &str = "{}";

/// What a Centrifugo disconnect or close code asks of the client.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisconnectAction {
    /// Reconnect with the ordinary backoff (3000–3499, 4000–4499, network drops).
    Reconnect,
    /// Terminal (3500–3999, 4500–4999): reconnecting with the same identity is pointless;
    /// wait long and start over with a new client id.
    Terminal,
}

impl DisconnectAction {
    /// The class of a code.
    pub fn of(code: i64) -> DisconnectAction {
        match code {
            3500..=3999 | 4500..=4999 => DisconnectAction::Terminal,
            _ => DisconnectAction::Reconnect,
        }
    }
}

/// True for an unsubscribe code that asks the client to subscribe again (2500–2999).
pub fn should_resubscribe(code: i64) -> bool {
    (2500..=2999).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_several_messages_per_frame() {
        let frame = concat!(
            r#"{"id":1,"connect":{"client":"c1","version":"5","expires":true,"ttl":2700,"ping":25,"pong":true}}"#,
            "\n",
            r#"{"id":2,"subscribe":{}}"#,
            "\n",
            r#"{}"#,
            "\n",
            r#"{"push":{"channel":"chatrooms.1.v2","pub":{"data":{"event":"App\\Events\\ChatMessageEvent","data":"{\"id\":\"m1\"}"}}}}"#,
        );
        let messages: Vec<_> = parse_frame(frame).into_iter().map(Result::unwrap).collect();
        assert_eq!(messages.len(), 4);
        assert!(matches!(
            messages[0],
            CentrifugoMessage::Reply {
                id: 1,
                reply: Reply::Connect {
                    ping: Some(25),
                    ttl: Some(2700),
                    expires: true,
                    pong: true,
                    ..
                }
            }
        ));
        assert_eq!(
            messages[1],
            CentrifugoMessage::Reply {
                id: 2,
                reply: Reply::Subscribe
            }
        );
        assert_eq!(messages[2], CentrifugoMessage::Ping);
        let CentrifugoMessage::Publication {
            channel,
            name,
            data,
        } = &messages[3]
        else {
            panic!("not a publication");
        };
        assert_eq!(channel, "chatrooms.1.v2");
        assert_eq!(name, "App\\Events\\ChatMessageEvent");
        assert_eq!(data.json_text(), Some(r#"{"id":"m1"}"#));
    }

    #[test]
    fn reads_errors_disconnects_and_unsubscribes() {
        let messages: Vec<_> = parse_frame(concat!(
            r#"{"id":3,"error":{"code":103,"message":"permission denied"}}"#,
            "\n",
            r#"{"push":{"disconnect":{"code":3501,"reason":"bad request"}}}"#,
            "\n",
            r#"{"push":{"channel":"chatroom_1","unsubscribe":{"code":2500,"reason":"insufficient state"}}}"#,
            "\n",
            r#"{"push":{"channel":"channel_1","pub":{"data":{"event":"KicksGifted","data":{"gift":{"gift_id":"x"}}}}}}"#,
            "\nnot json"
        ))
        .into_iter()
        .collect();
        assert!(matches!(
            messages[0],
            Ok(CentrifugoMessage::Reply {
                id: 3,
                reply: Reply::Error { code: 103, .. }
            })
        ));
        assert!(matches!(
            messages[1],
            Ok(CentrifugoMessage::Disconnect { code: 3501, .. })
        ));
        assert!(matches!(
            &messages[2],
            Ok(CentrifugoMessage::Unsubscribed { code: 2500, channel, .. }) if channel == "chatroom_1"
        ));
        assert!(matches!(
            &messages[3],
            Ok(CentrifugoMessage::Publication {
                data: EventData::Json(_),
                ..
            })
        ));
        assert!(messages[4].is_err());
        assert_eq!(DisconnectAction::of(3501), DisconnectAction::Terminal);
        assert_eq!(DisconnectAction::of(3001), DisconnectAction::Reconnect);
        assert!(should_resubscribe(2500));
        assert!(!should_resubscribe(3000));
    }
}
