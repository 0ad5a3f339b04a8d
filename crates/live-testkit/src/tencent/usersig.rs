//! UserSig v2 as the service checks it, written here from the algorithm (rest-apis.md §A.6)
//! and not borrowed from `tencent-live`: an emulator that shared the client's code would
//! agree with any bug in it.

use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, PAD_INDIFFERENT, STANDARD};
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

const LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, PAD_INDIFFERENT);

/// The most a UserSig may inflate to before the emulator calls it malformed.
const MAX_INFLATED: u64 = 64 * 1024;

/// Why the service refuses a UserSig, with the error code it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigProblem {
    /// No `usersig` parameter, or an empty one (70002).
    Empty,
    /// Not base64 after undoing `*`, `-`, `_` (70003).
    NotBase64,
    /// Not zlib, too large, or not the JSON document (70005).
    Malformed(String),
    /// `TLS.sdkappid` differs from the request's `sdkappid` (70014).
    SdkAppIdMismatch,
    /// `TLS.identifier` differs from the request's `identifier` (70013).
    IdentifierMismatch,
    /// `now > TLS.time + TLS.expire` (70001).
    Expired,
    /// The HMAC does not match the app key (70009).
    BadSignature,
}

impl SigProblem {
    /// The `ErrorCode` the service answers.
    pub fn code(&self) -> i64 {
        match self {
            SigProblem::Empty => 70_002,
            SigProblem::NotBase64 => 70_003,
            SigProblem::Malformed(_) => 70_005,
            SigProblem::SdkAppIdMismatch => 70_014,
            SigProblem::IdentifierMismatch => 70_013,
            SigProblem::Expired => 70_001,
            SigProblem::BadSignature => 70_009,
        }
    }

    /// The `ErrorInfo` the emulator answers.
    pub fn info(&self) -> String {
        match self {
            SigProblem::Empty => "UserSig length is 0".to_owned(),
            SigProblem::NotBase64 => "UserSig is invalid: base64 decode failed".to_owned(),
            SigProblem::Malformed(why) => format!("UserSig is invalid: {why}"),
            SigProblem::SdkAppIdMismatch => {
                "sdkappid in the request does not match the one in UserSig".to_owned()
            }
            SigProblem::IdentifierMismatch => {
                "identifier in the request does not match the one in UserSig".to_owned()
            }
            SigProblem::Expired => "UserSig expired, please regenerate a new one".to_owned(),
            SigProblem::BadSignature => {
                "UserSig verification failed: check the key and the SDKAppID".to_owned()
            }
        }
    }
}

/// The fields of a UserSig the emulator accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigClaims {
    /// `TLS.identifier`.
    pub identifier: String,
    /// `TLS.sdkappid`.
    pub sdkappid: u64,
    /// `TLS.time`.
    pub time: u64,
    /// `TLS.expire`.
    pub expire: u64,
    /// The decoded `TLS.userbuf`, when present.
    pub userbuf: Option<Vec<u8>>,
}

