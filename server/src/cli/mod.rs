//! The `business-center` command line.

use std::process::ExitCode;

use app::error::AppError;
use app::services::agreements::{self, AgreementInput};
use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::startup::{self, command_state};

mod partner;
mod token;

#[derive(Debug, Parser)]
#[command(
    name = "business-center",
    version,
    about = "Business Center: the customer portal for volume-licensing agreements"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web interface, the JSON API and the mail worker.
    Serve {
        /// Load a demo organization, print its invitation link, and offer
        /// the development mailbox at /dev/mailbox when SMTP_URL is unset.
        #[arg(long)]
        demo: bool,
    },
    /// Signed agreements.
    #[command(subcommand)]
    Agreement(AgreementCommand),
    /// Volume-licensing orders.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Product keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Products and their files to download.
    #[command(subcommand)]
    Products(ProductsCommand),
    /// Partner organizations and the agreements they are partner of record for.
    #[command(subcommand)]
    Partner(partner::PartnerCommand),
    /// API tokens for the JSON API under /api/v1.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Print a new random SECRETS_KEY (32 bytes, base64) on its own line.
    SecretsKey,
}

#[derive(Debug, Subcommand)]
pub enum ProductsCommand {
    /// Import products from a CSV file with the columns
    /// product,version,kind,file — kind is software or online_service;
    /// file (optional, software only) is a path relative to the CSV file,
    /// copied into DOWNLOADS_DIR.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Import product keys from a CSV file with the columns
    /// agreement_number,purchasing_account,product,version,key
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// Import order lines from a CSV file with the columns
    /// agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency
    /// and optionally partner (the partner of record the order was placed through)
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// Register a signed agreement and invite its Purchasing Account Administrator.
    Create(CreateAgreement),
}

#[derive(Debug, Args)]
pub struct CreateAgreement {
    /// The 10-digit agreement number.
    #[arg(long)]
    pub agreement_number: String,
    /// The customer organization's name.
    #[arg(long)]
    pub organization: String,
    /// The id of the existing organization this agreement is added to
    /// (printed when its first agreement was created). Without it, a new
    /// organization is created, and a name already taken is refused.
    #[arg(long)]
    pub organization_id: Option<i64>,
    /// The purchasing account number.
    #[arg(long)]
    pub purchasing_account: String,
    /// The designated Purchasing Account Administrator.
    #[command(flatten)]
    pub admin: AdminArgs,
}

/// An organization's first administrator, as the operator names them.
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// The administrator's work email.
    #[arg(long)]
    pub admin_email: String,
    #[arg(long)]
    pub admin_first_name: String,
    #[arg(long)]
    pub admin_last_name: String,
    /// The administrator's language: en or fr.
    #[arg(long, default_value = "en")]
    pub language: String,
    /// The administrator's country or region (ISO code).
    #[arg(long, default_value = "US")]
    pub country: String,
}

impl Cli {
    /// The command line and the environment. A variable set to nothing
    /// counts as unset, so `SMTP_URL=` in a service file means "no SMTP".
    pub fn parse_env() -> Cli {
        use clap::CommandFactory;
        for argument in Cli::command().get_arguments() {
            let Some(name) = argument.get_env() else {
                continue;
            };
            if std::env::var_os(name).is_some_and(|value| value.is_empty()) {
                std::env::remove_var(name);
            }
        }
        Cli::parse()
    }
}

