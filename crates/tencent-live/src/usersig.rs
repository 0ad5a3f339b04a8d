//! UserSig v2 (TLSSigAPIv2): the credential every Tencent Cloud Chat REST call carries.
//!
//! A UserSig is a small JSON document (`TLS.ver`, `TLS.identifier`, `TLS.sdkappid`,
//! `TLS.expire`, `TLS.time`, optional `TLS.userbuf`, `TLS.sig`), zlib-compressed (RFC 1950) and
//! base64-encoded with `+`→`*`, `/`→`-`, `=`→`_`. `TLS.sig` is the standard base64 of
//! HMAC-SHA256(key, text) where the text has one `name:value\n` line per field:
//!
//! ```text
//! TLS.identifier:{identifier}
//! TLS.sdkappid:{sdkappid}
//! TLS.time:{time}
//! TLS.expire:{expire}
//! TLS.userbuf:{base64 of the userbuf}     (only with a userbuf)
//! ```
//!
//! [`UserSigSigner`] makes and verifies them with an injectable [`Clock`]; verification runs
//! the official verifier's checks in its order, each failure its own [`Error`] variant. The
//! key is a [`Secret`] and a made UserSig is a [`UserSig`]: neither ever prints.
//!
//! ```
//! use tencent_live::usersig::UserSigSigner;
//! use tencent_live::ManualClock;
//!
//! let signer = UserSigSigner::new(1400000000, "my app key").with_clock(ManualClock::new(1_700_000_000));
//! let sig = signer.sign("administrator", 86_400)?;
//! let info = signer.verify(sig.expose(), "administrator")?;
//! assert_eq!(info.expires_at(), 1_700_086_400);
//! # Ok::<(), tencent_live::Error>(())
//! ```

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, PAD_INDIFFERENT, STANDARD};
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hmac::{Hmac, KeyInit, Mac};
use live_http::Secret;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::clock::{Clock, SystemClock};
use crate::error::Error;

/// The validity the official libraries default to: 180 days.
pub const DEFAULT_EXPIRE_SECS: u64 = 180 * 86_400;

/// The longest UserSig accepted for decoding (real ones are a few hundred bytes).
pub const MAX_USERSIG_LEN: usize = 16 * 1024;

/// The most a UserSig may inflate to: anything larger is a compression bomb, not a UserSig.
pub const MAX_INFLATED_LEN: usize = 64 * 1024;

/// Identifiers are at most this long (Tencent's UserID rule).
pub const MAX_IDENTIFIER_LEN: usize = 32;

/// Standard alphabet, padding optional: decoding accepts what any official library wrote.
const LENIENT_STANDARD: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, PAD_INDIFFERENT);

type HmacSha256 = Hmac<Sha256>;

/// A UserSig: secret (it grants what its identifier may do, an administrator's in the REST
/// API), so it never prints. [`UserSig::expose`] gives the string to send.
#[derive(Clone)]
pub struct UserSig {
    value: Secret,
    identifier: String,
    sdkappid: u64,
    time: u64,
    expire: u64,
}

impl UserSig {
    /// The UserSig itself, for the `usersig` query parameter. Never log it.
    pub fn expose(&self) -> &str {
        self.value.expose()
    }

    /// The UserSig as a [`Secret`].
    pub fn secret(&self) -> &Secret {
        &self.value
    }

    /// The identifier it was made for.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The SDKAppID it was made for.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// When it was made (`TLS.time`, Unix seconds).
    pub fn time(&self) -> u64 {
        self.time
    }

    /// Its validity in seconds (`TLS.expire`).
    pub fn expire(&self) -> u64 {
        self.expire
    }

    /// The last second it is valid (`TLS.time + TLS.expire`).
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }
}

impl fmt::Debug for UserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSig")
            .field("value", &self.value)
            .field("identifier", &self.identifier)
            .field("sdkappid", &self.sdkappid)
            .field("time", &self.time)
            .field("expire", &self.expire)
            .finish()
    }
}

