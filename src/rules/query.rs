//! One ES|QL query found in a file, with what is needed to report its errors in the file.
//!
//! Positions inside the query are what Elasticsearch reports (1-based line and column of the query
//! text); [`QuerySource::file_position`] converts them to the position in the file, which differs
//! for a query embedded in a TOML rule or hunting file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use esql::{LineIndex, Position};

use super::source_map::SourceMap;

/// An ES|QL query and where it came from.
#[derive(Debug, Clone)]
pub struct QuerySource {
    /// The file it was read from, as given or found.
    pub path: PathBuf,
    /// Its index among the file's queries (0 for rule and `.esql` files; the position in the
    /// `query` list of a hunting file, counting non-ES|QL entries too).
    pub index: usize,
    /// Whether the file holds a list of queries (a hunting file): then the label shows the index.
    pub listed: bool,
    /// The query text.
    pub text: Arc<str>,
    /// The whole file.
    file_text: Arc<str>,
    /// Query offsets → file offsets.
    map: SourceMap,
}

impl QuerySource {
    /// A query that is the whole file (`.esql`).
    pub fn whole_file(path: impl Into<PathBuf>, text: Arc<str>) -> QuerySource {
        QuerySource {
            path: path.into(),
            index: 0,
            listed: false,
            file_text: text.clone(),
            text,
            map: SourceMap::verbatim(0),
        }
    }

    /// A query embedded in `file_text`, decoded from the TOML string literal at `literal` (the byte
    /// range of the literal, quotes included).
    pub(crate) fn embedded(
        path: &Path,
        index: usize,
        listed: bool,
        file_text: Arc<str>,
        literal: std::ops::Range<usize>,
        value: String,
    ) -> QuerySource {
        let raw = file_text.get(literal.clone()).unwrap_or("");
        let map = SourceMap::for_toml_string(raw, literal.start, &value);
        QuerySource {
            path: path.to_owned(),
            index,
            listed,
            text: value.into(),
            file_text,
            map,
        }
    }

    /// `path` for a single-query file, `path#index` for a query of a hunting file.
    pub fn label(&self) -> String {
        if self.listed {
            format!("{}#{}", self.path.display(), self.index)
        } else {
            self.path.display().to_string()
        }
    }

    /// Whether the query is the whole file (a `.esql` file), so query and file positions agree.
    pub fn is_whole_file(&self) -> bool {
        Arc::ptr_eq(&self.text, &self.file_text)
    }

    /// The text of the whole file the query was read from.
    pub fn file_text(&self) -> &str {
        &self.file_text
    }

    /// The byte offset in the query of a 1-based query position (clamped to the line and text).
    pub fn query_offset(&self, pos: Position) -> usize {
        let text: &str = &self.text;
        let mut start = 0;
        for _ in 1..pos.line.max(1) {
            match text[start..].find('\n') {
                Some(nl) => start += nl + 1,
                None => return text.len(),
            }
        }
        let line_end = text[start..].find('\n').map_or(text.len(), |nl| start + nl);
        text[start..line_end]
            .char_indices()
            .nth(pos.column.saturating_sub(1) as usize)
            .map_or(line_end, |(i, _)| start + i)
    }

    /// Where a position in the query text is in the file.
    pub fn file_position(&self, query_pos: Position) -> Position {
        let offset = self.map.file_offset(self.query_offset(query_pos));
        LineIndex::new(&self.file_text).position(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn esql_files_map_to_themselves() {
        let q = QuerySource::whole_file("a.esql", "from a\n| wher x".into());
        assert_eq!(q.label(), "a.esql");
        assert!(q.is_whole_file());
        assert_eq!(q.file_position(pos(2, 3)), pos(2, 3));
        assert_eq!(q.query_offset(pos(2, 3)), 9);
    }

    #[test]
    fn embedded_queries_map_to_the_toml_line() {
        let file = "[rule]\nname = \"x\"\nquery = '''\nfrom a\n| wher x\n'''\n";
        let start = file.find("'''").unwrap();
        let end = file.rfind("'''").unwrap() + 3;
        let q = QuerySource::embedded(
            Path::new("r.toml"),
            0,
            false,
            file.into(),
            start..end,
            "from a\n| wher x\n".into(),
        );
        assert!(!q.is_whole_file());
        assert_eq!(q.file_position(pos(1, 1)), pos(4, 1));
        assert_eq!(q.file_position(pos(2, 3)), pos(5, 3));
    }

    #[test]
    fn a_query_on_the_opener_line_keeps_its_column_offset() {
        let file = "query = '''from a | wher x'''";
        let q = QuerySource::embedded(
            Path::new("r.toml"),
            2,
            true,
            file.into(),
            8..file.len(),
            "from a | wher x".into(),
        );
        assert_eq!(q.label(), "r.toml#2");
        assert_eq!(q.file_position(pos(1, 10)), pos(1, 21));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let q = QuerySource::whole_file("a.esql", "from é\nx".into());
        assert_eq!(q.query_offset(pos(1, 99)), "from é".len());
        assert_eq!(q.query_offset(pos(9, 1)), q.text.len());
        assert_eq!(q.query_offset(pos(0, 0)), 0);
    }
}
