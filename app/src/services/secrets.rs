//! The secrets the Center must read back, not merely check (the keys of
//! authenticator apps, webhook signing secrets, single sign-on client
//! secrets), sealed with AES-256-GCM under the operator's `SECRETS_KEY`:
//! a copy of the database alone gives none of them away.
//!
//! A sealed value is `sealed1:` and the URL-safe base64 of a random
//! 96-bit nonce followed by the ciphertext and its tag. What the value is
//! for is bound to it as associated data, so a value copied into another
//! column does not open there.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::AppError;

const PREFIX: &str = "sealed1:";
const KEY_LEN: usize = 32;

/// What a sealed value is for; it opens only for the same purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    TotpKey,
    WebhookSecret,
    SsoClientSecret,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::TotpKey => b"totp_key",
            Purpose::WebhookSecret => b"webhook_secret",
            Purpose::SsoClientSecret => b"sso_client_secret",
        }
    }
}

/// The key from `SECRETS_KEY`: 32 bytes, written as base64 (standard or
/// URL-safe, padded or not) or as 64 hexadecimal digits.
#[derive(Clone)]
pub struct SecretsKey([u8; KEY_LEN]);

/// Never the key itself.
impl std::fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretsKey(..)")
    }
}

impl SecretsKey {
    /// Reads a key as `SECRETS_KEY` holds it; the error says what a valid
    /// one looks like (and never repeats the value).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bytes = if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..KEY_LEN)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
                .collect::<Option<Vec<u8>>>()
        } else {
            let unpadded = text.trim_end_matches('=');
            URL_SAFE_NO_PAD
                .decode(unpadded)
                .or_else(|_| STANDARD.decode(text))
                .ok()
        };
        bytes
            .and_then(|bytes| <[u8; KEY_LEN]>::try_from(bytes).ok())
            .map(SecretsKey)
            .ok_or_else(|| {
                "SECRETS_KEY must be 32 random bytes in base64 or hexadecimal \
                 (make one with `business-center secrets-key`)"
                    .to_owned()
            })
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        // The operating system's generator fails only on a broken system;
        // a zero key is then refused below rather than used.
        if SystemRandom::new().fill(&mut bytes).is_err() {
            bytes = [0; KEY_LEN];
        }
        SecretsKey(bytes)
    }

    /// The key as `SECRETS_KEY` holds it (base64).
    pub fn encoded(&self) -> String {
        STANDARD.encode(self.0)
    }

    fn aead(&self) -> Result<LessSafeKey, AppError> {
        if self.0 == [0; KEY_LEN] {
            return Err(super::internal("SECRETS_KEY is all zeros"));
        }
        UnboundKey::new(&AES_256_GCM, &self.0)
            .map(LessSafeKey::new)
            .map_err(|_| super::internal("SECRETS_KEY unusable"))
    }

    /// `plain` sealed for `purpose`, as stored.
    pub fn seal(&self, purpose: Purpose, plain: &str) -> Result<String, AppError> {
        let key = self.aead()?;
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| super::internal("no randomness for a nonce"))?;
        let mut sealed = plain.as_bytes().to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose.label()),
            &mut sealed,
        )
        .map_err(|_| super::internal("sealing failed"))?;
        let mut stored = nonce.to_vec();
        stored.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(stored)))
    }

    /// The plain value of a stored one. A value stored before secrets were
    /// sealed is answered as it is (startup seals them: [`is_sealed`]);
    /// one sealed under another key or for another purpose is an internal
    /// error, which the operator's log names.
    pub fn open(&self, purpose: Purpose, stored: &str) -> Result<String, AppError> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        self.try_open(purpose, encoded).ok_or_else(|| {
            super::internal("a sealed secret does not open with SECRETS_KEY (was the key changed?)")
        })
    }

    fn try_open(&self, purpose: Purpose, encoded: &str) -> Option<String> {
        let key = self.aead().ok()?;
        let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut sealed = sealed.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::from(purpose.label()), &mut sealed)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }

    /// Whether `stored` opens with this key (startup's check that the
    /// operator gave the key the database was sealed with).
    pub fn opens(&self, purpose: Purpose, stored: &str) -> bool {
        stored
            .strip_prefix(PREFIX)
            .is_none_or(|encoded| self.try_open(purpose, encoded).is_some())
    }
}

