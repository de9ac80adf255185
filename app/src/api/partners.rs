//! Partners acting for their customers, and a customer deciding what its
//! partners see.

use leptos::prelude::*;

use crate::domain::wire::{CustomerOrdersView, CustomersView, PartnerVisibilityView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::{Capability, Email, Problem},
    http::{answer::answer_at, Ctx},
    services::{
        orders,
        partners::{self, PersonInput},
    },
};

/// The partner's Customers page.
#[server(endpoint = "get_customers")]
pub async fn get_customers() -> Result<CustomersView, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageCustomers)?;
    Ok(CustomersView {
        accounts: partners::customers(cx.state(), cx.actor()).await?,
        user: cx.user().summary(),
    })
}

/// Sends a customer's designated administrator a fresh invitation.
/// Returns the address it went to.
#[server(endpoint = "resend_admin_invitation")]
pub async fn resend_admin_invitation(purchasing_account_id: i64) -> Result<String, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageCustomers)?;
    let email = partners::resend(cx.state(), cx.actor(), purchasing_account_id).await?;
    // A plain form comes back to the customers, saying whose it was.
    answer_at(&format!("/customers?resent={purchasing_account_id}"));
    Ok(email.to_string())
}

/// Makes another person the designated administrator of a customer's
/// purchasing account.
#[server(endpoint = "change_designated_admin")]
pub async fn change_designated_admin(
    purchasing_account_id: i64,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    country: String,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageCustomers)?;
    let admin = PersonInput {
        email,
        first_name,
        last_name,
        language,
        country,
    }
    .parse()?;
    let done =
        partners::change_admin(cx.state(), cx.actor(), purchasing_account_id, &admin).await?;
    answer_at(match done {
        partners::AdminChange::Changed => "/customers?changed=admin",
        partners::AdminChange::Requested => "/customers?changed=admin-request",
    });
    Ok(())
}

/// Corrects the address of a designated administrator not yet registered.
#[server(endpoint = "change_designated_admin_email")]
pub async fn change_designated_admin_email(
    purchasing_account_id: i64,
    email: String,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageCustomers)?;
    let email = Email::parse(&email).map_err(|problem| AppError::field("email", problem))?;
    partners::change_admin_email(cx.state(), cx.actor(), purchasing_account_id, &email).await?;
    answer_at("/customers?changed=email");
    Ok(())
}

/// A customer's license details and orders, as far as the customer lets
/// the partner see them.
#[server(endpoint = "get_customer_orders")]
pub async fn get_customer_orders(
    agreement: String,
    after: String,
) -> Result<CustomerOrdersView, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageCustomers)?;
    let (_, customer) = partners::scope(cx.state(), cx.actor(), &agreement).await?;
    let filter = crate::domain::wire::OrderFilter::default();
    Ok(CustomerOrdersView {
        customer,
        licenses: orders::partner_licenses(cx.state(), cx.actor(), &agreement).await?,
        orders: orders::partner_page(cx.state(), cx.actor(), &agreement, &filter, &after).await?,
        agreement_number: agreement,
    })
}

/// Manage access → Manage partner visibility.
#[server(endpoint = "get_partner_visibility")]
pub async fn get_partner_visibility() -> Result<PartnerVisibilityView, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManagePartnerVisibility)?;
    Ok(PartnerVisibilityView {
        partners: partners::of_customer(cx.state(), cx.actor()).await?,
        requests: partners::pending_requests(cx.state(), cx.actor()).await?,
        user: cx.user().summary(),
    })
}

/// An Account Admin approves (`approve` is `true`) or declines (`false`)
/// a partner's request to replace a designated administrator.
#[server(endpoint = "decide_admin_change")]
pub async fn decide_admin_change(request_id: i64, approve: bool) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    partners::decide(cx.state(), cx.actor(), request_id, approve).await?;
    answer_at("/manage-access/partners");
    Ok(())
}

/// Lets a partner see (`sees` is `true`) or not see (`false`) the orders
/// placed through the customer's other partners.
#[server(endpoint = "set_partner_visibility")]
pub async fn set_partner_visibility(partner_id: i64, sees: String) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManagePartnerVisibility)?;
    let sees = match sees.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::field("sees", Problem::Required)),
    };
    partners::set_visibility(cx.state(), cx.actor(), partner_id, sees).await
}
