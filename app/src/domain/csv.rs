//! Reading the bulk-invite CSV file, as the form sends it (and as scripts
//! may, to send it in chunks to `bulk_invite`).

use serde::{Deserialize, Serialize};

/// One person to invite, as a line of the file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvInvite {
    /// The line number in the file, for the per-row result.
    pub line: usize,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub country: String,
    /// Role keys or names, separated by `;` or `|` inside the cell.
    pub roles: Vec<String>,
}

/// The columns, in order, that the file's first line names.
pub const HEADER: &str = "email,first name,last name,language,country,roles";

/// Splits CSV text into records: commas or semicolons between fields,
/// double quotes around fields that contain them, CRLF or LF line ends.
/// Returns each record with the line number it starts on.
pub fn records(text: &str) -> Vec<(usize, Vec<String>)> {
    let delimiter = if text
        .lines()
        .next()
        .is_some_and(|first| first.matches(';').count() > first.matches(',').count())
    {
        ';'
    } else {
        ','
    };
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => record.push(std::mem::take(&mut field)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                record.push(std::mem::take(&mut field));
                if record.iter().any(|cell| !cell.trim().is_empty()) {
                    out.push((start_line, std::mem::take(&mut record)));
                } else {
                    record.clear();
                }
                line += 1;
                start_line = line;
            }
            '\n' => {
                line += 1;
                field.push(c);
            }
            c => field.push(c),
        }
    }
    record.push(field);
    if record.iter().any(|cell| !cell.trim().is_empty()) {
        out.push((start_line, record));
    }
    out
}

/// The people a bulk-invite file lists. A first line that names the
/// columns is skipped; missing cells read as empty, so that the server
/// explains what is missing row by row.
pub fn invites(text: &str) -> Vec<CsvInvite> {
    let mut rows = records(text);
    let has_header = rows
        .first()
        .and_then(|(_, cells)| cells.first())
        .is_some_and(|first| first.trim().eq_ignore_ascii_case("email"));
    if has_header {
        rows.remove(0);
    }
    rows.into_iter()
        .map(|(line, cells)| {
            let cell = |index: usize| {
                cells
                    .get(index)
                    .map(|c| c.trim().to_owned())
                    .unwrap_or_default()
            };
            CsvInvite {
                line,
                email: cell(0),
                first_name: cell(1),
                last_name: cell(2),
                language: cell(3),
                country: cell(4),
                roles: cell(5)
                    .split(['|', ';'])
                    .map(|role| role.trim().to_owned())
                    .filter(|role| !role.is_empty())
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_fields_and_skips_the_header_and_blank_lines() {
        let text = "email,first name,last name,language,country,roles\r\n\
                    ana@contoso.com,Ana,\"Bell, Jr.\",fr,FR,account_viewer|report_viewer\r\n\
                    \r\n\
                    bob@contoso.com,\"Bob \"\"B\"\"\",Smith,en,US,account_manager\n";
        let rows = invites(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].last_name, "Bell, Jr.");
        assert_eq!(rows[0].roles, vec!["account_viewer", "report_viewer"]);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].first_name, "Bob \"B\"");
    }

    #[test]
    fn semicolon_files_and_short_rows_are_read_too() {
        let rows = invites("ana@contoso.com;Ana;Bell;fr;FR;account_viewer\nbob@contoso.com;Bob");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].country, "FR");
        assert_eq!(rows[1].first_name, "Bob");
        assert_eq!(rows[1].last_name, "");
        assert!(rows[1].roles.is_empty());
    }
}
