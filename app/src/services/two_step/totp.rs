//! Authenticator codes (RFC 6238 with the settings every authenticator app
//! supports: HMAC-SHA1, 6 digits, 30-second steps) and the QR code that
//! hands the key to the app.

use qrcodegen::{QrCode, QrCodeEcc};
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

pub const STEP_SECS: i64 = 30;
const DIGITS: usize = 6;
const ISSUER: &str = "Business Center";

/// A fresh 160-bit key (RFC 4226's recommendation), in base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base32(&bytes)
}

fn base32(bytes: &[u8]) -> String {
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => String::new(),
    }
}

/// `None` for a stored key that is not base32 of at least 128 bits, which
/// only a damaged database holds.
fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    // The otpauth label separates issuer and account with ':'.
    let account = account.replace(':', "");
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECS.unsigned_abs(),
        bytes,
        Some(ISSUER.to_owned()),
        account,
    )
    .ok()
}

/// Whether `input` has the shape of an authenticator code (spaces
/// allowed, as some apps show "123 456").
pub fn looks_like_code(input: &str) -> bool {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The time step at which `code` is right for `secret`, allowing one step
/// either side of `now` for a phone whose clock drifts a little.
pub fn matching_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    if !looks_like_code(code) {
        return None;
    }
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret, "")?;
    let current = now.div_euclid(STEP_SECS);
    (current - 1..=current + 1).find(|step| {
        u64::try_from(step * STEP_SECS)
            .is_ok_and(|time| same_bytes(totp.generate(time).as_bytes(), code.as_bytes()))
    })
}

/// The code an authenticator shows at `time`: what a test types.
pub fn code_at(secret: &str, time: i64) -> Option<String> {
    Some(totp(secret, "")?.generate(u64::try_from(time).ok()?))
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn uri(secret: &str, account: &str) -> Option<String> {
    Some(totp(secret, account)?.get_url())
}

/// Compares in time that does not depend on where the inputs differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// `secret` in groups of four, easier to type into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .filter_map(|chunk| std::str::from_utf8(chunk).ok())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A QR code as `size` modules square with its quiet zone, and its dark
/// modules as one SVG path: drawn by the page, no image to fetch.
pub struct Qr {
    pub size: u32,
    pub path: String,
}

const QUIET_ZONE: i32 = 4;

pub fn qr(text: &str) -> Option<Qr> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let mut path = String::new();
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
            }
        }
    }
    let size = u32::try_from(code.size() + 2 * QUIET_ZONE).ok()?;
    Some(Qr { size, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's own test key, "12345678901234567890", in base32.
    const RFC_KEY: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        // Appendix B gives 8 digits; an authenticator shows the last 6.
        assert_eq!(code_at(RFC_KEY, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(RFC_KEY, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code_at(RFC_KEY, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let now = 1_800_000_000;
        let step = now / STEP_SECS;
        for (offset, expected) in [(-1, Some(step - 1)), (0, Some(step)), (1, Some(step + 1))] {
            let code = code_at(RFC_KEY, now + offset * STEP_SECS).expect("code");
            assert_eq!(
                matching_step(RFC_KEY, &code, now),
                expected,
                "offset {offset}"
            );
        }
        for offset in [-3, -2, 2, 3] {
            let code = code_at(RFC_KEY, now + offset * STEP_SECS).expect("code");
            let accepted = matching_step(RFC_KEY, &code, now);
            // Another step's code may collide by chance (1 in a million).
            assert!(accepted.is_none() || code_at(RFC_KEY, now).as_deref() == Some(code.as_str()));
        }
    }

    #[test]
    fn a_code_may_be_typed_with_a_space_but_not_be_anything_else() {
        let now = 1_800_000_000;
        let code = code_at(RFC_KEY, now).expect("code");
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(matching_step(RFC_KEY, &spaced, now).is_some());
        for wrong in ["", "12345", "1234567", "abcdef", "12345a"] {
            assert_eq!(matching_step(RFC_KEY, wrong, now), None, "{wrong:?}");
        }
    }

    #[test]
    fn new_keys_are_160_bits_of_base32_and_differ() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(code_at(&a, 0).is_some());
    }

    #[test]
    fn the_uri_names_the_issuer_and_account() {
        let uri = uri(RFC_KEY, "harry@contoso.com").expect("uri");
        assert!(
            uri.starts_with("otpauth://totp/Business%20Center:harry%40contoso.com?"),
            "{uri}"
        );
        assert!(uri.contains(&format!("secret={RFC_KEY}")), "{uri}");
        assert!(uri.contains("issuer=Business%20Center"), "{uri}");
    }

    #[test]
    fn the_qr_code_has_a_quiet_zone_and_dark_modules() {
        let qr = qr("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ").expect("qr");
        // Version 2 and up is at least 25 modules, plus 4 on each side.
        assert!(qr.size >= 33, "{}", qr.size);
        assert!(
            qr.path.starts_with("M4 4h1v1h-1z"),
            "the finder pattern's corner is dark"
        );
    }
}
