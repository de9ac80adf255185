//! Account → Domains: adding a domain and verifying it by DNS.

use leptos::prelude::*;

use crate::domain::wire::{DomainCheck, DomainRow, DomainsView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::Capability,
    http::{answer::answer_at, Ctx},
    services::domains,
};

#[server(endpoint = "get_domains")]
pub async fn get_domains() -> Result<DomainsView, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageDomains)?;
    domains::page(cx.state(), cx.actor()).await
}

/// Adds a domain, pending until its TXT record is found.
#[server(endpoint = "add_domain")]
pub async fn add_domain(domain: String, purchasing_account: String) -> Result<DomainRow, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageDomains)?;
    domains::add(cx.state(), cx.actor(), &domain, &purchasing_account).await
}

/// Looks the domain's record up in DNS now; answers with the domain's id
/// and what was found.
#[server(endpoint = "verify_domain")]
pub async fn verify_domain(domain_id: i64) -> Result<(i64, DomainCheck), AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageDomains)?;
    let found = domains::verify(cx.state(), cx.actor(), domain_id).await?;
    // Back to the domains, which show what was found for this one.
    answer_at(&format!("/domains?checked={domain_id}"));
    Ok((domain_id, found))
}
