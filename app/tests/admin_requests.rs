//! A partner's request to replace a designated administrator who has
//! registered: the customer's Account Admins are asked, approve or decline
//! within 7 days, and both organizations' logs record each step.

use crate::common::{ana_for_contoso, designated_admin, person, ANA, DAY, FABRIKAM_PARTNERS};
use app::both_engines;
use app::domain::{AuditAction, Problem, Role};
use app::error::AppError;
use app::services::audit::{self, Actor};
use app::services::partners::{self, AdminChange, REQUEST_DAYS};
use app::services::testing::{TestApp, TestDb, NOW};

const HARRY: &str = "harry@contoso.com";

/// The actions of `actor`'s organization's log, oldest first, with who did
/// them.
async fn logged(app: &TestApp, actor: &Actor) -> Vec<(AuditAction, String)> {
    let mut log = audit::log(&app.state, actor, None).await.expect("log");
    log.reverse();
    log.into_iter()
        .map(|(_, entry)| (entry.action, entry.actor_email))
        .collect()
}

async fn asking(app: &TestApp, ana: &Actor, account: i64, email: &str) {
    let asked = partners::change_admin(&app.state, ana, account, &person(email)).await;
    assert_eq!(asked, Ok(AdminChange::Requested), "{}", app.engine());
}

async fn a_partner_asks_and_the_customer_approves(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let (ana, account) = ana_for_contoso(&app).await;
    asking(&app, &ana, account, "nora@contoso.com").await;
    let mails = app.queued_mail().await;
    let asked = &mails[0];
    assert_eq!(asked.to_email, HARRY);
    assert_eq!(
        asked.subject,
        "Fabrikam Partners asks to change the designated administrator of purchasing account \
         9876543210"
    );
    assert!(
        asked.body_text.contains("/manage-access/partners"),
        "{}",
        asked.body_text
    );
    // Asking again replaces the request: one waits, for the latest person.
    app.advance(60);
    asking(&app, &ana, account, "zoe@contoso.com").await;
    let waiting = partners::pending_requests(&app.state, &harry)
        .await
        .expect("requests");
    assert_eq!(waiting.len(), 1, "{}", app.engine());
    let request = &waiting[0];
    assert_eq!(request.partner, FABRIKAM_PARTNERS);
    assert_eq!(request.proposed_admin, "Nora Quinn (zoe@contoso.com)");
    assert!(request.current_admin.contains(HARRY));
    assert_eq!(request.requested_by, ANA);
    assert_eq!(request.expires_at, NOW + 60 + REQUEST_DAYS * DAY);
    assert_eq!(designated_admin(&app).await, HARRY, "nothing changed yet");

    partners::decide(&app.state, &harry, request.id, true)
        .await
        .expect("approved");
    assert_eq!(designated_admin(&app).await, "zoe@contoso.com");
    let link = app.newest_link("zoe@contoso.com").await;
    let zoe = app.accept(&link).await.expect("Zoe signs up");
    assert_eq!(app.load(zoe).await.roles, [Role::AccountAdmin]);
    assert!(app
        .load(harry.user.id)
        .await
        .roles
        .contains(&Role::AccountAdmin));
    assert_eq!(
        partners::decide(&app.state, &harry, request.id, true).await,
        Err(AppError::NotFound),
        "decided once"
    );
    let requested = (AuditAction::AdminChangeRequested, ANA.to_owned());
    let approved = (AuditAction::AdminChangeApproved, HARRY.to_owned());
    let customer = logged(&app, &harry).await;
    assert!(customer.contains(&requested) && customer.contains(&approved));
    let partner = logged(&app, &ana).await;
    assert!(
        partner.contains(&requested) && partner.contains(&approved),
        "{}: {partner:?}",
        app.engine()
    );
    app.close().await;
}
both_engines!(a_partner_asks_and_the_customer_approves);

async fn a_request_is_declined_or_lapses_and_only_its_customer_decides(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let (ana, account) = ana_for_contoso(&app).await;
    // Someone already at Contoso is given roles by Contoso, not a partner.
    let asked = partners::change_admin(&app.state, &ana, account, &person(HARRY)).await;
    assert_eq!(
        asked.expect_err("a member").problem_with("email"),
        Some(Problem::AlreadyMember)
    );
    asking(&app, &ana, account, "nora@contoso.com").await;
    let id = partners::pending_requests(&app.state, &harry)
        .await
        .expect("requests")[0]
        .id;
    let viewer = app
        .member(&harry, "victor@contoso.com", &[Role::AccountViewer])
        .await;
    assert_eq!(
        partners::decide(&app.state, &viewer, id, true).await,
        Err(AppError::Forbidden)
    );
    let olga = app.olga().await;
    assert_eq!(
        partners::decide(&app.state, &olga, id, true).await,
        Err(AppError::NotFound),
        "{}: another customer's request",
        app.engine()
    );
    partners::decide(&app.state, &harry, id, false)
        .await
        .expect("declined");
    assert_eq!(designated_admin(&app).await, HARRY);
    let mails = app.queued_mail().await;
    assert!(mails.iter().all(|mail| mail.to_email != "nora@contoso.com"));
    let declined = (AuditAction::AdminChangeDeclined, HARRY.to_owned());
    assert!(logged(&app, &ana).await.contains(&declined));

    asking(&app, &ana, account, "nora@contoso.com").await;
    let id = partners::pending_requests(&app.state, &harry)
        .await
        .expect("requests")[0]
        .id;
    app.advance(REQUEST_DAYS * DAY);
    let waiting = partners::pending_requests(&app.state, &harry).await;
    assert_eq!(waiting, Ok(vec![]), "{}: lapsed", app.engine());
    let late = partners::decide(&app.state, &harry, id, true).await;
    assert_eq!(
        late,
        Err(AppError::field("request", Problem::RequestExpired))
    );
    assert_eq!(designated_admin(&app).await, HARRY);
    app.close().await;
}
both_engines!(a_request_is_declined_or_lapses_and_only_its_customer_decides);
