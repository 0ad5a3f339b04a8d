//! The TikHub REST client: live room information, rankings, live checks and API key info.
//!
//! Two products share the name (rest-apis.md §B). **api.tikhubapi.com** (the default, the one
//! our seed documents) has `GET /api/v1//live/info` (double slash kept) with HTTP Basic auth
//! and a `{code: 0, msg, data}` envelope. **api.tikhub.io** uses Bearer tokens, a
//! `{code: 200, router, params, data}` envelope and `/api/v1/tiktok/...` paths, verified from
//! its SDK. Only `live/info` is documented for api.tikhubapi.com; for the ranking list, the
//! ranking info, the live check and the key info this client uses the TikHub.io paths on both
//! products (the only verified ones): on api.tikhubapi.com they are unverified (see
//! docs/tiktok.md). Errors: 400, 401, 428 (account key session expired), 429 (retried after
//! `Retry-After`), 500 (retried) map to typed [`Error`] variants.

use std::time::Duration;

use live_http::{Auth, HttpClient, RetryPolicy, Secret};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Service};

/// The seed's host.
pub const DEFAULT_TIKHUB_URL: &str = "https://api.tikhubapi.com";

/// Which TikHub product the base URL points at (it decides the live-info path).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// api.tikhubapi.com (the seed): `/api/v1//live/info`, HTTP Basic.
    TikhubApi,
    /// api.tikhub.io: `/api/v1/tiktok/app/v3/fetch_live_room_info`, Bearer.
    TikhubIo,
}

impl Product {
    /// Guesses the product from the base URL's host (TikHub.io for `tikhub.io`/`tikhub.dev`).
    pub fn from_url(url: &str) -> Product {
        if url.contains("tikhub.io") || url.contains("tikhub.dev") {
            Product::TikhubIo
        } else {
            Product::TikhubApi
        }
    }
}

/// Configures a [`TikhubClient`].
#[derive(Debug, Clone)]
pub struct TikhubClientBuilder {
    base_url: String,
    product: Option<Product>,
    auth: Option<Auth>,
    timeout: Duration,
    retry: RetryPolicy,
}

impl TikhubClientBuilder {
    /// The base URL (default [`DEFAULT_TIKHUB_URL`]).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Overrides the product guessed from the URL.
    #[must_use]
    pub fn product(mut self, product: Product) -> Self {
        self.product = Some(product);
        self
    }

    /// `Authorization: Bearer TOKEN`.
    #[must_use]
    pub fn bearer(mut self, token: Secret) -> Self {
        self.auth = Some(Auth::bearer(token));
        self
    }

    /// `Authorization: Basic base64(user:password)` from `user:password`.
    #[must_use]
    pub fn basic(mut self, pair: &Secret) -> Self {
        self.auth = Some(Auth::basic_from_pair(pair.expose()));
        self
    }

    /// Time allowed per request (default 30 s, as TikHub's SDK).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries (default 3: connection errors, 5xx, 429 after its wait).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<TikhubClient, Error> {
        let product = self
            .product
            .unwrap_or_else(|| Product::from_url(&self.base_url));
        let mut builder = HttpClient::builder(&self.base_url)
            .timeout(self.timeout)
            .retry_policy(self.retry)
            .classifier(crate::rest::envelope_classifier)
            .header("accept", "application/json");
        if let Some(auth) = self.auth {
            builder = builder.auth(auth);
        }
        let http = builder
            .build()
            .map_err(|e| Error::http(Service::Tikhub, e))?;
        Ok(TikhubClient { http, product })
    }
}

