use std::fmt;

use serde::{Deserialize, Serialize};

/// The secret in an invitation link: 32 random bytes (256 bits) in
/// URL-safe base64. Only its SHA-256 is ever stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InvitationToken(String);

/// Why a string is not an invitation token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this is not an invitation link")]
pub struct NotAToken;

impl InvitationToken {
    pub const LEN: usize = 43;

    pub fn parse(input: &str) -> Result<Self, NotAToken> {
        let valid = input.len() == Self::LEN
            && input
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(input.to_owned()))
        } else {
            Err(NotAToken)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "ssr")]
impl InvitationToken {
    /// A fresh token from the operating system's random number generator.
    pub fn generate() -> Self {
        use base64::Engine;
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// What the database keeps: the hex SHA-256 of the token.
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(self.0.as_bytes()))
    }
}

// Secrets never appear in logs.
impl fmt::Debug for InvitationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvitationToken(…)")
    }
}

impl TryFrom<String> for InvitationToken {
    type Error = NotAToken;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<InvitationToken> for String {
    fn from(token: InvitationToken) -> Self {
        token.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_token_parses() {
        assert!(InvitationToken::parse(&"a".repeat(43)).is_ok());
    }

    #[test]
    fn short_long_and_foreign_tokens_are_rejected() {
        assert_eq!(InvitationToken::parse(&"a".repeat(42)), Err(NotAToken));
        assert_eq!(InvitationToken::parse(&"a".repeat(44)), Err(NotAToken));
        assert_eq!(
            InvitationToken::parse(&format!("{}/", "a".repeat(42))),
            Err(NotAToken)
        );
        assert_eq!(InvitationToken::parse(""), Err(NotAToken));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let token = InvitationToken::parse(&"s".repeat(43)).expect("valid");
        assert!(!format!("{token:?}").contains("sss"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_tokens_are_valid_unique_and_hashed() {
        let a = InvitationToken::generate();
        let b = InvitationToken::generate();
        assert!(InvitationToken::parse(a.as_str()).is_ok());
        assert_ne!(a, b);
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.as_str());
    }
}