/// The command-line flag for each field a service may complain about.
fn flag_of(field: &str) -> String {
    match field {
        "purchasing_account" => "--purchasing-account".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

pub async fn run(cli: Cli) -> ExitCode {
    let config = &cli.config;
    let result = match cli.command {
        Command::Serve { demo } => startup::serve(config, demo).await,
        Command::Agreement(AgreementCommand::Create(args)) => create_agreement(config, args).await,
        Command::Orders(OrdersCommand::Import { file }) => {
            import(config, &file, Import::Orders).await
        }
        Command::Keys(KeysCommand::Import { file }) => import(config, &file, Import::Keys).await,
        Command::Products(ProductsCommand::Import { file }) => {
            import(config, &file, Import::Products).await
        }
        Command::Partner(command) => partner::run(config, command).await,
        Command::Token(command) => token::run(config, command).await,
        Command::SecretsKey => {
            println!(
                "{}",
                app::services::secrets::SecretsKey::generate().encoded()
            );
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One line per problem, naming the flag to fix.
fn explain(error: &AppError) -> String {
    match error {
        AppError::Invalid(problems) => problems
            .iter()
            .map(|problem| format!("{}: {}", flag_of(&problem.field), problem.problem))
            .collect::<Vec<_>>()
            .join("\nerror: "),
        other => other.to_string(),
    }
}

async fn create_agreement(config: &Config, args: CreateAgreement) -> Result<(), String> {
    let input = AgreementInput {
        agreement_number: args.agreement_number,
        organization: args.organization,
        organization_id: args.organization_id,
        purchasing_account: args.purchasing_account,
        admin_email: args.admin.admin_email,
        admin_first_name: args.admin.admin_first_name,
        admin_last_name: args.admin.admin_last_name,
        language: args.admin.language,
        country: args.admin.country,
    };
    // Check the input before touching the database, so a typo never
    // creates a data directory.
    let agreement = input.parse().map_err(|error| explain(&error))?;
    let state = command_state(config).await?;
    let now = state.clock.now();
    let registered = match agreements::register(&state, &agreement).await {
        Ok(registered) => registered,
        Err(error) if error.problem_with("organization").is_some() => {
            let mut conn = state.db.acquire().await.map_err(|e| e.to_string())?;
            let name = agreement.organization.as_str();
            let id = agreements::organization_named(&mut conn, name)
                .await
                .map_err(|error| explain(&error))?
                .map_or_else(String::new, |id| id.to_string());
            return Err(format!(
                "--organization: an organization called {name:?} already exists (id {id}). \
                     To add this agreement to it, pass --organization-id {id}; otherwise \
                     choose another name."
            ));
        }
        Err(error) => return Err(explain(&error)),
    };
    println!(
        "Agreement {} (MPSA) registered for {} (organization id {}).",
        agreement.number, agreement.organization, registered.organization_id
    );
    println!(
        "Purchasing account {}: designated administrator {} {} <{}>.",
        agreement.purchasing_account,
        agreement.admin_first_name,
        agreement.admin_last_name,
        agreement.admin_email
    );
    match registered.invitation {
        Some(_) => println!(
            "Invitation email queued for {} ({}); the link expires on {}.",
            agreement.admin_email,
            agreement.language.native_name(),
            agreement
                .language
                .format_date(now + app::services::INVITATION_LIFETIME_SECS)
        ),
        None => println!(
            "{} already has an account in this organization; no invitation sent.",
            agreement.admin_email
        ),
    }
    Ok(())
}

enum Import {
    Orders,
    Keys,
    Products,
}

/// Imports a CSV file line by line, printing each line's result; the good
/// lines stay even when others are refused (and the exit code says so).
async fn import(config: &Config, file: &std::path::Path, what: Import) -> Result<(), String> {
    let text =
        std::fs::read_to_string(file).map_err(|error| format!("{}: {error}", file.display()))?;
    let state = command_state(config).await?;
    let results = match what {
        Import::Orders => app::services::orders::import(&state, &text)
            .await
            .map_err(|error| explain(&error))?,
        Import::Keys => app::services::keys::import(&state, &text)
            .await
            .map_err(|error| explain(&error))?,
        Import::Products => {
            let base = file.parent().unwrap_or(std::path::Path::new("."));
            app::services::products::import(&state, base, &text)
                .await
                .map_err(|error| explain(&error))?
        }
    };
    let mut refused = 0;
    for (line, outcome) in &results {
        match outcome.refusal() {
            None => println!("line {line}: imported"),
            Some(reason) => {
                refused += 1;
                println!("line {line}: refused: {reason}");
            }
        }
    }
    println!("{} imported, {refused} refused", results.len() - refused);
    if refused > 0 {
        return Err(format!(
            "{refused} line(s) refused; the others were imported"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_maps_to_its_flag() {
        assert_eq!(flag_of("agreement_number"), "--agreement-number");
        assert_eq!(flag_of("admin_email"), "--admin-email");
        assert_eq!(flag_of("purchasing_account"), "--purchasing-account");
    }
}
