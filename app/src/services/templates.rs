//! The emails and the development mailbox, from the templates in
//! `app/templates/`: one pair per email and language, `NAME.LANG.txt`
//! (the subject on its first line, a blank line, the text) and
//! `NAME.LANG.html`. Values are escaped in `.html` templates, never in
//! `.txt` ones.

use std::sync::LazyLock;

use minijinja::{Environment, Value};
use serde::Serialize;

use super::internal;
use crate::domain::Lang;
use crate::error::AppError;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in [
        (
            "invitation.en.txt",
            include_str!("../../templates/mail/invitation.en.txt"),
        ),
        (
            "invitation.en.html",
            include_str!("../../templates/mail/invitation.en.html"),
        ),
        (
            "invitation.fr.txt",
            include_str!("../../templates/mail/invitation.fr.txt"),
        ),
        (
            "invitation.fr.html",
            include_str!("../../templates/mail/invitation.fr.html"),
        ),
        (
            "reminder.en.txt",
            include_str!("../../templates/mail/reminder.en.txt"),
        ),
        (
            "reminder.en.html",
            include_str!("../../templates/mail/reminder.en.html"),
        ),
        (
            "reminder.fr.txt",
            include_str!("../../templates/mail/reminder.fr.txt"),
        ),
        (
            "reminder.fr.html",
            include_str!("../../templates/mail/reminder.fr.html"),
        ),
        (
            "admin_changed.en.txt",
            include_str!("../../templates/mail/admin_changed.en.txt"),
        ),
        (
            "admin_changed.en.html",
            include_str!("../../templates/mail/admin_changed.en.html"),
        ),
        (
            "admin_changed.fr.txt",
            include_str!("../../templates/mail/admin_changed.fr.txt"),
        ),
        (
            "admin_changed.fr.html",
            include_str!("../../templates/mail/admin_changed.fr.html"),
        ),
        (
            "admin_change_request.en.txt",
            include_str!("../../templates/mail/admin_change_request.en.txt"),
        ),
        (
            "admin_change_request.en.html",
            include_str!("../../templates/mail/admin_change_request.en.html"),
        ),
        (
            "admin_change_request.fr.txt",
            include_str!("../../templates/mail/admin_change_request.fr.txt"),
        ),
        (
            "admin_change_request.fr.html",
            include_str!("../../templates/mail/admin_change_request.fr.html"),
        ),
        (
            "webhook_disabled.en.txt",
            include_str!("../../templates/mail/webhook_disabled.en.txt"),
        ),
        (
            "webhook_disabled.en.html",
            include_str!("../../templates/mail/webhook_disabled.en.html"),
        ),
        (
            "webhook_disabled.fr.txt",
            include_str!("../../templates/mail/webhook_disabled.fr.txt"),
        ),
        (
            "webhook_disabled.fr.html",
            include_str!("../../templates/mail/webhook_disabled.fr.html"),
        ),
        (
            "domain_lapsed.en.txt",
            include_str!("../../templates/mail/domain_lapsed.en.txt"),
        ),
        (
            "domain_lapsed.en.html",
            include_str!("../../templates/mail/domain_lapsed.en.html"),
        ),
        (
            "domain_lapsed.fr.txt",
            include_str!("../../templates/mail/domain_lapsed.fr.txt"),
        ),
        (
            "domain_lapsed.fr.html",
            include_str!("../../templates/mail/domain_lapsed.fr.html"),
        ),
        (
            "password_changed.en.txt",
            include_str!("../../templates/mail/password_changed.en.txt"),
        ),
        (
            "password_changed.en.html",
            include_str!("../../templates/mail/password_changed.en.html"),
        ),
        (
            "password_changed.fr.txt",
            include_str!("../../templates/mail/password_changed.fr.txt"),
        ),
        (
            "password_changed.fr.html",
            include_str!("../../templates/mail/password_changed.fr.html"),
        ),
        (
            "two_step_changed.en.txt",
            include_str!("../../templates/mail/two_step_changed.en.txt"),
        ),
        (
            "two_step_changed.en.html",
            include_str!("../../templates/mail/two_step_changed.en.html"),
        ),
        (
            "two_step_changed.fr.txt",
            include_str!("../../templates/mail/two_step_changed.fr.txt"),
        ),
        (
            "two_step_changed.fr.html",
            include_str!("../../templates/mail/two_step_changed.fr.html"),
        ),
        (
            "dev_mailbox.html",
            include_str!("../../templates/dev_mailbox.html"),
        ),
    ] {
        if let Err(error) = env.add_template(name, source) {
            // Templates are part of the binary; the tests render each one.
            tracing::error!(name, %error, "template does not compile");
        }
    }
    env
});

