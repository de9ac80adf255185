//! `business-center token create`: an API token for automation set-up,
//! for an organization's first administrator or for the vendor operator.
//! The secret is printed alone on its own line, to be captured by a
//! script; nothing else goes to standard output.

use app::domain::Role;
use app::services::tokens::{self, TokenRequest};
use clap::{Args, Subcommand};

use super::explain;
use crate::config::Config;
use crate::startup::command_state;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print its secret (shown only now).
    Create(CreateToken),
}

#[derive(Debug, Args)]
pub struct CreateToken {
    /// The organization whose first Account Admin (or Partner Admin) owns
    /// the token.
    #[arg(
        long,
        required_unless_present = "operator",
        conflicts_with = "operator"
    )]
    pub organization_id: Option<i64>,
    /// A vendor operator's token, for no organization.
    #[arg(long)]
    pub operator: bool,
    /// What the token is for, as its list shows it.
    #[arg(long)]
    pub name: String,
    /// A role the token carries, by its key (as in the CSV invitation:
    /// account_admin, user_admin, …); repeat for several. The owner must
    /// hold each.
    #[arg(long = "role", required_unless_present_any = ["operator", "scim"])]
    pub roles: Vec<String>,
    /// A token for the organization's directory: SCIM provisioning at
    /// /scim/v2 only, with all of the first Account Admin's roles, for a
    /// year.
    #[arg(long, requires = "organization_id", conflicts_with_all = ["operator", "roles", "expires_days"])]
    pub scim: bool,
    /// Days until the token expires (1 to 365).
    #[arg(long, default_value_t = 90)]
    pub expires_days: i64,
}

pub async fn run(config: &Config, command: TokenCommand) -> Result<(), String> {
    let TokenCommand::Create(args) = command;
    let state = command_state(config).await?;
    let made = match args.organization_id {
        Some(organization_id) if args.scim => {
            tokens::create_scim_for_organization(&state, organization_id, &args.name).await
        }
        Some(organization_id) => {
            let roles =
                Role::parse_list(&args.roles).map_err(|problem| format!("--role: {problem}"))?;
            let request = TokenRequest {
                name: &args.name,
                expires_days: args.expires_days,
                roles: &roles,
            };
            tokens::create_for_organization(&state, organization_id, &request).await
        }
        None => tokens::create_for_operator(&state, &args.name, args.expires_days).await,
    }
    .map_err(|error| explain(&error))?;
    let days = (made.row.expires_at - made.row.created_at) / (24 * 60 * 60);
    eprintln!(
        "token {} \"{}\" created; it expires in {days} days. Its secret follows, shown only now:",
        made.row.id, made.row.name
    );
    println!("{}", made.secret);
    Ok(())
}
