//! A protobuf reader that decodes straight into the crate's own structs: no intermediate
//! generated struct to build, move and drop, and strings and bytes that share the frame's
//! buffer instead of being copied into allocations of their own (a message with a user held
//! about a dozen heap strings; now it holds reference counts on one buffer).
//!
//! It accepts exactly what prost accepts (the generated code is still the schema's reference:
//! a unit test decodes the same inputs, valid and mutated, both ways and compares), so moving
//! the hot path here changed no behaviour.

use std::fmt;

use bytes::Bytes;

/// How deep messages and groups may nest (prost's limit too).
const RECURSION_LIMIT: u32 = 100;

/// Why bytes are not a valid encoding of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WireError(&'static str);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to decode Protobuf message: {}", self.0)
    }
}

/// The wire type of a field (the low three bits of its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WireType {
    Varint,
    Fixed64,
    Len,
    StartGroup,
    EndGroup,
    Fixed32,
}

impl WireType {
    pub(crate) fn expect(self, wanted: WireType) -> Result<(), WireError> {
        if self == wanted {
            Ok(())
        } else {
            Err(WireError("invalid wire type"))
        }
    }
}

/// A cursor over one message inside a shared buffer: `buf[pos..end]`.
pub(crate) struct Reader<'a> {
    buf: &'a Bytes,
    /// `buf`'s bytes, so reading a byte is one load less.
    data: &'a [u8],
    pos: usize,
    end: usize,
    /// Nesting levels left before the recursion limit.
    depth: u32,
}

impl<'a> Reader<'a> {
    /// A reader over the whole of `buf`.
    pub(crate) fn new(buf: &'a Bytes) -> Self {
        Reader {
            buf,
            data: buf,
            pos: 0,
            end: buf.len(),
            depth: RECURSION_LIMIT,
        }
    }

    fn remaining(&self) -> usize {
        self.end - self.pos
    }

    #[inline]
    fn varint(&mut self) -> Result<u64, WireError> {
        // Most varints on this wire (keys, lengths, flags) are one byte.
        if self.pos < self.end
            && let Some(&byte) = self.data.get(self.pos)
            && byte < 0x80
        {
            self.pos += 1;
            return Ok(u64::from(byte));
        }
        self.long_varint()
    }

    #[inline(never)]
    fn long_varint(&mut self) -> Result<u64, WireError> {
        let bytes = self.data.get(self.pos..self.end).unwrap_or_default();
        let mut value = 0u64;
        for (i, &byte) in bytes.iter().take(10).enumerate() {
            if i == 9 && byte > 1 {
                // More than 64 bits.
                return Err(WireError("invalid varint"));
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte < 0x80 {
                self.pos += i + 1;
                return Ok(value);
            }
        }
        Err(WireError("invalid varint"))
    }

    /// The next field's tag and wire type, `None` at the end of the message.
    #[inline]
    pub(crate) fn key(&mut self) -> Result<Option<(u32, WireType)>, WireError> {
        if self.pos >= self.end {
            return Ok(None);
        }
        let key = self.varint()?;
        let key = u32::try_from(key).map_err(|_| WireError("invalid key value"))?;
        let wire_type = match key & 7 {
            0 => WireType::Varint,
            1 => WireType::Fixed64,
            2 => WireType::Len,
            3 => WireType::StartGroup,
            4 => WireType::EndGroup,
            5 => WireType::Fixed32,
            _ => return Err(WireError("invalid wire type value")),
        };
        let tag = key >> 3;
        if tag == 0 {
            return Err(WireError("invalid tag value: 0"));
        }
        Ok(Some((tag, wire_type)))
    }

    /// The bounds of a length-delimited value, consumed.
    #[inline]
    fn len_delimited(&mut self) -> Result<(usize, usize), WireError> {
        let len = self.varint()?;
        if len > self.remaining() as u64 {
            return Err(WireError("buffer underflow"));
        }
        let start = self.pos;
        self.pos += len as usize;
        Ok((start, self.pos))
    }

    /// A length-delimited value as a slice of the shared buffer (no copy).
    fn bytes(&mut self) -> Result<Bytes, WireError> {
        let (start, end) = self.len_delimited()?;
        Ok(if start == end {
            Bytes::new()
        } else {
            self.buf.slice(start..end)
        })
    }

    /// Skips a field this version does not read.
    pub(crate) fn skip(&mut self, tag: u32, wire_type: WireType) -> Result<(), WireError> {
        let len = match wire_type {
            WireType::Varint => {
                self.varint()?;
                0
            }
            WireType::Fixed32 => 4,
            WireType::Fixed64 => 8,
            WireType::Len => self.varint()?,
            WireType::StartGroup => {
                self.depth = self
                    .depth
                    .checked_sub(1)
                    .ok_or(WireError("recursion limit reached"))?;
                loop {
                    let Some((inner, inner_type)) = self.key()? else {
                        return Err(WireError("buffer underflow"));
                    };
                    if inner_type == WireType::EndGroup {
                        if inner != tag {
                            return Err(WireError("unexpected end group tag"));
                        }
                        break;
                    }
                    self.skip(inner, inner_type)?;
                }
                self.depth += 1;
                0
            }
            WireType::EndGroup => return Err(WireError("unexpected end group tag")),
        };
        if len > self.remaining() as u64 {
            return Err(WireError("buffer underflow"));
        }
        self.pos += len as usize;
        Ok(())
    }

    /// Decodes an embedded message into `message` (merging, as protobuf does when a message
    /// field occurs twice).
    pub(crate) fn nested<T: Decode>(&mut self, message: &mut T) -> Result<(), WireError> {
        let (start, end) = self.len_delimited()?;
        let depth = self
            .depth
            .checked_sub(1)
            .ok_or(WireError("recursion limit reached"))?;
        let mut inner = Reader {
            buf: self.buf,
            data: self.data,
            pos: start,
            end,
            depth,
        };
        merge(message, &mut inner)
    }
}

/// A message this reader can fill.
pub(crate) trait Decode: Default {
    /// Reads the value of field `tag` (its key already read) into `self`; unknown tags are
    /// skipped.
    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        reader: &mut Reader<'_>,
    ) -> Result<(), WireError>;
}

