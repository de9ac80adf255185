//! The README and `docs/` name files of this repository (`app/src/lib.rs`,
//! `scripts/lighthouse`, `api/context.rs` under `app/src/`): each must
//! exist, so that a file moved or renamed without its mention fails here
//! instead of misleading the next reader.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where a short path (`pages/orders.rs`) is looked for besides the root.
const BASES: &[&str] = &["", "app/src/", "app/", "server/src/", "end2end/"];

const EXTENSIONS: &[&str] = &[
    ".rs", ".ts", ".mjs", ".js", ".sql", ".toml", ".md", ".txt", ".css", ".svg", ".json",
];

/// The tokens of `text` that name a file or folder of the repository:
/// inline code and link targets holding a `/` and ending in a known
/// extension or in `/`, without what follows a path (`::item`, `:line`).
fn named_paths(text: &str) -> Vec<String> {
    let code = text.split('`').skip(1).step_by(2);
    let links = text
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next());
    code.chain(links)
        .map(|token| token.split("::").next().unwrap_or(token))
        .map(|token| token.split(':').next().unwrap_or(token))
        .filter(|token| {
            token.contains('/')
                && !token.starts_with('/')
                // What a build writes, and what lies beside the repository
                // (the product's specification): not files of the repository.
                && !token.starts_with("target/")
                && !token.starts_with("../")
                && !token.starts_with("http")
                && !token.contains(['{', '<', '*', ' ', '='])
                && (token.ends_with('/') || EXTENSIONS.iter().any(|ext| token.ends_with(ext)))
        })
        .map(str::to_owned)
        .collect()
}

fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let docs = fs::read_dir(root().join("docs")).expect("a docs folder");
    files.extend(docs.map(|entry| entry.expect("a readable folder").path()));
    files
}

#[test]
fn every_path_the_readme_and_docs_name_exists() {
    let mut checked = 0;
    let mut missing = Vec::new();
    for document in documents() {
        let text = fs::read_to_string(&document).expect("a readable document");
        // Links in docs/ are relative to docs/.
        let here = document.parent().expect("a folder").to_path_buf();
        for path in named_paths(&text) {
            checked += 1;
            let found = BASES
                .iter()
                .any(|base| root().join(base).join(&path).exists())
                || here.join(&path).exists();
            if !found {
                missing.push(format!("{}: {path}", document.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "named but missing:\n{}",
        missing.join("\n")
    );
    assert!(
        checked >= 40,
        "only {checked} paths found: is the reader broken?"
    );
}

#[test]
fn the_reader_finds_code_paths_and_links_but_not_urls() {
    let text = "see `app/src/lib.rs`, `api/context.rs::Ctx`, `scripts/` and \
                [the docs](docs/security.md), not `/orders`, `migrations/{a,b}/` \
                nor `../shared/spec/PRODUCT.md`";
    assert_eq!(
        named_paths(text),
        [
            "app/src/lib.rs",
            "api/context.rs",
            "scripts/",
            "docs/security.md"
        ]
    );
}

#[test]
fn the_readme_fits_a_first_day() {
    let readme = fs::read_to_string(root().join("README.md")).expect("a README");
    let lines = readme.lines().count();
    assert!(
        lines <= 200,
        "README.md has {lines} lines: move detail to docs/"
    );
}
