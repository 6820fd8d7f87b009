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
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            line: None,
            column: None,
            message: message.into(),
            fix: None,
        }
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