/// Whether a stored value is sealed.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// Where sealed values are kept: table, key column, value column, purpose.
const SEALED_COLUMNS: [(&str, &str, Purpose); 5] = [
    ("users", "totp_secret", Purpose::TotpKey),
    ("users", "totp_pending_secret", Purpose::TotpKey),
    ("webhook_endpoints", "secret", Purpose::WebhookSecret),
    (
        "webhook_endpoints",
        "previous_secret",
        Purpose::WebhookSecret,
    ),
    ("sso_connections", "client_secret", Purpose::SsoClientSecret),
];

/// At startup: refuses a `SECRETS_KEY` that does not open what is sealed
/// already (the message says what to do), then seals what was stored
/// before sealing existed. Answers how many values it sealed.
pub async fn prepare(db: &super::Db, key: &SecretsKey) -> Result<u64, String> {
    let mut sealed_now = 0;
    for (table, column, purpose) in SEALED_COLUMNS {
        let sample: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT {column} FROM {table} WHERE {column} LIKE 'sealed1:%' LIMIT 1"
        ))
        .fetch_optional(db)
        .await
        .map_err(|error| format!("reading {table}: {error}"))?;
        if let Some((stored,)) = sample {
            if !key.opens(purpose, &stored) {
                return Err(format!(
                    "SECRETS_KEY does not open the secrets this database holds ({table}.{column}): \
                     start with the key they were sealed with"
                ));
            }
        }
        let plain: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT id, {column} FROM {table} \
             WHERE {column} IS NOT NULL AND {column} NOT LIKE 'sealed1:%'"
        ))
        .fetch_all(db)
        .await
        .map_err(|error| format!("reading {table}: {error}"))?;
        for (id, value) in plain {
            let sealed = key
                .seal(purpose, &value)
                .map_err(|error| format!("sealing {table}.{column}: {error}"))?;
            // Only the value read: one changed meanwhile is left for the
            // next start rather than overwritten with an old one.
            sqlx::query(&format!(
                "UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} = $3"
            ))
            .bind(sealed)
            .bind(id)
            .bind(&value)
            .execute(db)
            .await
            .map_err(|error| format!("sealing {table}.{column}: {error}"))?;
            sealed_now += 1;
        }
    }
    Ok(sealed_now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_purpose() {
        let key = SecretsKey::generate();
        let sealed = key
            .seal(Purpose::TotpKey, "JBSWY3DPEHPK3PXP")
            .expect("sealed");
        assert!(is_sealed(&sealed) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open(Purpose::TotpKey, &sealed).expect("opens"),
            "JBSWY3DPEHPK3PXP"
        );
        // A fresh nonce each time: the same secret never looks the same.
        assert_ne!(
            key.seal(Purpose::TotpKey, "JBSWY3DPEHPK3PXP")
                .expect("sealed"),
            sealed
        );
        assert!(!key.opens(Purpose::WebhookSecret, &sealed));
        assert!(!SecretsKey::generate().opens(Purpose::TotpKey, &sealed));
        let mut tampered = sealed.clone();
        tampered.push('A');
        assert!(!key.opens(Purpose::TotpKey, &tampered));
        // Stored before sealing existed: read as it is.
        assert_eq!(key.open(Purpose::TotpKey, "PLAIN").expect("plain"), "PLAIN");
    }

    #[test]
    fn keys_are_read_in_base64_or_hex_and_never_shown() {
        let key = SecretsKey::generate();
        let encoded = key.encoded();
        let again = SecretsKey::parse(&encoded).expect("base64");
        let sealed = key.seal(Purpose::SsoClientSecret, "s").expect("sealed");
        assert!(again.opens(Purpose::SsoClientSecret, &sealed));
        let hex = super::super::hex(&key.0);
        assert!(SecretsKey::parse(&hex)
            .expect("hex")
            .opens(Purpose::SsoClientSecret, &sealed));
        let url_safe = URL_SAFE_NO_PAD.encode(key.0);
        assert!(SecretsKey::parse(&url_safe).is_ok());
        for bad in ["", "short", &STANDARD.encode([7u8; 16]), &"z".repeat(64)] {
            assert!(SecretsKey::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format!("{key:?}"), "SecretsKey(..)");
        assert!(SecretsKey([0; KEY_LEN])
            .seal(Purpose::TotpKey, "x")
            .is_err());
    }
}
