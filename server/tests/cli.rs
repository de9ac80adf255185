//! The operator's command line, run as a process the way an operator runs it.

use std::process::{Command, Output};

pub(crate) struct Scratch(std::path::PathBuf);

impl Scratch {
    pub(crate) fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("bc-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }

    pub(crate) fn database_url(&self) -> String {
        format!("sqlite://{}/bc.db", self.0.display())
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_business-center"))
            .args(args)
            .env("DATABASE_URL", self.database_url())
            .env("PUBLIC_URL", "https://bc.example.com")
            .env("DOWNLOADS_DIR", self.0.join("downloads"))
            .env_remove("SMTP_URL")
            .output()
            .expect("run business-center")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn create(number: &str, email: &str) -> Vec<String> {
    [
        "agreement",
        "create",
        "--agreement-number",
        number,
        "--organization",
        "Contoso Ltd",
        "--purchasing-account",
        "9876543210",
        "--admin-email",
        email,
        "--admin-first-name",
        "Harry",
        "--admin-last-name",
        "Roldan",
        "--language",
        "en",
        "--country",
        "US",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn creating_an_agreement_prints_it_and_queues_the_invitation() {
    let scratch = Scratch::new("create");
    let args = create("1234567890", "Harry@Contoso.com");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = scratch.run(&args);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains(
            "Agreement 1234567890 (MPSA) registered for Contoso Ltd (organization id 1)."
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("Invitation email queued for harry@contoso.com"),
        "{stdout}"
    );

    // The same agreement again: one line, a non-zero exit, no panic.
    let again = scratch.run(&args);
    let stderr = text(&again.stderr);
    assert!(!again.status.success());
    assert_eq!(
        stderr.trim(),
        "error: --agreement-number: an agreement with this number is already registered"
    );
}

#[test]
fn bad_input_gets_one_line_per_problem_and_a_non_zero_exit() {
    let scratch = Scratch::new("bad");
    let args = create("12345abcde", "not-an-email");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = scratch.run(&args);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "error: --agreement-number: an agreement number is exactly 10 digits, such as 1234567890",
            "error: --admin-email: enter an email address such as name@contoso.com",
        ]
    );
    assert!(!scratch.0.exists(), "nothing written for bad input");

    let mut language = create("1234567890", "harry@contoso.com");
    let position = language.len() - 3;
    language[position] = "de".into();
    let language: Vec<&str> = language.iter().map(String::as_str).collect();
    let output = scratch.run(&language);
    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).trim(),
        "error: --language: choose English (en) or French (fr)"
    );
}

#[test]
fn a_database_url_for_another_engine_is_explained() {
    let output = Command::new(env!("CARGO_BIN_EXE_business-center"))
        .args(create("1234567890", "harry@contoso.com"))
        .env("DATABASE_URL", "mysql://localhost/bc")
        .output()
        .expect("run business-center");
    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).trim(),
        "error: DATABASE_URL must start with sqlite: or postgres:, not \"mysql\""
    );
}

