//! TXT lookups for domain proofs: through the system's resolver, or the
//! server `DNS_RESOLVER` names. Each lookup asks afresh (no cache), so a
//! record published a minute ago is found.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::xfer::Protocol;
use hickory_resolver::{Resolver, TokioResolver};

/// Why a lookup found no TXT record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupFailure {
    /// The name has no TXT record (or does not exist).
    NoRecord,
    /// The DNS server could not be asked, or failed to answer.
    Error(String),
}

fn options(options: &mut ResolverOpts) {
    options.cache_size = 0;
    options.timeout = Duration::from_secs(2);
    options.attempts = 2;
}

fn resolver(server: Option<SocketAddr>) -> Result<TokioResolver, LookupFailure> {
    let mut builder = match server {
        Some(address) => {
            let mut config = ResolverConfig::new();
            config.add_name_server(NameServerConfig::new(address, Protocol::Udp));
            Resolver::builder_with_config(config, TokioConnectionProvider::default())
        }
        None => Resolver::builder_tokio()
            .map_err(|error| LookupFailure::Error(format!("system resolver: {error}")))?,
    };
    options(builder.options_mut());
    Ok(builder.build())
}

/// The TXT strings published at `name` (fully qualified, no trailing dot
/// needed), each record's strings joined as DNS says they should be.
pub async fn txt(server: Option<SocketAddr>, name: &str) -> Result<Vec<String>, LookupFailure> {
    let resolver = resolver(server)?;
    // A trailing dot: the name is absolute, never searched under the
    // machine's own domain.
    match resolver.txt_lookup(format!("{name}.")).await {
        Ok(lookup) => Ok(lookup
            .iter()
            .map(|txt| {
                txt.txt_data()
                    .iter()
                    .map(|part| String::from_utf8_lossy(part).into_owned())
                    .collect::<String>()
            })
            .collect()),
        Err(error) if error.is_no_records_found() || error.is_nx_domain() => {
            Err(LookupFailure::NoRecord)
        }
        Err(error) => Err(LookupFailure::Error(error.to_string())),
    }
}
