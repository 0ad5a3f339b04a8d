//! Replaying a recorded client: its decoder, fed the frames its tap saw, gives the events the
//! live client gave.

use crate::decoder::{DecoderOptions, KickDecoder};
use crate::event::KickEvent;
use crate::frame::{FrameSource, LifecycleRecord, LifecycleState, RawFrame};

/// Turns tapped [`RawFrame`]s back into events, exactly as the live client did.
///
/// The live client releases gifted-subscription chunks still waiting just before it records
/// that the whole connection is over; the replayer does the same at that record, and at the
/// end of the recording.
///
/// ```
/// use kick_ws::{DecoderOptions, FrameSource, RawFrame, Replayer};
/// use live_model::Timestamp;
///
/// let mut replay = Replayer::new(DecoderOptions::default());
/// let at = Timestamp::from_unix_millis(1_730_038_312_000);
/// let events = replay.frame(&RawFrame::new(FrameSource::Pusher, r#"{"event":"pusher:pong"}"#, at));
/// assert!(events.is_empty());
/// assert!(replay.finish().is_empty());
/// ```
#[derive(Debug)]
pub struct Replayer {
    decoder: KickDecoder,
}

impl Replayer {
    /// A replay decoded with the options the live client used.
    pub fn new(options: DecoderOptions) -> Self {
        Replayer {
            decoder: KickDecoder::new(options),
        }
    }

    /// One recorded frame; returns the events it gives.
    pub fn frame(&mut self, frame: &RawFrame) -> Vec<KickEvent> {
        let mut events = Vec::new();
        if frame.source == FrameSource::Lifecycle && ends_everything(&frame.text) {
            events.extend(self.decoder.flush());
        }
        events.extend(self.decoder.decode(frame).events);
        events
    }

    /// The recording is over: releases what still waits (gifted-subscription chunks).
    pub fn finish(&mut self) -> Vec<KickEvent> {
        self.decoder.flush()
    }
}

/// A lifecycle note saying every room is disconnected (what the client writes when it stops).
fn ends_everything(text: &str) -> bool {
    serde_json::from_str::<LifecycleRecord>(text)
        .is_ok_and(|r| r.state == LifecycleState::Disconnected && r.rooms.is_empty())
}