fn text_to_sign(
    identifier: &str,
    sdkappid: u64,
    time: u64,
    expire: u64,
    userbuf: Option<&str>,
) -> String {
    let mut text = String::new();
    text.push_str("TLS.identifier:");
    text.push_str(identifier);
    text.push('\n');
    text.push_str(&format!(
        "TLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    ));
    if let Some(userbuf) = userbuf {
        text.push_str(&format!("TLS.userbuf:{userbuf}\n"));
    }
    text
}

fn mac(key: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC-SHA256 accepts any key length"))
}

/// Checks `usersig` as the service does for a request carrying `sdkappid` and `identifier`,
/// with the app's `key`, at Unix time `now`.
pub fn verify(
    usersig: &str,
    sdkappid: u64,
    identifier: &str,
    key: &str,
    now: u64,
) -> Result<SigClaims, SigProblem> {
    if usersig.is_empty() {
        return Err(SigProblem::Empty);
    }
    let standard = usersig
        .replace('*', "+")
        .replace('-', "/")
        .replace('_', "=");
    let compressed = LENIENT
        .decode(standard)
        .map_err(|_| SigProblem::NotBase64)?;
    let mut inflated = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut inflated)
        .map_err(|_| SigProblem::Malformed("not a zlib stream".to_owned()))?;
    if inflated.len() as u64 > MAX_INFLATED {
        return Err(SigProblem::Malformed("too large".to_owned()));
    }
    let doc: Value = serde_json::from_slice(&inflated)
        .map_err(|_| SigProblem::Malformed("not JSON".to_owned()))?;
    let text = |name: &str| doc.get(name).and_then(Value::as_str);
    let number = |name: &str| doc.get(name).and_then(Value::as_u64);
    let missing = |name: &str| SigProblem::Malformed(format!("{name} is missing or mistyped"));
    let claims_identifier = text("TLS.identifier").ok_or_else(|| missing("TLS.identifier"))?;
    let claims_sdkappid = number("TLS.sdkappid").ok_or_else(|| missing("TLS.sdkappid"))?;
    let time = number("TLS.time").ok_or_else(|| missing("TLS.time"))?;
    let expire = number("TLS.expire").ok_or_else(|| missing("TLS.expire"))?;
    let sig = text("TLS.sig").ok_or_else(|| missing("TLS.sig"))?;
    let userbuf_b64 = match doc.get("TLS.userbuf") {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(missing("TLS.userbuf")),
    };
    let userbuf = match userbuf_b64 {
        Some(b64) => Some(
            LENIENT
                .decode(b64)
                .map_err(|_| SigProblem::Malformed("TLS.userbuf is not base64".to_owned()))?,
        ),
        None => None,
    };
    if claims_sdkappid != sdkappid {
        return Err(SigProblem::SdkAppIdMismatch);
    }
    if claims_identifier != identifier {
        return Err(SigProblem::IdentifierMismatch);
    }
    if now > time.saturating_add(expire) {
        return Err(SigProblem::Expired);
    }
    let canonical_userbuf = userbuf.as_deref().map(|b| STANDARD.encode(b));
    let mut hmac = mac(key);
    hmac.update(
        text_to_sign(
            claims_identifier,
            sdkappid,
            time,
            expire,
            canonical_userbuf.as_deref(),
        )
        .as_bytes(),
    );
    let claimed = LENIENT.decode(sig).map_err(|_| SigProblem::BadSignature)?;
    hmac.verify_slice(&claimed)
        .map_err(|_| SigProblem::BadSignature)?;
    Ok(SigClaims {
        identifier: claims_identifier.to_owned(),
        sdkappid,
        time,
        expire,
        userbuf,
    })
}

/// Makes a UserSig the way the official Node library lays it out (for tests that need a sig
/// the client did not make: another key, an old time...).
pub fn sign(sdkappid: u64, key: &str, identifier: &str, time: u64, expire: u64) -> String {
    let mut hmac = mac(key);
    hmac.update(text_to_sign(identifier, sdkappid, time, expire, None).as_bytes());
    let sig = STANDARD.encode(hmac.finalize().into_bytes());
    let doc = format!(
        "{{\"TLS.ver\":\"2.0\",\"TLS.identifier\":{},\"TLS.sdkappid\":{sdkappid},\"TLS.time\":{time},\"TLS.expire\":{expire},\"TLS.sig\":\"{sig}\"}}",
        Value::String(identifier.to_owned())
    );
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let compressed = encoder
        .write_all(doc.as_bytes())
        .and_then(|()| encoder.finish())
        .unwrap_or_default();
    STANDARD
        .encode(compressed)
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    const V1_PY: &str = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqSMTU1NUKIl2TmgkXN0dQXZ6aD7PFyrqpIzHOz8AsJiUgsNcnVNsqwLC8zT4-0yqv0yy7ONajINfRzjQg1MjexVaoFANTGNgc_";
    const V1_NODE: &str = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCwCiZuamhrBRYsz05WslLycqyoS89ws-EJCIhJLTXK1jTIsy8vM0yO98ir9sotzDSpyDf1cI0KNzE1slWoBQr40pw__";
    const V3_NODE: &str = "eJw1zM0KgkAUBeB3ueuQO5NpDLSpTVgJqf0tlbnGNbJhRk2I3j3QPLvzHTgfyPap15EFBdJDmA2dNdUNlzxwz-mrauv-5PQjN4Y1KImIQs790Rt*EigRChwzKvWGLYEK0F9O1jqyRVuCgtslqqZbvoOCOEwj2jmZrLcZd41vszhBg4uj25g61Gead4erFMG7OK3g*wM5GDdk";

    #[test]
    fn accepts_the_official_vectors_in_both_layouts() {
        for sig in [V1_PY, V1_NODE] {
            let claims =
                verify(sig, 1_400_000_000, "administrator", V1_KEY, 1_700_000_000).unwrap();
            assert_eq!((claims.time, claims.expire), (1_700_000_000, 15_552_000));
        }
        let claims = verify(
            V3_NODE,
            20_001_234,
            "xiaojun",
            "my-secret-key",
            1_710_000_000,
        )
        .unwrap();
        assert_eq!(claims.userbuf.as_deref(), Some(&b"abc"[..]));
    }

    #[test]
    fn refuses_each_way_a_sig_can_be_wrong() {
        let at = 1_700_000_000;
        let check = |sig: &str, app: u64, id: &str, key: &str, now: u64| {
            verify(sig, app, id, key, now)
                .map(|_| ())
                .map_err(|p| p.code())
        };
        assert_eq!(
            check("", 1_400_000_000, "administrator", V1_KEY, at),
            Err(70_002)
        );
        assert_eq!(
            check("!!", 1_400_000_000, "administrator", V1_KEY, at),
            Err(70_003)
        );
        assert_eq!(
            check("eJyr", 1_400_000_000, "administrator", V1_KEY, at),
            Err(70_005)
        );
        assert_eq!(
            check(V1_PY, 1_400_000_001, "administrator", V1_KEY, at),
            Err(70_014)
        );
        assert_eq!(
            check(V1_PY, 1_400_000_000, "admin", V1_KEY, at),
            Err(70_013)
        );
        assert_eq!(
            check(V1_PY, 1_400_000_000, "administrator", V1_KEY, 1_715_552_000),
            Ok(())
        );
        assert_eq!(
            check(V1_PY, 1_400_000_000, "administrator", V1_KEY, 1_715_552_001),
            Err(70_001)
        );
        assert_eq!(
            check(V1_PY, 1_400_000_000, "administrator", "other key", at),
            Err(70_009)
        );
    }

    #[test]
    fn its_own_sigs_verify() {
        let sig = sign(1_400_000_000, "k", "admin", 1_000, 60);
        assert!(sig.starts_with("eJ"));
        assert!(verify(&sig, 1_400_000_000, "admin", "k", 1_060).is_ok());
        assert_eq!(
            verify(&sig, 1_400_000_000, "admin", "k2", 1_000),
            Err(SigProblem::BadSignature)
        );
    }
}
