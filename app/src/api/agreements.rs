//! The Agreements screen: the organization's agreements with their
//! purchasing accounts, and the details an Account Manager may edit.

use leptos::prelude::*;

use crate::domain::wire::AgreementsView;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::Capability,
    http::{answer::answer_at, Ctx},
    services::{agreements, partners},
};

#[server(endpoint = "get_agreements")]
pub async fn get_agreements() -> Result<AgreementsView, AppError> {
    let cx = Ctx::signed_in().await?;
    let agreements = agreements::list(cx.state(), cx.actor()).await?;
    Ok(AgreementsView {
        can_modify: cx.require(Capability::ModifyAgreements).is_ok(),
        user: cx.user().summary(),
        agreements,
        partners: partners::of_customer(cx.state(), cx.actor()).await?,
    })
}

/// Changes an active agreement's editable details; every change is audited.
#[server(endpoint = "update_agreement")]
pub async fn update_agreement(
    number: String,
    purchase_order: String,
    contact_name: String,
    contact_email: String,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let edit = agreements::AgreementEdit {
        purchase_order,
        contact_name,
        contact_email,
    };
    agreements::update(cx.state(), cx.actor(), &number, &edit).await?;
    // The agreements, saying this one was saved.
    let saved: String = url::form_urlencoded::byte_serialize(number.as_bytes()).collect();
    answer_at(&format!("/agreements?saved={saved}"));
    Ok(())
}
