//! SECRETS_KEY: the server does not start without one (nor with a value
//! that is not a key), and `secrets-key` makes one.

use std::process::{Command, Output};

use app::services::secrets::{Purpose, SecretsKey};

use crate::cli::Scratch;

fn serve(scratch: &Scratch, key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_business-center"));
    command
        .arg("serve")
        .env("DATABASE_URL", scratch.database_url())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:1")
        .env_remove("SMTP_URL")
        .env_remove("SECRETS_KEY");
    if let Some(key) = key {
        command.env("SECRETS_KEY", key);
    }
    command.output().expect("run business-center")
}

#[test]
fn the_server_needs_a_secrets_key_and_the_command_line_makes_one() {
    let scratch = Scratch::new("secrets");
    let missing = serve(&scratch, None);
    assert!(!missing.status.success());
    let said = String::from_utf8_lossy(&missing.stderr);
    assert!(
        said.contains("SECRETS_KEY is not set") && said.contains("business-center secrets-key"),
        "{said}"
    );

    let short = serve(&scratch, Some("c2hvcnQ="));
    assert!(!short.status.success());
    let said = String::from_utf8_lossy(&short.stderr);
    assert!(
        said.contains("SECRETS_KEY must be 32 random bytes"),
        "{said}"
    );
    assert!(
        !said.contains("c2hvcnQ="),
        "the value is never repeated: {said}"
    );

    let made = scratch.run(&["secrets-key"]);
    assert!(made.status.success());
    let printed = String::from_utf8_lossy(&made.stdout);
    let key = SecretsKey::parse(printed.trim()).expect("a usable key");
    let sealed = key.seal(Purpose::TotpKey, "k").expect("sealed");
    assert_eq!(key.open(Purpose::TotpKey, &sealed), Ok("k".to_owned()));
    assert_eq!(printed.lines().count(), 1);
}