/// The fields of a decoded UserSig. `TLS.sig` is kept but never printed: with the other fields
/// it rebuilds the UserSig.
#[derive(Clone, PartialEq, Eq)]
pub struct UserSigInfo {
    version: String,
    identifier: String,
    sdkappid: u64,
    expire: u64,
    time: u64,
    userbuf: Option<Vec<u8>>,
    sig: Secret,
}

impl UserSigInfo {
    /// `TLS.ver` (`"2.0"`; empty when absent).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `TLS.identifier`.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// `TLS.sdkappid`.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// `TLS.expire`, seconds.
    pub fn expire(&self) -> u64 {
        self.expire
    }

    /// `TLS.time`, Unix seconds.
    pub fn time(&self) -> u64 {
        self.time
    }

    /// `TLS.time + TLS.expire`: the last valid second.
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }

    /// The decoded `TLS.userbuf` bytes, when present.
    pub fn userbuf(&self) -> Option<&[u8]> {
        self.userbuf.as_deref()
    }

    /// `TLS.sig`: standard base64 of the HMAC-SHA256. Secret: it rebuilds the UserSig.
    pub fn sig(&self) -> &Secret {
        &self.sig
    }
}

impl fmt::Debug for UserSigInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSigInfo")
            .field("version", &self.version)
            .field("identifier", &self.identifier)
            .field("sdkappid", &self.sdkappid)
            .field("expire", &self.expire)
            .field("time", &self.time)
            .field("userbuf_len", &self.userbuf.as_ref().map(Vec::len))
            .field("sig", &self.sig)
            .finish()
    }
}

