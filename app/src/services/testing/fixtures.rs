//! The people and organizations tests start from: Contoso and its
//! administrator Harry, Fabrikam and Olga, colleagues with given roles.

use super::unique_name;
use crate::services::db::Db;
use crate::services::outbox::Outbox;

/// The guide's example customer: Contoso Ltd, whose designated
/// administrator Harry typed his email with capitals.
pub fn contoso() -> crate::services::agreements::AgreementInput {
    crate::services::agreements::AgreementInput {
        agreement_number: "1234567890".into(),
        organization: "Contoso Ltd".into(),
        organization_id: None,
        purchasing_account: "9876543210".into(),
        admin_email: "Harry@Contoso.com".into(),
        admin_first_name: "Harry".into(),
        admin_last_name: "Roldan".into(),
        language: "en".into(),
        country: "US".into(),
    }
}

/// A second customer, for checking that one organization never reaches
/// another's data: Fabrikam, agreement 5555555555, purchasing account 77.
pub fn fabrikam() -> crate::services::agreements::AgreementInput {
    crate::services::agreements::AgreementInput {
        agreement_number: "5555555555".into(),
        organization: "Fabrikam".into(),
        organization_id: None,
        purchasing_account: "77".into(),
        admin_email: "olga@fabrikam.com".into(),
        admin_first_name: "Olga".into(),
        admin_last_name: "F".into(),
        language: "en".into(),
        country: "US".into(),
    }
}

/// Registers Fabrikam (see [`fabrikam`]); its administrator Olga is
/// invited.
pub async fn register_fabrikam(db: &Db, settings: &crate::services::Settings, now: i64) {
    let agreement = fabrikam().parse().expect("valid agreement");
    crate::services::agreements::register(db, settings, &Outbox::default(), now, &agreement)
        .await
        .expect("Fabrikam registers");
}

/// Fabrikam with Olga, its Account Admin, signed up; returns her id.
pub async fn sign_up_olga(
    db: &Db,
    settings: &crate::services::Settings,
    hasher: &crate::services::password::Hasher,
    now: i64,
) -> i64 {
    register_fabrikam(db, settings, now).await;
    let token = newest_link(db, "olga@fabrikam.com").await;
    crate::services::invitations::accept(db, hasher, now, &token, accept_form(PASSWORD, PASSWORD))
        .await
        .expect("Olga signs up")
}

/// The password every test account is created with.
pub const PASSWORD: &str = "Correct-Horse-42";

/// The account form as Harry fills it in.
pub fn accept_form(password: &str, confirm: &str) -> crate::services::invitations::AcceptForm {
    crate::services::invitations::AcceptForm {
        first_name: "Harry".into(),
        last_name: "Roldan".into(),
        country: "US".into(),
        password: password.into(),
        confirm_password: confirm.into(),
    }
}

/// Registers Contoso and returns the invitation link's token.
pub async fn invite_contoso(db: &Db, settings: &crate::services::Settings, now: i64) -> String {
    let agreement = contoso().parse().expect("valid agreement");
    crate::services::agreements::register(db, settings, &Outbox::default(), now, &agreement)
        .await
        .expect("agreement registers")
        .invitation
        .expect("an invitation was issued")
        .as_str()
        .to_owned()
}

/// Contoso with Harry signed up (password [`PASSWORD`]); returns his id.
pub async fn sign_up_harry(
    db: &Db,
    settings: &crate::services::Settings,
    hasher: &crate::services::password::Hasher,
    now: i64,
) -> i64 {
    let token = invite_contoso(db, settings, now).await;
    crate::services::invitations::accept(db, hasher, now, &token, accept_form(PASSWORD, PASSWORD))
        .await
        .expect("account created")
}

/// The token of the newest invitation link mailed to `email`.
pub async fn newest_link(db: &Db, email: &str) -> String {
    let mails = crate::services::outbox::recent(db, 1000)
        .await
        .expect("read the outbox");
    let mail = mails
        .iter()
        .find(|mail| mail.to_email == email)
        .expect("an email to this address");
    let start = mail.body_text.find("/invitation/").expect("a link") + "/invitation/".len();
    mail.body_text[start..start + 43].to_owned()
}

