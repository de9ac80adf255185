//! The Agreements screen: the organization's agreements with their
//! purchasing accounts, and the details an Account Manager may edit.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::account::{PurchasingAccountSummary, UserSummary};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementDetail {
    pub number: String,
    pub kind: String,
    pub start_date: i64,
    pub end_date: i64,
    pub active: bool,
    pub purchase_order: String,
    pub contact_name: String,
    pub contact_email: String,
    pub purchasing_accounts: Vec<PurchasingAccountSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementsView {
    pub user: UserSummary,
    /// Whether the roles allow editing (the server checks again).
    pub can_modify: bool,
    pub agreements: Vec<AgreementDetail>,
}

#[server(endpoint = "get_agreements")]
pub async fn get_agreements() -> Result<AgreementsView, AppError> {
    use crate::domain::{Capability, Role};
    use crate::server::{agreements, http};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            let list = agreements::list(&state.db, &user, state.clock.now()).await?;
            Ok(AgreementsView {
                can_modify: Role::any_allows(&user.roles, Capability::ModifyAgreements),
                user: user.summary(),
                agreements: list,
            })
        }
        .await,
    )
}

/// Changes an active agreement's editable details; every change is audited.
#[server(endpoint = "update_agreement")]
pub async fn update_agreement(
    number: String,
    purchase_order: String,
    contact_name: String,
    contact_email: String,
) -> Result<(), AppError> {
    use crate::server::audit::Actor;
    use crate::server::{agreements, http};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            let address = http::client_ip();
            let actor = Actor {
                user: &user,
                client_address: &address,
            };
            let edit = agreements::AgreementEdit {
                purchase_order,
                contact_name,
                contact_email,
            };
            agreements::update(&state.db, state.clock.now(), &actor, &number, &edit).await
        }
        .await,
    )
}
