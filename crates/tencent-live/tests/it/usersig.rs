//! UserSig v2 against the official vectors of rest-apis.md §A.7 (made by running the Python
//! and Node libraries with a frozen clock), and every way verification can fail.

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use live_testkit::fuzz::Rng;
use tencent_live::usersig::{UserSigSigner, decode};
use tencent_live::{Error, ManualClock};

struct Vector {
    sdkappid: u64,
    key: &'static str,
    identifier: &'static str,
    expire: u64,
    time: u64,
    userbuf: Option<&'static [u8]>,
    sig: &'static str,
    python: &'static str,
    node: &'static str,
}

const VECTORS: [Vector; 3] = [
    Vector {
        sdkappid: 1_400_000_000,
        key: "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e",
        identifier: "administrator",
        expire: 15_552_000,
        time: 1_700_000_000,
        userbuf: None,
        sig: "JCzxanF8NTTXau4m+2h9wv7gYJnyNksm0xm1NEXU274=",
        python: "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqSMTU1NUKIl2TmgkXN0dQXZ6aD7PFyrqpIzHOz8AsJiUgsNcnVNsqwLC8zT4-0yqv0yy7ONajINfRzjQg1MjexVaoFANTGNgc_",
        node: "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCwCiZuamhrBRYsz05WslLycqyoS89ws-EJCIhJLTXK1jTIsy8vM0yO98ir9sotzDSpyDf1cI0KNzE1slWoBQr40pw__",
    },
    Vector {
        sdkappid: 1_400_123_456,
        key: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        identifier: "admin",
        expire: 86_400,
        time: 1_735_689_600,
        userbuf: None,
        sig: "SgEu4U0aOc543sbCRnp/ddyeeNxeKRu62wwj0Mk3Kt8=",
        python: "eJw9zMsKgkAUgOFXkVmHzT0TWkUru4DWA1hzkpM4DI6mEb17Wtb2-*B-kuM2C*9QkzggPKRkFnwKGrANXvELuanQ-sibMncOzQBMUsq4kEpPBr3DGgaJ9EBTbLAaE1sIpaOl-nePxTjPik0rTzQ-XJQU-rxOrZsb8wDY95CkreZdd6O7UiRNtCKvNw77MkY_",
        node: "eJw1yU0OgjAQQOG7zNrgQEvFJq6MK-xJQA9Q7UhGQtNQEIzx7iagy-e9N5z3ZfSkFjQkEcJiarbkOr7zxMY27H4j2Np4zxZ0LBHjRMhUzafjhkDHK5GqbK0QZ6XRc0ugMyX-FLgCDWW16*UFzemWShGu28L5pbUvouNIedGrZBgeeKhF3mUb*HwBnrUw5g__",
    },
    Vector {
        sdkappid: 20_001_234,
        key: "my-secret-key",
        identifier: "xiaojun",
        expire: 604_800,
        time: 1_710_000_000,
        userbuf: Some(b"abc"),
        sig: "N7SJeKs2RBHTivt4rTNR0p05QsCpn7dVe3vMX216wbU=",
        python: "eJw9zU8LgkAQh*GvInsOmV1NI*hSl7ASUvt3VHaMMbJlV02Ivnua1hyfF37zYsk2thvUbG4xYQObWF8hiWVFOQ2hpfRR1OUvGnlLlSLZJQEAXDjuWLBVpLFzD9wZwKgV3XvjPofhRq8N6qzO*w*XU1D85*naU*jHAW6MiJbrhJrK1UkYgYLp3qxU6csjOs3uLLj3zA4L9v4ALQQ5BA__",
        node: "eJw1zM0KgkAUBeB3ueuQO5NpDLSpTVgJqf0tlbnGNbJhRk2I3j3QPLvzHTgfyPap15EFBdJDmA2dNdUNlzxwz-mrauv-5PQjN4Y1KImIQs790Rt*EigRChwzKvWGLYEK0F9O1jqyRVuCgtslqqZbvoOCOEwj2jmZrLcZd41vszhBg4uj25g61Gead4erFMG7OK3g*wM5GDdk",
    },
];

fn signer(v: &Vector, now: u64) -> UserSigSigner {
    UserSigSigner::new(v.sdkappid, v.key).with_clock(ManualClock::new(now))
}

