//! Every kind of email the Center sends, as it leaves (headers, both
//! parts, a DKIM signature), written to the directory `SPAM_SAMPLES`
//! names, for `scripts/spam-score`, which asks SpamAssassin what it makes
//! of each. Ignored in the test run: it decides nothing itself.

use app::domain::{Email, InvitationToken, Lang};
use app::services::mail::{
    AdminChangeRequestMail, AdminChangedMail, DomainLapsedMail, InvitationMail, OutgoingMail,
    PasswordChangedMail, ReminderMail, TwoStepChange, TwoStepChangedMail, WebhookDisabledMail,
};
use app::services::outbox;
use app::services::testing::TestDb;
use server::mail_worker::{deliver_due, Mailer};

use crate::common::TestApp;
use crate::mail::SmtpServer;

/// Each kind of email in `lang`, named.
fn every_kind(app: &TestApp, lang: Lang, to: &Email) -> Vec<(&'static str, OutgoingMail)> {
    let settings = &app.state.settings;
    let now = app.state.clock.now();
    let token = InvitationToken::generate();
    let when = lang.format_date(now);
    let two_step = |change| TwoStepChangedMail {
        lang,
        to,
        change,
        when: &when,
        client_address: "203.0.113.7",
    };
    let admin_changed = |resent| AdminChangedMail {
        lang,
        to,
        partner: "Fabrikam Partners",
        organization: "Contoso Ltd",
        agreement_number: "1234567890",
        purchasing_account: "9876543210",
        old_admin: "Harry Jones (harry@contoso.com)",
        new_admin: "Nora Quinn (nora@contoso.com)",
        resent,
    };
    let rendered = [
        (
            "invitation",
            InvitationMail {
                lang,
                to,
                organization: "Contoso Ltd",
                agreement_number: Some("1234567890"),
                inviter: None,
                token: &token,
                expires_at: now + 60 * 86_400,
            }
            .render(settings),
        ),
        (
            "invitation-from-colleague",
            InvitationMail {
                lang,
                to,
                organization: "Contoso Ltd",
                agreement_number: None,
                inviter: Some("Harry Jones"),
                token: &token,
                expires_at: now + 60 * 86_400,
            }
            .render(settings),
        ),
        (
            "reminder",
            ReminderMail {
                lang,
                to,
                organization: "Contoso Ltd",
                sent_at: now - 53 * 86_400,
                expires_at: now + 7 * 86_400,
                inviter: Some("Harry Jones"),
            }
            .render(settings),
        ),
        ("admin-changed", admin_changed(false).render(settings)),
        ("admin-resent", admin_changed(true).render(settings)),
        (
            "admin-change-request",
            AdminChangeRequestMail {
                lang,
                to,
                partner: "Fabrikam Partners",
                organization: "Contoso Ltd",
                agreement_number: "1234567890",
                purchasing_account: "9876543210",
                old_admin: "Harry Jones (harry@contoso.com)",
                new_admin: "Nora Quinn (nora@contoso.com)",
                expires: &when,
            }
            .render(settings),
        ),
        (
            "password-changed",
            PasswordChangedMail {
                lang,
                to,
                when: &when,
                client_address: "203.0.113.7",
            }
            .render(settings),
        ),
        (
            "two-step-on",
            two_step(TwoStepChange::Enabled).render(settings),
        ),
        (
            "two-step-off",
            two_step(TwoStepChange::Disabled).render(settings),
        ),
        (
            "recovery-codes-renewed",
            two_step(TwoStepChange::CodesRenewed).render(settings),
        ),
        (
            "recovery-code-used",
            two_step(TwoStepChange::RecoveryCodeUsed { left: 9 }).render(settings),
        ),
        (
            "two-step-reset",
            two_step(TwoStepChange::Reset {
                admin: "Harry Jones".to_owned(),
            })
            .render(settings),
        ),
        (
            "domain-lapsed",
            DomainLapsedMail {
                lang,
                to,
                domain: "contoso.com",
                record_name: "_business-center.contoso.com",
                record_value: "business-center-verification=abc123",
            }
            .render(settings),
        ),
        (
            "webhook-disabled",
            WebhookDisabledMail {
                lang,
                to,
                url: "https://hooks.contoso.com/business-center",
                gone: false,
            }
            .render(settings),
        ),
    ];
    rendered
        .into_iter()
        .map(|(kind, mail)| (kind, mail.expect("rendered")))
        .collect()
}

#[tokio::test]
#[ignore = "scripts/spam-score runs it"]
async fn every_kind_of_email_as_it_leaves() {
    let dir = std::env::var("SPAM_SAMPLES").expect("SPAM_SAMPLES: where to write the emails");
    let app = TestApp::new(TestDb::sqlite().await, "https://bc.contoso.example", false).await;
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{}", server.port),
        "Business Center <no-reply@contoso.example>",
    )
    .expect("mailer")
    .signed_with("bc2026", include_str!("fixtures/dkim-test-key.pem"))
    .expect("key");
    let to = Email::parse("harry@contoso.example").expect("email");
    for lang in [Lang::En, Lang::Fr] {
        for (kind, mail) in every_kind(&app, lang, &to) {
            let mut conn = app.state.db.acquire().await.expect("connection");
            let now = app.state.clock.now();
            outbox::enqueue(&mut conn, &mail, None, now)
                .await
                .expect("queued");
            drop(conn);
            assert_eq!(deliver_due(&app.state, &mailer).await.expect("sent"), 1);
            let message = server.messages().pop().expect("received");
            let path = format!("{dir}/{kind}.{}.eml", lang.code());
            std::fs::write(&path, message).expect("written");
        }
    }
    app.close().await;
}