/// A link the Center built from `PUBLIC_URL` (a parsed URL, so it holds no
/// quote or angle bracket): written into HTML as it is, since escaping
/// would turn its slashes into entities that some mail readers show.
pub fn link(url: &str) -> Value {
    Value::from_safe_string(url.to_owned())
}

/// A rendered email: subject, text and HTML.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders the email `name` in `lang` with `values`.
pub fn email(name: &str, lang: Lang, values: Value) -> Result<Rendered, AppError> {
    let text = render(&format!("{name}.{}.txt", lang.code()), &values)?;
    let html = render(&format!("{name}.{}.html", lang.code()), &values)?;
    let (subject, text) = text.split_once('\n').unwrap_or((&text, ""));
    Ok(Rendered {
        subject: subject.trim().to_owned(),
        text: text.trim_start_matches('\n').to_owned(),
        html,
    })
}

/// One message of the development mailbox; its body is text and the
/// Center's own links, which become anchors.
#[derive(Serialize)]
pub struct MailboxMail {
    pub subject: String,
    pub to: String,
    pub status: String,
    pub when: String,
    pub body: Vec<BodyPart>,
}

#[derive(Serialize)]
pub struct BodyPart {
    pub text: String,
    /// A link, written into the page as it is (see [`link`]).
    pub link: Option<Value>,
}

/// Splits `text` into plain parts and the links that start with `public`.
pub fn body_parts(text: &str, public: &str) -> Vec<BodyPart> {
    text.split_inclusive(char::is_whitespace)
        .flat_map(|word| {
            let trimmed = word.trim_end();
            // Only plain URL characters: a name in the text that merely
            // starts like a link stays text.
            let plain = trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#=&%+".contains(c));
            if trimmed.starts_with(public) && plain {
                vec![
                    BodyPart {
                        text: String::new(),
                        link: Some(link(trimmed)),
                    },
                    BodyPart {
                        text: word[trimmed.len()..].to_owned(),
                        link: None,
                    },
                ]
            } else {
                vec![BodyPart {
                    text: word.to_owned(),
                    link: None,
                }]
            }
        })
        .collect()
}

pub fn dev_mailbox(mails: &[MailboxMail]) -> Result<String, AppError> {
    render("dev_mailbox.html", &minijinja::context! { mails })
}

