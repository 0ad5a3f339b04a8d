//! Recordings: what `live watch --record FILE` writes and `live replay FILE` reads.
//!
//! A recording is UTF-8 text, one JSON object per line. The first line is a header:
//!
//! ```text
//! {"live_record":1,"created":"2026-11-23T21:00:00Z","include_raw":false,"targets":["kick:xqc","tiktok:alice"]}
//! ```
//!
//! Every other line is one input of a platform decoder, in the order the live connection
//! handed it over, with its arrival time `t`:
//!
//! ```text
//! {"t":"…","platform":"kick","source":"pusher","text":"{\"event\":\"App\\\\Events\\\\ChatMessageEvent\",…}"}
//! {"t":"…","platform":"kick","source":"watch","text":"{\"room\":\"xqc\",\"chatroom_id\":668,…}"}
//! {"t":"…","platform":"tiktok","room":"alice","source":"connected","room_id":"7300000000000000001"}
//! {"t":"…","platform":"tiktok","room":"alice","source":"frame","data":"<base64 of a WebcastPushFrame>"}
//! {"t":"…","platform":"tiktok","room":"alice","source":"tick"}
//! ```
//!
//! - Kick lines carry the text of one Kick input (`source` is a `kick_ws::FrameSource`:
//!   `pusher`, `centrifugo`, and the client's own `watch`, `unwatch`, `viewers` and
//!   `lifecycle` notes). Kick's one socket serves every Kick target, so they name no room.
//! - TikTok lines name their room; `frame` carries a binary WebSocket frame (or the bootstrap,
//!   as the frame it stands for) in standard base64, `tick` a run of the gift-streak clock, and
//!   `connected`, `reconnecting`, `disconnected` the connection's lifecycle with `reason`,
//!   `attempt`, `retry_in_ms` and `room_id` when known.
//!
//! A recording made by a [`crate::LiveClient`] also marks every event it delivered, in order,
//! with its target (and, for the SDK's own events, the event itself):
//!
//! ```text
//! {"t":"…","source":"output","target":"tiktok:alice"}
//! {"t":"…","source":"output","target":"tiktok:sleepy","sdk":{"platform":"tiktok","room":"sleepy","kind":"disconnected",…}}
//! ```
//!
//! Its header then says `"ordered":true`, and a [`crate::Replay`] releases the decoded events
//! in exactly that order: the replay reproduces the live run's output line for line, however
//! the rooms interleaved, and stops where the live consumer stopped. Without markers, each
//! frame's events are released as it is decoded (every room's own order is still exact).
//!
//! Unknown fields are ignored, so later versions may add some.

use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};

#[allow(unused_imports)]
use base64::Engine as _;
use live_model::{Platform, Target, Timestamp};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The first line of a recording.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The format version ([`FORMAT_VERSION`]).
    pub live_record: u32,
    /// When the recording started.
    pub created: Timestamp,
    /// Whether the live run kept raw payloads (`live watch --all`); the replay decodes alike.
    #[serde(default)]
    pub include_raw: bool,
    /// The targets that were watched.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// The recording marks every delivered event (see the module documentation).
    #[serde(default)]
    pub ordered: bool,
}

impl Header {
    /// A header for a recording starting now.
    pub fn new(include_raw: bool, targets: Vec<Target>) -> Self {
        Header {
            live_record: FORMAT_VERSION,
            created: Timestamp::now(),
            include_raw,
            targets,
            ordered: true,
        }
    }
}

/// One line after the header, as it is written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Line {
    t: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    platform: Option<Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    room: Option<String>,
    source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attempt: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_in_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    room_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sdk: Option<live_model::LiveEvent>,
}

/// One recorded line: a decoder input, or the mark of a delivered event.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum Frame {
    /// The live client delivered its next event of `target` here.
    Output {
        /// Whose event.
        target: Target,
        /// When.
        at: Timestamp,
        /// The event itself, when the SDK made it (no decoder gives it back).
        sdk: Option<live_model::LiveEvent>,
    },
    /// A Kick input.
    #[cfg(feature = "kick")]
    Kick(kick_ws::RawFrame),
    /// A TikTok input of one room.
    #[cfg(feature = "tiktok")]
    TikTok {
        /// The room as the live connection named it.
        room: String,
        /// What the connection's tap saw.
        input: TikTokInput,
    },
}

impl Frame {
    /// When the input arrived.
    pub fn time(&self) -> Timestamp {
        #[allow(unreachable_patterns)]
        match self {
            Frame::Output { at, .. } => *at,
            #[cfg(feature = "kick")]
            Frame::Kick(frame) => frame.received_at,
            #[cfg(feature = "tiktok")]
            Frame::TikTok { input, .. } => match input {
                TikTokInput::Frame { at, .. } | TikTokInput::Tick { at } => *at,
                TikTokInput::Lifecycle(event) => lifecycle_time(event),
            },
            // Only reachable in a build with no platform feature, where no frame exists.
            _ => Timestamp::from_unix_millis(0),
        }
    }
}

