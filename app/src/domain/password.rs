//! The password policy (ASVS 5.0, 6.2): a length, no composition rule.
//! The length is checked live in the browser and again on the server; the
//! list of common and breached passwords only on the server
//! (`services::password::check_new`), since it is too large to ship to
//! browsers.

use serde::{Deserialize, Serialize};

use super::Problem;

pub const MIN_PASSWORD_LEN: usize = 12;
pub const MAX_PASSWORD_LEN: usize = 128;

/// One rule a new password must meet; the page lists them before typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordRule {
    Length,
    /// Not on the list of common and breached passwords: checked when the
    /// form is sent.
    NotCommon,
}

impl PasswordRule {
    /// Whether the browser can tell, as the person types, that `password`
    /// meets the rule; `None` when only the server can.
    pub fn is_met_by(self, password: &str) -> Option<bool> {
        match self {
            PasswordRule::Length => {
                Some((MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&password.chars().count()))
            }
            PasswordRule::NotCommon => None,
        }
    }

    /// Checks a new password and its confirmation, returning the first
    /// problem with each field.
    pub fn check(password: &str, confirmation: &str) -> (Option<Problem>, Option<Problem>) {
        let length = password.chars().count();
        let password_problem = if password.is_empty() {
            Some(Problem::Required)
        } else if length < MIN_PASSWORD_LEN {
            Some(Problem::PasswordTooShort)
        } else if length > MAX_PASSWORD_LEN {
            Some(Problem::PasswordTooLong)
        } else {
            None
        };
        let confirmation_problem = if confirmation.is_empty() {
            Some(Problem::Required)
        } else if confirmation != password {
            Some(Problem::PasswordMismatch)
        } else {
            None
        };
        (password_problem, confirmation_problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_varied_password_passes() {
        assert_eq!(
            PasswordRule::check("Correct-horse-7", "Correct-horse-7"),
            (None, None)
        );
    }

    #[test]
    fn a_short_password_is_too_short() {
        assert_eq!(
            PasswordRule::check("Ab1!", "Ab1!").0,
            Some(Problem::PasswordTooShort)
        );
    }

    #[test]
    fn no_composition_rule_applies() {
        assert_eq!(
            PasswordRule::check("blue whale tuesday", "blue whale tuesday"),
            (None, None)
        );
    }

    #[test]
    fn an_overlong_password_is_refused() {
        let long = format!("Aa1{}", "x".repeat(MAX_PASSWORD_LEN));
        assert_eq!(
            PasswordRule::check(&long, &long).0,
            Some(Problem::PasswordTooLong)
        );
    }

    #[test]
    fn a_different_confirmation_is_a_mismatch() {
        assert_eq!(
            PasswordRule::check("Correct-horse-7", "Correct-horse-8").1,
            Some(Problem::PasswordMismatch)
        );
    }

    #[test]
    fn empty_fields_are_required() {
        assert_eq!(
            PasswordRule::check("", ""),
            (Some(Problem::Required), Some(Problem::Required))
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Eleven accented letters are 22 bytes but still too short.
        assert_eq!(PasswordRule::Length.is_met_by("ééééééééééé"), Some(false));
    }
}
