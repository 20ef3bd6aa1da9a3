//! How Elasticsearch reads a field's values back: the order and duplicates of multi-values.
//!
//! Fields with doc values return them sorted; `keyword`-like, `ip` and `version` fields use sorted-set
//! doc values and so are also deduplicated, while numbers, booleans and dates use sorted-numeric doc
//! values and keep duplicates (docs: esql-multivalued-fields, "Multivalued fields"; SEMANTICS.md §2.2).
//! `text` fields have no doc values: ES|QL loads them from `_source`, in source order with duplicates.

use std::cmp::Ordering;

use crate::{DataType, FieldMapping, Value};

/// How a field's multi-values come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOrder {
    /// Sorted and deduplicated (sorted-set doc values).
    SortedSet,
    /// Sorted, duplicates kept (sorted-numeric doc values).
    SortedNumeric,
    /// As written in `_source`.
    Source,
}

/// The read order of a field.
pub fn read_order(field: &FieldMapping) -> ReadOrder {
    match field.data_type {
        DataType::Text => ReadOrder::Source,
        DataType::Keyword | DataType::Ip | DataType::Version => ReadOrder::SortedSet,
        _ => ReadOrder::SortedNumeric,
    }
}

/// Puts `values` (all of one field) in read-back order and wraps them as one [`Value`].
pub fn read_back(order: ReadOrder, mut values: Vec<Value>) -> Value {
    match order {
        ReadOrder::Source => {}
        ReadOrder::SortedNumeric => values.sort_by(order_of),
        ReadOrder::SortedSet => {
            values.sort_by(order_of);
            values.dedup_by(|a, b| order_of(a, b) == Ordering::Equal);
        }
    }
    Value::from_values(values)
}

fn order_of(a: &Value, b: &Value) -> Ordering {
    a.compare(b).unwrap_or(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(s: &str) -> Value {
        Value::keyword(s)
    }

    #[test]
    fn keywords_sort_by_bytes_and_dedupe() {
        // spec:keep/projectMultiValueKeywords: [Senior Python Developer,Accountant] reads back sorted.
        let v = read_back(
            ReadOrder::SortedSet,
            vec![
                kw("Senior Python Developer"),
                kw("Accountant"),
                kw("Accountant"),
            ],
        );
        assert_eq!(
            v,
            Value::Multi(vec![kw("Accountant"), kw("Senior Python Developer")])
        );
        // SEMANTICS.md §2.2: the keyword sub-field sorts by bytes: [-0.35, 1.13, 13.48, 3.65].
        let v = read_back(
            ReadOrder::SortedSet,
            vec![kw("3.65"), kw("-0.35"), kw("1.13"), kw("13.48")],
        );
        assert_eq!(
            v,
            Value::Multi(vec![kw("-0.35"), kw("1.13"), kw("13.48"), kw("3.65")])
        );
    }

    #[test]
    fn numbers_and_booleans_sort_and_keep_duplicates() {
        // employees.csv is_rehired [true,false,true,false] reads back [false, false, true, true].
        let b = |x| Value::Boolean(x);
        let v = read_back(
            ReadOrder::SortedNumeric,
            vec![b(true), b(false), b(true), b(false)],
        );
        assert_eq!(v, Value::Multi(vec![b(false), b(false), b(true), b(true)]));
        let v = read_back(
            ReadOrder::SortedNumeric,
            vec![Value::Long(3), Value::Long(-1), Value::Long(3)],
        );
        assert_eq!(
            v,
            Value::Multi(vec![Value::Long(-1), Value::Long(3), Value::Long(3)])
        );
    }

    #[test]
    fn text_keeps_source_order_and_one_value_is_not_wrapped() {
        let v = read_back(ReadOrder::Source, vec![kw("b"), kw("a"), kw("b")]);
        assert_eq!(v, Value::Multi(vec![kw("b"), kw("a"), kw("b")]));
        assert_eq!(
            read_back(ReadOrder::SortedSet, vec![kw("x"), kw("x")]),
            kw("x")
        );
        assert_eq!(read_back(ReadOrder::SortedSet, vec![]), Value::Null);
    }
}