/// What a TikTok connection's tap saw, owned.
#[cfg(feature = "tiktok")]
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum TikTokInput {
    /// A binary frame.
    Frame {
        /// The frame.
        bytes: bytes::Bytes,
        /// When it arrived.
        at: Timestamp,
    },
    /// A run of the gift-streak clock.
    Tick {
        /// When it ran.
        at: Timestamp,
    },
    /// A lifecycle event.
    Lifecycle(tiktok_webcast::TikTokEvent),
}

#[cfg(feature = "tiktok")]
fn lifecycle_time(event: &tiktok_webcast::TikTokEvent) -> Timestamp {
    use tiktok_webcast::TikTokEvent as E;
    match event {
        E::Connected(l) | E::Reconnecting(l) | E::Disconnected(l) => l.time,
        _ => Timestamp::from_unix_millis(0),
    }
}

struct Sink {
    out: Box<dyn Write + Send>,
    error: Option<std::io::Error>,
}

/// Writes a recording. Cheap to clone: clones share the output, so the taps of every
/// connection can write to one file. Lines are buffered; call [`Recorder::finish`] at the end.
#[derive(Clone)]
pub struct Recorder {
    sink: Arc<Mutex<Sink>>,
    /// Whether delivered events are marked (the header's `ordered`).
    ordered: bool,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recorder")
    }
}

impl Recorder {
    /// Starts a recording on `out` by writing the header.
    pub fn new(out: impl Write + Send + 'static, header: &Header) -> Result<Recorder, Error> {
        let mut out: Box<dyn Write + Send> = Box::new(std::io::BufWriter::new(out));
        serde_json::to_writer(&mut out, header).map_err(|e| Error::Recording(e.to_string()))?;
        out.write_all(b"\n")?;
        Ok(Recorder {
            sink: Arc::new(Mutex::new(Sink { out, error: None })),
            ordered: header.ordered,
        })
    }

    /// Creates (or truncates) the file at `path` and starts a recording in it.
    pub fn create(path: &std::path::Path, header: &Header) -> Result<Recorder, Error> {
        Recorder::new(std::fs::File::create(path)?, header)
    }

    fn write(&self, line: &Line) {
        let mut sink = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        if sink.error.is_some() {
            return;
        }
        let written = serde_json::to_writer(&mut sink.out, line)
            .map_err(std::io::Error::other)
            .and_then(|()| sink.out.write_all(b"\n"));
        if let Err(error) = written {
            tracing::warn!(%error, "the recording could not be written; recording stops");
            sink.error = Some(error);
        }
    }

    /// Records a Kick input (what `kick_ws::KickClientBuilder::frame_tap` sees).
    #[cfg(feature = "kick")]
    pub fn kick(&self, frame: &kick_ws::RawFrame) {
        self.write(&Line {
            t: Some(frame.received_at),
            platform: Some(Platform::Kick),
            source: frame.source.as_str().to_owned(),
            text: Some(frame.text.to_string()),
            ..Line::default()
        });
    }

    /// Records a TikTok input of `room` (what `tiktok_webcast::TikTokClientBuilder::frame_tap`
    /// sees).
    #[cfg(feature = "tiktok")]
    pub fn tiktok(&self, room: &str, record: tiktok_webcast::TapRecord<'_>) {
        use tiktok_webcast::{TapRecord, TikTokEvent as E};
        let base = Line {
            platform: Some(Platform::TikTok),
            room: Some(room.to_owned()),
            ..Line::default()
        };
        let line = match record {
            TapRecord::Frame { bytes, at } => Line {
                t: Some(at),
                source: "frame".to_owned(),
                data: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                ..base
            },
            TapRecord::Tick { at } => Line {
                t: Some(at),
                source: "tick".to_owned(),
                ..base
            },
            TapRecord::Lifecycle(event) => {
                let (source, l) = match event {
                    E::Connected(l) => ("connected", l),
                    E::Reconnecting(l) => ("reconnecting", l),
                    E::Disconnected(l) => ("disconnected", l),
                    _ => return,
                };
                Line {
                    t: Some(l.time),
                    source: source.to_owned(),
                    reason: l.reason.clone(),
                    attempt: l.attempt,
                    retry_in_ms: l
                        .retry_in
                        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                    room_id: l.room_id.clone(),
                    ..base
                }
            }
            _ => return,
        };
        self.write(&line);
    }

