//! The Pusher Channels protocol (version 7) as Kick's socket speaks it: reading frames,
//! writing the client's frames, and what a close code means for reconnecting. No I/O.

use std::borrow::Cow;
use std::time::Duration;

use serde::Deserialize;

/// The recommended pong timeout: no answer to our `pusher:ping` within this means the
/// connection is dead.
pub const PONG_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest activity timeout a client uses, whatever the server announces.
pub const MAX_ACTIVITY_TIMEOUT: Duration = Duration::from_secs(120);

/// An event's `data`: Pusher sends a JSON-encoded string, but objects occur (`pusher:error`
/// from soketi, Centrifugo publications).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventData<'a> {
    /// The field was a string: its text (usually JSON to decode a second time).
    Text(Cow<'a, str>),
    /// The field was JSON (object, array, number...): its text.
    Json(Cow<'a, str>),
    /// No `data`, or `null`.
    Absent,
}

impl<'a> EventData<'a> {
    /// The JSON text to decode: the string's content, or the JSON itself; `None` when absent.
    pub fn json_text(&self) -> Option<&str> {
        match self {
            EventData::Text(t) => Some(t),
            EventData::Json(j) => Some(j),
            EventData::Absent => None,
        }
    }
}

/// A frame from a Pusher server.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PusherFrame<'a> {
    /// `pusher:connection_established`.
    ConnectionEstablished {
        /// The socket id.
        socket_id: String,
        /// The server's activity timeout, in seconds (protocol 7).
        activity_timeout: Option<u64>,
    },
    /// `pusher:ping`: answer with a pong.
    Ping,
    /// `pusher:pong`.
    Pong,
    /// `pusher:error` (object or string `data`).
    Error {
        /// The error code, when given.
        code: Option<i64>,
        /// The message.
        message: String,
    },
    /// `pusher_internal:subscription_succeeded` (with or without `data`).
    SubscriptionSucceeded {
        /// The channel.
        channel: String,
    },
    /// `pusher:subscription_error`.
    SubscriptionError {
        /// The channel, when named.
        channel: Option<String>,
        /// What the server said.
        message: String,
        /// An HTTP-like status (soketi: 401).
        status: Option<i64>,
    },
    /// Another `pusher:`/`pusher_internal:` event (member added...): nothing to do.
    Internal {
        /// Its name.
        name: String,
    },
    /// An application event.
    Event {
        /// The channel, when given.
        channel: Option<Cow<'a, str>>,
        /// The event name.
        name: Cow<'a, str>,
        /// Its data.
        data: EventData<'a>,
    },
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow, default)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    data: Option<DataField<'a>>,
}

