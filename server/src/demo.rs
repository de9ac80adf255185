//! `serve --demo`: a demo organization whose administrator's invitation
//! link is printed, so a newcomer can walk the whole path at once.

use app::domain::{AgreementNumber, Email, OrganizationName, PurchasingAccountNumber};
use app::error::AppError;
use app::services::agreements::{self, AgreementInput};
use app::services::catalog::ImportOutcome;
use app::services::partners::{self, PersonInput};
use app::services::{invitations, AppState};

pub const AGREEMENT: &str = "1234567890";
pub const PURCHASING_ACCOUNT: &str = "9876543210";
pub const ADMIN_EMAIL: &str = "harry@contoso.com";

fn input() -> AgreementInput {
    AgreementInput {
        agreement_number: AGREEMENT.to_owned(),
        organization: "Contoso Ltd".to_owned(),
        organization_id: None,
        purchasing_account: PURCHASING_ACCOUNT.to_owned(),
        admin_email: ADMIN_EMAIL.to_owned(),
        admin_first_name: "Harry".to_owned(),
        admin_last_name: "Roldan".to_owned(),
        language: "en".to_owned(),
        country: "US".to_owned(),
    }
}

/// Registers the demo agreement on first run; on later runs, while the
/// administrator has not signed up yet, sends a fresh link (the old one
/// is unknown: only its hash was kept). Prints what to do next.
pub async fn load(state: &AppState) -> Result<(), String> {
    let fail = |error: AppError| format!("loading the demo data: {error}");
    let agreement = input().parse().map_err(fail)?;
    let token = match agreements::register(state, &agreement).await {
        Ok(registered) => registered.invitation,
        Err(error) if error.problem_with("agreement_number").is_some() => {
            invitations::resend_to_designated_admin(
                state,
                &Email::parse(ADMIN_EMAIL).map_err(|problem| problem.to_string())?,
                &AgreementNumber::parse(AGREEMENT).map_err(|problem| problem.to_string())?,
                &PurchasingAccountNumber::parse(PURCHASING_ACCOUNT)
                    .map_err(|problem| problem.to_string())?,
            )
            .await
            .map_err(fail)?
        }
        Err(error) => return Err(fail(error)),
    };
    let partner_links = load_partners(state).await?;
    load_domain(state).await?;
    load_orders(state).await?;
    load_products(state).await?;
    println!();
    println!("Demo organization: Contoso Ltd, agreement {AGREEMENT}, purchasing account {PURCHASING_ACCOUNT}.");
    for line in partner_links {
        println!("{line}");
    }
    match token {
        Some(token) => println!(
            "Invitation for {ADMIN_EMAIL}: {}",
            state
                .settings
                .link(&format!("/invitation/{}", token.as_str()))
        ),
        None => println!(
            "{ADMIN_EMAIL} has already signed up: sign in at {}",
            state.settings.link("/sign-in")
        ),
    }
    if state.settings.dev_mailbox {
        println!("Sent emails: {}", state.settings.link("/dev/mailbox"));
    }
    println!();
    Ok(())
}

/// Two partners of record for the demo agreement: (name, administrator's
/// email, first name, last name).
pub const DEMO_PARTNERS: [(&str, &str, &str, &str); 2] = [
    (
        "Fabrikam Partners",
        "ana@fabrikam-partners.com",
        "Ana",
        "Silva",
    ),
    (
        "Northwind Resellers",
        "sam@northwind-resellers.com",
        "Sam",
        "Okafor",
    ),
];

/// Registers the demo partners on the first run and links them to the
/// demo agreement; says how each administrator gets in.
async fn load_partners(state: &AppState) -> Result<Vec<String>, String> {
    let fail = |error: AppError| format!("loading the demo partners: {error}");
    let agreement = AgreementNumber::parse(AGREEMENT).map_err(|problem| problem.to_string())?;
    let mut lines = Vec::new();
    for (name, email, first_name, last_name) in DEMO_PARTNERS {
        let name = OrganizationName::parse(name).map_err(|problem| problem.to_string())?;
        let admin = PersonInput {
            email: email.to_owned(),
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            language: "en".to_owned(),
            country: "US".to_owned(),
        }
        .parse()
        .map_err(fail)?;
        match partners::create(state, &name, &admin).await {
            Ok(registered) => lines.push(format!(
                "Partner {name}: invitation for {email}: {}",
                state
                    .settings
                    .link(&format!("/invitation/{}", registered.invitation.as_str()))
            )),
            Err(error) if error.problem_with("name").is_some() => {
                lines.push(format!(
                    "Partner {name}: administrator {email} (their invitation stays in the outbox until they sign up)"
                ));
            }
            Err(error) => return Err(fail(error)),
        }
        partners::link(state, &name, &agreement)
            .await
            .map_err(fail)?;
    }
    Ok(lines)
}

/// The demo organization's domain, as if its TXT record had been found,
/// so that online services can be provisioned at once.
async fn load_domain(state: &AppState) -> Result<(), String> {
    let now = state.clock.now();
    sqlx::query(
        "INSERT INTO domains (organization_id, purchasing_account_id, name, token, status, \
         created_at, verified_at, checked_at) \
         SELECT a.organization_id, p.id, 'contoso.com', 'demo', 'verified', $1, $1, $1 \
         FROM purchasing_accounts p JOIN agreements a ON a.id = p.agreement_id \
         WHERE a.number = $2 AND NOT EXISTS (SELECT 1 FROM domains WHERE name = 'contoso.com')",
    )
    .bind(now)
    .bind(AGREEMENT)
    .execute(&state.db)
    .await
    .map_err(|error| format!("loading the demo domain: {error}"))?;
    Ok(())
}

