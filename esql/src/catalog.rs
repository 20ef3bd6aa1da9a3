//! A catalog of indices and their mappings, and index-pattern matching as FROM does it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::Mapping;

/// Concrete indices (or data streams) by name, each with its mapping.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Index name → mapping.
    pub indices: BTreeMap<String, Arc<Mapping>>,
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
        assert!(wildcard_matches("logs-endpoint.events.process-*", "logs-endpoint.events.process-default"));
        assert!(wildcard_matches("logs-endpoint.*", "logs-endpoint.events.file-default"));
        assert!(!wildcard_matches("logs-endpoint.events.process-*", "logs-endpoint.events.file-default"));
        assert!(wildcard_matches("employees", "employees"));
        assert!(!wildcard_matches("emp", "employees"));
        let pats = vec!["logs-*".to_string(), "-logs-endpoint.events.file-*".to_string()];
        assert!(pattern_list_matches(&pats, "logs-endpoint.events.process-default"));
        assert!(!pattern_list_matches(&pats, "logs-endpoint.events.file-default"));
    }
}
