//! Comparing two results the way Elasticsearch's guarantees allow.
//!
//! Cells are compared by the column's ES type: integer types as whole numbers, `double` as a double
//! (`1` and `1.0` are equal), booleans, and everything else (keywords, dates as ES prints them, IPs,
//! versions) as text. Multi-valued cells are compared as multisets: ES does not define the order of
//! a multi-value's items (VALUES in particular). Rows are compared as a multiset; rows that are not
//! matched exactly are paired on the key columns (a changed count is one *differing* row, not a
//! missing and an extra one), the rest are *missing* (expected, not found) or *extra*. When the
//! query's final SORT defines an order, the sequence of sort-key values must also agree: rows tied
//! on every key may come in any order.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;

use super::input::Table;

/// A row as `{column: value}`, columns in detsim's order.
pub type Row = serde_json::Map<String, Json>;

/// A column whose type differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeDiff {
    /// The column.
    pub column: String,
    /// detsim's type.
    pub expected: String,
    /// The other engine's type.
    pub actual: String,
}

/// Differences in the columns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ColumnDiff {
    /// Columns detsim returns that the other result lacks.
    pub missing: Vec<String>,
    /// Columns the other result has that detsim does not return.
    pub extra: Vec<String>,
    /// Columns of both with different types.
    pub types: Vec<TypeDiff>,
    /// The column order, when it differs: (detsim's, the other's).
    pub order: Option<(Vec<String>, Vec<String>)>,
}

impl ColumnDiff {
    /// Whether the columns agree.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.types.is_empty()
            && self.order.is_none()
    }
}

/// One cell that differs in a paired row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellDiff {
    /// The column.
    pub column: String,
    /// detsim's value.
    pub expected: Json,
    /// The other engine's value.
    pub actual: Json,
}

/// A row found on both sides under the same key, with different cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowDiff {
    /// The key columns and their values.
    pub key: Row,
    /// The cells that differ.
    pub cells: Vec<CellDiff>,
}

/// What the order check found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OrderCheck {
    /// The query defines no order: rows were compared as a multiset.
    Unordered,
    /// The order agrees on these sort columns.
    Agrees {
        /// The sort columns.
        columns: Vec<String>,
    },
    /// Rows differ, so the order was not checked.
    NotChecked,
    /// The rows come in another order.
    Differs {
        /// The sort columns.
        columns: Vec<String>,
        /// 0-based row where the sort-key sequence first differs.
        row: usize,
        /// detsim's sort-key values there.
        expected: Vec<Json>,
        /// The other engine's.
        actual: Vec<Json>,
    },
}

/// The outcome of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Rows detsim returned.
    pub expected_rows: usize,
    /// Rows the other engine returned.
    pub actual_rows: usize,
    /// Columns the rows were paired on.
    pub key_columns: Vec<String>,
    /// Column differences.
    pub columns: ColumnDiff,
    /// Rows detsim returned that the other result lacks (as `{column: value}`).
    pub missing: Vec<Row>,
    /// Rows the other result has that detsim did not return.
    pub extra: Vec<Row>,
    /// Rows paired on their key whose cells differ.
    pub differing: Vec<RowDiff>,
    /// The order check.
    pub order: OrderCheck,
}

impl Comparison {
    /// Whether the two results are equal up to what ES leaves undefined.
    pub fn is_equal(&self) -> bool {
        self.columns.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.differing.is_empty()
            && !matches!(self.order, OrderCheck::Differs { .. })
    }
}

/// What to compare on.
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    /// Columns that identify a row (pairing); empty: pair nothing.
    pub key_columns: Vec<String>,
    /// Columns rows are sorted by; empty: rows are a multiset.
    pub sort_columns: Vec<String>,
}

const INTEGER_TYPES: [&str; 5] = [
    "integer",
    "long",
    "unsigned_long",
    "counter_integer",
    "counter_long",
];
const DOUBLE_TYPES: [&str; 5] = [
    "double",
    "float",
    "half_float",
    "scaled_float",
    "counter_double",
];

