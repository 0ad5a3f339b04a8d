//! The REST client: the common query parameters, the admin UserSig, pacing per command,
//! retries and typed errors. The commands themselves live in [`crate::commands`].

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use live_http::{AttemptContext, HttpClient, RateLimit, Response, RetryPolicy, Secret};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::classify::{CommandCodes, TencentClassifier, is_usersig_refresh_code};
use crate::clock::{Clock, SystemClock};
use crate::usersig::{UserSig, UserSigSigner};
use crate::{Error, Region};

/// The live-room service.
pub(crate) const LIVE: &str = "live_engine_http_srv";
/// The seat ("mic") service.
pub(crate) const MIC: &str = "room_engine_http_mic";

/// Every command this crate calls: service, command, documented calls per second.
const COMMANDS: &[(&str, &str, u32)] = &[
    (LIVE, "create_room", 200),
    (LIVE, "destroy_room", 200),
    (LIVE, "get_room_info", 200),
    (LIVE, "get_room_list", 10),
    (LIVE, "update_room_info", 200),
    // The newest page says 100/s; the catalogue left it open. The lower one is safe.
    (LIVE, "get_room_stats", 100),
    (LIVE, "get_room_metadata", 200),
    (LIVE, "set_room_metadata", 200),
    (LIVE, "del_room_metadata", 200),
    (LIVE, "ban_member", 200),
    (LIVE, "unban_member", 200),
    (LIVE, "get_banned_member_list", 200),
    (LIVE, "mute_member", 200),
    (LIVE, "get_muted_member_list", 200),
    (LIVE, "send_text_msg", 200),
    (LIVE, "add_robot", 100),
    (LIVE, "get_robot", 100),
    (LIVE, "del_robot", 100),
    (MIC, "get_seat_list", 200),
    (MIC, "pick_user_on_seat", 200),
    (MIC, "kick_user_off_seat", 200),
    (MIC, "lock_seat", 200),
    (MIC, "switch_seat", 200),
    (MIC, "move_user_to_seat", 200),
];

/// Commands whose repetition shows: a `send_text_msg` that timed out or lost its reply may have
/// been delivered, so that is reported rather than retried (refusals are still retried).
const NOT_IDEMPOTENT: &[&str] = &["send_text_msg"];

/// The pace for commands this crate does not know (raw calls): the common 200/s.
const OTHER_RATE: u32 = 200;
const OTHER_ROUTE: &str = "(other)";

/// The documented maximum calls per second of `command` (`get_room_list` → 10), for the
/// commands this crate knows.
pub fn documented_rate(command: &str) -> Option<u32> {
    COMMANDS
        .iter()
        .find(|(_, name, _)| *name == command)
        .map(|(_, _, rate)| *rate)
}

/// The spacing used for a documented rate of `per_second`: 2% wider than `1/per_second`, so
/// jitter on the way cannot put `per_second + 1` arrivals in one server-side second.
pub fn pacing_for(per_second: u32) -> RateLimit {
    RateLimit::every(Duration::from_nanos(
        1_020_000_000 / u64::from(per_second.max(1)),
    ))
}

/// The service's own processing timeout: a client timeout must be longer.
const SERVER_TIMEOUT: Duration = Duration::from_secs(3);

/// The default validity of the admin UserSig the client makes for itself: one day (Tencent
/// advises at least 24 h; a short life limits what a leaked one is worth).
pub const DEFAULT_ADMIN_USERSIG_EXPIRE: u64 = 86_400;

/// A Tencent Cloud Chat live-room REST client for one SDKAppID and admin account. Cheap to
/// clone: clones share connections, pacing and the cached admin UserSig.
///
/// ```no_run
/// # async fn demo() -> Result<(), tencent_live::Error> {
/// use futures_util::TryStreamExt;
/// use tencent_live::{Region, RoomListOptions, TencentClient};
///
/// let client = TencentClient::builder(1400000000, "app key from the console")
///     .region(Region::Singapore)
///     .identifier("administrator")
///     .build()?;
/// let rooms: Vec<_> = client.rooms(RoomListOptions::new()).try_collect().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TencentClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    /// The policy for commands that must not run twice (a timed-out message may have been
    /// delivered): the client's, without retries of timeouts or interrupted replies.
    once_policy: RetryPolicy,
    pub(crate) sdkappid: u64,
    pub(crate) identifier: String,
    pub(crate) region: Region,
    admin: AdminSig,
}

