//! Time stamps and ids of the demo: derived from the show's start and the cue's number only,
//! so a show started at the same time is the same show, byte for byte.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, now (0 if the clock is before 1970).
pub(crate) fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `ms` as a duration (negative values are zero).
pub(crate) fn ms(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// The civil date (year, month, day) of a day number since 1970-01-01 (H. Hinnant's
/// `civil_from_days`, exact for every date of the proleptic Gregorian calendar).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn parts(unix_ms: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let secs = unix_ms.div_euclid(1000);
    let millis = unix_ms.rem_euclid(1000);
    let (year, month, day) = civil(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    (
        year,
        month,
        day,
        tod / 3600,
        tod % 3600 / 60,
        tod % 60,
        millis,
    )
}

/// `2026-11-23T18:05:00+00:00`: how Kick stamps chat messages.
pub(crate) fn rfc3339(unix_ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(unix_ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

/// `2026-11-23T18:05:00.123000Z`: Laravel's stamp (Kicks gifts).
pub(crate) fn laravel(unix_ms: i64) -> String {
    let (y, mo, d, h, mi, s, millis) = parts(unix_ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{millis:03}000Z")
}

/// A well-mixed 64-bit value of `x` (splitmix64's finaliser).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A version-4-shaped UUID that depends only on (`round`, `n`): Kick's message ids.
pub(crate) fn uuid(round: u64, n: u64) -> String {
    let hi = mix(round.wrapping_mul(0x1_0000_0001) ^ n ^ 0x6b69_636b);
    let lo = mix(hi ^ n.rotate_left(17));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_calendar_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00+00:00");
        // 2026-11-23T18:05:07.089Z
        assert_eq!(rfc3339(1_795_457_107_089), "2026-11-23T18:05:07+00:00");
        assert_eq!(laravel(1_795_457_107_089), "2026-11-23T18:05:07.089000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00+00:00");
        assert_eq!(rfc3339(-1000), "1969-12-31T23:59:59+00:00");
    }

    #[test]
    fn ids_are_stable_distinct_uuids() {
        assert_eq!(uuid(0, 1), uuid(0, 1));
        assert_ne!(uuid(0, 1), uuid(0, 2));
        assert_ne!(uuid(0, 1), uuid(1, 1));
        let id = uuid(3, 9);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }
}
