//! What a person sees in a terminal after a program has drawn there: its
//! bytes replayed on a small terminal model (autowrap, cursor up and down,
//! erase in line), and its text with the escape sequences taken out.
//!
//! indicatif draws a line by filling it to the terminal's width and lets the
//! terminal wrap, instead of writing newlines, so the bytes alone do not say
//! where lines end: only a replay at the right width does.

/// The lines of the terminal — scrollback and screen — once `bytes` have
/// been drawn on a `cols` x `rows` terminal, with trailing blanks trimmed
/// and trailing empty lines dropped. Colour and other attributes are
/// ignored; every character is taken to be one column wide (as the ASCII,
/// braille spinner frames and check marks deploy draws are).
pub fn replay(bytes: &[u8], cols: usize, rows: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut term = Term {
        lines: vec![Vec::new()],
        row: 0,
        col: 0,
        wrap_next: false,
        cols,
        rows,
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => {
                    let mut params = String::new();
                    let mut last = None;
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            last = Some(c);
                            break;
                        }
                        params.push(c);
                    }
                    if let Some(last) = last {
                        term.csi(&params, last);
                    }
                }
                // OSC: up to BEL or ESC \.
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' => {
                term.col = 0;
                term.wrap_next = false;
            }
            '\n' => term.line_feed(),
            '\u{8}' => {
                term.col = term.col.saturating_sub(1);
                term.wrap_next = false;
            }
            c if c.is_control() => {}
            c => term.print(c),
        }
    }
    let mut lines: Vec<String> = term
        .lines
        .iter()
        .map(|line| line.iter().collect::<String>().trim_end().to_string())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// `text` without its escape sequences (CSI and OSC).
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

struct Term {
    /// Every line written so far; the screen is the last `rows` of them.
    lines: Vec<Vec<char>>,
    row: usize,
    col: usize,
    /// The last column was written: the next character goes to a new line.
    wrap_next: bool,
    cols: usize,
    rows: usize,
}

impl Term {
    /// The first line of the screen (the cursor cannot go above it).
    fn top(&self) -> usize {
        self.lines.len().saturating_sub(self.rows)
    }

    fn line_feed(&mut self) {
        self.row += 1;
        if self.row == self.lines.len() {
            self.lines.push(Vec::new());
        }
        self.wrap_next = false;
    }

    fn print(&mut self, c: char) {
        if self.wrap_next {
            self.line_feed();
            self.col = 0;
        }
        let line = &mut self.lines[self.row];
        if line.len() <= self.col {
            line.resize(self.col + 1, ' ');
        }
        line[self.col] = c;
        if self.col + 1 == self.cols {
            self.wrap_next = true;
        } else {
            self.col += 1;
        }
    }

    fn csi(&mut self, params: &str, last: char) {
        let private = params.starts_with('?');
        let number = |default: usize| {
            params
                .split(';')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| n > 0)
                .unwrap_or(default)
        };
        if private {
            return;
        }
        match last {
            'A' => {
                self.row = self.row.saturating_sub(number(1)).max(self.top());
                self.wrap_next = false;
            }
            'B' => {
                let bottom = self.top() + self.rows - 1;
                self.row = (self.row + number(1)).min(bottom);
                while self.lines.len() <= self.row {
                    self.lines.push(Vec::new());
                }
                self.wrap_next = false;
            }
            'C' => self.col = (self.col + number(1)).min(self.cols - 1),
            'D' => {
                self.col = self.col.saturating_sub(number(1));
                self.wrap_next = false;
            }
            'G' => {
                self.col = (number(1) - 1).min(self.cols - 1);
                self.wrap_next = false;
            }
            'K' => {
                let line = &mut self.lines[self.row];
                match number(0) {
                    0 => line.truncate(self.col),
                    1 => line
                        .iter_mut()
                        .take(self.col + 1)
                        .for_each(|cell| *cell = ' '),
                    _ => line.clear(),
                }
            }
            // Colour and attributes (m), and what deploy never sends, are ignored.
            _ => {}
        }
    }
}

#[test]
fn lines_filled_to_the_width_wrap_and_redraws_overwrite() {
    let pad = |text: &str| format!("{text:<10}");
    // Two bars drawn as indicatif draws them (each filled to the 10
    // columns), then cleared and drawn again under a printed line.
    let mut bytes = format!("\u{1b}[36m⠋\u{1b}[0m{:<9}{}", " a  one", pad("⠋ b  two"));
    bytes.push_str("\u{1b}[1A\r\u{1b}[2K\u{1b}[1B\r\u{1b}[2K\u{1b}[1A");
    bytes.push_str(&[pad("block"), pad("✓ a  done"), pad("✗ b  fail")].concat());
    bytes.push_str("after\r\n");
    assert_eq!(
        replay(bytes.as_bytes(), 10, 5),
        ["block", "✓ a  done", "✗ b  fail", "after"]
    );
    assert_eq!(strip("\u{1b}[1;31mred\u{1b}[0m \u{1b}]0;t\u{7}x"), "red x");
}
