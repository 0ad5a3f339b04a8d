//! [`Str`]: the string type of message fields.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use arrayvec::ArrayString;
use bytes::Bytes;
use bytestring::ByteString;
use serde::{Serialize, Serializer};

/// An immutable UTF-8 string that costs no allocation to decode: short ones (up to 30 bytes:
/// names, ids, keys) are stored inline, longer ones (URLs, chat text) share the buffer of the
/// frame they were decoded from. A message with a user carries a dozen strings, so a `String`
/// per field made allocation the largest cost of decoding. It dereferences to `str`, compares
/// with `&str` and `String`, and serializes as a plain string.
///
/// A long one keeps the buffer of its batch of messages (the inflated payload of one frame, a
/// few KiB) alive while it lives; call `to_string()` (or `String::from`) to keep a copy of its
/// own instead.
///
/// ```
/// use tiktok_webcast::messages::{ChatMessage, Str};
///
/// let mut chat = ChatMessage::default();
/// chat.content = Str::from("hello");
/// assert_eq!(chat.content, "hello");
/// assert_eq!(chat.content.len(), 5);
/// let owned: String = chat.content.to_string();
/// # assert_eq!(owned, "hello");
/// ```
#[derive(Clone)]
pub struct Str(Repr);

/// The longest string stored inline (the inline form is then no larger than the shared one
/// plus its tag).
const INLINE: usize = 30;

#[derive(Clone)]
enum Repr {
    Inline(ArrayString<INLINE>),
    Shared(ByteString),
}

impl Str {
    /// The empty string (no allocation).
    pub const fn new() -> Self {
        Str(Repr::Inline(ArrayString::new_const()))
    }

    /// A string from a `&'static str`, without copying it.
    pub const fn from_static(text: &'static str) -> Self {
        Str(Repr::Shared(ByteString::from_static(text)))
    }

    /// A string from `bytes` when they are UTF-8: short ones are copied inline, longer ones
    /// keep sharing `bytes`.
    pub fn from_utf8(bytes: Bytes) -> Result<Self, std::str::Utf8Error> {
        if bytes.len() <= INLINE {
            return std::str::from_utf8(&bytes).map(Str::inline);
        }
        ByteString::try_from(bytes).map(|s| Str(Repr::Shared(s)))
    }

    /// `buf[start..end]` when it is UTF-8, sharing `buf` only when it is too long to inline
    /// (short strings then cost no reference count either).
    #[cfg(test)]
    pub(crate) fn from_slice_of(
        buf: &Bytes,
        start: usize,
        end: usize,
    ) -> Result<Self, std::str::Utf8Error> {
        let mut text = Str::new();
        text.assign_slice_of(buf, start, end)?;
        Ok(text)
    }

    /// Sets `self` to `buf[start..end]` when it is UTF-8 (else leaves it as it was). A short
    /// string is written in place: building it aside and moving it in made every store of
    /// the copy stall the loads of the move.
    pub(crate) fn assign_slice_of(
        &mut self,
        buf: &Bytes,
        start: usize,
        end: usize,
    ) -> Result<(), std::str::Utf8Error> {
        let slice = buf.get(start..end).unwrap_or_default();
        if slice.len() > INLINE {
            self.0 = Repr::Shared(ByteString::try_from(buf.slice(start..end))?);
            return Ok(());
        }
        let text = std::str::from_utf8(slice)?;
        if let Repr::Inline(inline) = &mut self.0 {
            inline.clear();
            if inline.try_push_str(text).is_ok() {
                return Ok(());
            }
        }
        *self = Str::inline(text);
        Ok(())
    }

    /// `text` inline when it fits, else in a buffer of its own.
    fn inline(text: &str) -> Self {
        match ArrayString::from(text) {
            Ok(inline) => Str(Repr::Inline(inline)),
            Err(_) => Str(Repr::Shared(ByteString::from(text))),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline(s) => s.as_str(),
            Repr::Shared(s) => s,
        }
    }
}

impl Default for Str {
    fn default() -> Self {
        Str::new()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Str {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Str {
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl From<&str> for Str {
    fn from(text: &str) -> Self {
        Str::inline(text)
    }
}

impl From<String> for Str {
    fn from(text: String) -> Self {
        if text.len() <= INLINE {
            Str::inline(&text)
        } else {
            Str(Repr::Shared(ByteString::from(text)))
        }
    }
}

impl From<Str> for String {
    fn from(text: Str) -> Self {
        match text.0 {
            Repr::Inline(s) => s.as_str().to_owned(),
            Repr::Shared(s) => String::from(s),
        }
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_the_buffer_and_behaves_like_a_string() {
        let frame = Bytes::from_static("héllo world, and a long tail after it".as_bytes());
        let long = Str::from_slice_of(&frame, 0, frame.len()).unwrap();
        assert_eq!(long.as_ptr(), frame.as_ptr(), "no copy");
        assert_eq!(std::mem::size_of::<Str>(), 40);
        let word = Str::from_slice_of(&frame, 0, 6).unwrap();
        assert_ne!(word.as_ptr(), frame.as_ptr(), "inline");
        assert_eq!(word, Str::from_utf8(frame.slice(0..6)).unwrap());
        assert_eq!(word, "héllo");
        assert!(Str::from_slice_of(&frame, 0, 2).is_err(), "cut inside é");
        assert_eq!(format!("{word} {word:?}"), "héllo \"héllo\"");
        assert_eq!(serde_json::to_string(&word).unwrap(), "\"héllo\"");
        assert_eq!(String::from(word.clone()), "héllo");
        assert!(Str::from_utf8(Bytes::from_static(&[0xff])).is_err());
        assert_eq!(Str::new(), "");
        assert_eq!(Str::from("a"), Str::from(String::from("a")));
        let long = "x".repeat(INLINE + 1);
        assert_eq!(Str::from(long.as_str()), Str::from(long.clone()));
        assert_eq!(String::from(Str::from(long.clone())), long);
        assert_eq!(Str::from_static("héllo"), word);
    }
}