fn verify(v: &Vector, usersig: &str, now: u64) -> Result<(), Error> {
    let s = signer(v, now);
    match v.userbuf {
        Some(buf) => s.verify_with_userbuf(usersig, v.identifier, buf),
        None => s.verify(usersig, v.identifier),
    }
    .map(|_| ())
}

#[test]
fn generated_sigs_decode_to_the_official_fields_and_hmac() {
    for v in &VECTORS {
        let s = signer(v, v.time);
        let sig = match v.userbuf {
            Some(buf) => s.sign_with_userbuf(v.identifier, v.expire, buf),
            None => s.sign(v.identifier, v.expire),
        }
        .unwrap();
        // zlib at the default level, like Python and Node: the header is 78 9C.
        assert!(sig.expose().starts_with("eJ"), "{}", v.identifier);
        assert!(!sig.expose().contains(['+', '/', '=']));
        let info = decode(sig.expose()).unwrap();
        assert_eq!(info.version(), "2.0");
        assert_eq!(info.identifier(), v.identifier);
        assert_eq!(info.sdkappid(), v.sdkappid);
        assert_eq!((info.time(), info.expire()), (v.time, v.expire));
        assert_eq!(info.userbuf(), v.userbuf);
        assert_eq!(info.sig().expose(), v.sig, "HMAC of {}", v.identifier);
        assert_eq!(sig.expires_at(), v.time + v.expire);
        // And the official strings decode to the very same fields.
        for official in [v.python, v.node] {
            let theirs = decode(official).unwrap();
            assert_eq!(theirs.sig().expose(), v.sig);
            assert_eq!(
                (
                    theirs.identifier(),
                    theirs.sdkappid(),
                    theirs.time(),
                    theirs.expire()
                ),
                (v.identifier, v.sdkappid, v.time, v.expire)
            );
        }
    }
}

#[test]
fn python_and_node_sigs_verify_until_they_expire() {
    for v in &VECTORS {
        for official in [v.python, v.node] {
            assert!(official.starts_with("eJ"));
            verify(v, official, v.time).unwrap();
            // The last valid second is time + expire; one more is too late.
            verify(v, official, v.time + v.expire).unwrap();
            let expired = verify(v, official, v.time + v.expire + 1).unwrap_err();
            assert!(
                matches!(expired, Error::UserSigExpired { expired_at, now }
                    if expired_at == v.time + v.expire && now == expired_at + 1),
                "{expired:?}"
            );
        }
    }
}

