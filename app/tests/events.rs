//! Every change a webhook announces writes its event, with the ids a
//! receiver needs to act on it, in the change's own transaction.

use serde_json::{json, Value};

use app::both_engines;
use app::domain::wire::DomainCheck;
use app::domain::Role;
use app::services::access::invite;
use app::services::access::members;
use app::services::domains;
use app::services::events::{self, Audience, SETTLE_SECS};
use app::services::testing::dns::DnsServer;
use app::services::testing::{TestApp, TestDb};
use app::services::{orders, reminders, INVITATION_LIFETIME_SECS};

/// The audience's events after `after`, as (type, data), once settled.
async fn events_after(app: &TestApp, audience: Audience, after: i64) -> Vec<(String, Value)> {
    app.advance(SETTLE_SECS);
    events::list(&app.state, audience, after)
        .await
        .expect("events")
        .into_iter()
        .map(|event| (event.kind, event.data))
        .collect()
}

async fn last_id(app: &TestApp, audience: Audience) -> i64 {
    app.advance(SETTLE_SECS);
    let listed = events::list(&app.state, audience, 0).await.expect("events");
    listed.last().map_or(0, |event| event.id)
}

async fn invitations_announce_each_step(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let contoso = Audience::Organization(harry.user.organization_id);
    let seen = events_after(&app, contoso, 0).await;
    let kinds: Vec<&str> = seen.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["invitation.created", "invitation.accepted"],
        "{}",
        app.engine()
    );
    assert_eq!(seen[1].1["user_id"], harry.user.id);
    assert_eq!(seen[1].1["invitation_id"], seen[0].1["invitation_id"]);
    let start = last_id(&app, contoso).await;

    app.invite(&harry, "ana@contoso.com", &[Role::ReportViewer])
        .await
        .expect("invited");
    app.invite(&harry, "ana@contoso.com", &[Role::ReportViewer])
        .await
        .expect("invited again");
    let seen = events_after(&app, contoso, start).await;
    assert_eq!(seen[0].0, "invitation.created");
    assert_eq!(seen[0].1["email"], "ana@contoso.com");
    assert_eq!(seen[0].1["roles"], json!(["report_viewer"]));
    assert_eq!(seen[1].0, "invitation.resent");
    assert_eq!(
        seen[1].1["previous_invitation_id"],
        seen[0].1["invitation_id"]
    );
    let second = seen[1].1["invitation_id"].as_i64().expect("id");
    let start = last_id(&app, contoso).await;
    invite::revoke_invitation(&app.state, &harry, second)
        .await
        .expect("revoked");
    let seen = events_after(&app, contoso, start).await;
    assert_eq!(
        seen,
        [(
            "invitation.revoked".to_owned(),
            json!({ "invitation_id": second, "email": "ana@contoso.com" })
        )]
    );

    // An invitation left to expire is announced once.
    app.invite(&harry, "bob@contoso.com", &[Role::AccountViewer])
        .await
        .expect("invited");
    let start = last_id(&app, contoso).await;
    app.advance(INVITATION_LIFETIME_SECS);
    assert_eq!(
        reminders::announce_expired(&app.state)
            .await
            .expect("announce"),
        1
    );
    assert_eq!(
        reminders::announce_expired(&app.state)
            .await
            .expect("announce"),
        0
    );
    let seen = events_after(&app, contoso, start).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "invitation.expired");
    assert_eq!(seen[0].1["email"], "bob@contoso.com");
    app.close().await;
}

both_engines!(invitations_announce_each_step);

async fn role_changes_and_removals_name_before_and_after(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let contoso = Audience::Organization(harry.user.organization_id);
    let ana = app
        .member(&harry, "ana@contoso.com", &[Role::UserAdmin])
        .await;
    app.invite(&ana, "carl@contoso.com", &[Role::AccountViewer])
        .await
        .expect("invited");
    let start = last_id(&app, contoso).await;
    let roles = [Role::UserAdmin, Role::ReportViewer];
    members::change_roles(&app.state, &harry, ana.user.id, &roles)
        .await
        .expect("changed");
    members::remove_user(&app.state, &harry, ana.user.id)
        .await
        .expect("removed");
    let seen = events_after(&app, contoso, start).await;
    let kinds: Vec<&str> = seen.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["user.roles_changed", "invitation.revoked", "user.removed"],
        "{}",
        app.engine()
    );
    assert_eq!(
        seen[0].1,
        json!({ "user_id": ana.user.id, "email": "ana@contoso.com",
                "before": ["user_admin"], "after": ["user_admin", "report_viewer"] })
    );
    assert_eq!(
        seen[1].1["email"], "carl@contoso.com",
        "her invitation goes"
    );
    assert_eq!(seen[2].1["user_id"], ana.user.id);
    app.close().await;
}

both_engines!(role_changes_and_removals_name_before_and_after);

async fn orders_partners_domains_and_agreements_are_announced(t: TestDb) {
    let server = DnsServer::start().await;
    let app = TestApp::configured(t, |settings| settings.dns_resolver = Some(server.address));
    let harry = app.harry().await;
    let contoso = Audience::Organization(harry.user.organization_id);
    let operator = events_after(&app, Audience::Operator, 0).await;
    assert_eq!(operator.len(), 1);
    assert_eq!(operator[0].0, "agreement.created");
    assert_eq!(operator[0].1["agreement_number"], "1234567890");
    assert_eq!(operator[0].1["organization_id"], harry.user.organization_id);
    let start = last_id(&app, contoso).await;

    let file = "agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency
1234567890,9876543210,ORD-1,2026-01-15,Office Professional Plus,2024,100,12.50,USD
";
    orders::import(&app.state, file).await.expect("import");
    let partner = app
        .partner("Fabrikam Partners", "ana@fabrikam-partners.com")
        .await;
    app.link_partner("Fabrikam Partners", "1234567890").await;
    let added = domains::add(&app.state, &harry, "contoso.com", "9876543210")
        .await
        .expect("added");
    server.publish(&added.record_name, &added.record_value);
    let found = domains::verify(&app.state, &harry, added.id).await;
    assert_eq!(found, Ok(DomainCheck::Verified));

    let seen = events_after(&app, contoso, start).await;
    let kinds: Vec<&str> = seen.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["order.imported", "partner.linked", "domain.verified"],
        "{}",
        app.engine()
    );
    assert_eq!(seen[0].1["order_number"], "ORD-1");
    assert_eq!(seen[0].1["quantity"], 100);
    assert_eq!(
        seen[1].1["partner_organization_id"],
        partner.user.organization_id
    );
    assert_eq!(seen[2].1["domain_id"], added.id);
    // The partner hears of the link too; nobody else of anything.
    let partner_side = Audience::Organization(partner.user.organization_id);
    let theirs = events_after(&app, partner_side, 0).await;
    assert!(theirs.iter().any(|(kind, _)| kind == "partner.linked"));
    let operator = events_after(&app, Audience::Operator, 0).await;
    assert_eq!(
        operator.len(),
        1,
        "organizations' events are not the operator's"
    );
    app.close().await;
}

both_engines!(orders_partners_domains_and_agreements_are_announced);
