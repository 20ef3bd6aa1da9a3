//! Shared rendering for people: caret snippets under a line of source, and error lines.

use std::io::Write;

use detsim::rules::RuleError;
use esql::{LineIndex, Position};

/// Writes the line of `text` at `pos` with a caret under its column, numbered like the file:
///
/// ```text
///    |
/// 42 | | wher process.name == "x"
///    |   ^
/// ```
pub fn write_snippet(out: &mut dyn Write, text: &str, pos: Position) -> std::io::Result<()> {
    let index = LineIndex::new(text);
    let line = index.line_text(pos.line);
    let number = pos.line.to_string();
    let gutter = " ".repeat(number.len());
    // Keep tabs so the caret lines up with what the terminal shows.
    let pad: String = line
        .chars()
        .take(pos.column.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    writeln!(out, "{gutter} |")?;
    writeln!(out, "{number} | {line}")?;
    writeln!(out, "{gutter} | {pad}^")
}

/// Writes `error: <file>[:line:col]: <message>` and, when it has a position, the file's line with a caret.
pub fn write_file_error(out: &mut dyn Write, err: &RuleError) -> std::io::Result<()> {
    writeln!(out, "error: {err}")?;
    if let Some(pos) = err.position
        && let Ok(text) = std::fs::read_to_string(&err.path)
    {
        write_snippet(out, &text, pos)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str, line: u32, column: u32) -> String {
        let mut out = Vec::new();
        write_snippet(&mut out, text, Position { line, column }).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn caret_sits_under_the_column() {
        let text = "from a\n| wher x\n";
        assert_eq!(snippet(text, 2, 3), "  |\n2 | | wher x\n  |   ^\n");
    }

    #[test]
    fn tabs_and_wide_line_numbers_line_up() {
        let text = format!("{}\tx é y", "\n".repeat(11));
        assert_eq!(snippet(&text, 12, 6), "   |\n12 | \tx é y\n   | \t    ^\n");
    }

    #[test]
    fn positions_past_the_end_still_render() {
        assert_eq!(snippet("ab", 1, 3), "  |\n1 | ab\n  |   ^\n");
        assert_eq!(snippet("ab", 5, 1), "  |\n5 | \n  | ^\n");
    }
}
