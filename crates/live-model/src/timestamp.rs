use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// An instant, written as RFC 3339 in UTC (`2024-10-27T14:11:52Z`, with a fraction only when
/// the instant has one).
///
/// Platforms send times in several shapes; [`Timestamp::parse_lenient`] reads all of those the
/// SDK has met (RFC 3339 with an offset, Laravel's `…000000Z`, `YYYY-MM-DD HH:MM:SS` without a
/// zone, read as UTC, and Unix seconds or milliseconds as digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    unix_nanos: i128,
}

/// A time that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised timestamp {0:?}")]
pub struct ParseTimestampError(String);

/// Unix times above this many seconds are taken to be milliseconds (year 5138 in seconds).
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

impl Timestamp {
    /// The instant `ms` milliseconds after the Unix epoch.
    pub fn from_unix_millis(ms: i64) -> Self {
        Timestamp {
            unix_nanos: i128::from(ms) * 1_000_000,
        }
    }

    /// The instant `s` seconds after the Unix epoch.
    pub fn from_unix_seconds(s: i64) -> Self {
        Timestamp {
            unix_nanos: i128::from(s) * 1_000_000_000,
        }
    }

    /// The instant `ns` nanoseconds after the Unix epoch.
    pub fn from_unix_nanos(ns: i128) -> Self {
        Timestamp { unix_nanos: ns }
    }

    /// The current time of the system clock.
    pub fn now() -> Self {
        Timestamp {
            unix_nanos: OffsetDateTime::now_utc().unix_timestamp_nanos(),
        }
    }

    /// Milliseconds since the Unix epoch (rounded towards negative infinity).
    pub fn unix_millis(self) -> i64 {
        i64::try_from(self.unix_nanos.div_euclid(1_000_000)).unwrap_or(i64::MAX)
    }

    /// Nanoseconds since the Unix epoch.
    pub fn unix_nanos(self) -> i128 {
        self.unix_nanos
    }

    /// Reads an RFC 3339 time (any offset).
    pub fn parse_rfc3339(s: &str) -> Result<Self, ParseTimestampError> {
        OffsetDateTime::parse(s, &Rfc3339)
            .map(|t| Timestamp {
                unix_nanos: t.unix_timestamp_nanos(),
            })
            .map_err(|_| ParseTimestampError(s.to_owned()))
    }

    /// Reads any of the time shapes platforms send (see the type's documentation).
    pub fn parse_lenient(s: &str) -> Result<Self, ParseTimestampError> {
        let trimmed = s.trim();
        if let Ok(t) = Self::parse_rfc3339(trimmed) {
            return Ok(t);
        }
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = trimmed
                .parse()
                .map_err(|_| ParseTimestampError(s.to_owned()))?;
            return Ok(Self::from_unix_guess(n));
        }
        // `2024-02-06 19:10:40` (no zone) and the same with a `T`: read as UTC.
        let normalised = trimmed.replacen(' ', "T", 1);
        let format = time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
        );
        PrimitiveDateTime::parse(&normalised, &format)
            .map(|t| Timestamp {
                unix_nanos: t.assume_offset(UtcOffset::UTC).unix_timestamp_nanos(),
            })
            .map_err(|_| ParseTimestampError(s.to_owned()))
    }

    /// A Unix time in seconds, or in milliseconds when it is too large to be seconds.
    pub fn from_unix_guess(n: i64) -> Self {
        if n.abs() >= MILLIS_THRESHOLD {
            Self::from_unix_millis(n)
        } else {
            Self::from_unix_seconds(n)
        }
    }

    fn to_offset_date_time(self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp_nanos(self.unix_nanos).ok()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self
            .to_offset_date_time()
            .and_then(|t| t.format(&Rfc3339).ok())
        {
            Some(text) => f.write_str(&text),
            // Out of RFC 3339's range (years 0-9999): still say something true.
            None => write!(f, "@{}ns", self.unix_nanos),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse_lenient(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_fraction_only_when_present() {
        assert_eq!(
            Timestamp::from_unix_seconds(1_730_038_312).to_string(),
            "2024-10-27T14:11:52Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(1_730_038_312_120).to_string(),
            "2024-10-27T14:11:52.12Z"
        );
    }

    #[test]
    fn reads_every_platform_shape() {
        let expected = Timestamp::from_unix_seconds(1_730_038_312);
        for text in [
            "2024-10-27T14:11:52+00:00",
            "2024-10-27T16:11:52+02:00",
            "2024-10-27T14:11:52.000000Z",
            "2024-10-27 14:11:52",
            "1730038312",
            "1730038312000",
        ] {
            assert_eq!(Timestamp::parse_lenient(text), Ok(expected), "{text}");
        }
        assert!(Timestamp::parse_lenient("yesterday").is_err());
        assert!(Timestamp::parse_lenient("").is_err());
    }

    #[test]
    fn out_of_range_values_do_not_panic() {
        let far = Timestamp::from_unix_nanos(i128::MAX);
        assert!(far.to_string().starts_with('@'));
        assert_eq!(far.unix_millis(), i64::MAX);
        assert!(Timestamp::parse_lenient("99999999999999999999").is_err());
    }
}
