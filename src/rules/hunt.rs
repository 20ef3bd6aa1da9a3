//! Hunting query files (`[hunt]`, as in detection-rules' `hunting/` folder): metadata and a list
//! of queries, some of which may be in another language (OSQuery SQL, EQL).
//!
//! Which entries are ES|QL: when `language` lists only ES|QL, all of them; when it lists ES|QL and
//! other languages, the entries whose first word (after comments) is an ES|QL source command
//! (`FROM`, `ROW`, `SHOW`, `TS`); when it does not list ES|QL, none. The others are skipped, and
//! the loader reports and counts them.

use serde::Deserialize;
use toml::Spanned;

use super::detection::one_or_many;

/// A hunting file's `[hunt]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunt {
    /// `name`.
    pub name: String,
    /// `uuid`.
    pub uuid: Option<String>,
    /// `author`.
    pub author: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `integration`.
    pub integration: Vec<String>,
    /// `language`: the languages of the queries (`ES|QL`, `SQL`, `EQL`, …).
    pub language: Vec<String>,
    /// `mitre`: ATT&CK technique ids.
    pub mitre: Vec<String>,
    /// `notes`.
    pub notes: Vec<String>,
    /// `license`.
    pub license: Option<String>,
    /// Number of entries in `query`, ES|QL or not.
    pub query_count: usize,
}

/// The file as serde reads it.
#[derive(Debug, Deserialize)]
pub(crate) struct RawHuntFile {
    pub hunt: RawHunt,
}

/// `[hunt]` as serde reads it.
#[derive(Debug, Deserialize)]
pub(crate) struct RawHunt {
    name: String,
    uuid: Option<String>,
    author: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    integration: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    language: Vec<String>,
    #[serde(default)]
    mitre: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
    license: Option<String>,
    #[serde(deserialize_with = "spanned_one_or_many")]
    pub query: Vec<Spanned<String>>,
}

impl RawHunt {
    /// The metadata, without the queries.
    pub fn metadata(&self) -> Hunt {
        Hunt {
            name: self.name.clone(),
            uuid: self.uuid.clone(),
            author: self.author.clone(),
            description: self.description.clone(),
            integration: self.integration.clone(),
            language: self.language.clone(),
            mitre: self.mitre.clone(),
            notes: self.notes.clone(),
            license: self.license.clone(),
            query_count: self.query.len(),
        }
    }
}

impl Hunt {
    /// Whether `language` lists ES|QL.
    pub fn lists_esql(&self) -> bool {
        self.language.iter().any(|l| is_esql_language(l))
    }

    /// Why entry `query` is not treated as ES|QL, or `None` when it is.
    pub fn skip_reason(&self, query: &str) -> Option<String> {
        if !self.lists_esql() {
            return Some(format!(
                "not ES|QL (hunt language is {})",
                self.language.join(", ")
            ));
        }
        if self.language.iter().all(|l| is_esql_language(l)) {
            return None;
        }
        match first_word(query) {
            Some(word)
                if ESQL_SOURCE_COMMANDS
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(word)) =>
            {
                None
            }
            Some(word) => Some(format!("not ES|QL (starts with `{word}`)")),
            None => Some("not ES|QL (empty)".to_owned()),
        }
    }
}

/// The commands an ES|QL query can start with.
const ESQL_SOURCE_COMMANDS: &[&str] = &["from", "row", "show", "ts"];

fn is_esql_language(language: &str) -> bool {
    let l = language.trim();
    l.eq_ignore_ascii_case("ES|QL") || l.eq_ignore_ascii_case("esql")
}

/// The first word of `query` after whitespace and `//` / `/* */` comments.
fn first_word(query: &str) -> Option<&str> {
    let mut rest = query;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else {
            break;
        }
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let word = if end == 0 {
        rest.chars().next().map(|c| &rest[..c.len_utf8()])
    } else {
        Some(&rest[..end])
    };
    word.filter(|w| !w.is_empty())
}

/// Accepts `query = "…"` as well as `query = ["…", "…"]`, keeping each string's span.
///
/// (An untagged enum would buffer the value and lose the spans, so this is a visitor: the outer
/// `Spanned` gives a single string its span, the sequence gives each entry its own.)
fn spanned_one_or_many<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Vec<Spanned<String>>, D::Error> {
    let outer = Spanned::<OneOrMany>::deserialize(de)?;
    let span = outer.span();
    Ok(match outer.into_inner() {
        OneOrMany::One(s) => vec![Spanned::new(span, s)],
        OneOrMany::Many(v) => v,
    })
}

/// A string or a list of spanned strings.
enum OneOrMany {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut all = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    all.push(item);
                }
                Ok(OneOrMany::Many(all))
            }
        }
        de.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hunt(language: &[&str]) -> Hunt {
        Hunt {
            name: "h".into(),
            uuid: None,
            author: None,
            description: None,
            integration: vec![],
            language: language.iter().map(|s| s.to_string()).collect(),
            mitre: vec![],
            notes: vec![],
            license: None,
            query_count: 1,
        }
    }

    #[test]
    fn esql_only_hunts_take_every_query() {
        let h = hunt(&["ES|QL"]);
        assert_eq!(h.skip_reason("from a"), None);
        assert_eq!(
            h.skip_reason("SELECT 1"),
            None,
            "a broken ES|QL query must reach the parser"
        );
    }

    #[test]
    fn mixed_hunts_pick_queries_by_their_first_command() {
        let h = hunt(&["ES|QL", "SQL"]);
        assert_eq!(h.skip_reason("\n// note\nFROM logs-*"), None);
        assert_eq!(h.skip_reason("/* c */ row a = 1"), None);
        assert_eq!(
            h.skip_reason("SELECT * FROM crontab").as_deref(),
            Some("not ES|QL (starts with `SELECT`)")
        );
        assert_eq!(h.skip_reason("  ").as_deref(), Some("not ES|QL (empty)"));
    }

    #[test]
    fn hunts_without_esql_skip_everything() {
        let h = hunt(&["SQL", "EQL"]);
        assert_eq!(
            h.skip_reason("from a").as_deref(),
            Some("not ES|QL (hunt language is SQL, EQL)")
        );
    }

    #[test]
    fn first_words() {
        assert_eq!(first_word("  from x"), Some("from"));
        assert_eq!(first_word("// a\n// b\nrow"), Some("row"));
        assert_eq!(first_word("/* unclosed"), None);
        assert_eq!(first_word("(select)"), Some("("));
    }
}