/// Products the demo organization has bought, with a unit price in cents.
const DEMO_PRODUCTS: [(&str, &str, i64); 5] = [
    ("Office Professional Plus", "2024", 45_000),
    ("Windows Server Standard", "2022", 97_200),
    ("SQL Server Enterprise", "2022", 1_385_900),
    ("Visio Professional", "2024", 52_900),
    ("Project Professional", "2024", 111_900),
];

/// Fills the Orders and License details screens on the first demo run.
async fn load_orders(state: &AppState) -> Result<(), String> {
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders")
        .fetch_one(&state.db)
        .await
        .map_err(|error| format!("loading the demo orders: {error}"))?;
    if existing > 0 {
        return Ok(());
    }
    let mut file = String::new();
    for n in 0..40_i64 {
        let (product, version, cents) = DEMO_PRODUCTS[(n % 5) as usize];
        let quantity = [250, 10, 4, 35, 12][(n % 5) as usize] + n;
        let date = app::i18n::iso_date(state.clock.now() - (40 - n) * 9 * 86_400);
        // Orders through each partner, and some placed directly.
        let partner = match n % 3 {
            0 => DEMO_PARTNERS[0].0,
            1 => DEMO_PARTNERS[1].0,
            _ => "",
        };
        file.push_str(&format!(
            "{AGREEMENT},{PURCHASING_ACCOUNT},DEMO-{:05},{date},{product},{version},{quantity},{}.{:02},USD,{partner}\n",
            10_000 + n,
            cents / 100,
            cents % 100
        ));
    }
    all_imported("orders", app::services::orders::import(state, &file).await)?;
    let keys: String = DEMO_PRODUCTS
        .iter()
        .enumerate()
        .map(|(n, (product, version, _))| {
            format!("{AGREEMENT},{PURCHASING_ACCOUNT},{product},{version},DEMO{n}-7QX4K-M2P9R-W8T3V-K6J{n}H\n")
        })
        .collect();
    all_imported("keys", app::services::keys::import(state, &keys).await)
}

/// The demo's own files must import whole; says which lines did not.
fn all_imported(
    what: &str,
    results: Result<Vec<(usize, ImportOutcome)>, AppError>,
) -> Result<(), String> {
    let results = results.map_err(|error| format!("loading the demo {what}: {error}"))?;
    let refused: Vec<String> = results
        .iter()
        .filter_map(|(line, outcome)| {
            outcome
                .refusal()
                .map(|reason| format!("line {line}: {reason}"))
        })
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(format!("loading the demo {what}: {}", refused.join("; ")))
    }
}

/// Online services the demo organization has ordered, with a unit price.
const DEMO_SERVICES: [(&str, i64, i64); 2] = [
    ("Microsoft 365 E3", 300, 3_600),
    ("Exchange Online (Plan 1)", 120, 400),
];

/// Fills Software downloads and Self-service provisioning on the first
/// demo run: a file per software product (made up here, so that a real
/// file is streamed) and orders for two online services.
async fn load_products(state: &AppState) -> Result<(), String> {
    let fail = |error: String| format!("loading the demo products: {error}");
    let (files,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM product_files")
        .fetch_one(&state.db)
        .await
        .map_err(|error| fail(error.to_string()))?;
    if files > 0 {
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("business-center-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| fail(error.to_string()))?;
    let mut catalog = String::from("product,version,kind,file\n");
    for (n, (product, version, _)) in DEMO_PRODUCTS.iter().enumerate() {
        let stem = format!("{product} {version}")
            .to_lowercase()
            .replace(' ', "-");
        let image = format!("{stem}-x64.img");
        // A few megabytes of made-up content: enough to see a download
        // progress and resume.
        let mut content = Vec::with_capacity(3 << 20);
        let mut seed: u32 = 0x9e37_79b9 ^ n as u32;
        while content.len() < 3 << 20 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            content.extend_from_slice(&seed.to_le_bytes());
        }
        std::fs::write(dir.join(&image), content).map_err(|error| fail(error.to_string()))?;
        let notes = format!("{stem}-release-notes.txt");
        std::fs::write(
            dir.join(&notes),
            format!("{product} {version}\n\nDemo release notes: install from the image.\n"),
        )
        .map_err(|error| fail(error.to_string()))?;
        catalog.push_str(&format!(
            "{product},{version},software,{image}\n{product},{version},software,{notes}\n"
        ));
    }
    let mut orders = String::new();
    for (n, (service, quantity, cents)) in DEMO_SERVICES.iter().enumerate() {
        catalog.push_str(&format!("{service},,online_service,\n"));
        let date = app::i18n::iso_date(state.clock.now() - (n as i64 + 1) * 30 * 86_400);
        orders.push_str(&format!(
            "{AGREEMENT},{PURCHASING_ACCOUNT},DEMO-{},{date},{service},,{quantity},{}.{:02},USD\n",
            20_000 + n,
            cents / 100,
            cents % 100
        ));
    }
    let imported = app::services::products::import(state, &dir, &catalog).await;
    let _ = std::fs::remove_dir_all(&dir);
    all_imported("products", imported)?;
    all_imported(
        "service orders",
        app::services::orders::import(state, &orders).await,
    )
}
