//! One rustls configuration for HTTP and WebSocket connections.
//!
//! The crypto provider is chosen explicitly (ring): relying on the process default panics when
//! the final dependency graph enables two providers.

use std::sync::{Arc, OnceLock};

use rustls::ClientConfig;

/// The shared client TLS configuration (webpki roots, ring), built once. `None` only if rustls
/// refuses the provider's protocol versions, which ring's provider never causes.
pub fn rustls_config() -> Option<Arc<ClientConfig>> {
    static CONFIG: OnceLock<Option<Arc<ClientConfig>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .ok()
                .map(|builder| {
                    Arc::new(builder.with_root_certificates(roots).with_no_client_auth())
                })
        })
        .clone()
}
