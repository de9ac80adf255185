//! Manage access over HTTP, called the way an attacker would: server
//! functions posted directly, with forged roles and other people's ids.

use crate::common::{pending_for, Reply, TestApp, SAME_ORIGIN};
use app::both_engines;
use app::domain::Role;
use app::services::testing::TestDb;
use app::services::testing::PASSWORD;

fn spec_allows(inviter: Role, granted: Role) -> bool {
    use Role::*;
    let partners = matches!(granted, PartnerAdmin | PartnerAgent);
    match inviter {
        AccountAdmin => !partners,
        UserAdmin => !partners && granted != AccountAdmin,
        AgreementAdmin => matches!(granted, AgreementAdmin | ReportViewer | AccountViewer),
        AccountManager | ReportViewer | AccountViewer | PartnerAgent => false,
        PartnerAdmin => partners,
    }
}

async fn invite_over_http(app: &TestApp, cookie: &str, email: &str, roles: &[&str]) -> Reply {
    let mut form = vec![
        ("email", email.to_owned()),
        ("first_name", "Ana".to_owned()),
        ("last_name", "Bell".to_owned()),
        ("language", "fr".to_owned()),
        ("country", "FR".to_owned()),
    ];
    const FIELDS: [&str; 3] = ["roles[0]", "roles[1]", "roles[2]"];
    for (field, role) in FIELDS.iter().zip(roles) {
        form.push((field, (*role).to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(
        "/api/invite_user",
        &form,
        &[SAME_ORIGIN, ("cookie", cookie)],
    )
    .await
}

async fn the_grant_matrix_holds_for_forged_requests_and_acceptance(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    for (i, inviter_role) in Role::CUSTOMER.into_iter().enumerate() {
        let (_, cookie) = app
            .signed_in_member(&harry, &format!("inviter{i}@contoso.com"), &[inviter_role])
            .await;
        for (j, granted) in Role::ALL.into_iter().enumerate() {
            let email = format!("invitee{i}-{j}@contoso.com");
            let reply = invite_over_http(&app, &cookie, &email, &[granted.key()]).await;
            if spec_allows(inviter_role, granted) {
                assert_eq!(
                    reply.status, 200,
                    "{inviter_role} grants {granted}: {}",
                    reply.body
                );
                assert_eq!(pending_for(&app, &email).await, 1);
                // The invitee joins with exactly that role, over HTTP too.
                let token = app.newest_link(&email).await;
                let joined = app
                    .post_form(
                        "/api/accept_invitation",
                        &[
                            ("token", token.as_str()),
                            ("first_name", "Ana"),
                            ("last_name", "Bell"),
                            ("country", "FR"),
                            ("password", PASSWORD),
                            ("confirm_password", PASSWORD),
                        ],
                        &[SAME_ORIGIN],
                    )
                    .await;
                assert_eq!(joined.status, 200, "{}", joined.body);
                let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
                    .bind(&email)
                    .fetch_one(&app.state.db)
                    .await
                    .expect("joined");
                assert_eq!(app.user(id).await.roles, vec![granted]);
            } else {
                assert_eq!(
                    reply.status, 403,
                    "{inviter_role} must not grant {granted} ({})",
                    app.t.engine
                );
                assert_eq!(pending_for(&app, &email).await, 0, "nothing written");
            }
        }
    }
    app.close().await;
}
both_engines!(the_grant_matrix_holds_for_forged_requests_and_acceptance);

async fn forged_role_changes_and_lists_are_refused(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let (_, ursula) = app
        .signed_in_member(&harry, "ursula@contoso.com", &[Role::UserAdmin])
        .await;
    let (viewer, viewer_cookie) = app
        .signed_in_member(&harry, "viewer@contoso.com", &[Role::AccountViewer])
        .await;

    let harry_id = harry.id.to_string();
    let demote = app
        .post_form(
            "/api/change_roles",
            &[("user_id", &harry_id), ("roles[0]", "account_viewer")],
            &[SAME_ORIGIN, ("cookie", &ursula)],
        )
        .await;
    assert_eq!(demote.status, 403, "{}", demote.body);
    assert_eq!(app.user(harry.id).await.roles, vec![Role::AccountAdmin]);

    let viewer_id = viewer.id.to_string();
    let promote_self = app
        .post_form(
            "/api/change_roles",
            &[("user_id", &viewer_id), ("roles[0]", "account_admin")],
            &[SAME_ORIGIN, ("cookie", &viewer_cookie)],
        )
        .await;
    assert_eq!(promote_self.status, 403);
    assert_eq!(app.user(viewer.id).await.roles, vec![Role::AccountViewer]);

    let list = app
        .post_form(
            "/api/list_people",
            &[("search", ""), ("after", "")],
            &[SAME_ORIGIN, ("cookie", &viewer_cookie)],
        )
        .await;
    assert_eq!(list.status, 403);
    assert!(!list.body.contains("harry@contoso.com"));

    let page = app.get("/manage-access", Some(&viewer_cookie)).await;
    assert_eq!(page.status, 403);
    assert!(!page.body.contains("INVITE USER"));
    let audit = app.get("/manage-access/audit", Some(&ursula)).await;
    assert_eq!(audit.status, 403, "the audit log is for Account Admins");

    let admin_page = app
        .get("/manage-access", Some(&app.cookie_for(harry.id).await))
        .await;
    assert_eq!(admin_page.status, 200);
    assert!(admin_page.body.contains("INVITE USER"));
    app.close().await;
}
both_engines!(forged_role_changes_and_lists_are_refused);

async fn another_organizations_people_cannot_be_touched(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let (ana, _) = app
        .signed_in_member(&harry, "ana@contoso.com", &[Role::AccountViewer])
        .await;
    // A second organization with its own admin.
    let olga = app.sign_up_olga().await;
    let olga_cookie = app.cookie_for(olga).await;
    let ana_id = ana.id.to_string();
    for (path, form) in [
        ("/api/remove_user", vec![("user_id", ana_id.as_str())]),
        (
            "/api/change_roles",
            vec![("user_id", ana_id.as_str()), ("roles[0]", "account_admin")],
        ),
    ] {
        let reply = app
            .post_form(path, &form, &[SAME_ORIGIN, ("cookie", &olga_cookie)])
            .await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
    }
    assert_eq!(app.user(ana.id).await.roles, vec![Role::AccountViewer]);
    app.close().await;
}
both_engines!(another_organizations_people_cannot_be_touched);

async fn role_changes_over_http_follow_the_grant_matrix(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let (target, _) = app
        .signed_in_member(&harry, "target@contoso.com", &[Role::AccountViewer])
        .await;
    let target_id = target.id.to_string();
    for (i, actor_role) in Role::CUSTOMER.into_iter().enumerate() {
        let (_, cookie) = app
            .signed_in_member(&harry, &format!("editor{i}@contoso.com"), &[actor_role])
            .await;
        for wanted in Role::ALL {
            sqlx::query("UPDATE user_roles SET role = 'account_viewer' WHERE user_id = $1")
                .bind(target.id)
                .execute(&app.state.db)
                .await
                .expect("reset");
            let reply = app
                .post_form(
                    "/api/change_roles",
                    &[("user_id", &target_id), ("roles[0]", wanted.key())],
                    &[SAME_ORIGIN, ("cookie", &cookie)],
                )
                .await;
            let allowed = matches!(actor_role, Role::AccountAdmin | Role::UserAdmin)
                && spec_allows(actor_role, Role::AccountViewer)
                && spec_allows(actor_role, wanted);
            let holds = app.user(target.id).await.roles;
            if allowed {
                assert_eq!(
                    reply.status, 200,
                    "{actor_role} gives {wanted}: {}",
                    reply.body
                );
                assert_eq!(holds, vec![wanted]);
            } else {
                assert_eq!(
                    reply.status, 403,
                    "{actor_role} must not give {wanted} ({})",
                    app.t.engine
                );
                assert_eq!(holds, vec![Role::AccountViewer], "nothing changed");
            }
        }
    }
    app.close().await;
}
both_engines!(role_changes_over_http_follow_the_grant_matrix);

async fn the_audit_log_pages_back_through_older_entries_by_link(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    // More entries than one page holds, the oldest first.
    for i in 0..130 {
        sqlx::query(
            "INSERT INTO audit_log (organization_id, actor_email, actor_organization, action, \
             subject_email, detail, client_address, at) VALUES ($1, $2, '', 'auth.sign_in_failed', $3, '', '', $4)",
        )
        .bind(harry.organization_id)
        .bind(&harry.email)
        .bind(format!("old{i}@contoso.com"))
        .bind(1_000 + i64::from(i))
        .execute(&app.state.db)
        .await
        .expect("an audit entry");
    }
    let cookie = app.cookie_for(harry.id).await;
    let newest = app.get("/manage-access/audit", Some(&cookie)).await;
    assert_eq!(newest.status, 200, "{}", app.t.engine);
    assert!(newest.body.contains("old129@contoso.com"));
    assert!(
        !newest.body.contains("old0@contoso.com"),
        "one page at a time"
    );
    // A plain link, so it works without any script.
    let older = newest
        .body
        .split("href=\"/manage-access/audit?before=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to older entries");
    let page = app
        .get(
            &format!("/manage-access/audit?before={older}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("old0@contoso.com"), "the oldest entry");
    assert!(
        !page.body.contains("old129@contoso.com"),
        "not the newest again"
    );
    assert!(
        !page.body.contains("?before="),
        "nothing older than the oldest"
    );
    app.close().await;
}
both_engines!(the_audit_log_pages_back_through_older_entries_by_link);

async fn manage_users_forms_work_without_script(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let cookie = app.cookie_for(harry.id).await;
    let plain = [
        SAME_ORIGIN,
        ("cookie", cookie.as_str()),
        ("accept", "text/html"),
        ("referer", "http://127.0.0.1:3000/manage-access?invite=1"),
    ];

    // "Add another role" without script posts the form, which comes back
    // with what was typed and one dropdown more.
    let typed = [
        ("invite", "1"),
        ("email", "ana@contoso.com"),
        ("first_name", "Ana"),
        ("last_name", "Bell"),
        ("language", "fr"),
        ("country", "FR"),
        ("roles[0]", "report_viewer"),
    ];
    let more = app
        .post_form(
            "/api/invite_draft",
            &[&typed[..], &[("dropdown", "add")]].concat(),
            &plain,
        )
        .await;
    assert_eq!(more.status, 303, "{}", more.body);
    assert_eq!(more.header("location"), Some("/manage-access?invite=1"));
    let draft = more.cookie("bc_invite_draft").expect("the draft");
    let with_draft = format!("{cookie}; bc_invite_draft={draft}");
    let page = app.get("/manage-access?invite=1", Some(&with_draft)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"value="ana@contoso.com""#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"value="report_viewer" selected"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"name="roles[1]""#), "{}", page.body);
    assert!(!page.body.contains(r#"name="roles[2]""#), "{}", page.body);
    // No address opens the form with a role chosen, or anything typed:
    // a link must not be one click from granting a role.
    let linked = app
        .get(
            "/manage-access?invite=1&email=eve%40example.com&roles%5B0%5D=account_admin\
             &add_role=1",
            Some(&cookie),
        )
        .await;
    assert_eq!(linked.status, 200);
    assert!(!linked.body.contains("eve@example.com"), "{}", linked.body);
    assert!(!linked.body.contains(r#"value="account_admin" selected"#));
    assert!(!linked.body.contains(r#"name="roles[1]""#));
    // Nor does another site post the draft.
    let forged = app
        .post_form(
            "/api/invite_draft",
            &typed,
            &[
                ("sec-fetch-site", "cross-site"),
                ("cookie", cookie.as_str()),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);

    // INVITE ANOTHER USER comes back to an open form; INVITE to the list.
    let another = app
        .post_form(
            "/api/invite_user",
            &[
                ("email", "ana@contoso.com"),
                ("first_name", "Ana"),
                ("last_name", "Bell"),
                ("language", "fr"),
                ("country", "FR"),
                ("roles[0]", "report_viewer"),
                ("another", "1"),
            ],
            &plain,
        )
        .await;
    assert_eq!(another.status, 303, "{}", another.body);
    let back = another.header("location").expect("back to the form");
    let invitation = back
        .strip_prefix("/manage-access?invite=1&sent=")
        .expect("the invitation's id");
    assert!(invitation.parse::<i64>().is_ok(), "{back}");
    let page = app.get(back, Some(&cookie)).await;
    assert!(
        page.body.contains("Invitation sent to ana@contoso.com"),
        "{}",
        page.body
    );
    // The notice names what the server finds, never what the address says.
    for forged in [
        "ana%40contoso.com",
        "Your%20account%20is%20locked",
        "999999",
    ] {
        let page = app
            .get(&format!("/manage-access?sent={forged}"), Some(&cookie))
            .await;
        assert!(!page.body.contains("Invitation sent to"), "{forged}");
        assert!(!page.body.contains("account is locked"), "{forged}");
    }
    assert!(page.body.contains("INVITE ANOTHER USER"), "{}", page.body);

    // Editing roles opens on its own page, with the held roles checked.
    let (bob, _) = app
        .signed_in_member(&harry, "bob@contoso.com", &[Role::ReportViewer])
        .await;
    let edit = app
        .get(
            &format!("/manage-access?edit-roles={}", bob.id),
            Some(&cookie),
        )
        .await;
    assert!(
        edit.body.contains(r#"value="report_viewer" checked"#),
        "{}",
        edit.body
    );
    let bob_id = bob.id.to_string();
    // Every box unchecked: the role is asked for, not a malformed form.
    let none = app
        .post_form("/api/change_roles", &[("user_id", &bob_id)], &plain)
        .await;
    // Leptos answers a form's error with a 302 back to the form.
    assert_eq!(none.status, 302, "{}", none.body);
    assert!(none
        .header("location")
        .is_some_and(|to| to.contains("__err=")));
    let changed = app
        .post_form(
            "/api/change_roles",
            // Only the checked boxes are sent, unindexed.
            &[("user_id", &bob_id), ("roles[]", "account_viewer")],
            &plain,
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(changed.header("location"), Some("/manage-access"));
    assert_eq!(app.user(bob.id).await.roles, vec![Role::AccountViewer]);
    app.close().await;
}
both_engines!(manage_users_forms_work_without_script);
