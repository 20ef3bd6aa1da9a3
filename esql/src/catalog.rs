//! A catalog of indices and their mappings, and index-pattern matching as FROM does it.
//!
//! Besides concrete indices, a catalog can hold index templates (pattern → mapping), so that a dataset
//! with any data stream name a template covers (`logs-endpoint.events.process-prod`) gets its mapping.
//! [`Catalog::elastic_defend`] is the shipped Elastic Defend catalog (see `endpoint.rs`).

mod endpoint;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use endpoint::{ENDPOINT_STREAMS, endpoint_mapping};

use crate::Mapping;

/// Concrete indices (or data streams) by name, each with its mapping, and index templates.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Index name → mapping.
    pub indices: BTreeMap<String, Arc<Mapping>>,
    /// Index templates, first match wins: a concrete index name matching one of a template's patterns
    /// gets its mapping ([`Catalog::mapping_for`]).
    pub templates: Vec<IndexTemplate>,
}

/// An index template: the mapping of every index whose name matches one of `patterns`.
#[derive(Debug, Clone)]
pub struct IndexTemplate {
    /// Template name (e.g. `logs-endpoint.events.process`).
    pub name: String,
    /// Index patterns (`*` wildcards), e.g. `logs-endpoint.events.process-*`.
    pub patterns: Vec<String>,
    /// The mapping indices created from the template get.
    pub mapping: Arc<Mapping>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// Adds an index.
    pub fn insert(&mut self, name: impl Into<String>, mapping: Arc<Mapping>) {
        self.indices.insert(name.into(), mapping);
    }

    /// Builder form of [`Catalog::insert`].
    pub fn with(mut self, name: &str, mapping: Mapping) -> Catalog {
        self.insert(name, Arc::new(mapping));
        self
    }

    /// Adds an index template (after those already present, so earlier templates take precedence).
    pub fn add_template(&mut self, template: IndexTemplate) {
        self.templates.push(template);
    }

    /// The mapping of index `name`: its own if the catalog holds it, else that of the first template
    /// whose patterns match it.
    pub fn mapping_for(&self, name: &str) -> Option<Arc<Mapping>> {
        if let Some(m) = self.indices.get(name) {
            return Some(m.clone());
        }
        self.templates
            .iter()
            .find(|t| t.patterns.iter().any(|p| wildcard_matches(p, name)))
            .map(|t| t.mapping.clone())
    }

    /// Makes sure index `name` exists, creating it from a matching template if needed (as indexing into
    /// a new data stream does). Returns its mapping, or `None` if neither the index nor a template exists.
    pub fn ensure_index(&mut self, name: &str) -> Option<Arc<Mapping>> {
        let m = self.mapping_for(name)?;
        self.indices
            .entry(name.to_owned())
            .or_insert_with(|| m.clone());
        Some(m)
    }

    /// The shipped Elastic Defend catalog: the data streams `logs-endpoint.events.{process,file,network}-default`
    /// and the templates `logs-endpoint.events.{process,file,network}-*` for other namespaces.
    pub fn elastic_defend() -> Catalog {
        let mut c = Catalog::new();
        for (stream, _) in ENDPOINT_STREAMS {
            let mapping = endpoint_mapping(stream);
            c.insert(
                format!("logs-endpoint.events.{stream}-default"),
                mapping.clone(),
            );
            c.add_template(IndexTemplate {
                name: format!("logs-endpoint.events.{stream}"),
                patterns: vec![format!("logs-endpoint.events.{stream}-*")],
                mapping,
            });
        }
        c
    }

    /// The indices matching any of `patterns` (ES index patterns: `*` wildcards; a leading `-` excludes
    /// what earlier patterns matched), in name order.
    pub fn resolve(&self, patterns: &[String]) -> Vec<(&str, &Arc<Mapping>)> {
        self.indices
            .iter()
            .filter(|(name, _)| pattern_list_matches(patterns, name))
            .map(|(n, m)| (n.as_str(), m))
            .collect()
    }
}

/// Whether an index name is selected by a FROM pattern list.
pub fn pattern_list_matches(patterns: &[String], name: &str) -> bool {
    let mut selected = false;
    for p in patterns {
        if let Some(excluded) = p.strip_prefix('-').filter(|_| selected) {
            if wildcard_matches(excluded, name) {
                selected = false;
            }
        } else if wildcard_matches(p, name) {
            selected = true;
        }
    }
    selected
}

/// Matches `name` against an index pattern where `*` matches any sequence (no other metacharacters).
pub fn wildcard_matches(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            pi += 1;
            mark = ni;
        } else if pi < p.len() && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_patterns_match_like_es() {
        assert!(wildcard_matches(
            "logs-endpoint.events.process-*",
            "logs-endpoint.events.process-default"
        ));
        assert!(wildcard_matches(
            "logs-endpoint.*",
            "logs-endpoint.events.file-default"
        ));
        assert!(!wildcard_matches(
            "logs-endpoint.events.process-*",
            "logs-endpoint.events.file-default"
        ));
        assert!(wildcard_matches("employees", "employees"));
        assert!(!wildcard_matches("emp", "employees"));
        let pats = vec![
            "logs-*".to_string(),
            "-logs-endpoint.events.file-*".to_string(),
        ];
        assert!(pattern_list_matches(
            &pats,
            "logs-endpoint.events.process-default"
        ));
        assert!(!pattern_list_matches(
            &pats,
            "logs-endpoint.events.file-default"
        ));
    }

    #[test]
    fn elastic_defend_catalog_has_three_streams_and_templates() {
        let c = Catalog::elastic_defend();
        let names: Vec<_> = c.indices.keys().cloned().collect();
        assert_eq!(
            names,
            [
                "logs-endpoint.events.file-default",
                "logs-endpoint.events.network-default",
                "logs-endpoint.events.process-default"
            ]
        );
        let all = c.resolve(&["logs-endpoint.*".to_string()]);
        assert_eq!(all.len(), 3);
        let process = c.resolve(&["logs-endpoint.events.process-*".to_string()]);
        assert_eq!(process.len(), 1);
        // Other namespaces get their stream's mapping from the template.
        let prod = c.mapping_for("logs-endpoint.events.process-prod").unwrap();
        assert!(Arc::ptr_eq(&prod, process[0].1));
        assert!(c.mapping_for("logs-endpoint.events.api-default").is_none());
        let mut c2 = c.clone();
        assert!(c2.ensure_index("logs-endpoint.events.file-prod").is_some());
        assert_eq!(
            c2.resolve(&["logs-endpoint.events.file-*".to_string()])
                .len(),
            2
        );
    }
}
