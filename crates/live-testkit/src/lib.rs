//! Faithful loopback emulators of the services live-sdk talks to, for tests and demos.
//!
//! The core is two servers bound to `127.0.0.1` on a free port:
//! - [`HttpServer`]: serves scripted or computed replies per route (status, headers, body,
//!   delay, dropped connection) and records every request it receives;
//! - [`WsServer`]: accepts WebSocket connections, lets a script or a handler play frames,
//!   records what the client sent, and injects faults (close codes, abrupt drops, silence,
//!   oversized frames, rejected handshakes).
//!
//! Platform emulators (Kick, TikTok, Tencent, kitkot) are built on these two.
#![forbid(unsafe_code)]

pub mod demo;
pub mod fixtures;
pub mod fuzz;
pub mod http;
pub mod kick;
pub mod kitkot;
pub mod logs;
pub mod tencent;
pub mod tiktok;
pub mod ws;

pub use http::{HttpServer, RecordedRequest, Reply};
pub use ws::{HandshakeDecision, HandshakeRequest, WsConn, WsMessage, WsServer, WsStep};
