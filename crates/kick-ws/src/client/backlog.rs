//! What the consumer's buffer had no room for: lifecycle events held back in order, and
//! counts of the other events dropped, delivered before anything new once there is room.
//!
//! Lifecycle events (connected, reconnecting, disconnected, error) are kept because a room's
//! state is not worth losing: watching 5,000 channels sends 5,000 `connected` events in one
//! burst. A drop notice ([`KickEvent::Lagged`]) takes the place of the events it counts, so a
//! room's notice never comes after a lifecycle event that followed its drops.

use std::collections::{HashMap, VecDeque};

use live_model::Timestamp;

use crate::event::{KickEvent, Lagged};

/// Lifecycle events held per watched room (plus a few) before they are dropped too, so a
/// consumer that never reads does not grow the backlog without bound.
const HELD_PER_ROOM: usize = 4;

enum Item {
    Event(KickEvent),
    Dropped { room: Option<String>, count: u64 },
}

#[derive(Default)]
pub(crate) struct Backlog {
    /// Items with their sequence numbers, oldest first.
    items: VecDeque<(u64, Item)>,
    next: u64,
    /// Per room, the drop notice that further drops are added to (`open_roomless` for events
    /// of no room); looked up by `&str`, so counting a drop allocates nothing.
    open: HashMap<String, u64>,
    open_roomless: Option<u64>,
    held: usize,
}

impl Backlog {
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Keeps `event` if it is a lifecycle event and there is room for it; counts it as
    /// dropped otherwise. `rooms` tells how many rooms are watched (asked only for lifecycle
    /// events: a burst of drops must not cost a walk over every room each).
    pub(crate) fn overflow(&mut self, event: KickEvent, rooms: impl FnOnce() -> usize) {
        let lifecycle = matches!(
            event,
            KickEvent::Connected(_)
                | KickEvent::Reconnecting(_)
                | KickEvent::Disconnected(_)
                | KickEvent::Error(_)
        );
        if lifecycle && self.held < HELD_PER_ROOM * rooms() + 16 {
            self.close_notice(event.room());
            self.held += 1;
            self.push(Item::Event(event));
            return;
        }
        let room = event.room();
        let open = match room {
            Some(room) => self.open.get(room).copied(),
            None => self.open_roomless,
        };
        if let Some(seq) = open
            && let Some(front) = self.items.front().map(|(s, _)| *s)
            && let Some((_, Item::Dropped { count, .. })) =
                self.items.get_mut((seq - front) as usize)
        {
            *count += 1;
            return;
        }
        match room {
            Some(room) => {
                self.open.insert(room.to_owned(), self.next);
            }
            None => self.open_roomless = Some(self.next),
        }
        let room = room.map(str::to_owned);
        self.push(Item::Dropped { room, count: 1 });
    }

    /// Later drops of `room` start a new notice.
    fn close_notice(&mut self, room: Option<&str>) {
        match room {
            Some(room) => {
                self.open.remove(room);
            }
            None => self.open_roomless = None,
        }
    }

    fn push(&mut self, item: Item) {
        self.items.push_back((self.next, item));
        self.next += 1;
    }

    /// The oldest item, as the event to deliver (`at`: when a drop notice is delivered).
    pub(crate) fn pop(&mut self, at: Timestamp) -> Option<KickEvent> {
        let (seq, item) = self.items.pop_front()?;
        Some(match item {
            Item::Event(event) => {
                self.held -= 1;
                event
            }
            Item::Dropped { room, count } => {
                let open = match &room {
                    Some(room) => self.open.get(room.as_str()).copied(),
                    None => self.open_roomless,
                };
                if open == Some(seq) {
                    self.close_notice(room.as_deref());
                }
                KickEvent::Lagged(Lagged {
                    room,
                    dropped: count,
                    at,
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Lifecycle;

    /// Any event of the room that is not a lifecycle event.
    fn chat(room: &str) -> KickEvent {
        KickEvent::Lagged(Lagged {
            room: Some(room.to_owned()),
            dropped: 1,
            at: Timestamp::from_unix_nanos(0),
        })
    }

    fn connected(room: &str) -> KickEvent {
        KickEvent::Connected(Lifecycle::new(room, Timestamp::from_unix_nanos(0)))
    }

    fn drain(backlog: &mut Backlog) -> Vec<String> {
        std::iter::from_fn(|| backlog.pop(Timestamp::from_unix_nanos(0)))
            .map(|event| match event {
                KickEvent::Lagged(l) => format!("lagged {:?} {}", l.room, l.dropped),
                KickEvent::Connected(_) => format!("connected {:?}", event.room()),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn lifecycle_events_are_kept_in_order_and_drops_counted_where_they_happened() {
        let mut backlog = Backlog::default();
        backlog.overflow(chat("a"), || 2);
        backlog.overflow(chat("a"), || 2);
        backlog.overflow(connected("a"), || 2);
        backlog.overflow(chat("a"), || 2);
        backlog.overflow(chat("b"), || 2);
        backlog.overflow(connected("b"), || 2);
        backlog.overflow(chat("a"), || 2);
        for _ in 0..2 {
            backlog.overflow(
                KickEvent::Lagged(Lagged {
                    room: None,
                    dropped: 1,
                    at: Timestamp::from_unix_nanos(0),
                }),
                || 2,
            );
        }
        assert_eq!(
            drain(&mut backlog),
            [
                "lagged Some(\"a\") 2",
                "connected Some(\"a\")",
                "lagged Some(\"a\") 2",
                "lagged Some(\"b\") 1",
                "connected Some(\"b\")",
                "lagged None 2",
            ]
        );
        assert!(backlog.is_empty());
    }

    #[test]
    fn held_lifecycle_events_are_bounded() {
        let mut backlog = Backlog::default();
        for _ in 0..100 {
            backlog.overflow(connected("a"), || 1);
        }
        let delivered = drain(&mut backlog);
        assert_eq!(delivered.len(), HELD_PER_ROOM + 16 + 1);
        assert_eq!(
            delivered.last().map(String::as_str),
            Some("lagged Some(\"a\") 80")
        );
    }
}
