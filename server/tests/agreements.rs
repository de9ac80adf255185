//! The Agreements screen over HTTP: the page and its server functions
//! answer 403 to roles that may not see or edit, and never leak data.

mod common;

use app::domain::Role;
use app::server::testing::member;
use app::server::{accounts, sessions};
use common::apps;

const SAME_ORIGIN: (&str, &str) = ("sec-fetch-site", "same-origin");

#[tokio::test]
async fn agreements_are_shown_and_edited_only_as_roles_allow() {
    for app in apps("http://127.0.0.1:3000", false).await {
        let harry_id = app.harry().await;
        let harry = accounts::load(&app.state.db, harry_id)
            .await
            .expect("load")
            .expect("harry");
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let user = member(
                &app.state.db,
                &app.state.settings,
                &app.state.hasher,
                app.state.clock.now(),
                &harry,
                &format!("m{i}@contoso.com"),
                &[role],
            )
            .await;
            let secret = sessions::create(&app.state.db, user.id, app.state.clock.now())
                .await
                .expect("session");
            let cookie = format!("bc_session={secret}");

            let page = app.get("/agreements", Some(&cookie)).await;
            let may_view = role != Role::UserAdmin;
            assert_eq!(
                page.status,
                if may_view { 200 } else { 403 },
                "{role} ({})",
                app.t.engine
            );
            assert_eq!(
                page.body.contains("9876543210"),
                may_view,
                "{role}: purchasing account shown only when allowed"
            );

            let reply = app
                .post_form(
                    "/api/update_agreement",
                    &[
                        ("number", "1234567890"),
                        ("purchase_order", "PO-42"),
                        ("contact_name", ""),
                        ("contact_email", ""),
                    ],
                    &[SAME_ORIGIN, ("cookie", &cookie)],
                )
                .await;
            let may_modify = matches!(role, Role::AccountAdmin | Role::AccountManager);
            assert_eq!(
                reply.status,
                if may_modify { 200 } else { 403 },
                "{role}: {}",
                reply.body
            );
        }
        app.close().await;
    }
}