/// `data` read in one pass: a string is unescaped once (borrowed when it has no escapes);
/// anything else (objects from soketi's `pusher:error`, rare) is kept as JSON text.
struct DataField<'a>(EventData<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for DataField<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = DataField<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("event data")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Text(Cow::Borrowed(v))))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Text(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Text(Cow::Owned(v))))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Absent))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Absent))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V(std::marker::PhantomData))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let value = serde_json::Value::deserialize(MapAccessDeserializer::new(map))?;
                Ok(DataField(EventData::Json(Cow::Owned(value.to_string()))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let value = serde_json::Value::deserialize(SeqAccessDeserializer::new(seq))?;
                Ok(DataField(EventData::Json(Cow::Owned(value.to_string()))))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Json(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Json(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(DataField(EventData::Json(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                serde_json::Number::from_f64(v)
                    .map(|n| DataField(EventData::Json(Cow::Owned(n.to_string()))))
                    .ok_or_else(|| E::custom("a number that is not finite"))
            }
        }
        deserializer.deserialize_option(V(std::marker::PhantomData))
    }
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FrameError(pub(crate) String);

impl FrameError {
    /// The description.
    pub fn message(&self) -> &str {
        &self.0
    }
}

/// Reads one Pusher frame.
pub fn parse_frame(text: &str) -> Result<PusherFrame<'_>, FrameError> {
    let envelope: Envelope<'_> =
        serde_json::from_str(text).map_err(|e| FrameError(format!("not a Pusher frame: {e}")))?;
    let data = envelope.data.map_or(EventData::Absent, |d| d.0);
    let name = envelope.event;
    if let Some(control) = name
        .strip_prefix("pusher:")
        .or_else(|| name.strip_prefix("pusher_internal:"))
    {
        return Ok(control_frame(control, &name, envelope.channel, &data));
    }
    Ok(PusherFrame::Event {
        channel: envelope.channel,
        name,
        data,
    })
}

#[derive(Deserialize, Default)]
struct Fields {
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    socket_id: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    activity_timeout: Option<u64>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    error: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    status: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        rename = "type"
    )]
    kind: Option<String>,
}

fn control_frame<'a>(
    control: &str,
    name: &str,
    channel: Option<Cow<'a, str>>,
    data: &EventData<'_>,
) -> PusherFrame<'a> {
    let (fields, plain): (Fields, Option<String>) = match data.json_text() {
        Some(text) => match serde_json::from_str::<Fields>(text) {
            Ok(fields) => (fields, None),
            Err(_) => (Fields::default(), Some(text.to_owned())),
        },
        None => (Fields::default(), None),
    };
    let number = |s: &Option<String>| s.as_deref().and_then(|s| s.trim().parse::<i64>().ok());
    match control {
        "connection_established" => PusherFrame::ConnectionEstablished {
            socket_id: fields.socket_id.unwrap_or_default(),
            activity_timeout: fields.activity_timeout,
        },
        "ping" => PusherFrame::Ping,
        "pong" => PusherFrame::Pong,
        "error" => PusherFrame::Error {
            code: number(&fields.code),
            message: fields
                .message
                .or(plain)
                .unwrap_or_else(|| "no message".to_owned()),
        },
        "subscription_succeeded" => PusherFrame::SubscriptionSucceeded {
            channel: channel.map(Cow::into_owned).unwrap_or_default(),
        },
        "subscription_error" => PusherFrame::SubscriptionError {
            channel: channel.map(Cow::into_owned),
            message: fields
                .error
                .or(fields.message)
                .or(fields.kind)
                .or(plain)
                .unwrap_or_else(|| "subscription refused".to_owned()),
            status: number(&fields.status),
        },
        _ => PusherFrame::Internal {
            name: name.to_owned(),
        },
    }
}

/// `pusher:subscribe` for a public channel (`data` as an object: soketi crashes on the string
/// form).
pub fn subscribe(channel: &str) -> String {
    serde_json::json!({"event": "pusher:subscribe", "data": {"auth": "", "channel": channel}})
        .to_string()
}

/// `pusher:unsubscribe`.
pub fn unsubscribe(channel: &str) -> String {
    serde_json::json!({"event": "pusher:unsubscribe", "data": {"channel": channel}}).to_string()
}

/// `pusher:ping`.
pub const PING: &str = r#"{"event":"pusher:ping","data":{}}"#;

/// `pusher:pong`.
pub const PONG: &str = r#"{"event":"pusher:pong","data":{}}"#;

/// What a close (or `pusher:error`) code asks of the client (protocol 7).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseAction {
    /// 4000–4099: do not reconnect unchanged (app unknown, disabled, over quota...).
    Stop,
    /// 4100–4199: reconnect after at least 1 s, backing off.
    Backoff,
    /// 4200–4299: reconnect at once.
    Immediate,
    /// Anything else (1000–3999, 4300+): reconnect after 1 s.
    AfterDelay,
}

impl CloseAction {
    /// The class of a close code.
    pub fn of(code: u16) -> CloseAction {
        match code {
            4000..=4099 => CloseAction::Stop,
            4100..=4199 => CloseAction::Backoff,
            4200..=4299 => CloseAction::Immediate,
            _ => CloseAction::AfterDelay,
        }
    }
}

