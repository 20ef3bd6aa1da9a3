//! Whether detsim can analyze a query: every index it reads must have a shipped mapping.
//!
//! detsim ships mappings for Elastic Defend's `logs-endpoint.events.{process,file,network}-*` data
//! streams (`Catalog::elastic_defend`). A query reading anything else (another integration's
//! indices, a remote cluster, a lookup index, an ENRICH policy, PROMQL) cannot be analyzed
//! faithfully: with only part of the mappings, fields that exist in Elasticsearch would look
//! unknown. Such queries are "not analyzed", and [`unshipped_sources`] says why.
//!
//! A pattern is covered when every index it can match is covered: it names an index of the
//! catalog, or it lies inside a template pattern `prefix*` (it starts with `prefix` and has no `*`
//! before the end of `prefix`). So `logs-endpoint.events.process-*` is covered, while
//! `logs-endpoint.events.*` is not (it also matches Elastic Defend's other data streams), nor is
//! `logs-*`. Exclusions (`-pattern`) only narrow a selection and are ignored.

use esql::Catalog;
use esql::ast::{
    FromCommand, FromSource, IndexName, IndexPattern, ProcessingCommand, Query, SourceCommand,
};

/// What `query` reads that has no shipped mapping, as short descriptions
/// (``index pattern `logs-aws*` ``); empty when the query can be analyzed.
pub fn unshipped_sources(query: &Query, catalog: &Catalog) -> Vec<String> {
    let mut found = Vec::new();
    source(&query.source, catalog, &mut found);
    commands(&query.commands, catalog, &mut found);
    found
}

fn source(src: &SourceCommand, catalog: &Catalog, found: &mut Vec<String>) {
    match src {
        SourceCommand::From(from) | SourceCommand::Ts(from) => from_command(from, catalog, found),
        SourceCommand::Row(_) | SourceCommand::Show(_) => {}
        SourceCommand::Promql(_) => found.push("PROMQL source".to_owned()),
    }
}

fn from_command(from: &FromCommand, catalog: &Catalog, found: &mut Vec<String>) {
    for s in &from.sources {
        match s {
            FromSource::Index(pattern) => index_pattern(pattern, "index pattern", catalog, found),
            FromSource::Subquery(sub) => {
                source(&sub.source, catalog, found);
                commands(&sub.commands, catalog, found);
            }
        }
    }
}

fn commands(cmds: &[ProcessingCommand], catalog: &Catalog, found: &mut Vec<String>) {
    for cmd in cmds {
        match cmd {
            ProcessingCommand::Join(join) => {
                index_pattern(&join.target, "lookup index", catalog, found)
            }
            ProcessingCommand::Enrich(enrich) => {
                let policy = match &enrich.policy {
                    esql::ast::EnrichPolicy::Unquoted(name) => name.clone(),
                    esql::ast::EnrichPolicy::Quoted(s) => s.value.to_string(),
                };
                found.push(format!("ENRICH policy `{policy}`"));
            }
            ProcessingCommand::Fork(fork) => {
                for branch in &fork.branches {
                    commands(&branch.commands, catalog, found);
                }
            }
            _ => {}
        }
    }
}

fn index_pattern(p: &IndexPattern, what: &str, catalog: &Catalog, found: &mut Vec<String>) {
    let names: Vec<&str> = match &p.index {
        IndexName::Unquoted(s) => vec![s.as_str()],
        // A quoted source may hold a comma-separated list.
        IndexName::Quoted(s) => s.value.split(',').map(str::trim).collect(),
    };
    for name in names {
        let full = match (&p.cluster, &p.selector) {
            (Some(c), _) => format!("{c}:{name}"),
            (None, Some(sel)) => format!("{name}::{sel}"),
            (None, None) => name.to_owned(),
        };
        let local = p.cluster.is_none() && p.selector.is_none() && !name.contains(':');
        if !(name.starts_with('-') || local && pattern_is_covered(name, catalog)) {
            found.push(format!("{what} `{full}`"));
        }
    }
}