/// A UserSig with the given document, compressed and encoded the official way.
fn encode(document: &str) -> String {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(document.as_bytes()).unwrap();
    STANDARD
        .encode(encoder.finish().unwrap())
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

#[test]
fn each_failed_check_is_its_own_error() {
    let v1 = &VECTORS[0];
    let v3 = &VECTORS[2];
    let at = v1.time;

    assert!(matches!(
        signer(v1, at).verify("@@@@", v1.identifier),
        Err(Error::UserSigBase64)
    ));
    // Valid base64 of bytes that are not zlib.
    assert!(matches!(
        signer(v1, at).verify("aGVsbG8gd29ybGQ_", v1.identifier),
        Err(Error::UserSigZlib)
    ));
    assert!(matches!(
        signer(v1, at).verify(&encode("not json"), v1.identifier),
        Err(Error::UserSigJson(_))
    ));
    let missing = signer(v1, at)
        .verify(
            &encode(r#"{"TLS.ver":"2.0","TLS.identifier":"administrator"}"#),
            v1.identifier,
        )
        .unwrap_err();
    assert!(
        matches!(&missing, Error::UserSigJson(why) if why.contains("missing field")),
        "{missing}"
    );

    let other_app = UserSigSigner::new(v1.sdkappid + 1, v1.key).with_clock(ManualClock::new(at));
    assert!(matches!(
        other_app.verify(v1.python, v1.identifier),
        Err(Error::SdkAppIdMismatch { expected, found }) if expected == v1.sdkappid + 1 && found == v1.sdkappid
    ));
    assert!(matches!(
        signer(v1, at).verify(v1.python, "admin"),
        Err(Error::IdentifierMismatch { expected, found }) if expected == "admin" && found == "administrator"
    ));
    assert!(matches!(
        signer(v1, at).verify_with_userbuf(v1.python, v1.identifier, b"abc"),
        Err(Error::UserbufPresenceMismatch { expected: true })
    ));
    assert!(matches!(
        signer(v3, v3.time).verify(v3.node, v3.identifier),
        Err(Error::UserbufPresenceMismatch { expected: false })
    ));
    assert!(matches!(
        signer(v3, v3.time).verify_with_userbuf(v3.node, v3.identifier, b"abd"),
        Err(Error::UserbufMismatch)
    ));
    let wrong_key = UserSigSigner::new(v1.sdkappid, "another key").with_clock(ManualClock::new(at));
    assert!(matches!(
        wrong_key.verify(v1.python, v1.identifier),
        Err(Error::SignatureMismatch)
    ));

    // A document whose fields were edited after signing (a longer expiry) fails the HMAC.
    let forged = encode(&format!(
        r#"{{"TLS.ver":"2.0","TLS.identifier":"administrator","TLS.sdkappid":1400000000,"TLS.expire":99999999,"TLS.time":1700000000,"TLS.sig":"{}"}}"#,
        v1.sig
    ));
    assert!(matches!(
        signer(v1, at).verify(&forged, v1.identifier),
        Err(Error::SignatureMismatch)
    ));
    // A compression bomb is refused before it is read whole.
    let bomb = encode(&format!(r#"{{"pad":"{}"}}"#, " ".repeat(200_000)));
    assert!(matches!(
        signer(v1, at).verify(&bomb, v1.identifier),
        Err(Error::UserSigTooLarge { .. })
    ));
    assert!(matches!(
        signer(v1, at).verify(&"A".repeat(20_000), v1.identifier),
        Err(Error::UserSigTooLarge { .. })
    ));
    // Every one of these is a UserSig error, and none prints the sig or the key.
    for error in [
        missing,
        wrong_key.verify(v1.node, v1.identifier).unwrap_err(),
        signer(v1, at + v1.expire + 9)
            .verify(v1.node, v1.identifier)
            .unwrap_err(),
    ] {
        assert!(error.is_usersig());
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(v1.sig) && !shown.contains(v1.key) && !shown.contains(v1.node));
    }
}

#[test]
fn made_sigs_never_print() {
    let v = &VECTORS[1];
    let sig = signer(v, v.time).sign(v.identifier, v.expire).unwrap();
    let info = decode(sig.expose()).unwrap();
    let shown = format!("{sig:?} {info:?} {:?}", signer(v, v.time));
    for secret in [sig.expose(), v.sig, v.key] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("administrator") || shown.contains("admin"));
}

#[test]
fn arbitrary_and_mutated_input_never_panics() {
    let mut rng = Rng::new(0x5eed_1234_abcd_ef01);
    let seeds: Vec<&str> = VECTORS.iter().flat_map(|v| [v.python, v.node]).collect();
    let alphabet: Vec<char> =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_+/=!é\n"
            .chars()
            .collect();
    let v = &VECTORS[0];
    let verifier = signer(v, v.time);
    let mut accepted = 0;
    for i in 0..10_000 {
        let input: String = match i % 3 {
            // Mutations of real sigs: flip, drop or insert characters.
            0 | 1 => {
                let mut chars: Vec<char> = seeds[rng.below(seeds.len())].chars().collect();
                for _ in 0..=rng.below(4) {
                    let at = rng.below(chars.len().max(1));
                    match rng.below(3) {
                        0 if !chars.is_empty() => chars[at] = alphabet[rng.below(alphabet.len())],
                        1 if !chars.is_empty() => {
                            chars.remove(at);
                        }
                        _ => chars.insert(at, alphabet[rng.below(alphabet.len())]),
                    }
                }
                chars.into_iter().collect()
            }
            // Random text, and random bytes encoded the UserSig way.
            _ if rng.below(2) == 0 => (0..rng.below(200))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect(),
            _ => {
                let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.next_u64() as u8).collect();
                STANDARD
                    .encode(bytes)
                    .replace('+', "*")
                    .replace('/', "-")
                    .replace('=', "_")
            }
        };
        let _ = decode(&input);
        if verifier.verify(&input, v.identifier).is_ok() {
            accepted += 1;
        }
    }
    // Mutations that only touch padding can still verify; nothing else may.
    assert!(accepted < 500, "{accepted} mutated sigs verified");
}
