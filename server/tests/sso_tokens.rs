//! Every way an ID token can be wrong, each refused with its own audited
//! reason; keys that rotate; Entra ID's multi-tenant issuer and its
//! tenant; a provider that does not answer.

use app::both_engines;
use app::services::sso::flow::ExtraClaims;
use app::services::testing::TestDb;

use crate::common::oidc::{
    audited, claims, come_back, connect, key, send_away, sign, start_provider, Claims, KEY_A, KEY_B,
};
use crate::common::TestApp;

async fn each_wrong_token_is_refused_for_its_own_reason(t: TestDb) {
    let app = TestApp::configured(t, |s| s.sso_allow_private = true).await;
    let provider = start_provider("", None).await;
    let issuer = provider.lock().expect("provider").issuer.clone();
    connect(&app, &issuer, false).await;
    let (a, b) = (key(KEY_A, "a"), key(KEY_B, "b"));
    let email = "harry@contoso.com";

    type Spoil = Box<dyn Fn(&mut Claims)>;
    let cases: Vec<(&str, Spoil, bool)> = vec![
        // Signed with another key under key A's id.
        ("signature", Box::new(|_| {}), true),
        (
            "issuer",
            Box::new(|c| c.iss = "https://evil.example".into()),
            false,
        ),
        (
            "audience",
            Box::new(|c| c.aud = "another-client".into()),
            false,
        ),
        (
            "expired",
            Box::new(|c| {
                c.issued -= 3600;
                c.expires = c.issued + 600;
            }),
            false,
        ),
        ("nonce", Box::new(|c| c.nonce = "replayed".into()), false),
        (
            "email_unverified",
            Box::new(|c| c.verified = Some(false)),
            false,
        ),
        ("email_unverified", Box::new(|c| c.verified = None), false),
    ];
    let mut expected = Vec::new();
    for (reason, spoil, forged) in cases {
        let away = send_away(&app, email).await;
        let mut wrong = claims(&app, &provider, &away, "sub-harry", email);
        spoil(&mut wrong);
        let signer = if forged {
            key(KEY_B, "a")
        } else {
            key(KEY_A, "a")
        };
        let back = come_back(&app, &provider, &away, sign(&wrong, &signer)).await;
        assert_eq!(
            back.header("location"),
            Some(format!("/sign-in?sso={reason}").as_str()),
            "{reason}"
        );
        assert!(back.cookie("__Host-bc_session").is_none(), "{reason}");
        expected.push(format!("{email}: {reason}"));
    }

    // A key the provider does not publish; then published (rotated in):
    // the keys are fetched again at each sign-in, so it is found.
    let away = send_away(&app, email).await;
    let good = claims(&app, &provider, &away, "sub-harry", email);
    let back = come_back(&app, &provider, &away, sign(&good, &b)).await;
    assert_eq!(back.header("location"), Some("/sign-in?sso=unknown_key"));
    expected.push(format!("{email}: unknown_key"));
    {
        use openidconnect::PrivateSigningKey;
        provider.lock().expect("provider").keys = vec![b.as_verification_key()];
    }
    let away = send_away(&app, email).await;
    let good = claims(&app, &provider, &away, "sub-harry", email);
    let back = come_back(&app, &provider, &away, sign(&good, &b)).await;
    assert_eq!(back.header("location"), Some("/dashboard"));
    // …and the key rotated out no longer signs anything.
    let away = send_away(&app, email).await;
    let good = claims(&app, &provider, &away, "sub-harry", email);
    let back = come_back(&app, &provider, &away, sign(&good, &a)).await;
    assert_eq!(back.header("location"), Some("/sign-in?sso=unknown_key"));
    expected.push(format!("{email}: unknown_key"));

    // RFC 9207: a response that names another issuer (a mix-up).
    let away = send_away(&app, email).await;
    let path = format!(
        "/sso/callback?code=c&state={}&iss=https%3A%2F%2Fevil.example",
        away.state
    );
    let back = app.get(&path, Some(&away.cookie)).await;
    assert_eq!(
        back.header("location"),
        Some("/sign-in?sso=response_issuer")
    );
    expected.push(format!("{email}: response_issuer"));

    // The provider said no.
    let away = send_away(&app, email).await;
    let path = format!("/sso/callback?error=access_denied&state={}", away.state);
    let back = app.get(&path, Some(&away.cookie)).await;
    assert_eq!(back.header("location"), Some("/sign-in?sso=provider_error"));
    expected.push(format!("{email}: provider_error: access_denied"));

    // Another browser's callback: its state is not this browser's.
    let away = send_away(&app, email).await;
    let stolen = format!("/sso/callback?code=c&state={}", away.state);
    let back = app.get(&stolen, Some("__Host-bc_sso=another")).await;
    assert_eq!(back.header("location"), Some("/sign-in?sso=unknown_state"));

    assert_eq!(audited(&app, "sso.refused").await, expected);
    app.close().await;
}
both_engines!(each_wrong_token_is_refused_for_its_own_reason);