/// Makes and verifies UserSigs for one SDKAppID and key.
#[derive(Clone)]
pub struct UserSigSigner {
    sdkappid: u64,
    key: Secret,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for UserSigSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSigSigner")
            .field("sdkappid", &self.sdkappid)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl UserSigSigner {
    /// A signer for `sdkappid` with the app's secret key (its UTF-8 bytes are the HMAC key),
    /// reading the system clock.
    pub fn new(sdkappid: u64, key: impl Into<Secret>) -> Self {
        UserSigSigner {
            sdkappid,
            key: key.into(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the time from `clock` instead of the system clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Reads the time from a shared clock.
    #[must_use]
    pub fn with_shared_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The SDKAppID.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// The current time of the signer's clock.
    pub fn now(&self) -> u64 {
        self.clock.now_unix()
    }

    /// A UserSig for `identifier`, valid for `expire` seconds from now.
    pub fn sign(&self, identifier: &str, expire: u64) -> Result<UserSig, Error> {
        self.sign_at(identifier, expire, self.now(), None)
    }

    /// A UserSig carrying `userbuf` (TRTC's PrivateMapKey, for example).
    pub fn sign_with_userbuf(
        &self,
        identifier: &str,
        expire: u64,
        userbuf: &[u8],
    ) -> Result<UserSig, Error> {
        self.sign_at(identifier, expire, self.now(), Some(userbuf))
    }

    fn sign_at(
        &self,
        identifier: &str,
        expire: u64,
        time: u64,
        userbuf: Option<&[u8]>,
    ) -> Result<UserSig, Error> {
        check_identifier(identifier)?;
        if self.key.is_empty() {
            return Err(Error::Config("the app key is empty".to_owned()));
        }
        let userbuf_b64 = userbuf.map(|b| STANDARD.encode(b));
        let sig = self.hmac_base64(identifier, time, expire, userbuf_b64.as_deref())?;
        let document = Document {
            ver: "2.0",
            identifier,
            sdkappid: self.sdkappid,
            expire,
            time,
            userbuf: userbuf_b64.as_deref(),
            sig: &sig,
        };
        let json = serde_json::to_vec(&document).map_err(|e| {
            Error::Config(format!("the UserSig document could not be written: {e}"))
        })?;
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        let compressed = encoder
            .write_all(&json)
            .and_then(|()| encoder.finish())
            .map_err(|e| Error::Config(format!("the UserSig could not be compressed: {e}")))?;
        Ok(UserSig {
            value: Secret::new(url_safe(&STANDARD.encode(compressed))),
            identifier: identifier.to_owned(),
            sdkappid: self.sdkappid,
            time,
            expire,
        })
    }

    /// Verifies `usersig` for `identifier`, expecting no userbuf: every check of the official
    /// verifier, in its order (SDKAppID, identifier, expiry, userbuf, signature).
    pub fn verify(&self, usersig: &str, identifier: &str) -> Result<UserSigInfo, Error> {
        self.verify_inner(usersig, identifier, None)
    }

    /// Verifies `usersig` for `identifier`, expecting exactly `userbuf`.
    pub fn verify_with_userbuf(
        &self,
        usersig: &str,
        identifier: &str,
        userbuf: &[u8],
    ) -> Result<UserSigInfo, Error> {
        self.verify_inner(usersig, identifier, Some(userbuf))
    }

    fn verify_inner(
        &self,
        usersig: &str,
        identifier: &str,
        userbuf: Option<&[u8]>,
    ) -> Result<UserSigInfo, Error> {
        let info = decode(usersig)?;
        if info.sdkappid != self.sdkappid {
            return Err(Error::SdkAppIdMismatch {
                expected: self.sdkappid,
                found: info.sdkappid,
            });
        }
        if info.identifier != identifier {
            return Err(Error::IdentifierMismatch {
                expected: identifier.to_owned(),
                found: info.identifier.clone(),
            });
        }
        let now = self.now();
        if now > info.expires_at() {
            return Err(Error::UserSigExpired {
                expired_at: info.expires_at(),
                now,
            });
        }
        match (userbuf, info.userbuf.as_deref()) {
            (Some(_), None) => return Err(Error::UserbufPresenceMismatch { expected: true }),
            (None, Some(_)) => return Err(Error::UserbufPresenceMismatch { expected: false }),
            (Some(expected), Some(found)) if expected != found => {
                return Err(Error::UserbufMismatch);
            }
            _ => {}
        }
        let claimed = LENIENT_STANDARD
            .decode(info.sig.expose())
            .map_err(|_| Error::SignatureMismatch)?;
        let userbuf_b64 = info.userbuf.as_deref().map(|b| STANDARD.encode(b));
        let mut mac = self.mac()?;
        mac.update(
            string_to_sign(
                &info.identifier,
                info.sdkappid,
                info.time,
                info.expire,
                userbuf_b64.as_deref(),
            )
            .as_bytes(),
        );
        // Constant time: how much of a forged signature matches must not show in the timing.
        mac.verify_slice(&claimed)
            .map_err(|_| Error::SignatureMismatch)?;
        Ok(info)
    }

    fn mac(&self) -> Result<HmacSha256, Error> {
        HmacSha256::new_from_slice(self.key.expose().as_bytes())
            .map_err(|_| Error::Config("the app key cannot key an HMAC".to_owned()))
    }

    fn hmac_base64(
        &self,
        identifier: &str,
        time: u64,
        expire: u64,
        userbuf_b64: Option<&str>,
    ) -> Result<String, Error> {
        let mut mac = self.mac()?;
        mac.update(string_to_sign(identifier, self.sdkappid, time, expire, userbuf_b64).as_bytes());
        Ok(STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The text the HMAC covers: four `name:value\n` lines, five with a userbuf.
pub fn string_to_sign(
    identifier: &str,
    sdkappid: u64,
    time: u64,
    expire: u64,
    userbuf_b64: Option<&str>,
) -> String {
    let mut text = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    if let Some(userbuf) = userbuf_b64 {
        text.push_str("TLS.userbuf:");
        text.push_str(userbuf);
        text.push('\n');
    }
    text
}

/// Decodes a UserSig without verifying it: undo the URL-safe substitutions, base64, inflate
/// (size-capped), parse. Any official library's layout is accepted (field order and spacing
/// differ between them).
pub fn decode(usersig: &str) -> Result<UserSigInfo, Error> {
    if usersig.len() > MAX_USERSIG_LEN {
        return Err(Error::UserSigTooLarge {
            limit: MAX_USERSIG_LEN,
        });
    }
    let standard: String = usersig
        .trim()
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            other => other,
        })
        .collect();
    let compressed = LENIENT_STANDARD
        .decode(standard)
        .map_err(|_| Error::UserSigBase64)?;
    let mut inflated = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED_LEN as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|_| Error::UserSigZlib)?;
    if inflated.len() > MAX_INFLATED_LEN {
        return Err(Error::UserSigTooLarge {
            limit: MAX_INFLATED_LEN,
        });
    }
    let raw: RawDocument = serde_json::from_slice(&inflated).map_err(json_problem)?;
    let userbuf = match raw.userbuf {
        Some(b64) => Some(
            LENIENT_STANDARD
                .decode(b64)
                .map_err(|_| Error::UserSigJson("`TLS.userbuf` is not base64".to_owned()))?,
        ),
        None => None,
    };
    Ok(UserSigInfo {
        version: raw.ver.unwrap_or_default(),
        identifier: raw.identifier,
        sdkappid: raw.sdkappid,
        expire: raw.expire,
        time: raw.time,
        userbuf,
        sig: Secret::new(raw.sig),
    })
}

/// A description of a JSON failure that cannot quote the document (it holds `TLS.sig`).
fn json_problem(error: serde_json::Error) -> Error {
    let text = error.to_string();
    let reason = if text.starts_with("missing field") || text.starts_with("duplicate field") {
        // serde names the field, never a value, in these.
        text
    } else {
        format!(
            "{:?} error at line {} column {}",
            error.classify(),
            error.line(),
            error.column()
        )
    };
    Error::UserSigJson(reason)
}

fn check_identifier(identifier: &str) -> Result<(), Error> {
    if identifier.is_empty() {
        return Err(Error::InvalidIdentifier("it is empty"));
    }
    if identifier.len() > MAX_IDENTIFIER_LEN {
        return Err(Error::InvalidIdentifier("it is longer than 32 bytes"));
    }
    if identifier.chars().any(char::is_control) {
        return Err(Error::InvalidIdentifier("it holds control characters"));
    }
    Ok(())
}

fn url_safe(standard: &str) -> String {
    standard
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            other => other,
        })
        .collect()
}

/// The document as the Python library lays it out (the verifier ignores the order).
#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "TLS.ver")]
    ver: &'a str,
    #[serde(rename = "TLS.identifier")]
    identifier: &'a str,
    #[serde(rename = "TLS.sdkappid")]
    sdkappid: u64,
    #[serde(rename = "TLS.expire")]
    expire: u64,
    #[serde(rename = "TLS.time")]
    time: u64,
    #[serde(rename = "TLS.userbuf", skip_serializing_if = "Option::is_none")]
    userbuf: Option<&'a str>,
    #[serde(rename = "TLS.sig")]
    sig: &'a str,
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "TLS.ver", default)]
    ver: Option<String>,
    #[serde(rename = "TLS.identifier")]
    identifier: String,
    #[serde(rename = "TLS.sdkappid")]
    sdkappid: u64,
    #[serde(rename = "TLS.expire")]
    expire: u64,
    #[serde(rename = "TLS.time")]
    time: u64,
    #[serde(rename = "TLS.userbuf", default)]
    userbuf: Option<String>,
    #[serde(rename = "TLS.sig")]
    sig: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_text_has_one_line_per_field() {
        assert_eq!(
            string_to_sign(
                "administrator",
                1_400_000_000,
                1_700_000_000,
                15_552_000,
                None
            ),
            "TLS.identifier:administrator\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n"
        );
        assert!(
            string_to_sign("x", 1, 2, 3, Some("YWJj"))
                .ends_with("TLS.expire:3\nTLS.userbuf:YWJj\n")
        );
    }

    #[test]
    fn identifiers_that_would_break_the_format_are_refused() {
        let signer = UserSigSigner::new(1, "k");
        for bad in ["", "a\nb", &"x".repeat(33)] {
            assert!(
                matches!(signer.sign(bad, 60), Err(Error::InvalidIdentifier(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            UserSigSigner::new(1, "").sign("a", 60),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn the_url_safe_alphabet_round_trips() {
        assert_eq!(url_safe("a+b/c=="), "a*b-c__");
    }
}