impl fmt::Debug for TencentClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentClient")
            .field("base_url", &self.inner.http.base_url())
            .field("sdkappid", &self.inner.sdkappid)
            .field("identifier", &self.inner.identifier)
            .finish_non_exhaustive()
    }
}

/// The admin UserSig, made once and reused until shortly before it expires.
struct AdminSig {
    signer: UserSigSigner,
    identifier: String,
    expire: u64,
    cached: Mutex<Option<UserSig>>,
}

impl AdminSig {
    fn lock(&self) -> MutexGuard<'_, Option<UserSig>> {
        self.cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Renewal starts when a tenth of the validity is left, so a sig never expires in flight.
    fn renew_margin(&self) -> u64 {
        (self.expire / 10).max(1)
    }

    fn current(&self) -> Result<Secret, Error> {
        let now = self.signer.now();
        let mut cached = self.lock();
        if let Some(sig) = cached.as_ref()
            && now >= sig.time()
            && now.saturating_add(self.renew_margin()) < sig.expires_at()
        {
            return Ok(sig.secret().clone());
        }
        let sig = self.signer.sign(&self.identifier, self.expire)?;
        tracing::debug!(
            identifier = %self.identifier,
            time = sig.time(),
            expires_at = sig.expires_at(),
            "made a new admin UserSig"
        );
        let secret = sig.secret().clone();
        *cached = Some(sig);
        Ok(secret)
    }

    fn discard(&self) {
        *self.lock() = None;
    }
}

impl TencentClient {
    /// Starts building a client for `sdkappid` with the app's secret key.
    pub fn builder(sdkappid: u64, key: impl Into<Secret>) -> TencentClientBuilder {
        TencentClientBuilder {
            sdkappid,
            key: key.into(),
            identifier: "administrator".to_owned(),
            region: Region::Singapore,
            backup_host: false,
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            usersig_expire: DEFAULT_ADMIN_USERSIG_EXPIRE,
            rates: Vec::new(),
            user_agent: None,
        }
    }

    /// The SDKAppID.
    pub fn sdkappid(&self) -> u64 {
        self.inner.sdkappid
    }

    /// The admin account the client calls as.
    pub fn identifier(&self) -> &str {
        &self.inner.identifier
    }

    /// The region (or custom host) the client talks to.
    pub fn region(&self) -> &Region {
        &self.inner.region
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> String {
        self.inner.http.base_url().to_string()
    }

    /// Calls any command, for those this crate has no method for (`send_custom_msg`, the gift
    /// family...), and returns the whole reply (`ActionStatus`, `ErrorCode`, `Response`...).
    /// The body must serialise to a JSON object (`null` is sent as `{}`). Commands this crate
    /// knows keep their own pace; others share a 200/s pace.
    pub async fn call_raw(
        &self,
        service: &str,
        command: &str,
        body: &impl Serialize,
    ) -> Result<serde_json::Value, Error> {
        let response = self
            .send(service, command, body, CommandCodes::default())
            .await?;
        decode(command, &response)
    }

    /// Sends `body` to `command` and decodes the whole reply as `T`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        service: &str,
        command: &str,
        body: &impl Serialize,
    ) -> Result<T, Error> {
        let response = self
            .send(service, command, body, CommandCodes::default())
            .await?;
        decode(command, &response)
    }

    /// Sends `body` to `command`: fresh `random` and current UserSig on every attempt, retries
    /// per the table, and one new UserSig and one more try when the service rejects the sig
    /// (70001 expired, 70052 invalidated).
    pub(crate) async fn send(
        &self,
        service: &str,
        command: &str,
        body: &impl Serialize,
        codes: CommandCodes,
    ) -> Result<Response, Error> {
        let body = json_body(command, body)?;
        let mut renewed = false;
        loop {
            let sig = self.inner.admin.current()?;
            match self
                .send_once(service, command, body.clone(), codes, sig)
                .await
            {
                Ok(response) => return Ok(response),
                Err(error) => {
                    let code = error.platform_code_i64();
                    if !renewed && code.is_some_and(is_usersig_refresh_code) {
                        tracing::info!(
                            command,
                            code,
                            request_id = error.request_id().unwrap_or_default(),
                            "the service rejected the UserSig; retrying once with a new one"
                        );
                        self.inner.admin.discard();
                        renewed = true;
                        continue;
                    }
                    return Err(Error::from_http(command, error));
                }
            }
        }
    }