/// Reads every field of the reader's message into `message`.
pub(crate) fn merge<T: Decode>(message: &mut T, reader: &mut Reader<'_>) -> Result<(), WireError> {
    while let Some((tag, wire_type)) = reader.key()? {
        message.merge_field(tag, wire_type, reader)?;
    }
    Ok(())
}

/// Decodes a whole buffer as one message.
pub(crate) fn decode<T: Decode>(buf: &Bytes) -> Result<T, WireError> {
    let mut message = T::default();
    merge(&mut message, &mut Reader::new(buf))?;
    Ok(message)
}

/// A field type: how one occurrence of the field updates the value (scalars and strings are
/// replaced, messages merged, repeated fields appended).
pub(crate) trait Field {
    fn merge_value(
        &mut self,
        wire_type: WireType,
        reader: &mut Reader<'_>,
    ) -> Result<(), WireError>;
}

impl Field for i64 {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        wire_type.expect(WireType::Varint)?;
        *self = r.varint()? as i64;
        Ok(())
    }
}

impl Field for i32 {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        wire_type.expect(WireType::Varint)?;
        *self = r.varint()? as i32;
        Ok(())
    }
}

impl Field for bool {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        wire_type.expect(WireType::Varint)?;
        *self = r.varint()? != 0;
        Ok(())
    }
}

impl Field for Bytes {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        wire_type.expect(WireType::Len)?;
        *self = r.bytes()?;
        Ok(())
    }
}

impl Field for Vec<u8> {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        wire_type.expect(WireType::Len)?;
        let (start, end) = r.len_delimited()?;
        self.clear();
        self.extend_from_slice(r.data.get(start..end).unwrap_or_default());
        Ok(())
    }
}

impl Field for crate::messages::Str {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        wire_type.expect(WireType::Len)?;
        let (start, end) = r.len_delimited()?;
        self.assign_slice_of(r.buf, start, end)
            .map_err(|_| WireError("invalid string value: data is not UTF-8 encoded"))?;
        Ok(())
    }
}

impl<T: Decode> Field for Option<T> {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        wire_type.expect(WireType::Len)?;
        r.nested(self.get_or_insert_with(T::default))
    }
}

/// Large, often absent sub-messages are boxed so the messages holding them stay small.
impl<T: Decode> Decode for Box<T> {
    fn merge_field(&mut self, tag: u32, wt: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        (**self).merge_field(tag, wt, r)
    }
}

