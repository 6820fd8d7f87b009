//! The one table printer: columns as wide as their widest cell, two
//! spaces apart, the last one unpadded.

/// The table where results go (see [`super::results`]: `events` is
/// `--output jsonl`); `what` names it in an error.
pub fn print_table(
    events: bool,
    headers: &[&str],
    rows: &[Vec<String>],
    what: &str,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    super::results(events)
        .write_all(table(headers, rows).as_bytes())
        .context(what.to_owned())
}

/// `headers` then `rows`, a line each.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers
        .iter()
        .map(|header| header.chars().count())
        .collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header: Vec<String> = headers.iter().map(|header| header.to_string()).collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            if index + 1 == row.len() {
                line.push_str(cell);
            } else {
                let width = widths.get(index).copied().unwrap_or_default();
                let pad = width.saturating_sub(cell.chars().count());
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_their_widest_cell_and_the_last_is_not_padded() {
        let rows = vec![
            vec!["w1".to_string(), "joined".to_string(), "3.2s".to_string()],
            vec![
                "worker-two".to_string(),
                "failed: exit code 1".to_string(),
                "-".to_string(),
            ],
        ];
        assert_eq!(
            table(&["HOST", "RESULT", "TIME"], &rows),
            "HOST        RESULT               TIME\n\
             w1          joined               3.2s\n\
             worker-two  failed: exit code 1  -\n"
        );
        assert_eq!(
            table(&["NODE", "LABELS"], &[vec!["m".into(), String::new()]]),
            "NODE  LABELS\nm\n"
        );
    }
}
