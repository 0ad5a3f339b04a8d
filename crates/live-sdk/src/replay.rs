//! Replaying a recording through the platforms' own decoders.

use std::collections::{BTreeMap, VecDeque};

#[allow(unused_imports)]
use live_model::{Platform, Target};

use crate::event::Event;
use crate::record::{Frame, Header};

/// Feeds recorded frames through the decoders the live client used, and yields the events the
/// live client yielded: replaying a recording reproduces the live run's output exactly
/// (except events a slow consumer made the live client drop). In an ordered recording (see
/// [`crate::record`]) events come out at their output marks, in the live order.
#[derive(Debug)]
pub struct Replay {
    /// Decoded events waiting for their output mark, per target (ordered recordings only).
    waiting: Option<BTreeMap<Target, VecDeque<Event>>>,
    #[cfg(feature = "kick")]
    kick: kick_ws::Replayer,
    #[cfg(feature = "tiktok")]
    tiktok: BTreeMap<String, tiktok_webcast::Replayer>,
    #[cfg_attr(not(feature = "tiktok"), allow(dead_code))]
    include_raw: bool,
}

impl Replay {
    /// A replay of the recording with this header.
    pub fn new(header: &Header) -> Self {
        Replay {
            waiting: header.ordered.then(BTreeMap::new),
            #[cfg(feature = "kick")]
            kick: kick_ws::Replayer::new(
                kick_ws::DecoderOptions::new().include_raw(header.include_raw),
            ),
            #[cfg(feature = "tiktok")]
            tiktok: BTreeMap::new(),
            include_raw: header.include_raw,
        }
    }

    /// The events one recorded line gives.
    pub fn feed(&mut self, frame: Frame) -> Vec<Event> {
        // Without a platform feature, output marks are the only kind of line.
        #[allow(irrefutable_let_patterns)]
        if let Frame::Output { target, sdk, .. } = frame {
            return self.release(target, sdk);
        }
        let decoded = self.decode(frame);
        match &mut self.waiting {
            None => decoded,
            Some(waiting) => {
                for event in decoded {
                    waiting
                        .entry(event.target.clone())
                        .or_default()
                        .push_back(event);
                }
                Vec::new()
            }
        }
    }

    /// The event an output mark stands for.
    fn release(&mut self, target: Target, sdk: Option<live_model::LiveEvent>) -> Vec<Event> {
        if let Some(live) = sdk {
            return vec![Event::new(target, Some(live), crate::Source::Sdk)];
        }
        let next = self
            .waiting
            .as_mut()
            .and_then(|waiting| waiting.get_mut(&target))
            .and_then(VecDeque::pop_front);
        match next {
            Some(event) => vec![event],
            None => {
                tracing::warn!(%target, "an output mark with no decoded event: the recording and the decoders disagree");
                Vec::new()
            }
        }
    }

    fn decode(&mut self, frame: Frame) -> Vec<Event> {
        #[allow(unreachable_patterns)]
        match frame {
            #[cfg(feature = "kick")]
            Frame::Kick(frame) => self
                .kick
                .frame(&frame)
                .into_iter()
                .filter_map(crate::convert::kick)
                .collect(),
            #[cfg(feature = "tiktok")]
            Frame::TikTok { room, input } => {
                use crate::record::TikTokInput;
                let include_raw = self.include_raw;
                let replayer = self.tiktok.entry(room.clone()).or_insert_with(|| {
                    tiktok_webcast::Replayer::new(
                        &room,
                        tiktok_webcast::DecoderOptions::default().include_raw(include_raw),
                    )
                });
                let mut events = Vec::new();
                match input {
                    TikTokInput::Frame { bytes, at } => {
                        if let Err(error) = replayer.frame(bytes, at, &mut events) {
                            tracing::warn!(%room, %error, "undecodable frame skipped");
                        }
                    }
                    TikTokInput::Tick { at } => replayer.tick(at, &mut events),
                    TikTokInput::Lifecycle(event) => replayer.lifecycle(event, &mut events),
                }
                let target = Target::new(Platform::TikTok, &room);
                events
                    .into_iter()
                    .map(|e| crate::convert::tiktok(&target, e))
                    .collect()
            }
            // Only reachable in a build with no platform feature, where no frame exists.
            _ => Vec::new(),
        }
    }

    /// The recording is over: what the decoders still hold. In an ordered recording, events
    /// the live client never delivered stay unreleased (the live consumer stopped before
    /// them).
    pub fn finish(&mut self) -> Vec<Event> {
        if self.waiting.is_some() {
            return Vec::new();
        }
        #[allow(unused_mut)]
        let mut out: Vec<Event> = Vec::new();
        #[cfg(feature = "kick")]
        out.extend(
            self.kick
                .finish()
                .into_iter()
                .filter_map(crate::convert::kick),
        );
        #[cfg(feature = "tiktok")]
        for (room, replayer) in &mut self.tiktok {
            let mut events = Vec::new();
            replayer.finish(&mut events);
            let target = Target::new(Platform::TikTok, room);
            out.extend(
                events
                    .into_iter()
                    .map(|e| crate::convert::tiktok(&target, e)),
            );
        }
        out
    }
}
