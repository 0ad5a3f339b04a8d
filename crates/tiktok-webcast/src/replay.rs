//! Replaying a recorded connection: the connection's own decoder, fed what its tap saw
//! ([`crate::TapRecord`]), gives the very events the live connection gave.

use bytes::Bytes;
use live_model::Timestamp;

use crate::codec::CodecError;
use crate::decoder::{Decoder, DecoderOptions};
use crate::event::TikTokEvent;

/// Turns tapped records back into events, exactly as the live client did.
///
/// ```
/// use live_model::Timestamp;
/// use tiktok_webcast::{DecoderOptions, Replayer};
///
/// let mut replay = Replayer::new("alice_01", DecoderOptions::default());
/// let mut events = Vec::new();
/// let frame = tiktok_webcast::codec::encode_heartbeat(7, 1); // any recorded binary frame
/// replay.frame(frame.into(), Timestamp::from_unix_millis(1_700_000_000_000), &mut events)?;
/// replay.finish(&mut events); // the recording is over: count open gift streaks
/// assert!(events.is_empty());
/// # Ok::<(), tiktok_webcast::codec::CodecError>(())
/// ```
#[derive(Debug)]
pub struct Replayer {
    decoder: Decoder,
    finished: bool,
}

impl Replayer {
    /// A replay of the room `room` (as the live connection named it), decoded with the
    /// options the live connection used.
    pub fn new(room: &str, options: DecoderOptions) -> Self {
        Replayer {
            decoder: Decoder::new(room, options),
            finished: false,
        }
    }

    /// A recorded binary frame ([`crate::TapRecord::Frame`]). A frame the codec refuses is
    /// reported and changes nothing, as on the live connection.
    pub fn frame(
        &mut self,
        bytes: Bytes,
        at: Timestamp,
        out: &mut Vec<TikTokEvent>,
    ) -> Result<(), CodecError> {
        self.decoder.push_frame(bytes, at, out).map(|_| ())
    }

    /// A recorded streak-clock run ([`crate::TapRecord::Tick`]).
    pub fn tick(&mut self, at: Timestamp, out: &mut Vec<TikTokEvent>) {
        self.decoder.tick(at, out);
    }

    /// A recorded lifecycle event ([`crate::TapRecord::Lifecycle`]); non-lifecycle events are
    /// ignored. `Disconnected` first counts the open gift streaks, as the live client does
    /// when a connection ends.
    pub fn lifecycle(&mut self, event: TikTokEvent, out: &mut Vec<TikTokEvent>) {
        match event {
            TikTokEvent::Disconnected(_) => {
                self.decoder.finish(out);
                self.finished = true;
                out.push(event);
            }
            TikTokEvent::Connected(_) | TikTokEvent::Reconnecting(_) => out.push(event),
            _ => {}
        }
    }

    /// The recording is over: counts gift streaks still open, unless a `Disconnected` did.
    pub fn finish(&mut self, out: &mut Vec<TikTokEvent>) {
        if !self.finished {
            self.decoder.finish(out);
            self.finished = true;
        }
    }
}
