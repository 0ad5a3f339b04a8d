//! Gunzip with a size cap and a reused inflater: every webcast frame is its own small gzip
//! stream, so one `Decompress` is reset per frame instead of building a decoder (and its 32 KiB
//! window) each time.
//!
//! That `Decompress` is per thread, not per room: zlib-rs allocates 47.5 KiB for it (its state
//! and a 32 KiB window, whatever the window size asked for), which was the largest part of a
//! connection's memory. Nothing of it outlives a frame (it is reset before each one, and a
//! frame is inflated whole), so rooms decoded on the same thread can take turns with one.

use std::cell::RefCell;

use flate2::{Crc, Decompress, FlushDecompress, Status};

use super::CodecError;

/// The first three bytes of a gzip stream (magic and the deflate method).
pub(crate) const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Output space zlib's fast inflate loop needs free at all times (its longest match).
const FAST_LOOP_SLACK: usize = 258;

thread_local! {
    /// Made on the first gzip frame of the thread.
    static DECOMPRESS: RefCell<Option<Decompress>> = const { RefCell::new(None) };
}

/// A gzip inflater (the zlib state it uses is the thread's, see the module documentation).
pub(crate) struct Inflater {
    /// Capacity to start the next output with (the last frame's size), so a stream of similar
    /// frames allocates once per frame and never regrows.
    size_hint: usize,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("size_hint", &self.size_hint)
            .finish_non_exhaustive()
    }
}

impl Inflater {
    pub(crate) fn new() -> Self {
        Inflater { size_hint: 1024 }
    }

    /// Inflates one gzip member; more than `limit` bytes of output is an error, so a
    /// compression bomb costs at most about twice `limit` of memory.
    pub(crate) fn gunzip(&mut self, input: &[u8], limit: usize) -> Result<Vec<u8>, CodecError> {
        DECOMPRESS.with(|shared| match shared.try_borrow_mut() {
            Ok(mut shared) => {
                let decompress = shared.get_or_insert_with(|| Decompress::new(false));
                self.gunzip_with(decompress, input, limit)
            }
            // Not reachable (gunzip does not call itself), but never a panic.
            Err(_) => self.gunzip_with(&mut Decompress::new(false), input, limit),
        })
    }

    fn gunzip_with(
        &mut self,
        decompress: &mut Decompress,
        input: &[u8],
        limit: usize,
    ) -> Result<Vec<u8>, CodecError> {
        let body = deflate_body(input)?;
        decompress.reset(false);
        // The trailer's ISIZE is the exact size (mod 2^32) unless the stream lies; capped, it
        // sizes the buffer in one allocation. Without it, the last frame's size is the guess.
        let declared = input
            .len()
            .checked_sub(4)
            .and_then(|at| input.get(at..))
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        // 258 bytes past the end (the longest match): zlib decodes with its fast loop only while
        // that much output space is left, so an exact-size buffer would leave the last 258
        // bytes of every frame to its slow loop (about 12% more instructions on a 1.5 KiB frame).
        let guess = declared
            .unwrap_or(self.size_hint)
            .saturating_add(FAST_LOOP_SLACK);
        let mut out: Vec<u8> =
            Vec::with_capacity(guess.clamp(256, limit.saturating_add(1).max(256)));
        let mut consumed = 0usize;
        loop {
            if out.len() > limit {
                return Err(CodecError::TooLarge { limit });
            }
            if out.len() == out.capacity() {
                let extra = out.len().max(1024).min(limit + 1 - out.len().min(limit));
                out.reserve(extra.max(1));
            }
            // `Finish`: the whole member is here, so zlib can skip maintaining its 32 KiB window
            // when the output fits (it does: the buffer is sized from ISIZE).
            let (in_before, out_before) = (decompress.total_in(), decompress.total_out());
            let status = decompress
                .decompress_vec(&body[consumed..], &mut out, FlushDecompress::Finish)
                .map_err(|e| CodecError::Gzip(e.to_string()))?;
            consumed += (decompress.total_in() - in_before) as usize;
            match status {
                Status::StreamEnd => break,
                Status::Ok | Status::BufError => {
                    let stalled =
                        decompress.total_in() == in_before && decompress.total_out() == out_before;
                    if stalled && (consumed >= body.len() || out.len() < out.capacity()) {
                        return Err(CodecError::Gzip("the stream is truncated".to_owned()));
                    }
                }
            }
        }
        if out.len() > limit {
            return Err(CodecError::TooLarge { limit });
        }
        let trailer = body
            .get(consumed..consumed + 8)
            .ok_or_else(|| CodecError::Gzip("the trailer is missing".to_owned()))?;
        let expected_crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let expected_len = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        let mut crc = Crc::new();
        crc.update(&out);
        if crc.sum() != expected_crc || expected_len != out.len() as u32 {
            return Err(CodecError::Gzip("the checksum does not match".to_owned()));
        }
        self.size_hint = out.len();
        Ok(out)
    }
}

/// The deflate stream (and trailer) after a gzip member's header (RFC 1952 §2.3).
fn deflate_body(data: &[u8]) -> Result<&[u8], CodecError> {
    const FHCRC: u8 = 0x02;
    const FEXTRA: u8 = 0x04;
    const FNAME: u8 = 0x08;
    const FCOMMENT: u8 = 0x10;
    let bad = |why: &str| CodecError::Gzip(why.to_owned());
    if data.len() < 18 || data[..3] != GZIP_MAGIC {
        return Err(bad("not a gzip stream"));
    }
    let flags = data[3];
    let mut at = 10usize;
    if flags & FEXTRA != 0 {
        let len = data
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
            .ok_or_else(|| bad("the header is truncated"))?;
        at += 2 + len;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let end = data
                .get(at..)
                .and_then(|rest| rest.iter().position(|&b| b == 0))
                .ok_or_else(|| bad("the header is truncated"))?;
            at += end + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    data.get(at..).ok_or_else(|| bad("the header is truncated"))
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