#[test]
fn orders_import_reports_each_line_and_keeps_the_good_ones() {
    let scratch = Scratch::new("orders");
    let args = create("1234567890", "harry@contoso.com");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(scratch.run(&args).status.success());
    std::fs::create_dir_all(&scratch.0).expect("folder");
    let file = scratch.0.join("orders.csv");
    std::fs::write(
        &file,
        "agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency\n\
         1234567890,9876543210,ORD-1,2026-01-15,Visio,2024,10,52.90,USD\n\
         1234567890,9876543210,ORD-2,not-a-date,Visio,2024,10,52.90,USD\n",
    )
    .expect("write");
    let output = scratch.run(&["orders", "import", file.to_str().expect("path")]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a refused line fails the run"
    );
    assert!(stdout.contains("line 2: imported"), "{stdout}");
    assert!(stdout.contains("line 3: refused: order_date"), "{stdout}");
    assert!(stdout.contains("1 imported, 1 refused"), "{stdout}");

    let missing = scratch.run(&["orders", "import", "/nonexistent/orders.csv"]);
    assert!(!missing.status.success());
    assert!(
        text(&missing.stderr).starts_with("error: /nonexistent/orders.csv:"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn products_import_copies_files_next_to_the_database_and_explains_bad_lines() {
    let scratch = Scratch::new("products");
    std::fs::create_dir_all(scratch.0.join("media")).expect("folder");
    std::fs::write(scratch.0.join("media/visio.img"), b"visio image").expect("write");
    let file = scratch.0.join("media/products.csv");
    std::fs::write(
        &file,
        "product,version,kind,file\n\
         Visio,2024,software,visio.img\n\
         Microsoft 365 E3,,online_service,\n\
         Project,2024,software,project.img\n",
    )
    .expect("write");
    let output = scratch.run(&["products", "import", file.to_str().expect("path")]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("line 2: imported"), "{stdout}");
    assert!(stdout.contains("line 3: imported"), "{stdout}");
    assert!(
        stdout.contains("line 4: refused: file: ") && stdout.contains("project.img"),
        "{stdout}"
    );
    let stored: Vec<_> = std::fs::read_dir(scratch.0.join("downloads"))
        .expect("DOWNLOADS_DIR was filled")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(stored.len(), 1, "the one good file, by its hash");
    assert_eq!(
        std::fs::read(stored[0].path()).expect("read"),
        b"visio image",
        "the file's content, copied"
    );
}

#[test]
fn partners_are_created_linked_and_unlinked_from_the_command_line() {
    let scratch = Scratch::new("partner");
    let args = create("1234567890", "harry@contoso.com");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(scratch.run(&args).status.success());

    let output = scratch.run(&[
        "partner",
        "create",
        "--name",
        "Fabrikam Partners",
        "--admin-email",
        "Ana@Fabrikam-Partners.com",
        "--admin-first-name",
        "Ana",
        "--admin-last-name",
        "Silva",
        "--language",
        "fr",
        "--country",
        "FR",
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("Partner Fabrikam Partners registered."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Invitation email queued for Ana Silva <ana@fabrikam-partners.com> as Partner Admin (Français)"),
        "{stdout}"
    );

    let link = |verb: &str, partner: &str, number: &str| {
        scratch.run(&[
            "partner",
            verb,
            "--partner",
            partner,
            "--agreement-number",
            number,
        ])
    };
    let output = link("link", "Fabrikam Partners", "1234567890");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout)
        .contains("Fabrikam Partners is now partner of record for agreement 1234567890."));

    // Bad input: one line per problem, exit 1.
    let output = link("link", "Nobody", "1111111111");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(
        stderr.contains("--partner: no partner organization has this name"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--agreement-number: no agreement has this number"),
        "{stderr}"
    );
    let output = link("link", "", "12");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--partner: this field is required"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--agreement-number: an agreement number is exactly 10 digits"),
        "{stderr}"
    );

    let output = scratch.run(&[
        "partner",
        "create",
        "--name",
        "Fabrikam Partners",
        "--admin-email",
        "not-an-email",
        "--admin-first-name",
        "Ana",
        "--admin-last-name",
        "Silva",
        "--country",
        "ZZ",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--admin-email: enter an email address"),
        "{stderr}"
    );
    assert!(stderr.contains("--country: choose a country"), "{stderr}");
    let output = scratch.run(&[
        "partner",
        "create",
        "--name",
        "fabrikam partners",
        "--admin-email",
        "other@fabrikam-partners.com",
        "--admin-first-name",
        "O",
        "--admin-last-name",
        "P",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("--name: an organization with this name already exists"));

    let output = link("unlink", "Fabrikam Partners", "1234567890");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("is no longer partner of record"));
    let output = link("unlink", "Fabrikam Partners", "1234567890");
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("--partner: this partner is not partner of record"));
}

#[test]
fn a_second_agreement_names_its_organization_by_id() {
    let scratch = Scratch::new("second");
    let first = create("1234567890", "harry@contoso.com");
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    assert!(scratch.run(&first).status.success());
    let mut second = create("5555555555", "olga@contoso.com");
    second[7] = "5555555550".to_owned();
    let args: Vec<&str> = second.iter().map(String::as_str).collect();
    let refused = scratch.run(&args);
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("already exists (id 1)") && stderr.contains("--organization-id 1"),
        "{stderr}"
    );
    let mut joined = args.clone();
    joined.extend(["--organization-id", "1"]);
    let output = scratch.run(&joined);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("(organization id 1)"), "{stdout}");
}

/// A DKIM key is checked before the server starts, and half the DKIM
/// settings are refused, each with the variable named.
#[test]
fn wrong_dkim_settings_stop_the_server_before_it_starts() {
    let scratch = Scratch::new("dkim");
    std::fs::create_dir_all(&scratch.0).expect("folder");
    let not_a_key = scratch.0.join("key.pem");
    std::fs::write(&not_a_key, "not a key").expect("file");
    let serve = |env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_business-center"));
        command
            .arg("serve")
            .env("DATABASE_URL", scratch.database_url())
            .env("SMTP_URL", "smtp://127.0.0.1:1")
            .env_remove("DKIM_PRIVATE_KEY")
            .env_remove("DKIM_SELECTOR");
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("run business-center")
    };
    let key = not_a_key.display().to_string();
    let bad_key = serve(&[("DKIM_PRIVATE_KEY", &key), ("DKIM_SELECTOR", "bc2026")]);
    assert!(!bad_key.status.success());
    let said = text(&bad_key.stderr);
    assert!(said.contains("DKIM_PRIVATE_KEY: not an RSA key"), "{said}");
    let half = serve(&[("DKIM_SELECTOR", "bc2026")]);
    assert!(!half.status.success());
    let said = text(&half.stderr);
    assert!(
        said.contains("dkim-private-key") || said.contains("DKIM_PRIVATE_KEY"),
        "{said}"
    );
}
