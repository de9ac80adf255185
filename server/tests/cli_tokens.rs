//! `business-center token create`, run as an operator runs it: the secret
//! alone on standard output, problems named by their flag.

use crate::cli::{create, Scratch};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn token_create_prints_the_secret_alone_or_names_what_is_wrong() {
    let scratch = Scratch::new("tokens");
    let agreement = create("1234567890", "harry@contoso.com");
    let agreement: Vec<&str> = agreement.iter().map(String::as_str).collect();
    assert!(scratch.run(&agreement).status.success());

    let operator = scratch.run(&["token", "create", "--operator", "--name", "order system"]);
    let stdout = text(&operator.stdout);
    assert!(operator.status.success(), "{}", text(&operator.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the secret alone: {stdout}");
    assert!(app::services::tokens::well_formed(lines[0]), "{stdout}");

    // Contoso's administrator has not signed up yet: nobody to own it.
    let early = scratch.run(&[
        "token",
        "create",
        "--organization-id",
        "1",
        "--name",
        "sync",
        "--role",
        "account_admin",
    ]);
    assert!(!early.status.success());
    let said = text(&early.stderr);
    assert!(
        said.contains("--organization-id: this organization has no administrator yet"),
        "{said}"
    );
    assert!(text(&early.stdout).is_empty());

    let unknown_role = scratch.run(&[
        "token",
        "create",
        "--organization-id",
        "1",
        "--name",
        "sync",
        "--role",
        "superuser",
    ]);
    assert!(!unknown_role.status.success());
    assert!(
        text(&unknown_role.stderr).contains("--role"),
        "{}",
        text(&unknown_role.stderr)
    );
    let too_long = scratch.run(&[
        "token",
        "create",
        "--operator",
        "--name",
        "x",
        "--expires-days",
        "400",
    ]);
    assert!(!too_long.status.success());
    assert!(
        text(&too_long.stderr).contains("--expires-days"),
        "{}",
        text(&too_long.stderr)
    );
}

/// `--scim` makes the directory's token for the first Account Admin
/// (scripts/scim-check uses it on a signed-up organization); it takes no
/// roles of its own and belongs to an organization.
#[test]
fn a_scim_token_is_an_organizations_and_takes_no_roles() {
    let scratch = Scratch::new("scim-tokens");
    let agreement = create("1234567890", "harry@contoso.com");
    let agreement: Vec<&str> = agreement.iter().map(String::as_str).collect();
    assert!(scratch.run(&agreement).status.success());
    let with_role = scratch.run(&[
        "token",
        "create",
        "--organization-id",
        "1",
        "--name",
        "entra",
        "--scim",
        "--role",
        "account_admin",
    ]);
    assert!(!with_role.status.success());
    assert!(
        text(&with_role.stderr).contains("--role"),
        "{}",
        text(&with_role.stderr)
    );
    let alone = scratch.run(&["token", "create", "--name", "entra", "--scim"]);
    assert!(!alone.status.success());
    assert!(
        text(&alone.stderr).contains("--organization-id"),
        "{}",
        text(&alone.stderr)
    );
    let early = scratch.run(&[
        "token",
        "create",
        "--organization-id",
        "1",
        "--name",
        "entra",
        "--scim",
    ]);
    assert!(!early.status.success());
    assert!(
        text(&early.stderr).contains("this organization has no administrator yet"),
        "{}",
        text(&early.stderr)
    );
    assert!(text(&early.stdout).is_empty());
}