/// The canonical text of a cell under ES type `ty`: equal texts mean equal values.
pub fn canonical(v: &Json, ty: &str) -> String {
    match v {
        Json::Null => "null".to_owned(),
        Json::Array(items) if items.is_empty() => "null".to_owned(),
        Json::Array(items) if items.len() == 1 => canonical(&items[0], ty),
        Json::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(|x| canonical(x, ty)).collect();
            parts.sort();
            format!("[{}]", parts.join(","))
        }
        _ if INTEGER_TYPES.contains(&ty) => integer(v).unwrap_or_else(|| format!("?{v}")),
        _ if DOUBLE_TYPES.contains(&ty) => double(v).unwrap_or_else(|| format!("?{v}")),
        Json::String(s) if ty == "boolean" => s.to_ascii_lowercase(),
        // Quoted, so the text `null` is not the null value.
        Json::String(s) => Json::String(s.clone()).to_string(),
        other => other.to_string(),
    }
}

fn integer(v: &Json) -> Option<String> {
    let n: i128 = match v {
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i128::from(i),
            (_, Some(u), _) => i128::from(u),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e38 => f as i128,
            _ => return None,
        },
        Json::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    Some(n.to_string())
}

fn double(v: &Json) -> Option<String> {
    let d: f64 = match v {
        Json::Number(n) => n.as_f64()?,
        Json::String(s) => match s.trim() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            t => t.parse().ok()?,
        },
        _ => return None,
    };
    Some(format!("{d:?}"))
}