/// A colleague `inviter` invited with `roles`, signed up with [`PASSWORD`].
pub async fn member(
    db: &Db,
    settings: &crate::services::Settings,
    hasher: &crate::services::password::Hasher,
    now: i64,
    inviter: &crate::services::current_user::CurrentUser,
    email: &str,
    roles: &[crate::domain::Role],
) -> crate::services::current_user::CurrentUser {
    let invitee = crate::services::access::invite::InviteInput {
        email: email.into(),
        first_name: "Test".into(),
        last_name: "Member".into(),
        language: "en".into(),
        country: "US".into(),
        roles: roles.iter().map(|role| role.key().to_owned()).collect(),
    }
    .parse()
    .expect("a valid invitee");
    let actor = crate::services::audit::Actor {
        user: inviter.clone(),
        client_address: "test".to_owned(),
    };
    crate::services::access::invite::invite(
        db,
        settings,
        &Outbox::default(),
        now,
        &actor,
        &invitee,
    )
    .await
    .expect("invited");
    let token = newest_link(db, &invitee.email.to_string()).await;
    let id = crate::services::invitations::accept(
        db,
        hasher,
        now,
        &token,
        accept_form(PASSWORD, PASSWORD),
    )
    .await
    .expect("accepted");
    crate::services::current_user::load(db, id)
        .await
        .expect("load")
        .expect("the new member exists")
}

/// Settings as the service tests use them: an https public address (so
/// cookies are Secure) and a downloads folder of their own.
pub fn settings() -> crate::services::Settings {
    crate::services::Settings {
        public_url: url::Url::parse("https://bc.example.com").expect("valid URL"),
        dev_mailbox: false,
        downloads_dir: std::env::temp_dir().join(format!("{}-downloads", unique_name())),
        dns_resolver: None,
        trusted_proxies: Vec::new(),
        session_idle_secs: crate::services::sessions::DEFAULT_IDLE_SECS,
    }
}

/// Contoso with Harry signed up, as the signed-in user he becomes.
pub async fn harry(db: &Db, now: i64) -> crate::services::current_user::CurrentUser {
    let id = sign_up_harry(
        db,
        &settings(),
        &crate::services::password::Hasher::default(),
        now,
    )
    .await;
    crate::services::current_user::load(db, id)
        .await
        .expect("load")
        .expect("harry")
}

/// The state a server runs with, over a test database.
pub fn state(
    db: &Db,
    settings: crate::services::Settings,
    clock: crate::services::Clock,
) -> crate::services::AppState {
    crate::services::AppState {
        db: db.clone(),
        settings: std::sync::Arc::new(settings),
        hasher: crate::services::password::Hasher::default(),
        clock,
        outbox: crate::services::outbox::Outbox::default(),
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("business-center")
            .site_root("target/site")
            .build(),
    }
}

/// A partner organization registered by the operator, with its first
/// administrator (Partner Admin) signed up; the administrator.
pub async fn partner(
    db: &Db,
    now: i64,
    name: &str,
    admin_email: &str,
) -> crate::services::current_user::CurrentUser {
    let name = crate::domain::OrganizationName::parse(name).expect("valid name");
    let admin = crate::services::partners::PersonInput {
        email: admin_email.into(),
        first_name: "Ana".into(),
        last_name: "Silva".into(),
        language: "en".into(),
        country: "PT".into(),
    }
    .parse()
    .expect("valid administrator");
    let registered =
        crate::services::partners::create(db, &settings(), &Outbox::default(), now, &name, &admin)
            .await
            .expect("partner registers");
    let id = crate::services::invitations::accept(
        db,
        &crate::services::password::Hasher::default(),
        now,
        registered.invitation.as_str(),
        accept_form(PASSWORD, PASSWORD),
    )
    .await
    .expect("partner administrator signs up");
    crate::services::current_user::load(db, id)
        .await
        .expect("load")
        .expect("the partner administrator exists")
}

/// Makes the partner called `name` partner of record for `agreement`.
pub async fn link_partner(db: &Db, now: i64, name: &str, agreement: &str) {
    crate::services::partners::link(
        db,
        now,
        &crate::domain::OrganizationName::parse(name).expect("valid name"),
        &crate::domain::AgreementNumber::parse(agreement).expect("valid number"),
    )
    .await
    .expect("linked");
}

/// Records `name` as a verified domain of the organization, on its first
/// purchasing account, as if its TXT record had been found.
pub async fn verified_domain(db: &Db, organization_id: i64, name: &str, now: i64) {
    sqlx::query(
        "INSERT INTO domains (organization_id, purchasing_account_id, name, token, status, \
         created_at, verified_at, checked_at) SELECT $1, MIN(p.id), $2, 'test', 'verified', $3, \
         $3, $3 FROM purchasing_accounts p JOIN agreements a ON a.id = p.agreement_id \
         WHERE a.organization_id = $1",
    )
    .bind(organization_id)
    .bind(name)
    .bind(now)
    .execute(db)
    .await
    .expect("verified domain");
}
