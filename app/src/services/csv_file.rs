//! CSV files on the server: the operator's imports, read by column name,
//! and the report exports, written so that a spreadsheet never runs a cell.

/// The records of an import file, each with the line it starts on and its
/// cells in the order of `columns`. A first line that names the columns
/// (in any order, with any others, which are ignored) decides where each
/// is; without one, the columns are taken in the order given. Columns in
/// `optional` may be missing: they read as empty. Cells are trimmed,
/// blank lines skipped; commas or semicolons separate cells.
pub fn read(
    text: &str,
    columns: &[&str],
    optional: &[&str],
) -> Result<Vec<(usize, Vec<String>)>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| match error.position() {
            Some(position) => format!("line {}: not CSV ({error})", position.line()),
            None => format!("not CSV ({error})"),
        })?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        // The line a record starts on, as an editor numbers it, blank lines
        // and all: the reader's offset can sit on the line break (or blank
        // lines) before the record.
        let offset = record
            .position()
            .map_or(0, |position| position.byte() as usize);
        let rest = text.get(offset..).unwrap_or_default();
        let start = offset + rest.len() - rest.trim_start_matches(['\r', '\n']).len();
        let line = text
            .get(..start)
            .map_or(0, |before| before.matches('\n').count())
            + 1;
        records.push((line, record));
    }
    let named = |cell: &str, column: &str| {
        cell.trim()
            .replace([' ', '-'], "_")
            .eq_ignore_ascii_case(column)
    };
    let header = records.first().filter(|(_, first)| {
        first
            .iter()
            .any(|cell| columns.iter().any(|column| named(cell, column)))
    });
    let positions: Vec<Option<usize>> = match header {
        Some((_, names)) => {
            let positions: Vec<Option<usize>> = columns
                .iter()
                .map(|column| names.iter().position(|cell| named(cell, column)))
                .collect();
            let missing: Vec<&str> = columns
                .iter()
                .zip(&positions)
                .filter(|(column, position)| position.is_none() && !optional.contains(column))
                .map(|(column, _)| *column)
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "the first line names the columns but not {}",
                    missing.join(", ")
                ));
            }
            records.remove(0);
            positions
        }
        None => (0..columns.len()).map(Some).collect(),
    };
    Ok(records
        .into_iter()
        .map(|(line, record)| {
            let cells = positions
                .iter()
                .map(|position| {
                    position
                        .and_then(|index| record.get(index))
                        .map(|cell| cell.trim().to_owned())
                        .unwrap_or_default()
                })
                .collect();
            (line, cells)
        })
        .collect())
}

/// One record of an export, CRLF-terminated. A text that a spreadsheet
/// would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) is
/// made inert with a leading `'`; numbers such as `-3` stay numbers.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let inert: Vec<String> = fields
        .iter()
        .map(|field| {
            let field = field.as_ref();
            let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r'])
                && field.parse::<f64>().is_err();
            if formula {
                format!("'{field}")
            } else {
                field.to_owned()
            }
        })
        .collect();
    // Writing to memory cannot fail, and every field is valid UTF-8.
    let _ = writer.write_record(&inert);
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [&str; 3] = ["product", "version", "quantity"];

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let text = "\u{feff}Quantity,comment,product,version\r\n3,ignored,Visio,2024\r\n\r\n5,,\"Office, Pro\",2021\n";
        let rows = read(text, &COLUMNS, &[]).expect("read");
        assert_eq!(
            rows,
            vec![
                (
                    2,
                    vec!["Visio".to_owned(), "2024".to_owned(), "3".to_owned()]
                ),
                (
                    4,
                    vec!["Office, Pro".to_owned(), "2021".to_owned(), "5".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn without_a_header_the_columns_come_in_order() {
        let rows = read("Visio;2024;3\nProject;2021", &COLUMNS, &[]).expect("read");
        assert_eq!(rows[0].1, ["Visio", "2024", "3"]);
        assert_eq!(
            rows[1].1,
            ["Project", "2021", ""],
            "short rows read as empty"
        );
    }

    #[test]
    fn a_header_missing_a_required_column_is_refused() {
        let refused = read("product,quantity\nVisio,3\n", &COLUMNS, &[]);
        assert_eq!(
            refused,
            Err("the first line names the columns but not version".to_owned())
        );
        let optional = read("product,quantity\nVisio,3\n", &COLUMNS, &["version"]).expect("read");
        assert_eq!(optional[0].1, ["Visio", "", "3"]);
    }

    #[test]
    fn written_records_read_back_the_same() {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "12.50", "-3"];
        let text = record(&fields);
        assert!(text.ends_with("\r\n"));
        let columns = ["a", "b", "c", "d", "e", "f"];
        let rows = read(&text, &columns, &[]).expect("read");
        assert_eq!(rows[0].1, fields);
    }

    #[test]
    fn formulas_are_made_inert() {
        assert_eq!(
            record(&["=HYPERLINK(\"http://evil\")", "@SUM(A1)", "-3"]),
            "\"'=HYPERLINK(\"\"http://evil\"\")\",'@SUM(A1),-3\r\n"
        );
    }
}
