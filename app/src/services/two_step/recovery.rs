//! Recovery codes: ten single-use codes shown once, stored Argon2-hashed,
//! found by their first characters.

use rand::Rng;

use crate::error::AppError;
use crate::services::password::Hasher;
use crate::services::Db;

/// How many recovery codes a user holds after setting up or renewing.
pub const RECOVERY_CODES: usize = 10;

/// Recovery codes: 12 characters of an alphabet without look-alikes
/// (no 0/o, 1/l/i), 60 bits, shown as `xxxx-xxxx-xxxx`. The first four
/// characters find the stored row; the whole code is Argon2-hashed.
pub(super) const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
pub(super) const RECOVERY_LEN: usize = 12;
pub(super) const LOOKUP_LEN: usize = 4;

pub(super) async fn recovery_codes_left(db: &Db, user_id: i64) -> Result<i64, AppError> {
    let (left,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(left)
}

/// Ten fresh codes, as shown (`xxxx-xxxx-xxxx`), and what to store for
/// each: its lookup and its hash.
pub(super) async fn new_recovery_codes(
    hasher: &Hasher,
) -> Result<(Vec<String>, Vec<(String, String)>), AppError> {
    let mut shown = Vec::with_capacity(RECOVERY_CODES);
    let mut stored = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code: String = {
            let mut rng = rand::rngs::OsRng;
            (0..RECOVERY_LEN)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
                .collect()
        };
        let hash = hasher.hash(code.clone()).await?;
        stored.push((code[..LOOKUP_LEN].to_owned(), hash));
        shown.push(format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]));
    }
    Ok((shown, stored))
}

pub(super) async fn replace_recovery_codes(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    codes: &[(String, String)],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for (lookup, hash) in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, lookup, code_hash) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(lookup)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A recovery code as typed, in any case, with or without its dashes;
/// `None` if it cannot be one.
pub(super) fn normalized_recovery_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_read_in_any_case_with_or_without_dashes() {
        assert_eq!(
            normalized_recovery_code(" ABCD-efgh-jk23 ").as_deref(),
            Some("abcdefghjk23")
        );
        assert_eq!(
            normalized_recovery_code("abcdefghjk23").as_deref(),
            Some("abcdefghjk23")
        );
        for wrong in [
            "",
            "abcd-efgh-jk2",
            "abcd-efgh-jk234",
            "abcd-efgh-jk10",
            "123456",
        ] {
            assert_eq!(normalized_recovery_code(wrong), None, "{wrong:?}");
        }
    }
}
