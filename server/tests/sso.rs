//! Single sign-on against the tests' OpenID provider (`common::oidc`):
//! who may come in, and how they are found again.

use app::both_engines;
use app::domain::Role;
use app::services::sso::{self, ConnectionInput};
use app::services::testing::TestDb;

use crate::common::oidc::{
    audited, claims, come_back, connect, key, send_away, sign, start_provider, SentAway, CLIENT_ID,
    KEY_A,
};
use crate::common::TestApp;

async fn a_first_sign_in_links_and_later_ones_find_the_subject(t: TestDb) {
    let app = TestApp::configured(t, |s| s.sso_allow_private = true).await;
    let provider = start_provider("", None).await;
    let issuer = provider.lock().expect("provider").issuer.clone();
    connect(&app, &issuer, false).await;
    let a = key(KEY_A, "a");

    let away = send_away(&app, "harry@contoso.com").await;
    let token = sign(
        &claims(&app, &provider, &away, "sub-harry", "harry@contoso.com"),
        &a,
    );
    let back = come_back(&app, &provider, &away, token).await;
    assert_eq!(
        back.header("location"),
        Some("/dashboard"),
        "{:?}",
        back.headers
    );
    assert!(back
        .cookie("__Host-bc_session")
        .is_some_and(|c| !c.is_empty()));
    assert_eq!(
        audited(&app, "sso.signed_in").await,
        ["harry@contoso.com: first sign-in: linked to the existing account"]
    );

    // The same callback again finds nothing waiting: a replay is refused.
    let replay = app
        .get(
            &format!("/sso/callback?code=the-code&state={}", away.state),
            Some(&away.cookie),
        )
        .await;
    assert_eq!(
        replay.header("location"),
        Some("/sign-in?sso=unknown_state")
    );

    // The provider now says another address: the subject still is Harry.
    let away = send_away(&app, "harry@contoso.com").await;
    let renamed = claims(&app, &provider, &away, "sub-harry", "h.roldan@contoso.com");
    let back = come_back(&app, &provider, &away, sign(&renamed, &a)).await;
    assert_eq!(back.header("location"), Some("/dashboard"));

    // Another subject claiming Harry's address is not Harry.
    let away = send_away(&app, "harry@contoso.com").await;
    let impostor = claims(&app, &provider, &away, "sub-other", "harry@contoso.com");
    let back = come_back(&app, &provider, &away, sign(&impostor, &a)).await;
    assert_eq!(
        back.header("location"),
        Some("/sign-in?sso=linked_elsewhere")
    );
    assert!(back.cookie("__Host-bc_session").is_none());
    assert_eq!(
        audited(&app, "sso.refused").await,
        ["harry@contoso.com: linked_elsewhere"]
    );
    app.close().await;
}
both_engines!(a_first_sign_in_links_and_later_ones_find_the_subject);