    /// Marks that `event` was delivered to the consumer (what [`crate::LiveClient`] does for
    /// every event it delivers); nothing when the header is not `ordered`.
    pub fn output(&self, event: &crate::Event) {
        if !self.ordered {
            return;
        }
        let sdk = match event.source {
            crate::Source::Sdk => event.live.clone(),
            #[allow(unreachable_patterns)]
            _ => None,
        };
        self.write(&Line {
            t: Some(Timestamp::now()),
            source: "output".to_owned(),
            target: Some(event.target.clone()),
            sdk,
            ..Line::default()
        });
    }

    /// Flushes what is buffered; reports the first write error, if any.
    pub fn finish(&self) -> Result<(), Error> {
        let mut sink = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(error) = sink.error.take() {
            return Err(Error::Io(error));
        }
        sink.out.flush()?;
        Ok(())
    }
}

/// Reads a recording: its header, then its frames in order.
pub fn read(
    input: impl BufRead,
) -> Result<(Header, impl Iterator<Item = Result<Frame, Error>>), Error> {
    let mut lines = input.lines().enumerate();
    let header = loop {
        match lines.next() {
            None => return Err(Error::Recording("the file is empty".to_owned())),
            Some((_, line)) => {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let header: Header = serde_json::from_str(&line).map_err(|e| {
                    Error::Recording(format!("line 1 is not a recording header: {e}"))
                })?;
                if header.live_record != FORMAT_VERSION {
                    return Err(Error::Recording(format!(
                        "format version {} is not supported (this build reads {FORMAT_VERSION})",
                        header.live_record
                    )));
                }
                break header;
            }
        }
    };
    let frames = lines.filter_map(|(index, line)| {
        let number = index + 1;
        let line = match line {
            Ok(line) if line.trim().is_empty() => return None,
            Ok(line) => line,
            Err(e) => return Some(Err(Error::Io(e))),
        };
        Some(parse_line(&line).map_err(|why| Error::Recording(format!("line {number}: {why}"))))
    });
    Ok((header, frames))
}

fn parse_line(text: &str) -> Result<Frame, String> {
    let line: Line = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let at = line.t.ok_or("no time `t`")?;
    if line.source == "output" {
        return Ok(Frame::Output {
            target: line.target.ok_or("an output mark without a target")?,
            at,
            sdk: line.sdk,
        });
    }
    match line.platform.ok_or("no platform")? {
        Platform::Kick => kick_line(line, at),
        Platform::TikTok => tiktok_line(line, at),
        other => Err(format!("platform {other} is not recorded")),
    }
}

#[cfg(feature = "kick")]
fn kick_line(line: Line, at: Timestamp) -> Result<Frame, String> {
    let source: kick_ws::FrameSource = line.source.parse().map_err(|e| format!("{e}"))?;
    let text = line.text.ok_or("a Kick line without text")?;
    Ok(Frame::Kick(kick_ws::RawFrame::new(source, text, at)))
}

#[cfg(not(feature = "kick"))]
fn kick_line(_: Line, _: Timestamp) -> Result<Frame, String> {
    Err("this build has no Kick support (feature `kick`)".to_owned())
}

#[cfg(feature = "tiktok")]
fn tiktok_line(line: Line, at: Timestamp) -> Result<Frame, String> {
    use tiktok_webcast::{Lifecycle, TikTokEvent as E};
    let room = line.room.clone().ok_or("a TikTok line without a room")?;
    let lifecycle = |line: &Line| {
        let mut l = Lifecycle::new(room.clone(), at);
        l.reason = line.reason.clone();
        l.attempt = line.attempt;
        l.retry_in = line.retry_in_ms.map(std::time::Duration::from_millis);
        l.room_id = line.room_id.clone();
        l
    };
    let input = match line.source.as_str() {
        "frame" => {
            let data = line.data.as_deref().ok_or("a frame without data")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|e| format!("bad base64: {e}"))?;
            TikTokInput::Frame {
                bytes: bytes.into(),
                at,
            }
        }
        "tick" => TikTokInput::Tick { at },
        "connected" => TikTokInput::Lifecycle(E::Connected(lifecycle(&line))),
        "reconnecting" => TikTokInput::Lifecycle(E::Reconnecting(lifecycle(&line))),
        "disconnected" => TikTokInput::Lifecycle(E::Disconnected(lifecycle(&line))),
        other => return Err(format!("unknown TikTok source {other:?}")),
    };
    Ok(Frame::TikTok { room, input })
}

#[cfg(not(feature = "tiktok"))]
fn tiktok_line(_: Line, _: Timestamp) -> Result<Frame, String> {
    Err("this build has no TikTok support (feature `tiktok`)".to_owned())
}
