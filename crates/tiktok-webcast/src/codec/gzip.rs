//! Gunzip with a size cap, through libdeflate (the `libdeflater` crate).
//!
//! Every webcast frame is its own small gzip stream (1–5 messages, about 1.5 KiB inflated),
//! so the cost is per stream, not per byte: zlib-rs rebuilt its Huffman tables and went
//! through its streaming state machine for each frame (3.1 µs of a 5.7 µs decode), where
//! libdeflate's one-shot decoder, which needs the whole member and an output buffer of the
//! final size, does neither. The gzip trailer states that size (ISIZE), so the output buffer
//! is allocated once, exactly, and a stream that declares more than the cap is refused before
//! any work: a compression bomb costs nothing. A stream that inflates to more than it declared
//! is corrupt and refused when the buffer is full.
//!
//! The decompressor (about 11 KiB) is per thread, not per room: nothing of it outlives a
//! frame, so rooms decoded on the same thread take turns with one.

use std::cell::RefCell;

use libdeflater::{DecompressionError, Decompressor};

use super::CodecError;

/// The first three bytes of a gzip stream (magic and the deflate method).
pub(crate) const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A gzip header (10 bytes), an empty deflate block and the trailer (8 bytes) at the least.
const SMALLEST_MEMBER: usize = 18;

thread_local! {
    /// Made on the first gzip frame of the thread.
    static DECOMPRESSOR: RefCell<Option<Decompressor>> = const { RefCell::new(None) };
}

/// A gzip inflater (the decompressor it uses is the thread's, see the module documentation).
#[derive(Debug)]
pub(crate) struct Inflater {
    _private: (),
}

impl Inflater {
    pub(crate) fn new() -> Self {
        Inflater { _private: () }
    }

    /// Inflates one gzip member; a member that declares or inflates to more than `limit`
    /// bytes is an error, and no more than `limit` bytes are ever allocated for it.
    pub(crate) fn gunzip(&mut self, input: &[u8], limit: usize) -> Result<Vec<u8>, CodecError> {
        let bad = |why: &str| CodecError::Gzip(why.to_owned());
        if input.len() < SMALLEST_MEMBER || input[..3] != GZIP_MAGIC {
            return Err(bad("not a gzip stream"));
        }
        let trailer = &input[input.len() - 4..];
        let declared = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let declared = usize::try_from(declared).unwrap_or(usize::MAX);
        if declared > limit {
            return Err(CodecError::TooLarge { limit });
        }
        let mut out = vec![0u8; declared];
        let result = DECOMPRESSOR.with(|shared| match shared.try_borrow_mut() {
            Ok(mut shared) => shared
                .get_or_insert_with(Decompressor::new)
                .gzip_decompress(input, &mut out),
            // Not reachable (gunzip does not call itself), but never a panic.
            Err(_) => Decompressor::new().gzip_decompress(input, &mut out),
        });
        match result {
            // libdeflate has checked the CRC and that ISIZE matches what it wrote.
            Ok(written) => {
                out.truncate(written);
                Ok(out)
            }
            Err(DecompressionError::InsufficientSpace) => {
                Err(bad("the stream inflates to more than its trailer declares"))
            }
            Err(DecompressionError::BadData) => Err(bad(
                "the stream is corrupt, truncated or fails its checksum",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn inflates_and_reuses_the_state() {
        let mut inflater = Inflater::new();
        for text in [&b"hello world"[..], &[7u8; 5000][..], b""] {
            assert_eq!(inflater.gunzip(&gzip(text), 1 << 20).unwrap(), text);
        }
    }

    #[test]
    fn inflaters_of_one_thread_take_turns_with_its_state() {
        let (mut a, mut b) = (Inflater::new(), Inflater::new());
        let bomb = gzip(&vec![0u8; 1 << 20]);
        for round in 0..3u8 {
            let text = vec![round; 2000];
            assert_eq!(a.gunzip(&gzip(&text), 1 << 21).unwrap(), text);
            // A failure in one room leaves nothing behind for the other.
            assert!(b.gunzip(&bomb, 1 << 10).is_err());
            assert_eq!(b.gunzip(&gzip(b"room b"), 1 << 21).unwrap(), b"room b");
        }
        let other_thread = std::thread::spawn(move || a.gunzip(&gzip(b"moved"), 1 << 10));
        assert_eq!(other_thread.join().unwrap().unwrap(), b"moved");
    }

    #[test]
    fn refuses_bombs_truncation_and_bad_checksums() {
        let mut inflater = Inflater::new();
        let bomb = gzip(&vec![0u8; 10 << 20]);
        assert_eq!(
            inflater.gunzip(&bomb, 1 << 20),
            Err(CodecError::TooLarge { limit: 1 << 20 })
        );
        let good = gzip(b"some payload that is long enough");
        for cut in [good.len() - 1, good.len() - 9, 12, 3] {
            assert!(inflater.gunzip(&good[..cut], 1 << 20).is_err(), "{cut}");
        }
        let mut corrupt = good.clone();
        let n = corrupt.len();
        corrupt[n - 6] ^= 0xff;
        assert!(inflater.gunzip(&corrupt, 1 << 20).is_err());
        // And it still works afterwards.
        assert_eq!(
            inflater.gunzip(&good, 1 << 20).unwrap(),
            b"some payload that is long enough"
        );
    }
}