/// Repeated fields: one element per occurrence (and packed runs for numbers).
pub(crate) trait Element: Sized {
    fn push_value(
        list: &mut Vec<Self>,
        wire_type: WireType,
        reader: &mut Reader<'_>,
    ) -> Result<(), WireError>;
}

impl<T: Element> Field for Vec<T> {
    fn merge_value(&mut self, wire_type: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        T::push_value(self, wire_type, r)
    }
}

impl<T: Decode> Element for T {
    fn push_value(
        list: &mut Vec<Self>,
        wire_type: WireType,
        r: &mut Reader<'_>,
    ) -> Result<(), WireError> {
        wire_type.expect(WireType::Len)?;
        let mut message = T::default();
        r.nested(&mut message)?;
        list.push(message);
        Ok(())
    }
}

impl Element for crate::messages::Str {
    fn push_value(
        list: &mut Vec<Self>,
        wire_type: WireType,
        r: &mut Reader<'_>,
    ) -> Result<(), WireError> {
        list.push(crate::messages::Str::new());
        let pushed = list.last_mut().ok_or(WireError("unreachable"))?;
        pushed.merge_value(wire_type, r).inspect_err(|_| {
            list.pop();
        })
    }
}

impl Element for i64 {
    fn push_value(
        list: &mut Vec<Self>,
        wire_type: WireType,
        r: &mut Reader<'_>,
    ) -> Result<(), WireError> {
        if wire_type == WireType::Len {
            // Packed: varints back to back.
            let (start, end) = r.len_delimited()?;
            let mut packed = Reader {
                buf: r.buf,
                data: r.data,
                pos: start,
                end,
                depth: r.depth,
            };
            while packed.pos < packed.end {
                list.push(packed.varint()? as i64);
            }
            Ok(())
        } else {
            wire_type.expect(WireType::Varint)?;
            list.push(r.varint()? as i64);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Pair {
        a: i64,
        b: crate::messages::Str,
        list: Vec<i64>,
    }

    impl Decode for Pair {
        fn merge_field(
            &mut self,
            tag: u32,
            wire_type: WireType,
            r: &mut Reader<'_>,
        ) -> Result<(), WireError> {
            match tag {
                1 => self.a.merge_value(wire_type, r),
                2 => self.b.merge_value(wire_type, r),
                3 => self.list.merge_value(wire_type, r),
                _ => r.skip(tag, wire_type),
            }
        }
    }

    fn pair(bytes: &[u8]) -> Result<Pair, WireError> {
        decode(&Bytes::copy_from_slice(bytes))
    }

    #[test]
    fn reads_scalars_strings_packed_and_unpacked_lists_and_skips_the_rest() {
        // a=150, b="hi", list packed [1, 300], list unpacked 5, unknown fixed32, group 9.
        let bytes = [
            0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1a, 0x03, 0x01, 0xac, 0x02, 0x18, 0x05,
            0x25, 1, 2, 3, 4, 0x4b, 0x08, 0x01, 0x4c,
        ];
        let p = pair(&bytes).unwrap();
        assert_eq!((p.a, p.b.as_str(), p.list), (150, "hi", vec![1, 300, 5]));
    }

    #[test]
    fn refuses_what_prost_refuses() {
        for bad in [
            &[0x08][..],         // truncated varint
            &[0x12, 0x05, b'a'], // length past the end
            &[0x12, 0x01, 0xff], // not UTF-8
            &[0x0a, 0x00],       // wrong wire type for an int64
            &[0x00, 0x00],       // tag 0
            &[0x0e],             // wire type 6
            &[0x4c],             // end group without a start
            &[0x4b, 0x54],       // group closed by another tag
            &[0x4b],             // unterminated group
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
            ], // > 64 bits
        ] {
            assert!(pair(bad).is_err(), "{bad:02x?}");
        }
    }

    #[test]
    fn deep_groups_hit_the_recursion_limit() {
        let mut bytes = vec![0x4b; 200];
        bytes.extend(std::iter::repeat_n(0x4c, 200));
        assert_eq!(
            pair(&bytes).unwrap_err().to_string(),
            "failed to decode Protobuf message: recursion limit reached"
        );
    }
}
