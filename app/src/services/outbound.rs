//! HTTP requests the server makes to addresses its users chose (webhook
//! receivers, single sign-on providers): no redirects followed, and,
//! unless the operator allows private networks, only public addresses
//! connected to. The host name is resolved here and only its public
//! addresses are used, so a name that resolves to the server's own
//! network at request time (DNS rebinding) reaches nothing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::webhooks::address;

/// Resolves host names to their public addresses only.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found
                .filter(|found| address::is_public(found.ip()))
                .collect();
            if public.is_empty() {
                let refused = format!("{} resolves to no public address", name.as_str());
                return Err(refused.into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// A client for addresses users chose: `timeout` for the whole exchange,
/// named `agent` to the other side.
pub fn client(
    agent: &str,
    timeout: Duration,
    allow_private: bool,
) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        // A redirect could lead anywhere, past the address checks.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(format!("{agent}/{}", env!("CARGO_PKG_VERSION")));
    if !allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder
        .build()
        .map_err(|error| format!("{agent} client: {error}"))
}

/// What went wrong with a request, in words for a person (no secrets:
/// the address is one they gave).
pub fn describe(error: &reqwest::Error, timeout_secs: u64) -> String {
    if error.is_timeout() {
        format!("no answer within {timeout_secs} s")
    } else if error.is_connect() {
        let mut source: Option<&dyn std::error::Error> = Some(error);
        let mut deepest = String::from("could not connect");
        while let Some(cause) = source {
            deepest = cause.to_string();
            source = cause.source();
        }
        format!("could not connect: {deepest}")
    } else {
        "the request failed".to_owned()
    }
}
