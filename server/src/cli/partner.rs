//! `business-center partner …`: registering partner organizations and
//! making them partner of record for customers' agreements.

use app::domain::{AgreementNumber, OrganizationName};
use app::error::FormErrors;
use app::services::partners::{self, PersonInput};
use clap::{Args, Subcommand};

use super::{explain, AdminArgs};
use crate::config::Config;
use crate::startup::command_state;

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Register a partner organization and invite its first administrator.
    Create(CreatePartner),
    /// Make a partner the partner of record for an agreement.
    Link(PartnerLink),
    /// End a partner's standing on an agreement.
    Unlink(PartnerLink),
}

#[derive(Debug, Args)]
pub struct CreatePartner {
    /// The partner organization's name.
    #[arg(long)]
    pub name: String,
    /// The partner's first administrator (Partner Admin).
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub struct PartnerLink {
    /// The partner organization's name.
    #[arg(long)]
    pub partner: String,
    /// The customer's 10-digit agreement number.
    #[arg(long)]
    pub agreement_number: String,
}

pub async fn run(config: &Config, command: PartnerCommand) -> Result<(), String> {
    match command {
        PartnerCommand::Create(args) => create(config, args).await,
        PartnerCommand::Link(args) => link(config, args, true).await,
        PartnerCommand::Unlink(args) => link(config, args, false).await,
    }
}

async fn create(config: &Config, args: CreatePartner) -> Result<(), String> {
    // Every problem at once, before touching the database.
    let mut errors = FormErrors::default();
    let name = errors.check("name", OrganizationName::parse(&args.name));
    let admin = PersonInput {
        email: args.admin.admin_email,
        first_name: args.admin.admin_first_name,
        last_name: args.admin.admin_last_name,
        language: args.admin.language,
        country: args.admin.country,
    }
    .check(&mut errors, "admin_");
    let (name, admin) = errors
        .finish(name.zip(admin))
        .map_err(|error| explain(&error))?;
    let state = command_state(config).await?;
    let now = state.clock.now();
    partners::create(&state, &name, &admin)
        .await
        .map_err(|error| explain(&error))?;
    println!("Partner {name} registered.");
    println!(
        "Invitation email queued for {} {} <{}> as Partner Admin ({}); the link expires on {}.",
        admin.first_name,
        admin.last_name,
        admin.email,
        admin.lang.native_name(),
        admin
            .lang
            .format_date(now + app::services::INVITATION_LIFETIME_SECS)
    );
    Ok(())
}

async fn link(config: &Config, args: PartnerLink, linked: bool) -> Result<(), String> {
    let mut errors = FormErrors::default();
    let partner = errors.check("partner", OrganizationName::parse(&args.partner));
    let agreement = errors.check(
        "agreement_number",
        AgreementNumber::parse(&args.agreement_number),
    );
    let (partner, agreement) = errors
        .finish(partner.zip(agreement))
        .map_err(|error| explain(&error))?;
    let state = command_state(config).await?;
    if linked {
        partners::link(&state, &partner, &agreement)
            .await
            .map_err(|error| explain(&error))?;
        println!("{partner} is now partner of record for agreement {agreement}.");
    } else {
        partners::unlink(&state, &partner, &agreement)
            .await
            .map_err(|error| explain(&error))?;
        println!("{partner} is no longer partner of record for agreement {agreement}.");
    }
    Ok(())
}