/// Entra ID: the multi-tenant issuer template, and the tenant the admin's
/// test connection binds.
async fn entra_tokens_are_held_to_the_tenant_the_test_bound(t: TestDb) {
    let app = TestApp::configured(t, |s| s.sso_allow_private = true).await;
    let provider = start_provider("/organizations/v2.0", Some("/{tenantid}/v2.0")).await;
    let issuer = provider.lock().expect("provider").issuer.clone();
    let base = issuer.trim_end_matches("/organizations/v2.0").to_owned();
    let harry = connect(&app, &issuer, false).await;
    let a = key(KEY_A, "a");
    let ours = "11111111-1111-1111-1111-111111111111";
    let theirs = "22222222-2222-2222-2222-222222222222";
    let entra = |c: &mut Claims, tid: &str, oid: &str| {
        c.iss = format!("{base}/{tid}/v2.0");
        // Entra sends no email_verified: the tenant proves the address.
        c.verified = None;
        c.extra = ExtraClaims {
            tid: Some(tid.to_owned()),
            oid: Some(oid.to_owned()),
            hd: None,
        };
    };

    // Harry's test connection binds his tenant.
    let cookie = format!("__Host-bc_session={}", app.session_for(harry.user.id).await);
    let test = app.call(&cookie, "test_sso", &[]).await;
    assert_eq!(test.status, 200, "{}", test.body);
    let url = url::Url::parse(test.header("location").expect("to the provider")).expect("url");
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .expect("param")
    };
    let away = crate::common::oidc::SentAway {
        cookie: format!(
            "{cookie}; __Host-bc_sso={}",
            test.cookie("__Host-bc_sso").expect("state")
        ),
        state: param("state"),
        nonce: param("nonce"),
    };
    let mut tested = claims(&app, &provider, &away, "sub", "harry@contoso.com");
    entra(&mut tested, ours, "oid-harry");
    let back = come_back(&app, &provider, &away, sign(&tested, &a)).await;
    assert_eq!(back.header("location"), Some("/single-sign-on?test=passed"));
    assert!(
        back.cookie("__Host-bc_session").is_none(),
        "a test signs nobody in"
    );
    let (tenant,): (Option<String>,) = sqlx::query_as("SELECT tenant_id FROM sso_connections")
        .fetch_one(app.db())
        .await
        .expect("connection");
    assert_eq!(tenant.as_deref(), Some(ours));

    // A token of another tenant, however well signed.
    let away = send_away(&app, "harry@contoso.com").await;
    let mut other = claims(&app, &provider, &away, "sub", "harry@contoso.com");
    entra(&mut other, theirs, "oid-harry");
    let back = come_back(&app, &provider, &away, sign(&other, &a)).await;
    assert_eq!(back.header("location"), Some("/sign-in?sso=other_tenant"));

    // The template filled with another tenant than the token's.
    let away = send_away(&app, "harry@contoso.com").await;
    let mut mixed = claims(&app, &provider, &away, "sub", "harry@contoso.com");
    entra(&mut mixed, ours, "oid-harry");
    mixed.iss = format!("{base}/{theirs}/v2.0");
    let back = come_back(&app, &provider, &away, sign(&mixed, &a)).await;
    assert_eq!(back.header("location"), Some("/sign-in?sso=issuer"));

    // Our tenant: Harry, linked by his oid.
    let away = send_away(&app, "harry@contoso.com").await;
    let mut good = claims(&app, &provider, &away, "sub-per-app", "harry@contoso.com");
    entra(&mut good, ours, "oid-harry");
    let back = come_back(&app, &provider, &away, sign(&good, &a)).await;
    assert_eq!(back.header("location"), Some("/dashboard"));
    let (subject,): (String,) = sqlx::query_as("SELECT subject FROM sso_identities")
        .fetch_one(app.db())
        .await
        .expect("identity");
    assert_eq!(subject, "oid-harry");
    assert_eq!(
        audited(&app, "sso.refused").await,
        [
            "harry@contoso.com: other_tenant",
            "harry@contoso.com: issuer"
        ]
    );
    app.close().await;
}
both_engines!(entra_tokens_are_held_to_the_tenant_the_test_bound);

/// A provider that does not answer: the sign-in form says which, and
/// nothing fails with a 500.
async fn a_provider_down_is_named_not_a_500(t: TestDb) {
    let app = TestApp::configured(t, |s| s.sso_allow_private = true).await;
    let provider = start_provider("", None).await;
    let issuer = provider.lock().expect("provider").issuer.clone();
    connect(&app, &issuer, false).await;
    let dead = "http://127.0.0.1:9";
    sqlx::query("UPDATE sso_connections SET issuer = $1")
        .bind(dead)
        .execute(app.db())
        .await
        .expect("moved");
    let reply = app.sign_in("harry@contoso.com", "", &[]).await;
    assert_eq!(reply.status, 502, "{}", reply.body);
    assert!(reply.body.contains("127.0.0.1"), "{}", reply.body);
    app.close().await;
}
both_engines!(a_provider_down_is_named_not_a_500);