/// The `{code, msg, data}` envelope (TikHub.io adds `router` and `params`, kept in `extra`).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// 0 (api.tikhubapi.com) or 200 (TikHub.io) on success.
    #[serde(default)]
    pub code: Option<i64>,
    /// Message.
    #[serde(default, alias = "message", skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    /// Payload.
    #[serde(default)]
    pub data: Value,
    /// Other fields (`router`, `params`, `time`...).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl Envelope {
    /// The live room object of a live-info answer (`data.data`, or `data` itself).
    pub fn room(&self) -> Option<&Value> {
        match self.data.get("data") {
            Some(room @ Value::Object(_)) => Some(room),
            _ => self.data.as_object().map(|_| &self.data),
        }
    }

    /// The room's id, exact.
    pub fn room_id(&self) -> Option<String> {
        let room = self.room()?;
        room.get("id_str")
            .and_then(crate::euler::json_id)
            .or_else(|| room.get("id").and_then(crate::euler::json_id))
    }

    /// The room's status (2 live, 4 ended).
    pub fn room_status(&self) -> Option<i64> {
        self.room()?.get("status")?.as_i64()
    }

    /// The room's title.
    pub fn title(&self) -> Option<&str> {
        self.room()?.get("title")?.as_str()
    }

    /// The strict generated model of a live-info answer (fails when a field it expects is
    /// missing: prefer the accessors for data that varies).
    pub fn live_info_model(
        &self,
    ) -> Result<crate::tikhub_model::LiveInfoResponse, serde_json::Error> {
        let mut object = self.extra.clone();
        object.insert("code".into(), self.code.into());
        if let Some(msg) = &self.msg {
            object.insert("msg".into(), msg.clone().into());
        }
        object.insert("data".into(), self.data.clone());
        serde_json::from_value(Value::Object(object))
    }
}

/// The TikHub client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct TikhubClient {
    http: HttpClient,
    product: Product,
}

impl TikhubClient {
    /// A builder with the defaults.
    pub fn builder() -> TikhubClientBuilder {
        TikhubClientBuilder {
            base_url: DEFAULT_TIKHUB_URL.to_owned(),
            product: None,
            auth: None,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }

    /// The product this client speaks to.
    pub fn product(&self) -> Product {
        self.product
    }

    async fn get(&self, path: &str, query: &[(&str, Option<&str>)]) -> Result<Envelope, Error> {
        let mut request = self.http.get(path);
        for (name, value) in query {
            request = request.query_opt(name, *value);
        }
        request
            .send_json()
            .await
            .map_err(|e| Error::http(Service::Tikhub, e))
    }

    /// Live room information by room id (and optionally the anchor's user id).
    pub async fn live_info(&self, room_id: &str, user_id: Option<&str>) -> Result<Envelope, Error> {
        match self.product {
            Product::TikhubApi => {
                self.get(
                    "/api/v1//live/info",
                    &[("room_id", Some(room_id)), ("user_id", user_id)],
                )
                .await
            }
            Product::TikhubIo => {
                self.get(
                    "/api/v1/tiktok/app/v3/fetch_live_room_info",
                    &[("room_id", Some(room_id))],
                )
                .await
            }
        }
    }

    /// The room's gift ranking list (`fetch_live_ranking_list`; unverified on
    /// api.tikhubapi.com).
    pub async fn ranking_list(&self, room_id: &str, anchor_id: &str) -> Result<Envelope, Error> {
        self.get(
            "/api/v1/tiktok/app/v3/fetch_live_ranking_list",
            &[("room_id", Some(room_id)), ("anchor_id", Some(anchor_id))],
        )
        .await
    }

    /// An anchor's daily rank (`fetch_live_daily_rank`; unverified on api.tikhubapi.com).
    pub async fn ranking_info(
        &self,
        room_id: Option<&str>,
        anchor_id: Option<&str>,
    ) -> Result<Envelope, Error> {
        self.get(
            "/api/v1/tiktok/app/v3/fetch_live_daily_rank",
            &[("room_id", room_id), ("anchor_id", anchor_id)],
        )
        .await
    }

    /// Whether a room is live (`check_live_room_online`; unverified on api.tikhubapi.com).
    pub async fn check_live(&self, room_id: &str) -> Result<Envelope, Error> {
        self.get(
            "/api/v1/tiktok/app/v3/check_live_room_online",
            &[("room_id", Some(room_id))],
        )
        .await
    }

    /// Information about the API key (`tikhub/user/get_user_info`; unverified on
    /// api.tikhubapi.com).
    pub async fn key_info(&self) -> Result<Envelope, Error> {
        self.get("/api/v1/tikhub/user/get_user_info", &[]).await
    }
}
