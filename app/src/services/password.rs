//! Argon2id hashing, off the async threads and bounded.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::domain::{PasswordRule, Problem};
use crate::error::AppError;

/// The problems with a new password and its confirmation: the rules the
/// browser checks, then the list of common and breached passwords.
pub fn check_new(password: &str, confirmation: &str) -> (Option<Problem>, Option<Problem>) {
    let (password_problem, confirmation_problem) = PasswordRule::check(password, confirmation);
    let password_problem =
        password_problem.or_else(|| is_common(password).then_some(Problem::PasswordCommon));
    (password_problem, confirmation_problem)
}

/// Whether `password`, in any case, is on the shipped list (see the head
/// of `app/data/common-passwords.txt` for where it comes from).
pub fn is_common(password: &str) -> bool {
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    COMMON
        .get_or_init(|| {
            include_str!("../../data/common-passwords.txt")
                .lines()
                .skip_while(|line| line.starts_with("# "))
                .collect()
        })
        .contains(password.to_lowercase().as_str())
}

/// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords on blocking threads, at most as many at
/// once as the machine has cores, so a burst of sign-ins cannot starve the
/// async runtime or exhaust memory. A few more may wait their turn; past
/// that the answer is `Busy` at once rather than a queue without end.
#[derive(Clone)]
pub struct Hasher {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

/// How many hashes may wait per core: at ~25 ms a hash, a quarter of a
/// second of work at most.
const WAITING_PER_CORE: usize = 8;

impl Default for Hasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::with_capacity(cores, cores * WAITING_PER_CORE)
    }
}

impl Hasher {
    /// `running` hashes at once and `waiting` more in line.
    pub fn with_capacity(running: usize, waiting: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(running)),
            admitted: Arc::new(Semaphore::new(running + waiting)),
        }
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| e.to_string())
        })
        .await
    }

    /// Checks `password` against `stored`; with no stored hash (no such
    /// user) it checks against a dummy so that the answer takes as long.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        // An account that signs in only through its organization's
        // provider has no password (an empty hash): nothing matches it,
        // after as long a check as any.
        let stored = stored.filter(|hash| !hash.is_empty());
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = self
            .run(move || {
                let parsed = PasswordHash::new(&stored).map_err(|e| e.to_string())?;
                Ok(argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok())
            })
            .await?;
        Ok(known && matches)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Result<T, AppError> {
        let _admitted = self.admitted.try_acquire().map_err(|_| AppError::Busy)?;
        let _running = self.running.acquire().await.map_err(super::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(super::internal)?
            .map_err(super::internal)
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(b"no user has this password", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = Hasher::default();
        let hash = hasher.hash("Correct-horse-7".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher
            .verify("Correct-horse-7".into(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert!(!hasher
            .verify("Correct-horse-8".into(), Some(hash))
            .await
            .expect("verify"));
    }

    #[test]
    fn common_and_breached_passwords_are_refused_in_any_case() {
        for common in [
            "password1234",
            "Password1234",
            "QWERTYUIOP12",
            "1q2w3e4r5t6y",
        ] {
            assert_eq!(
                check_new(common, common).0,
                Some(Problem::PasswordCommon),
                "{common}"
            );
        }
        assert_eq!(
            check_new("blue whale tuesday", "blue whale tuesday"),
            (None, None)
        );
        // The length rule speaks first.
        assert_eq!(
            check_new("password", "password").0,
            Some(Problem::PasswordTooShort)
        );
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let hasher = Hasher::with_capacity(1, 1);
        let (first, second, third) = tokio::join!(
            hasher.hash("one-two-three-four".into()),
            hasher.hash("one-two-three-four".into()),
            hasher.hash("one-two-three-four".into()),
        );
        assert!(first.is_ok() && second.is_ok());
        assert_eq!(third, Err(AppError::Busy));
        // Once the line has cleared, hashing works again.
        assert!(hasher.hash("one-two-three-four".into()).await.is_ok());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hasher = Hasher::default();
        assert!(!hasher
            .verify("no user has this password".into(), None)
            .await
            .expect("verify"));
    }
}
