//! An internet domain an organization may prove it owns, such as
//! `contoso.com`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Problem;

/// A domain name in lowercase ASCII (internationalized names in their
/// `xn--` form): two or more labels of letters, digits and inner hyphens,
/// a top-level label that is not a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DomainName(String);

impl DomainName {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let name = input.trim().trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return Err(Problem::Required);
        }
        let labels: Vec<&str> = name.split('.').collect();
        let label_ok = |label: &&str| {
            (1..=63).contains(&label.len())
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        let top = labels.last().copied().unwrap_or_default();
        if name.len() > 253
            || labels.len() < 2
            || !labels.iter().all(label_ok)
            || top.chars().all(|c| c.is_ascii_digit())
        {
            return Err(Problem::DomainInvalid);
        }
        Ok(DomainName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `self` is `other` or one of its subdomains.
    pub fn is_within(&self, other: &str) -> bool {
        self.0 == other
            || self
                .0
                .strip_suffix(other)
                .is_some_and(|rest| rest.ends_with('.'))
    }

    /// The name of the TXT record that proves ownership.
    pub fn record_name(&self) -> String {
        record_name_of(&self.0)
    }
}

/// The name of the TXT record that proves ownership of the domain `name`
/// (as stored, already checked).
pub fn record_name_of(name: &str) -> String {
    format!("_business-center.{name}")
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercased_and_checked_label_by_label() {
        assert_eq!(
            DomainName::parse(" Contoso.COM. ").map(|d| d.to_string()),
            Ok("contoso.com".to_owned())
        );
        assert!(DomainName::parse("xn--bcher-kva.example").is_ok());
        for bad in [
            "contoso",
            "-contoso.com",
            "contoso-.com",
            "con toso.com",
            "contoso..com",
            "192.168.1.1",
            "https://contoso.com",
            "user@contoso.com",
        ] {
            assert_eq!(DomainName::parse(bad), Err(Problem::DomainInvalid), "{bad}");
        }
        assert_eq!(DomainName::parse(""), Err(Problem::Required));
        assert_eq!(
            DomainName::parse(&format!("{}.com", "a".repeat(64))),
            Err(Problem::DomainInvalid)
        );
    }

    #[test]
    fn a_subdomain_is_within_its_parent_and_a_lookalike_is_not() {
        let sales = DomainName::parse("sales.contoso.com").expect("valid");
        assert!(sales.is_within("contoso.com"));
        assert!(sales.is_within("sales.contoso.com"));
        assert!(!sales.is_within("toso.com"));
        let lookalike = DomainName::parse("notcontoso.com").expect("valid");
        assert!(!lookalike.is_within("contoso.com"));
    }
}
