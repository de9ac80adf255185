//! What service tests start from: [`TestApp`] (the state a server runs
//! with, over a fresh database, on a clock the test moves) and the people
//! and organizations of the guide: Contoso and its administrator Harry,
//! Fabrikam and Olga, colleagues with given roles, partners.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::{actor, unique_name, TestDb, NOW};
use crate::domain::wire::{InviteOutcome, LinkState};
use crate::domain::{AgreementNumber, OrganizationName, Role};
use crate::error::AppError;
use crate::services::access::invite::{self, InviteInput};
use crate::services::agreements::{self, AgreementInput, RegisteredAgreement};
use crate::services::audit::Actor;
use crate::services::current_user::{self, CurrentUser};
use crate::services::invitations::{self, AcceptForm};
use crate::services::outbox::{self, MailboxEntry};
use crate::services::{partners, password, sessions, AppState, Clock, Db, Settings};

/// The password every test account is created with.
pub const PASSWORD: &str = "Correct-Horse-42";

/// A fresh database, the state a server runs with over it, and the clock
/// that state reads, which starts at [`NOW`] and moves only when the test
/// moves it.
pub struct TestApp {
    pub t: TestDb,
    pub state: AppState,
    pub now: Arc<AtomicI64>,
}

impl TestApp {
    /// The state over `t` with the test [`settings`].
    pub fn new(t: TestDb) -> TestApp {
        TestApp::configured(t, |_| {})
    }

    /// The state with the test settings as `configure` changes them.
    pub fn configured(t: TestDb, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let now = Arc::new(AtomicI64::new(NOW));
        let read = now.clone();
        let mut settings = settings();
        configure(&mut settings);
        let state = state(
            &t.db,
            settings,
            Clock::from_fn(move || read.load(Ordering::SeqCst)),
        );
        TestApp { t, state, now }
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// "sqlite" or "postgres", for assertion messages.
    pub fn engine(&self) -> &'static str {
        self.t.engine
    }

    /// What the clock reads.
    pub fn time(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    pub fn set_time(&self, at: i64) {
        self.now.store(at, Ordering::SeqCst);
    }

    pub fn advance(&self, seconds: i64) {
        self.now.fetch_add(seconds, Ordering::SeqCst);
    }

    /// Closes the pool and deletes the downloads folder; the database
    /// goes when `t` is dropped.
    pub async fn close(self) {
        let _ = std::fs::remove_dir_all(&self.state.settings.downloads_dir);
        self.t.close().await;
    }

    /// Registers an agreement as the operator does.
    pub async fn register(&self, input: AgreementInput) -> RegisteredAgreement {
        let agreement = input.parse().expect("valid agreement");
        agreements::register(&self.state, &agreement)
            .await
            .expect("agreement registers")
    }

    /// Registers Contoso and returns the invitation link's token.
    pub async fn invite_contoso(&self) -> String {
        self.register(contoso())
            .await
            .invitation
            .expect("an invitation was issued")
            .as_str()
            .to_owned()
    }

    /// Registers Fabrikam (see [`fabrikam`]); its administrator Olga is
    /// invited.
    pub async fn register_fabrikam(&self) {
        self.register(fabrikam()).await;
    }

    /// Accepts the invitation `token` with [`PASSWORD`]; the new user's id.
    pub async fn accept(&self, token: &str) -> Result<i64, AppError> {
        invitations::accept(&self.state, token, accept_form(PASSWORD, PASSWORD)).await
    }

    /// Where the invitation link `token` leads now.
    pub async fn look_up(&self, token: &str) -> LinkState {
        invitations::look_up(&self.state, token)
            .await
            .expect("look up")
    }

    /// Contoso with Harry signed up; his id.
    pub async fn sign_up_harry(&self) -> i64 {
        let token = self.invite_contoso().await;
        self.accept(&token).await.expect("Harry signs up")
    }

    /// Contoso with Harry signed up, as the user he becomes.
    pub async fn harry(&self) -> Actor {
        let id = self.sign_up_harry().await;
        self.actor(id).await
    }

    /// Fabrikam with Olga, its Account Admin, signed up; her id.
    pub async fn sign_up_olga(&self) -> i64 {
        self.register_fabrikam().await;
        let token = self.newest_link("olga@fabrikam.com").await;
        self.accept(&token).await.expect("Olga signs up")
    }

    pub async fn olga(&self) -> Actor {
        let id = self.sign_up_olga().await;
        self.actor(id).await
    }

    /// The user `id` as the server loads them.
    pub async fn load(&self, id: i64) -> CurrentUser {
        current_user::load(&self.state, id)
            .await
            .expect("load")
            .expect("the user exists")
    }

    /// The user `id` acting from [`super::CLIENT_ADDRESS`].
    pub async fn actor(&self, id: i64) -> Actor {
        actor(&self.load(id).await)
    }

    /// `inviter` invites `email` with `roles`, in English.
    pub async fn invite(
        &self,
        inviter: &Actor,
        email: &str,
        roles: &[Role],
    ) -> Result<InviteOutcome, AppError> {
        invite::invite(&self.state, inviter, &colleague(email, roles))
            .await
            .map(|sent| sent.outcome)
    }

    /// A colleague `inviter` invited with `roles`, signed up with
    /// [`PASSWORD`].
    pub async fn member(&self, inviter: &Actor, email: &str, roles: &[Role]) -> Actor {
        self.invite(inviter, email, roles).await.expect("invited");
        let token = self.newest_link(&email.to_lowercase()).await;
        let id = self.accept(&token).await.expect("accepted");
        self.actor(id).await
    }

    /// Replaces a user's roles behind the services' back, as another
    /// admin's change would.
    pub async fn set_roles(&self, user_id: i64, roles: &[Role]) {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(user_id)
            .execute(self.db())
            .await
            .expect("clear roles");
        for role in roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(user_id)
                .bind(role.key())
                .execute(self.db())
                .await
                .expect("grant");
        }
    }

