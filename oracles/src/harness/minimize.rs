//! Minimizing the documents of a failing case after proptest has shrunk it: proptest drops whole
//! documents, but a generated Elastic Defend document has hundreds of fields, so a readable regression
//! also needs its documents cut down. Greedy delta debugging: try removing each document, then each
//! JSON member or array element (parents before children); keep every removal after which the case
//! still fails.

use serde_json::Value as Json;
use std::sync::Arc;

use super::case::Case;

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn paths(v: &Json, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Json::Object(m) => {
            for (k, child) in m {
                prefix.push(Seg::Key(k.clone()));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Json::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                prefix.push(Seg::Index(i));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn remove(v: &mut Json, path: &[Seg]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut cur = v;
    for s in parents {
        cur = match (s, cur) {
            (Seg::Key(k), Json::Object(m)) => match m.get_mut(k) {
                Some(c) => c,
                None => return false,
            },
            (Seg::Index(i), Json::Array(a)) => match a.get_mut(*i) {
                Some(c) => c,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, cur) {
        (Seg::Key(k), Json::Object(m)) => m.shift_remove(k).is_some(),
        (Seg::Index(i), Json::Array(a)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}

/// Shrinks `case.docs` while `fails` holds, trying at most `budget` candidates. Returns the number of
/// candidates tried.
pub fn minimize_docs(case: &mut Case, fails: &dyn Fn(&Case) -> bool, budget: usize) -> usize {
    let mut tried = 0;
    // Whole documents first.
    let mut i = 0;
    while i < case.docs.len() && tried < budget {
        let mut c = case.clone();
        c.docs.remove(i);
        tried += 1;
        if fails(&c) {
            *case = c;
        } else {
            i += 1;
        }
    }
    // Then members and elements, largest first.
    for d in 0..case.docs.len() {
        let mut progress = true;
        while progress && tried < budget {
            progress = false;
            let mut all = Vec::new();
            paths(&case.docs[d].json, &mut Vec::new(), &mut all);
            for p in all {
                if tried >= budget {
                    break;
                }
                let mut json = (*case.docs[d].json).clone();
                if !remove(&mut json, &p) {
                    continue;
                }
                let mut c = case.clone();
                c.docs[d].json = Arc::new(json);
                c.docs[d].indexed = None;
                tried += 1;
                if fails(&c) {
                    *case = c;
                    progress = true;
                    break;
                }
            }
        }
    }
    tried
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::case::Property;
    use crate::harness::dataset::SourceDoc;
    use serde_json::json;

    #[test]
    fn keeps_only_what_the_failure_needs() {
        let mut case = Case {
            query: String::new(),
            property: Property::Differential { exact_order: false },
            docs: vec![
                SourceDoc::new("i", json!({"a": {"b": 1, "c": [1, 2, 3]}, "d": "x"})),
                SourceDoc::new("i", json!({"e": 1})),
            ],
        };
        // "Fails" while some document has a.c containing 2.
        let fails = |c: &Case| {
            c.docs.iter().any(|d| {
                d.json
                    .pointer("/a/c")
                    .and_then(Json::as_array)
                    .is_some_and(|a| a.contains(&json!(2)))
            })
        };
        minimize_docs(&mut case, &fails, 1000);
        assert_eq!(case.docs.len(), 1);
        assert_eq!(*case.docs[0].json, json!({"a": {"c": [2]}}));
    }
}