async fn only_people_with_an_account_or_invitation_come_in_unless_accounts_are_made(t: TestDb) {
    let app = TestApp::configured(t, |s| s.sso_allow_private = true).await;
    let provider = start_provider("", None).await;
    let issuer = provider.lock().expect("provider").issuer.clone();
    let harry = connect(&app, &issuer, false).await;
    let a = key(KEY_A, "a");
    let sign_in_as = |email: &'static str, sub: &'static str| {
        let (app, provider, a) = (&app, &provider, &a);
        async move {
            let away = send_away(app, email).await;
            let token = sign(&claims(app, provider, &away, sub, email), a);
            come_back(app, provider, &away, token).await
        }
    };

    let stranger = sign_in_as("ana@contoso.com", "sub-ana").await;
    assert_eq!(stranger.header("location"), Some("/sign-in?sso=no_account"));

    // An invitation is accepted by signing in: no password is ever set.
    app.invite(&harry, "bob@contoso.com", &[Role::AccountManager])
        .await
        .expect("invited");
    let bob = sign_in_as("bob@contoso.com", "sub-bob").await;
    assert_eq!(bob.header("location"), Some("/dashboard"));
    let (bob_id, hash): (i64, String) =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = 'bob@contoso.com'")
            .fetch_one(app.db())
            .await
            .expect("Bob's account");
    assert_eq!(hash, "");
    assert_eq!(app.load(bob_id).await.roles, [Role::AccountManager]);
    let password = app.sign_in("bob@contoso.com", "anything at all", &[]).await;
    assert_eq!(password.status, 401, "no password opens Bob's account");

    // Accounts made at first sign-in get the roles the admin chose.
    let input = ConnectionInput {
        issuer: issuer.clone(),
        client_id: CLIENT_ID.to_owned(),
        domains: vec!["contoso.com".to_owned()],
        create_accounts: true,
        create_roles: vec![Role::ReportViewer.key().to_owned()],
        ..ConnectionInput::default()
    };
    sso::save(&app.state, &harry, input).await.expect("saved");
    let carol = sign_in_as("carol@contoso.com", "sub-carol").await;
    assert_eq!(carol.header("location"), Some("/dashboard"));
    let (carol_id,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'carol@contoso.com'")
            .fetch_one(app.db())
            .await
            .expect("Carol's account");
    assert_eq!(app.load(carol_id).await.roles, [Role::ReportViewer]);

    // A proven address at a domain the connection does not serve.
    let away = send_away(&app, "dave@contoso.com").await;
    let elsewhere = claims(&app, &provider, &away, "sub-dave", "dave@fabrikam.com");
    let back = come_back(&app, &provider, &away, sign(&elsewhere, &a)).await;
    assert_eq!(
        back.header("location"),
        Some("/sign-in?sso=domain_not_served")
    );
    assert_eq!(
        audited(&app, "sso.refused").await,
        [
            "ana@contoso.com: no_account",
            "dave@contoso.com: domain_not_served"
        ]
    );
    app.close().await;
}
both_engines!(only_people_with_an_account_or_invitation_come_in_unless_accounts_are_made);

/// An invitation to an address at a domain with single sign-on offers
/// the provider instead of a password, and is accepted there.
async fn an_invitation_at_an_sso_domain_is_accepted_at_the_provider(t: TestDb) {
    let app = TestApp::configured(t, |s| s.sso_allow_private = true).await;
    let provider = start_provider("", None).await;
    let issuer = provider.lock().expect("provider").issuer.clone();
    let harry = connect(&app, &issuer, false).await;
    app.invite(&harry, "erin@contoso.com", &[Role::ReportViewer])
        .await
        .expect("invited");
    let link = app.newest_link("erin@contoso.com").await;
    let shown = app
        .post_form("/api/get_invitation", &[("token", &link)], &[])
        .await;
    assert!(shown.body.contains("\"sso\":true"), "{}", shown.body);
    let reply = app
        .post_form(
            "/api/accept_invitation_with_sso",
            &[("token", &link)],
            &[("sec-fetch-site", "same-origin"), ("accept", "text/html")],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let location = url::Url::parse(reply.header("location").expect("provider")).expect("url");
    let param = |name: &str| {
        location
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .expect("param")
    };
    let away = SentAway {
        cookie: format!(
            "__Host-bc_sso={}",
            reply.cookie("__Host-bc_sso").expect("state")
        ),
        state: param("state"),
        nonce: param("nonce"),
    };
    let token = sign(
        &claims(&app, &provider, &away, "sub-erin", "erin@contoso.com"),
        &key(KEY_A, "a"),
    );
    let back = come_back(&app, &provider, &away, token).await;
    assert_eq!(back.header("location"), Some("/dashboard"));
    assert_eq!(
        audited(&app, "sso.signed_in").await,
        ["erin@contoso.com: invitation accepted"]
    );
    // A password for the same invitation is no longer possible: it is used.
    let accepted: (String,) =
        sqlx::query_as("SELECT status FROM invitations WHERE email = 'erin@contoso.com'")
            .fetch_one(app.db())
            .await
            .expect("invitation");
    assert_eq!(accepted.0, "accepted");
    app.close().await;
}
both_engines!(an_invitation_at_an_sso_domain_is_accepted_at_the_provider);

/// Only a domain the organization proved by DNS can be routed to its
/// provider, and only one organization's provider routes a domain.
async fn only_verified_domains_are_routed(t: TestDb) {
    let app = TestApp::configured(t, |s| s.sso_allow_private = true).await;
    let provider = start_provider("", None).await;
    let issuer = provider.lock().expect("provider").issuer.clone();
    let harry = app.harry().await;
    let input = |domains: &[&str]| ConnectionInput {
        issuer: issuer.clone(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: "client-secret".to_owned(),
        domains: domains.iter().map(|d| (*d).to_owned()).collect(),
        ..ConnectionInput::default()
    };
    let unproved = sso::save(&app.state, &harry, input(&["contoso.com"])).await;
    assert_eq!(
        unproved.expect_err("refused").problem_with("domains"),
        Some(app::domain::Problem::SsoDomainNotVerified)
    );
    // A typo in the issuer shows before anything is saved.
    let wrong = ConnectionInput {
        issuer: format!("{issuer}/nothing-here"),
        ..input(&["contoso.com"])
    };
    let unreachable = sso::save(&app.state, &harry, wrong).await;
    assert_eq!(
        unreachable.expect_err("refused").problem_with("issuer"),
        Some(app::domain::Problem::SsoIssuerUnreachable)
    );
    app.verified_domain(harry.user.organization_id, "contoso.com")
        .await;
    sso::save(&app.state, &harry, input(&["contoso.com"]))
        .await
        .expect("Contoso's");
    sso::switch(&app.state, &harry, sso::Switch::Enabled(true))
        .await
        .expect("on");
    let someone = app::domain::Email::parse("x@contoso.com").expect("email");
    let routed = sso::route(&app.state, &someone).await.expect("route");
    assert!(routed.is_some());
    // Contoso's proof lapses (its TXT record went): nothing routes, and
    // Fabrikam, proving the domain now, may connect it.
    sqlx::query("UPDATE domains SET status = 'lapsed' WHERE name = 'contoso.com'")
        .execute(app.db())
        .await
        .expect("lapsed");
    assert!(sso::route(&app.state, &someone)
        .await
        .expect("route")
        .is_none());
    let olga = app.olga().await;
    app.verified_domain(olga.user.organization_id, "contoso.com")
        .await;
    sso::save(&app.state, &olga, input(&["contoso.com"]))
        .await
        .expect("Fabrikam's now");
    app.close().await;
}
both_engines!(only_verified_domains_are_routed);