fn render(name: &str, values: &Value) -> Result<String, AppError> {
    TEMPLATES
        .get_template(name)
        .and_then(|template| template.render(values))
        .map_err(|error| internal(format!("template {name}: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_email_renders_in_both_languages_and_escapes_only_html() {
        for lang in [Lang::En, Lang::Fr] {
            let invitation = email(
                "invitation",
                lang,
                minijinja::context! {
                    organization => "Contoso <&> Ltd",
                    agreement_number => "1234567890",
                    inviter => Value::from(()),
                    to => "harry@contoso.com",
                    link => link("https://bc.example.com/invitation/abc"),
                    expires => "2027-01-17",
                },
            )
            .expect("invitation");
            assert!(!invitation.subject.is_empty());
            assert!(
                invitation.text.contains("Contoso <&> Ltd"),
                "{}",
                invitation.text
            );
            assert!(invitation.html.contains("Contoso &lt;&amp;&gt; Ltd"));
            assert!(invitation
                .html
                .contains("href=\"https://bc.example.com/invitation/abc\""));
            let reminder = email(
                "reminder",
                lang,
                minijinja::context! {
                    organization => "Contoso",
                    expires => "2027-01-17",
                    sent => "2026-11-18",
                    inviter => "Harry Roldan",
                    request_link => link("https://bc.example.com/request-invitation"),
                },
            )
            .expect("reminder");
            assert!(reminder.text.contains("Harry Roldan"));
            let rescue = |resent: bool| {
                email(
                    "admin_changed",
                    lang,
                    minijinja::context! {
                        partner => "Fabrikam <Partners>",
                        organization => "Contoso",
                        agreement_number => "1234567890",
                        purchasing_account => "9876543210",
                        old_admin => "Harry Roldan",
                        new_admin => "Ana Silva",
                        resent => resent,
                        access_link => link("https://bc.example.com/manage-access"),
                    },
                )
                .expect("admin changed")
            };
            let (changed, resent) = (rescue(false), rescue(true));
            assert!(changed.subject.contains("Fabrikam <Partners>"));
            assert!(changed.html.contains("Fabrikam &lt;Partners&gt;"));
            assert!(changed.text.contains("Harry Roldan"));
            assert_ne!(changed.subject, resent.subject);
            assert!(!resent.text.contains("Harry Roldan"), "{}", resent.text);
            let lapsed = email(
                "domain_lapsed",
                lang,
                minijinja::context! {
                    domain => "contoso.com",
                    record_name => "_business-center.contoso.com",
                    record_value => "business-center-verification=abc",
                    domains_link => link("https://bc.example.com/domains"),
                },
            )
            .expect("domain lapsed");
            assert!(lapsed.subject.contains("contoso.com"));
            assert!(lapsed.text.contains("business-center-verification=abc"));
            for gone in [false, true] {
                let disabled = email(
                    "webhook_disabled",
                    lang,
                    minijinja::context! {
                        url => "https://hooks.contoso.com/in",
                        gone => gone,
                        webhooks_link => link("https://bc.example.com/webhooks"),
                    },
                )
                .expect("webhook disabled");
                assert!(disabled.text.contains("https://hooks.contoso.com/in"));
                assert_eq!(disabled.text.contains("410"), gone, "{}", disabled.text);
            }
            let mut subjects = Vec::new();
            for change in ["enabled", "disabled", "codes_renewed", "recovery_code_used"] {
                let mail = email(
                    "two_step_changed",
                    lang,
                    minijinja::context! {
                        email => "harry@contoso.com",
                        change => change,
                        left => 7,
                        when => "2026-11-25",
                        client_address => "203.0.113.9",
                        two_step_link => link("https://bc.example.com/two-step"),
                    },
                )
                .expect("two-step changed");
                assert!(mail.text.contains("203.0.113.9"), "{change}: {}", mail.text);
                subjects.push(mail.subject);
            }
            subjects.dedup();
            assert_eq!(subjects.len(), 4, "each change has its own subject");
        }
        assert!(dev_mailbox(&[])
            .expect("mailbox")
            .contains("No emails yet."));
    }

    #[test]
    fn links_become_their_own_parts() {
        let parts = body_parts(
            "Go <now>: http://127.0.0.1:3000/invitation/abc\nthen",
            "http://127.0.0.1:3000/",
        );
        let links: Vec<String> = parts
            .iter()
            .filter_map(|part| part.link.as_ref().map(ToString::to_string))
            .collect();
        assert_eq!(links, ["http://127.0.0.1:3000/invitation/abc"]);
        let forged = body_parts(
            "http://127.0.0.1:3000/\"><script>",
            "http://127.0.0.1:3000/",
        );
        assert!(forged.iter().all(|part| part.link.is_none()));
        let text: String = parts.iter().map(|part| part.text.as_str()).collect();
        assert_eq!(text, "Go <now>: \nthen");
    }
}