    async fn send_once(
        &self,
        service: &str,
        command: &str,
        body: Vec<u8>,
        codes: CommandCodes,
        sig: Secret,
    ) -> Result<Response, live_http::Error> {
        let mut request = self.inner.http.post(&format!("/v4/{service}/{command}"));
        if NOT_IDEMPOTENT.contains(&command) {
            request = request.retry_policy(self.inner.once_policy.clone());
        }
        let route = if documented_rate(command).is_some() {
            command
        } else {
            OTHER_ROUTE
        };
        let inner = Arc::clone(&self.inner);
        let mut sig = sig;
        let hook = move |ctx: &mut AttemptContext<'_>| {
            // A retry after a long backoff may straddle the renewal point: ask again.
            if ctx.attempt() > 1
                && let Ok(current) = inner.admin.current()
            {
                sig = current;
            }
            // Set in the documented order; `set` replaces what an earlier attempt put there.
            ctx.set_query("sdkappid", inner.sdkappid.to_string());
            ctx.set_query("identifier", inner.identifier.clone());
            ctx.set_secret_query("usersig", sig.clone());
            ctx.set_query("random", rand::random::<u32>().to_string());
            ctx.set_query("contenttype", "json");
        };
        request
            .route(route)
            .classifier(TencentClassifier::new(codes))
            .body(body, "application/json")
            .on_attempt(hook)
            .send()
            .await
    }
}

/// The body as JSON bytes: an object, never empty (the service refuses an empty body).
fn json_body(command: &str, body: &impl Serialize) -> Result<Vec<u8>, Error> {
    let value = serde_json::to_value(body).map_err(|e| {
        Error::InvalidRequest(format!("{command}: the body cannot be written: {e}"))
    })?;
    match value {
        serde_json::Value::Null => Ok(b"{}".to_vec()),
        serde_json::Value::Object(_) => serde_json::to_vec(&value).map_err(|e| {
            Error::InvalidRequest(format!("{command}: the body cannot be written: {e}"))
        }),
        _ => Err(Error::InvalidRequest(format!(
            "{command}: the body must be a JSON object"
        ))),
    }
}

pub(crate) fn decode<T: DeserializeOwned>(command: &str, response: &Response) -> Result<T, Error> {
    response
        .json()
        .map_err(|source| Error::from_http(command, source))
}

/// Configures a [`TencentClient`].
pub struct TencentClientBuilder {
    sdkappid: u64,
    key: Secret,
    identifier: String,
    region: Region,
    backup_host: bool,
    timeout: Duration,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    usersig_expire: u64,
    rates: Vec<(String, u32)>,
    user_agent: Option<String>,
}