/// The activity timeout a client uses: the server's, capped at 120 s.
pub fn activity_timeout(server_secs: Option<u64>) -> Duration {
    server_secs
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
        .unwrap_or(MAX_ACTIVITY_TIMEOUT)
        .min(MAX_ACTIVITY_TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_control_frames_in_every_shape() {
        let f = parse_frame(r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":120}"}"#).unwrap();
        assert_eq!(
            f,
            PusherFrame::ConnectionEstablished {
                socket_id: "123.456".into(),
                activity_timeout: Some(120)
            }
        );
        assert_eq!(
            parse_frame(r#"{"event":"pusher:ping"}"#).unwrap(),
            PusherFrame::Ping
        );
        assert_eq!(
            parse_frame(r#"{"event":"pusher:pong","data":{}}"#).unwrap(),
            PusherFrame::Pong
        );
        let object = parse_frame(r#"{"event":"pusher:error","data":{"code":4001,"message":"App key x does not exist."}}"#).unwrap();
        let string = parse_frame(r#"{"event":"pusher:error","data":"{\"code\":4001,\"message\":\"App key x does not exist.\"}"}"#).unwrap();
        assert_eq!(object, string);
        assert_eq!(
            object,
            PusherFrame::Error {
                code: Some(4001),
                message: "App key x does not exist.".into()
            }
        );
        let plain = parse_frame(r#"{"event":"pusher:error","data":"went wrong"}"#).unwrap();
        assert_eq!(
            plain,
            PusherFrame::Error {
                code: None,
                message: "went wrong".into()
            }
        );
        for text in [
            r#"{"event":"pusher_internal:subscription_succeeded","channel":"chatrooms.1.v2"}"#,
            r#"{"event":"pusher_internal:subscription_succeeded","data":"{}","channel":"chatrooms.1.v2"}"#,
        ] {
            assert_eq!(
                parse_frame(text).unwrap(),
                PusherFrame::SubscriptionSucceeded {
                    channel: "chatrooms.1.v2".into()
                }
            );
        }
    }

    #[test]
    fn reads_events_with_string_object_and_no_data() {
        let f = parse_frame(r#"{"event":"App\\Events\\ChatMessageEvent","data":"{\"id\":\"a\"}","channel":"chatrooms.1.v2"}"#).unwrap();
        let PusherFrame::Event {
            name,
            data,
            channel,
        } = f
        else {
            panic!("not an event")
        };
        assert_eq!(name, "App\\Events\\ChatMessageEvent");
        assert_eq!(channel.as_deref(), Some("chatrooms.1.v2"));
        assert_eq!(data.json_text(), Some(r#"{"id":"a"}"#));
        let f = parse_frame(r#"{"event":"X","data":{"a":1}}"#).unwrap();
        assert!(
            matches!(f, PusherFrame::Event { data: EventData::Json(ref j), .. } if j == r#"{"a":1}"#)
        );
        let f = parse_frame(r#"{"event":"X","data":"[]"}"#).unwrap();
        assert!(matches!(f, PusherFrame::Event { data: EventData::Text(ref t), .. } if t == "[]"));
        assert!(parse_frame("not json").is_err());
        assert!(parse_frame(r#"{"data":"x"}"#).is_err());
    }

    #[test]
    fn close_codes_fall_into_classes() {
        assert_eq!(CloseAction::of(4001), CloseAction::Stop);
        assert_eq!(CloseAction::of(4100), CloseAction::Backoff);
        assert_eq!(CloseAction::of(4201), CloseAction::Immediate);
        assert_eq!(CloseAction::of(4301), CloseAction::AfterDelay);
        assert_eq!(CloseAction::of(1006), CloseAction::AfterDelay);
        assert_eq!(activity_timeout(Some(30)), Duration::from_secs(30));
        assert_eq!(activity_timeout(Some(500)), Duration::from_secs(120));
        assert_eq!(activity_timeout(None), Duration::from_secs(120));
    }

    #[test]
    fn client_frames_send_data_as_an_object() {
        let v: serde_json::Value = serde_json::from_str(&subscribe("chatroom_1")).unwrap();
        assert_eq!(v["data"]["channel"], "chatroom_1");
        assert_eq!(v["event"], "pusher:subscribe");
        let v: serde_json::Value = serde_json::from_str(PING).unwrap();
        assert!(v["data"].is_object());
    }
}
