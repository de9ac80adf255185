use std::fmt;

use serde::{Deserialize, Serialize};

use super::Problem;

/// A name as someone typed it, trimmed, of at most `$max` characters.
/// Names travel into emails and pages: markup characters and control
/// characters have no business in them.
macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(input: &str) -> Result<Self, Problem> {
                let name = input.trim();
                if name.is_empty() {
                    return Err(Problem::Required);
                }
                if name.chars().count() > Self::MAX_CHARS
                    || name.chars().any(|c| c.is_control() || c == '<' || c == '>')
                {
                    return Err(Problem::NameInvalid);
                }
                Ok(Self(name.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Problem;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> Self {
                name.0
            }
        }
    };
}

name_type!(
    /// A first or last name as a person typed it, trimmed.
    PersonName,
    100
);

name_type!(
    /// An organization's legal or trading name, trimmed.
    OrganizationName,
    200
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_accents_and_lose_outer_spaces() {
        assert_eq!(
            PersonName::parse("  Hélène ").map(|n| n.to_string()),
            Ok("Hélène".to_owned())
        );
    }

    #[test]
    fn empty_overlong_and_markup_names_are_rejected() {
        assert_eq!(PersonName::parse(" "), Err(Problem::Required));
        assert_eq!(
            PersonName::parse(&"a".repeat(101)),
            Err(Problem::NameInvalid)
        );
        assert_eq!(PersonName::parse("<b>Harry"), Err(Problem::NameInvalid));
        assert_eq!(PersonName::parse("Har\u{0}ry"), Err(Problem::NameInvalid));
    }
}

#[cfg(test)]
mod organization_tests {
    use super::*;

    #[test]
    fn an_organization_name_is_trimmed_and_bounded() {
        assert_eq!(
            OrganizationName::parse(" Contoso Ltd ").map(|n| n.to_string()),
            Ok("Contoso Ltd".to_owned())
        );
        assert_eq!(OrganizationName::parse(""), Err(Problem::Required));
        assert_eq!(
            OrganizationName::parse(&"C".repeat(201)),
            Err(Problem::NameInvalid)
        );
    }
}
