use std::io::Write;
use std::sync::{Arc, Mutex};

use live_sdk::record::{self, Header, Recorder};
use live_sdk::{Replay, Target};

use crate::world::World;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Watches the world while recording (with or without output marks); returns the live
/// lines and the recording.
async fn record_a_run(ordered: bool) -> (Vec<String>, Vec<u8>) {
    let world = World::start().await;
    let targets: Vec<Target> = vec![
        "kick:streamer".parse().unwrap(),
        "tiktok:alice_01".parse().unwrap(),
    ];
    let buffer = Buffer::default();
    let mut header = Header::new(true, targets.clone());
    header.ordered = ordered;
    let recorder = Recorder::new(buffer.clone(), &header).unwrap();
    let mut client = world
        .client()
        .include_raw(true)
        .record(recorder.clone())
        .build()
        .unwrap();
    for target in &targets {
        client.add(target.clone()).await.unwrap();
    }
    let mut live = Vec::new();
    let mut chatted = false;
    while let Some(event) = client.next_event().await {
        if let Some(line) = &event.live {
            live.push(line.to_json_line());
        }
        if !chatted
            && event.target == targets[0]
            && event
                .live
                .as_ref()
                .is_some_and(|l| l.kind.as_str() == "connected")
        {
            world.kick_chat("k-1", "recorded");
            chatted = true;
        }
        if event.target == targets[1] && event.ends_target() {
            client.handle().close().await;
        }
    }
    recorder.finish().unwrap();
    let bytes = buffer.0.lock().unwrap().clone();
    (live, bytes)
}

fn replay(bytes: Vec<u8>) -> Vec<String> {
    let (header, frames) = record::read(std::io::Cursor::new(bytes)).unwrap();
    let mut replay = Replay::new(&header);
    let mut replayed = Vec::new();
    for frame in frames {
        for event in replay.feed(frame.unwrap()) {
            if let Some(line) = event.live {
                replayed.push(line.to_json_line());
            }
        }
    }
    for event in replay.finish() {
        if let Some(line) = event.live {
            replayed.push(line.to_json_line());
        }
    }
    replayed
}

#[tokio::test(start_paused = true)]
async fn a_replay_of_a_recording_gives_the_live_lines_exactly() {
    let (live, bytes) = record_a_run(true).await;
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        !text.contains(crate::world::KEY),
        "the recording holds the API key"
    );
    assert!(text.contains("\"source\":\"output\""));
    assert!(live.len() >= 8, "{live:#?}");
    // Line for line, in the live order.
    assert_eq!(replay(bytes), live);
}

#[tokio::test(start_paused = true)]
async fn without_output_marks_each_room_still_replays_exactly() {
    let (live, bytes) = record_a_run(false).await;
    assert!(!String::from_utf8_lossy(&bytes).contains("\"source\":\"output\""));
    let replayed = replay(bytes);
    for room in ["\"room\":\"streamer\"", "\"room\":\"alice_01\""] {
        let mine = |lines: &[String]| -> Vec<String> {
            lines.iter().filter(|l| l.contains(room)).cloned().collect()
        };
        assert_eq!(mine(&replayed), mine(&live), "{room}");
    }
    assert_eq!(replayed.len(), live.len());
}

#[test]
fn bad_recordings_are_typed_errors() {
    assert!(record::read(std::io::Cursor::new("")).is_err());
    assert!(
        record::read(std::io::Cursor::new(
            "{\"live_record\":99,\"created\":\"2026-01-01T00:00:00Z\"}\n"
        ))
        .is_err()
    );
    let (_, frames) = record::read(std::io::Cursor::new(
        "{\"live_record\":1,\"created\":\"2026-01-01T00:00:00Z\"}\nnot json\n{\"t\":\"2026-01-01T00:00:00Z\",\"platform\":\"tiktok\",\"room\":\"a\",\"source\":\"frame\",\"data\":\"!!\"}\n",
    ))
    .unwrap();
    let results: Vec<_> = frames.collect();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.is_err()));
    assert!(
        results[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("line 2")
    );
}