/// Whether every index `pattern` can match has a mapping in `catalog`.
pub fn pattern_is_covered(pattern: &str, catalog: &Catalog) -> bool {
    if catalog.indices.contains_key(pattern) {
        return true;
    }
    catalog.templates.iter().flat_map(|t| &t.patterns).any(|t| {
        match t.find('*') {
            // `prefix*`: the pattern must start with `prefix`, with no wildcard inside it.
            Some(star) if star == t.len() - 1 => {
                let prefix = &t[..star];
                pattern.starts_with(prefix) && !prefix_has_star(pattern, prefix.len())
            }
            Some(_) => false,
            None => t == pattern,
        }
    })
}

fn prefix_has_star(pattern: &str, len: usize) -> bool {
    pattern.as_bytes()[..len].contains(&b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::Span;
    use esql::ast::{StringLiteral, Subquery};

    fn pattern(index: &str) -> FromSource {
        FromSource::Index(IndexPattern {
            cluster: None,
            index: IndexName::Unquoted(index.to_owned()),
            selector: None,
            span: Span::default(),
        })
    }

    fn from(sources: Vec<FromSource>) -> Query {
        Query {
            settings: vec![],
            source: SourceCommand::From(FromCommand {
                sources,
                metadata: vec![],
                span: Span::default(),
            }),
            commands: vec![],
            span: Span::default(),
            text: String::new(),
        }
    }

    fn unshipped(sources: Vec<FromSource>) -> Vec<String> {
        unshipped_sources(&from(sources), &Catalog::elastic_defend())
    }

    #[test]
    fn shipped_streams_are_covered() {
        let c = Catalog::elastic_defend();
        for p in [
            "logs-endpoint.events.process-*",
            "logs-endpoint.events.file-*",
            "logs-endpoint.events.network-*",
            "logs-endpoint.events.process-default",
            "logs-endpoint.events.process-prod*",
        ] {
            assert!(pattern_is_covered(p, &c), "{p}");
        }
    }

    #[test]
    fn wider_or_other_patterns_are_not() {
        let c = Catalog::elastic_defend();
        for p in [
            "logs-endpoint.events.*",
            "logs-endpoint.events.process*",
            "logs-*",
            "*",
            "logs-aws.cloudtrail-*",
            ".alerts-security.*",
        ] {
            assert!(!pattern_is_covered(p, &c), "{p}");
        }
    }

    #[test]
    fn every_unshipped_source_is_named() {
        assert!(unshipped(vec![pattern("logs-endpoint.events.process-*")]).is_empty());
        assert_eq!(
            unshipped(vec![
                pattern("logs-endpoint.events.process-*"),
                pattern("logs-aws*"),
                pattern("-logs-aws.x*")
            ]),
            vec!["index pattern `logs-aws*`"]
        );
        let remote = FromSource::Index(IndexPattern {
            cluster: Some("remote".into()),
            index: IndexName::Unquoted("logs-endpoint.events.process-*".into()),
            selector: None,
            span: Span::default(),
        });
        assert_eq!(
            unshipped(vec![remote]),
            vec!["index pattern `remote:logs-endpoint.events.process-*`"]
        );
        let quoted = FromSource::Index(IndexPattern {
            cluster: None,
            index: IndexName::Quoted(StringLiteral::new("logs-endpoint.events.file-*, winlog*")),
            selector: None,
            span: Span::default(),
        });
        assert_eq!(unshipped(vec![quoted]), vec!["index pattern `winlog*`"]);
        let sub = FromSource::Subquery(Subquery {
            source: from(vec![pattern("metrics-*")]).source,
            commands: vec![],
            span: Span::default(),
        });
        assert_eq!(unshipped(vec![sub]), vec!["index pattern `metrics-*`"]);
    }
}
