//! How a connection is bootstrapped: a [`Signer`] turns a room id (and a cursor, when
//! resuming) into what the WebSocket needs: the first fetch result, the push server, cookies.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use live_http::Secret;

use crate::error::Error;
use crate::euler::{EulerClient, FetchRequest};
use crate::room::RoomLookup;

/// What a signer is asked for.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct BootstrapRequest {
    /// The room.
    pub room_id: String,
    /// The unique id (for signers that need it).
    pub unique_id: String,
    /// The cursor to resume from (after a reconnect).
    pub cursor: Option<String>,
    /// The user agent the WebSocket will send.
    pub user_agent: String,
}

/// What a connection starts from.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    /// The first fetch result (raw protobuf): history, cursor, push server, route params.
    pub fetch_result: Option<Bytes>,
    /// The WebSocket base URL, when the fetch result does not carry it.
    pub push_server: Option<String>,
    /// The `Cookie` header for the WebSocket.
    pub cookies: Option<Secret>,
    /// The canonical room id, when the signer knows better.
    pub room_id: Option<String>,
    /// True for the direct flow (`ws_direct=1`, `heartbeat_duration=10000`).
    pub direct: bool,
}

impl Bootstrap {
    /// A bootstrap from a fetch result and cookies.
    pub fn new(fetch_result: Option<Bytes>, cookies: Option<Secret>) -> Self {
        Bootstrap {
            fetch_result,
            cookies,
            ..Bootstrap::default()
        }
    }

    /// Sets the push server.
    #[must_use]
    pub fn push_server(mut self, url: impl Into<String>) -> Self {
        self.push_server = Some(url.into());
        self
    }

    /// Marks the direct flow.
    #[must_use]
    pub fn direct(mut self, direct: bool) -> Self {
        self.direct = direct;
        self
    }
}

/// Bootstraps connections. Implement it to use another sign service or a cache.
#[async_trait]
pub trait Signer: Send + Sync + 'static {
    /// Everything the WebSocket needs for `request.room_id`.
    async fn bootstrap(&self, request: &BootstrapRequest) -> Result<Bootstrap, Error>;
}

#[async_trait]
impl<S: Signer + ?Sized> Signer for Arc<S> {
    async fn bootstrap(&self, request: &BootstrapRequest) -> Result<Bootstrap, Error> {
        (**self).bootstrap(request).await
    }
}

/// Euler Stream's `/webcast/fetch`: the first fetch result (binary) and TikTok cookies, signed
/// for our user agent.
#[derive(Debug, Clone)]
pub struct EulerSigner {
    client: EulerClient,
}

impl EulerSigner {
    /// A signer using `client`.
    pub fn new(client: EulerClient) -> Self {
        EulerSigner { client }
    }
}

#[async_trait]
impl Signer for EulerSigner {
    async fn bootstrap(&self, request: &BootstrapRequest) -> Result<Bootstrap, Error> {
        let mut fetch = FetchRequest::room(&request.room_id).user_agent(&request.user_agent);
        if let Some(cursor) = &request.cursor {
            fetch = fetch.cursor(cursor);
        }
        let answer = self.client.fetch(&fetch).await?;
        Ok(Bootstrap {
            fetch_result: Some(answer.body),
            push_server: None,
            cookies: answer.tt_cookie,
            room_id: answer.room_id,
            direct: false,
        })
    }
}

/// The flow without a sign server (tiktok.md §1.5): a `ttwid` cookie from tiktok.com and a
/// direct WebSocket. No history batch and no cursor at the start. Fragile by nature: TikTok
/// may start requiring signatures here.
#[derive(Debug, Clone)]
pub struct DirectSigner {
    lookup: RoomLookup,
    push_server: String,
}

/// TikTok's global push server for the direct flow.
pub const DEFAULT_DIRECT_PUSH_SERVER: &str =
    "wss://webcast-ws.tiktok.com/webcast/im/ws_proxy/ws_reuse_supplement/";

impl DirectSigner {
    /// A direct signer getting its cookie through `lookup`, connecting to `push_server`.
    pub fn new(lookup: RoomLookup, push_server: impl Into<String>) -> Self {
        DirectSigner {
            lookup,
            push_server: push_server.into(),
        }
    }
}

#[async_trait]
impl Signer for DirectSigner {
    async fn bootstrap(&self, _request: &BootstrapRequest) -> Result<Bootstrap, Error> {
        let ttwid = self.lookup.ttwid().await?;
        Ok(Bootstrap::new(None, Some(ttwid))
            .push_server(self.push_server.clone())
            .direct(true))
    }
}
