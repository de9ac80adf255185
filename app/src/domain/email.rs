use std::fmt;

use serde::{Deserialize, Serialize};

use super::Problem;

/// A work email address, stored lower-cased so that `Harry@Contoso.com` and
/// `harry@contoso.com` are the same person everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(Problem::Required);
        }
        let (local, domain) = email.split_once('@').ok_or(Problem::EmailInvalid)?;
        if email.len() > 254 || !valid_local_part(local) || !valid_domain(domain) {
            return Err(Problem::EmailInvalid);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

fn valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| {
            // Letters, or an internationalized top-level domain in its
            // ASCII form (xn--p1ai is .рф).
            tld.len() >= 2
                && (tld.chars().all(|c| c.is_ascii_alphabetic())
                    || (tld.starts_with("xn--") && tld.len() > 4))
        })
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = Problem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_lower_cased_and_trimmed() {
        let email = Email::parse("  Harry@Contoso.COM ").expect("valid");
        assert_eq!(email.as_str(), "harry@contoso.com");
        assert_eq!(email.domain(), "contoso.com");
    }

    #[test]
    fn emails_differing_only_in_case_are_equal() {
        assert_eq!(
            Email::parse("Harry@Contoso.com"),
            Email::parse("harry@contoso.com")
        );
    }

    #[test]
    fn an_empty_email_is_required() {
        assert_eq!(Email::parse("   "), Err(Problem::Required));
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in [
            "harry",
            "harry@",
            "@contoso.com",
            "harry@contoso",
            "harry@@contoso.com",
            "har ry@contoso.com",
            ".harry@contoso.com",
            "harry..r@contoso.com",
            "harry@-contoso.com",
            "harry@contoso.c0m",
            "harry@contoso..com",
            "<script>@contoso.com",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::EmailInvalid), "{bad}");
        }
    }

    #[test]
    fn an_overlong_email_is_rejected() {
        let long = format!("{}@contoso.com", "a".repeat(65));
        assert_eq!(Email::parse(&long), Err(Problem::EmailInvalid));
    }

    #[test]
    fn plus_addressing_and_subdomains_are_accepted() {
        assert!(Email::parse("harry.roldan+bc@mail.contoso.co.uk").is_ok());
    }

    #[test]
    fn internationalized_top_level_domains_are_accepted_in_ascii_form() {
        assert!(Email::parse("ana@contoso.xn--p1ai").is_ok());
        assert_eq!(Email::parse("ana@contoso.xn--"), Err(Problem::EmailInvalid));
    }

    #[test]
    fn deserializing_an_invalid_email_fails() {
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }
}