impl fmt::Debug for TencentClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentClientBuilder")
            .field("sdkappid", &self.sdkappid)
            .field("key", &self.key)
            .field("identifier", &self.identifier)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl TencentClientBuilder {
    /// The App Administrator account to call as (default `administrator`).
    #[must_use]
    pub fn identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifier = identifier.into();
        self
    }

    /// The region of the SDKAppID (default Singapore).
    #[must_use]
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// A base URL instead of the region's host (a proxy, or `http://127.0.0.1:PORT` for a
    /// loopback emulator: plain `http://` is accepted for loopback hosts only).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.region = Region::Custom(url.into());
        self
    }

    /// Uses the region's backup host (`*.my-imcloud.com`) instead of the primary one.
    #[must_use]
    pub fn backup_host(mut self, backup: bool) -> Self {
        self.backup_host = backup;
        self
    }

    /// The time allowed per attempt (default 10 s). The service itself gives up after 3 s,
    /// so anything up to 3 s is refused by [`build`](Self::build).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]: 3 retries, capped exponential
    /// backoff with jitter). Which replies are retried is fixed by the service's codes.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The clock UserSigs are made with (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The validity of the admin UserSig the client makes (default one day). It is renewed
    /// when a tenth of it is left.
    #[must_use]
    pub fn usersig_expire(mut self, seconds: u64) -> Self {
        self.usersig_expire = seconds;
        self
    }

    /// Paces `command` at `per_second` instead of its documented rate (a lower quota on a
    /// small plan, say). Requests are always spaced, never sent in bursts.
    #[must_use]
    pub fn command_rate(mut self, command: &str, per_second: u32) -> Self {
        self.rates.push((command.to_owned(), per_second));
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Builds the client, checking the settings (a UserSig is made once to prove the key and
    /// identifier usable).
    pub fn build(self) -> Result<TencentClient, Error> {
        if self.sdkappid == 0 {
            return Err(Error::Config("the SDKAppID is 0".to_owned()));
        }
        if self.timeout <= SERVER_TIMEOUT {
            return Err(Error::Config(format!(
                "a timeout of {:?} is not longer than the service's own 3 s",
                self.timeout
            )));
        }
        if self.usersig_expire == 0 {
            return Err(Error::Config("a UserSig validity of 0 s".to_owned()));
        }
        let base = match (self.backup_host, self.region.backup_base_url()) {
            (true, Some(backup)) => backup,
            (true, None) => {
                return Err(Error::Config("a custom host has no backup host".to_owned()));
            }
            (false, _) => self.region.base_url(),
        };
        check_scheme(&base)?;
        let once_policy = self.retry.clone().not_idempotent();
        let mut http = HttpClient::builder(&base)
            .timeout(self.timeout)
            .retry_policy(self.retry);
        if let Some(user_agent) = self.user_agent {
            http = http.user_agent(user_agent);
        }
        let rate_of = |command: &str, documented: u32| {
            self.rates
                .iter()
                .rev()
                .find(|(c, _)| c == command)
                .map_or(documented, |(_, r)| *r)
        };
        for (_, command, documented) in COMMANDS {
            http = http.route_rate_limit(command, pacing_for(rate_of(command, *documented)));
        }
        http = http.route_rate_limit(OTHER_ROUTE, pacing_for(OTHER_RATE));
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("the HTTP client could not be built: {e}")))?;
        let signer = UserSigSigner::new(self.sdkappid, self.key).with_shared_clock(self.clock);
        let admin = AdminSig {
            signer,
            identifier: self.identifier.clone(),
            expire: self.usersig_expire,
            cached: Mutex::new(None),
        };
        admin.current()?;
        Ok(TencentClient {
            inner: Arc::new(Inner {
                http,
                once_policy,
                sdkappid: self.sdkappid,
                identifier: self.identifier,
                region: self.region,
                admin,
            }),
        })
    }
}

/// Only HTTPS carries a UserSig, except to this machine (loopback emulators).
fn check_scheme(base: &str) -> Result<(), Error> {
    let Some(rest) = base.strip_prefix("http://") else {
        return Ok(());
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "plain http:// would send the UserSig in clear; use https:// ({host} is not a loopback host)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_rates_and_spacing() {
        assert_eq!(documented_rate("get_room_list"), Some(10));
        assert_eq!(documented_rate("add_robot"), Some(100));
        assert_eq!(documented_rate("create_room"), Some(200));
        assert_eq!(documented_rate("send_custom_msg"), None);
        assert_eq!(pacing_for(10).interval(), Duration::from_millis(102));
        assert!(pacing_for(200).interval() > Duration::from_millis(5));
    }

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "https://adminapisgp.im.qcloud.com",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9/x",
        ] {
            assert!(check_scheme(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1:80",
            "http://127.0.0.1.evil.com",
        ] {
            assert!(check_scheme(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bodies_are_objects_and_never_empty() {
        assert_eq!(json_body("x", &()).unwrap(), b"{}");
        assert_eq!(
            json_body("x", &serde_json::json!({"A": 1})).unwrap(),
            br#"{"A":1}"#
        );
        assert!(json_body("x", &[1, 2]).is_err());
    }

    #[test]
    fn builds_check_their_settings() {
        let ok = TencentClient::builder(1400000000, "key").build().unwrap();
        assert_eq!(ok.base_url(), "https://adminapisgp.im.qcloud.com");
        let backup = TencentClient::builder(1400000000, "key")
            .region(Region::China)
            .backup_host(true)
            .build()
            .unwrap();
        assert_eq!(backup.base_url(), "https://adminapi.my-imcloud.com");
        let short = TencentClient::builder(1, "key")
            .timeout(Duration::from_secs(3))
            .build();
        assert!(matches!(short, Err(Error::Config(_))));
        assert!(matches!(
            TencentClient::builder(1, "").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            TencentClient::builder(1, "k").identifier("").build(),
            Err(Error::InvalidIdentifier(_))
        ));
        assert!(
            TencentClient::builder(1, "k")
                .base_url("http://example.com")
                .build()
                .is_err()
        );
        let debug = format!("{:?}", TencentClient::builder(1, "sekrit-key"));
        assert!(!debug.contains("sekrit"), "{debug}");
    }
}
