//! A parse error that knows where it happened; `load` turns it into a usage
//! problem naming the file.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line and, where the parser knows it, column.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub fix: Option<String>,
    /// The source is one deploy does not run (a plugin's configuration):
    /// the fix, which names the file, is to write out what Ansible makes of it.
    pub write_out: bool,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            line: None,
            column: None,
            message: message.into(),
            fix: None,
            write_out: false,
        }
    }

    pub fn plugin(mut self) -> Self {
        self.write_out = true;
        self
    }

    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// A column (0-based offset in the trimmed line) the line is added to later.
    pub fn column(mut self, offset: usize) -> Self {
        self.column = Some(offset);
        self
    }

    /// Keeps a location already set by a deeper layer.
    pub fn or_at(self, line: usize, column: Option<usize>) -> Self {
        match (self.line, self.column, column) {
            (Some(_), _, _) => self,
            // A column relative to the text is made absolute by the line's.
            (None, Some(offset), Some(start)) => self.at(line, Some(start + offset)),
            _ => self.at(line, column),
        }
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// `file:line:column: message`, the form editors and compilers use.
    pub fn located(&self, file: &str) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}: {}", self.message),
            (Some(line), None) => format!("{file}:{line}: {}", self.message),
            _ => format!("{file}: {}", self.message),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Parsed<T> = Result<T, ParseError>;

/// A refusal that is not about a place in a file: (message, fix).
pub type Refusal = (String, String);

/// How many names a fix lists before it only counts the rest.
const NAMES_SHOWN: usize = 20;

/// The names, comma-separated; past the first few, how many more there are.
pub fn some_names<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let more = names.len().saturating_sub(NAMES_SHOWN);
    let shown: Vec<&str> = names.take(NAMES_SHOWN).collect();
    match more {
        0 => shown.join(", "),
        _ => format!("{}, and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_of_names_are_counted() {
        assert_eq!(some_names(["a", "b"].into_iter()), "a, b");
        let many: Vec<String> = (0..25).map(|i| format!("g{i}")).collect();
        let text = some_names(many.iter().map(String::as_str));
        assert!(
            text.starts_with("g0, g1,") && text.ends_with("g19, and 5 more"),
            "{text}"
        );
    }
}