    /// A partner organization registered by the operator, with its first
    /// administrator (Partner Admin) signed up: that administrator.
    pub async fn partner(&self, name: &str, admin_email: &str) -> Actor {
        let name = OrganizationName::parse(name).expect("valid name");
        let admin = partners::PersonInput {
            email: admin_email.into(),
            first_name: "Ana".into(),
            last_name: "Silva".into(),
            language: "en".into(),
            country: "PT".into(),
        }
        .parse()
        .expect("valid administrator");
        let registered = partners::create(&self.state, &name, &admin)
            .await
            .expect("partner registers");
        let id = self
            .accept(registered.invitation.as_str())
            .await
            .expect("partner administrator signs up");
        self.actor(id).await
    }

    /// Makes the partner called `name` partner of record for `agreement`.
    pub async fn link_partner(&self, name: &str, agreement: &str) {
        partners::link(
            &self.state,
            &OrganizationName::parse(name).expect("valid name"),
            &AgreementNumber::parse(agreement).expect("valid number"),
        )
        .await
        .expect("linked");
    }

    /// Records `name` as a verified domain of the organization, on its
    /// first purchasing account, as if its TXT record had been found.
    pub async fn verified_domain(&self, organization_id: i64, name: &str) {
        sqlx::query(
            "INSERT INTO domains (organization_id, purchasing_account_id, name, token, status, \
             created_at, verified_at, checked_at) SELECT $1, MIN(p.id), $2, 'test', 'verified', \
             $3, $3, $3 FROM purchasing_accounts p JOIN agreements a ON a.id = p.agreement_id \
             WHERE a.organization_id = $1",
        )
        .bind(organization_id)
        .bind(name)
        .bind(self.time())
        .execute(self.db())
        .await
        .expect("verified domain");
    }

    /// A session for user `id`: its secret, as the cookie holds it.
    pub async fn session_for(&self, id: i64) -> String {
        let origin = sessions::Origin {
            client_address: super::CLIENT_ADDRESS,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        };
        sessions::create(&self.state, id, origin)
            .await
            .expect("session")
    }

    /// Every email queued, newest first.
    pub async fn queued_mail(&self) -> Vec<MailboxEntry> {
        outbox::recent(&self.state, 1000)
            .await
            .expect("read the outbox")
    }

    /// The token of the newest invitation link mailed to `email`.
    pub async fn newest_link(&self, email: &str) -> String {
        let mails = self.queued_mail().await;
        let mail = mails
            .iter()
            .find(|mail| mail.to_email == email)
            .expect("an email to this address");
        let start = mail.body_text.find("/invitation/").expect("a link") + "/invitation/".len();
        mail.body_text[start..start + 43].to_owned()
    }
}

/// The guide's example customer: Contoso Ltd, whose designated
/// administrator Harry typed his email with capitals.
pub fn contoso() -> AgreementInput {
    AgreementInput {
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
pub fn fabrikam() -> AgreementInput {
    AgreementInput {
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

/// The account form as Harry fills it in.
pub fn accept_form(password: &str, confirm: &str) -> AcceptForm {
    AcceptForm {
        first_name: "Harry".into(),
        last_name: "Roldan".into(),
        country: "US".into(),
        password: password.into(),
        confirm_password: confirm.into(),
    }
}

/// A colleague to invite: Test Member, in English, from the US.
fn colleague(email: &str, roles: &[Role]) -> invite::Invitee {
    InviteInput {
        email: email.into(),
        first_name: "Test".into(),
        last_name: "Member".into(),
        language: "en".into(),
        country: "US".into(),
        roles: roles.iter().map(|role| role.key().to_owned()).collect(),
    }
    .parse()
    .expect("a valid invitee")
}

/// Settings as the service tests use them: an https public address (so
/// cookies are Secure) and a downloads folder of their own.
pub fn settings() -> Settings {
    Settings {
        public_url: url::Url::parse("https://bc.example.com").expect("valid URL"),
        dev_mailbox: false,
        downloads_dir: std::env::temp_dir().join(format!("{}-downloads", unique_name())),
        dns_resolver: None,
        trusted_proxies: Vec::new(),
        session_idle_secs: sessions::DEFAULT_IDLE_SECS,
        webhook_allow_private: false,
        sso_allow_private: false,
        secrets_key: super::super::secrets::SecretsKey::generate(),
    }
}

/// The state a server runs with, over a test database.
pub fn state(db: &Db, settings: Settings, clock: Clock) -> AppState {
    AppState {
        db: db.clone(),
        settings: Arc::new(settings),
        hasher: password::Hasher::default(),
        clock,
        outbox: outbox::Outbox::default(),
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("business-center")
            .site_root("target/site")
            .build(),
    }
}