/// Compares `expected` (detsim's result) with `actual` (another engine's).
pub fn compare(expected: &Table, actual: &Table, opts: &CompareOptions) -> Comparison {
    let mut columns = ColumnDiff::default();
    let position = |t: &Table, n: &str| t.columns.iter().position(|c| c.name == n);
    // Columns of both, in detsim's order: (name, index in expected, index in actual, type).
    let mut common: Vec<(String, usize, usize, String)> = Vec::new();
    for (i, c) in expected.columns.iter().enumerate() {
        let ety = c.es_type.clone().unwrap_or_else(|| "keyword".into());
        match position(actual, &c.name) {
            Some(j) => {
                if let Some(aty) = &actual.columns[j].es_type
                    && *aty != ety
                {
                    columns.types.push(TypeDiff {
                        column: c.name.clone(),
                        expected: ety.clone(),
                        actual: aty.clone(),
                    });
                }
                common.push((c.name.clone(), i, j, ety));
            }
            None => columns.missing.push(c.name.clone()),
        }
    }
    for c in &actual.columns {
        if position(expected, &c.name).is_none() {
            columns.extra.push(c.name.clone());
        }
    }
    let in_actual_order: Vec<String> = {
        let mut v: Vec<&(String, usize, usize, String)> = common.iter().collect();
        v.sort_by_key(|c| c.2);
        v.into_iter().map(|c| c.0.clone()).collect()
    };
    let in_expected_order: Vec<String> = common.iter().map(|c| c.0.clone()).collect();
    if in_actual_order != in_expected_order {
        columns.order = Some((in_expected_order, in_actual_order));
    }

    // Canonical rows over the common columns, compared by detsim's type (each side's own type for
    // the cells would call `1` and `1.0` different when only the type differs; that is reported above).
    let canon = |row: &[Json], side: usize| -> Vec<String> {
        common
            .iter()
            .map(|(_, i, j, ty)| {
                let idx = if side == 0 { *i } else { *j };
                row.get(idx).map(|v| canonical(v, ty)).unwrap_or_default()
            })
            .collect()
    };
    let exp: Vec<Vec<String>> = expected.rows.iter().map(|r| canon(r, 0)).collect();
    let act: Vec<Vec<String>> = actual.rows.iter().map(|r| canon(r, 1)).collect();

    let mut pool: BTreeMap<&Vec<String>, Vec<usize>> = BTreeMap::new();
    for (k, row) in act.iter().enumerate().rev() {
        pool.entry(row).or_default().push(k);
    }
    let mut unmatched_exp = Vec::new();
    for (k, row) in exp.iter().enumerate() {
        match pool.get_mut(row).and_then(Vec::pop) {
            Some(_) => {}
            None => unmatched_exp.push(k),
        }
    }
    let mut unmatched_act: Vec<usize> = pool.into_values().flatten().collect();
    unmatched_act.sort_unstable();

    // Pair the leftovers on the key columns.
    let key_idx: Vec<usize> = opts
        .key_columns
        .iter()
        .filter_map(|k| common.iter().position(|c| c.0 == *k))
        .collect();
    let key_usable = !key_idx.is_empty() && key_idx.len() == opts.key_columns.len();
    let key_of =
        |row: &Vec<String>| -> Vec<String> { key_idx.iter().map(|&i| row[i].clone()).collect() };
    let mut by_key: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    if key_usable {
        for &k in unmatched_act.iter().rev() {
            by_key.entry(key_of(&act[k])).or_default().push(k);
        }
    }
    let object = |t: &Table, row: usize, side: usize| -> Row {
        common
            .iter()
            .map(|(n, i, j, _)| {
                let idx = if side == 0 { *i } else { *j };
                (
                    n.clone(),
                    t.rows[row].get(idx).cloned().unwrap_or(Json::Null),
                )
            })
            .collect()
    };
    let mut missing = Vec::new();
    let mut differing = Vec::new();
    let mut paired_act = std::collections::BTreeSet::new();
    for &e in &unmatched_exp {
        let partner = if key_usable {
            by_key.get_mut(&key_of(&exp[e])).and_then(Vec::pop)
        } else {
            None
        };
        match partner {
            Some(a) => {
                paired_act.insert(a);
                let cells = common
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| exp[e][*c] != act[a][*c])
                    .map(|(_, (n, i, j, _))| CellDiff {
                        column: n.clone(),
                        expected: expected.rows[e].get(*i).cloned().unwrap_or(Json::Null),
                        actual: actual.rows[a].get(*j).cloned().unwrap_or(Json::Null),
                    })
                    .collect();
                let key = key_idx
                    .iter()
                    .map(|&c| {
                        let (n, i, _, _) = &common[c];
                        (
                            n.clone(),
                            expected.rows[e].get(*i).cloned().unwrap_or(Json::Null),
                        )
                    })
                    .collect();
                differing.push(RowDiff { key, cells });
            }
            None => missing.push(object(expected, e, 0)),
        }
    }
    let extra = unmatched_act
        .iter()
        .filter(|a| !paired_act.contains(*a))
        .map(|&a| object(actual, a, 1))
        .collect();

    let sort_idx: Vec<usize> = opts
        .sort_columns
        .iter()
        .filter_map(|k| common.iter().position(|c| c.0 == *k))
        .collect();
    let order = if sort_idx.is_empty() || sort_idx.len() != opts.sort_columns.len() {
        OrderCheck::Unordered
    } else if !unmatched_exp.is_empty() || !unmatched_act.is_empty() {
        OrderCheck::NotChecked
    } else {
        let seq = |rows: &[Vec<String>]| -> Vec<Vec<String>> {
            rows.iter()
                .map(|r| sort_idx.iter().map(|&i| r[i].clone()).collect())
                .collect()
        };
        let (se, sa) = (seq(&exp), seq(&act));
        match se.iter().zip(&sa).position(|(a, b)| a != b) {
            None => OrderCheck::Agrees {
                columns: opts.sort_columns.clone(),
            },
            Some(row) => {
                let cells = |t: &Table, side: usize| -> Vec<Json> {
                    sort_idx
                        .iter()
                        .map(|&c| {
                            let idx = if side == 0 { common[c].1 } else { common[c].2 };
                            t.rows[row].get(idx).cloned().unwrap_or(Json::Null)
                        })
                        .collect()
                };
                OrderCheck::Differs {
                    columns: opts.sort_columns.clone(),
                    row,
                    expected: cells(expected, 0),
                    actual: cells(actual, 1),
                }
            }
        }
    };

    Comparison {
        expected_rows: expected.rows.len(),
        actual_rows: actual.rows.len(),
        key_columns: if key_usable {
            opts.key_columns.clone()
        } else {
            Vec::new()
        },
        columns,
        missing,
        extra,
        differing,
        order,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::input::Table;

    fn t(json: &str) -> Table {
        Table::from_query_json(json, "t.json").unwrap()
    }

    const BASE: &str = r#"{"columns":[{"name":"n","type":"long"},{"name":"h","type":"keyword"},{"name":"v","type":"keyword"}],
        "values":[[1,"a",["x","y"]],[2,"b","z"],[2,"c",null]]}"#;

    fn opts(keys: &[&str], sort: &[&str]) -> CompareOptions {
        CompareOptions {
            key_columns: keys.iter().map(|s| s.to_string()).collect(),
            sort_columns: sort.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn shuffled_rows_and_multi_values_are_equal() {
        let other = t(
            r#"{"took":1,"columns":[{"name":"n","type":"long"},{"name":"h","type":"keyword"},{"name":"v","type":"keyword"}],
            "values":[[2,"c",null],[1.0,"a",["y","x"]],[2,"b","z"]]}"#,
        );
        let c = compare(&t(BASE), &other, &opts(&["h"], &[]));
        assert!(c.is_equal(), "{c:?}");
        // Sorted by n: the tie 2/"b", 2/"c" may come in any order, 1 must come first.
        let c = compare(&t(BASE), &other, &opts(&["h"], &["n"]));
        assert!(
            matches!(c.order, OrderCheck::Differs { row: 0, .. }),
            "{c:?}"
        );
        let ties = t(
            r#"{"columns":[{"name":"n","type":"long"},{"name":"h","type":"keyword"},{"name":"v","type":"keyword"}],
            "values":[[1,"a",["y","x"]],[2,"c",null],[2,"b","z"]]}"#,
        );
        let c = compare(&t(BASE), &ties, &opts(&["h"], &["n"]));
        assert!(c.is_equal(), "{c:?}");
        assert!(matches!(c.order, OrderCheck::Agrees { .. }));
    }

    #[test]
    fn a_changed_cell_is_one_differing_row() {
        let edited = BASE.replace("[2,\"b\",\"z\"]", "[3,\"b\",\"z\"]");
        let c = compare(&t(BASE), &t(&edited), &opts(&["h"], &[]));
        assert!(!c.is_equal());
        assert!(c.missing.is_empty() && c.extra.is_empty(), "{c:?}");
        assert_eq!(c.differing.len(), 1);
        assert_eq!(c.differing[0].cells.len(), 1);
        assert_eq!(c.differing[0].cells[0].column, "n");
        assert_eq!(c.differing[0].key["h"], Json::String("b".into()));
        // Without keys: a missing and an extra row.
        let c = compare(&t(BASE), &t(&edited), &opts(&[], &[]));
        assert_eq!(
            (c.missing.len(), c.extra.len(), c.differing.len()),
            (1, 1, 0)
        );
    }

    #[test]
    fn columns_types_and_removed_rows_are_reported() {
        let fewer = BASE.replace(",[2,\"c\",null]", "");
        let c = compare(&t(BASE), &t(&fewer), &opts(&["h"], &[]));
        assert_eq!(c.missing.len(), 1);
        assert_eq!(c.missing[0]["h"], Json::String("c".into()));
        let retyped = BASE.replace("\"type\":\"long\"", "\"type\":\"integer\"");
        let c = compare(&t(BASE), &t(&retyped), &opts(&[], &[]));
        assert_eq!(c.columns.types.len(), 1);
        assert!(c.missing.is_empty() && c.extra.is_empty());
        let swapped = t(
            r#"{"columns":[{"name":"h","type":"keyword"},{"name":"n","type":"long"},{"name":"w","type":"keyword"}],"values":[]}"#,
        );
        let c = compare(&t(BASE), &swapped, &opts(&[], &[]));
        assert_eq!(c.columns.missing, ["v"]);
        assert_eq!(c.columns.extra, ["w"]);
        assert!(c.columns.order.is_some());
        assert_eq!(c.missing.len(), 3);
    }

    #[test]
    fn numbers_compare_by_type() {
        assert_eq!(canonical(&serde_json::json!(3), "long"), "3");
        assert_eq!(canonical(&serde_json::json!(3.0), "long"), "3");
        assert_eq!(canonical(&serde_json::json!("3"), "long"), "3");
        assert_eq!(canonical(&serde_json::json!(1), "double"), "1.0");
        assert_eq!(canonical(&serde_json::json!(0.1), "double"), "0.1");
        assert_ne!(
            canonical(&serde_json::json!(3), "long"),
            canonical(&serde_json::json!(4), "long")
        );
        assert_eq!(
            canonical(&serde_json::json!(["b", "a"]), "keyword"),
            r#"["a","b"]"#
        );
        assert_ne!(
            canonical(&serde_json::json!("null"), "keyword"),
            canonical(&Json::Null, "keyword")
        );
        assert_eq!(canonical(&serde_json::json!("TRUE"), "boolean"), "true");
        assert_eq!(canonical(&serde_json::json!(true), "boolean"), "true");
    }
}
