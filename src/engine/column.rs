//! One column of a batch: typed values, per-row offsets for multi-values, keyword dictionaries.
//!
//! Oracle twin: a column of the reference's `Vec<Vec<Value>>` rows. Invariant: `column.value(r)` is exactly
//! the [`Value`] the reference holds in that row — row `r` owns values `offsets[r]..offsets[r+1]`: none is
//! null, one is that value, two or more are a [`Value::Multi`] in stored order. Keyword and text columns
//! store ids into a [`Dictionary`] (or plain strings when dictionaries are switched off for testing).

use std::sync::Arc;

use esql::{DataType, Value};

use super::dictionary::Dictionary;

/// The typed values of a column (all rows' values, concatenated).
#[derive(Debug, Clone)]
pub enum ColumnValues {
    /// Keyword/text: ids into the dictionary.
    Keyword {
        /// Distinct strings.
        dict: Arc<Dictionary>,
        /// One id per value.
        ids: Vec<u32>,
    },
    /// `long`, `date`, `date_nanos`, `time_duration` (the column type says which).
    Long(Vec<i64>),
    /// `integer`.
    Integer(Vec<i32>),
    /// `unsigned_long`.
    UnsignedLong(Vec<u64>),
    /// `double`.
    Double(Vec<f64>),
    /// `boolean`.
    Boolean(Vec<bool>),
    /// Any other type (ip, version, …), or values that did not fit the typed form: one scalar per value.
    Generic(Vec<Value>),
}

impl ColumnValues {
    /// Number of stored values.
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Keyword { ids, .. } => ids.len(),
            ColumnValues::Long(v) => v.len(),
            ColumnValues::Integer(v) => v.len(),
            ColumnValues::UnsignedLong(v) => v.len(),
            ColumnValues::Double(v) => v.len(),
            ColumnValues::Boolean(v) => v.len(),
            ColumnValues::Generic(v) => v.len(),
        }
    }

    /// True when no value is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A column: `offsets.len() == rows + 1`.
#[derive(Debug, Clone)]
pub struct Column {
    /// ES|QL type of the column.
    pub data_type: DataType,
    /// Row `r` owns values `offsets[r]..offsets[r + 1]`.
    pub offsets: Vec<u32>,
    /// The values.
    pub values: ColumnValues,
    /// The most values any row holds (0: all null, 1: no multi-values).
    pub max_count: u32,
    /// True when every row holds exactly one value (value `r` belongs to row `r`).
    pub dense: bool,
}

impl Column {
    /// A column from its parts (computing `max_count` and `dense`).
    pub fn from_parts(data_type: DataType, offsets: Vec<u32>, values: ColumnValues) -> Column {
        let mut max_count = 0;
        let mut dense = true;
        for w in offsets.windows(2) {
            let n = w[1] - w[0];
            max_count = max_count.max(n);
            dense &= n == 1;
        }
        Column {
            data_type,
            offsets,
            values,
            max_count,
            dense,
        }
    }

    /// A column of `rows` nulls.
    pub fn nulls(data_type: DataType, rows: usize) -> Column {
        Column::from_parts(
            data_type,
            vec![0; rows + 1],
            ColumnValues::Generic(Vec::new()),
        )
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The value range of row `r`.
    #[inline]
    pub fn range(&self, r: usize) -> (usize, usize) {
        (self.offsets[r] as usize, self.offsets[r + 1] as usize)
    }

    /// Number of values in row `r` (0 for null).
    #[inline]
    pub fn count(&self, r: usize) -> usize {
        (self.offsets[r + 1] - self.offsets[r]) as usize
    }

    /// The dictionary and ids, for a dictionary-encoded keyword column.
    pub fn keyword_ids(&self) -> Option<(&Arc<Dictionary>, &[u32])> {
        match &self.values {
            ColumnValues::Keyword { dict, ids } => Some((dict, ids)),
            _ => None,
        }
    }

    /// Value number `i` (an index into the concatenated values) as a scalar.
    pub fn scalar(&self, i: usize) -> Value {
        let t = self.data_type;
        match &self.values {
            ColumnValues::Keyword { dict, ids } => Value::Keyword(dict.get(ids[i]).to_owned()),
            ColumnValues::Long(v) => long_value(t, v[i]),
            ColumnValues::Integer(v) => Value::Integer(v[i]),
            ColumnValues::UnsignedLong(v) => Value::UnsignedLong(v[i]),
            ColumnValues::Double(v) => Value::Double(v[i]),
            ColumnValues::Boolean(v) => Value::Boolean(v[i]),
            ColumnValues::Generic(v) => v[i].clone(),
        }
    }

    /// The value of row `r`, exactly as the reference holds it.
    pub fn value(&self, r: usize) -> Value {
        let (s, e) = self.range(r);
        match e - s {
            0 => Value::Null,
            1 => self.scalar(s),
            _ => Value::Multi((s..e).map(|i| self.scalar(i)).collect()),
        }
    }

    /// A new column holding rows `rows` of this one, in that order (rows may repeat).
    pub fn gather(&self, rows: &[u32]) -> Column {
        let mut b = ColumnBuilder::like(self, rows.len());
        for &r in rows {
            b.push_row_of(self, r as usize);
        }
        b.finish()
    }
}

/// The [`Value`] of an `i64` stored for a column of type `t`.
#[inline]
pub fn long_value(t: DataType, v: i64) -> Value {
    match t {
        DataType::Date => Value::Date(v),
        DataType::DateNanos => Value::DateNanos(v),
        DataType::TimeDuration => Value::TimeDuration(v),
        _ => Value::Long(v),
    }
}

/// Builds a [`Column`] row by row.
#[derive(Debug)]
pub struct ColumnBuilder {
    data_type: DataType,
    offsets: Vec<u32>,
    values: BuilderValues,
}

#[derive(Debug)]
enum BuilderValues {
    Keyword(Dictionary, Vec<u32>),
    /// Keyword ids into a dictionary shared with a source column (no re-interning).
    SharedKeyword(Arc<Dictionary>, Vec<u32>),
    Long(Vec<i64>),
    Integer(Vec<i32>),
    UnsignedLong(Vec<u64>),
    Double(Vec<f64>),
    Boolean(Vec<bool>),
    Generic(Vec<Value>),
}

impl ColumnBuilder {
    /// A builder for a column of type `t`; `dictionary` selects id-encoding of keyword/text values.
    pub fn new(t: DataType, dictionary: bool, rows_hint: usize) -> ColumnBuilder {
        let values = match t {
            DataType::Keyword | DataType::Text if dictionary => {
                BuilderValues::Keyword(Dictionary::new(), Vec::with_capacity(rows_hint))
            }
            DataType::Long | DataType::Date | DataType::DateNanos | DataType::TimeDuration => {
                BuilderValues::Long(Vec::with_capacity(rows_hint))
            }
            DataType::Integer => BuilderValues::Integer(Vec::with_capacity(rows_hint)),
            DataType::UnsignedLong => BuilderValues::UnsignedLong(Vec::with_capacity(rows_hint)),
            DataType::Double => BuilderValues::Double(Vec::with_capacity(rows_hint)),
            DataType::Boolean => BuilderValues::Boolean(Vec::with_capacity(rows_hint)),
            _ => BuilderValues::Generic(Vec::with_capacity(rows_hint)),
        };
        let mut offsets = Vec::with_capacity(rows_hint + 1);
        offsets.push(0);
        ColumnBuilder {
            data_type: t,
            offsets,
            values,
        }
    }

    /// A builder producing the same representation as `col` (sharing its dictionary).
    pub fn like(col: &Column, rows_hint: usize) -> ColumnBuilder {
        let mut b = ColumnBuilder::new(col.data_type, false, rows_hint);
        if let ColumnValues::Keyword { dict, .. } = &col.values {
            b.values = BuilderValues::SharedKeyword(dict.clone(), Vec::with_capacity(rows_hint));
        }
        b
    }

    /// Appends row `r` of `col` (which must have this builder's representation, see [`Self::like`]).
    pub fn push_row_of(&mut self, col: &Column, r: usize) {
        let (s, e) = col.range(r);
        self.push_values_of(col, s, e);
    }

    /// Appends values `s..e` of `col` as one row.
    pub fn push_values_of(&mut self, col: &Column, s: usize, e: usize) {
        match (&mut self.values, &col.values) {
            (BuilderValues::SharedKeyword(d, out), ColumnValues::Keyword { dict, ids })
                if Arc::ptr_eq(d, dict) =>
            {
                out.extend_from_slice(&ids[s..e])
            }
            (BuilderValues::Long(out), ColumnValues::Long(v)) => out.extend_from_slice(&v[s..e]),
            (BuilderValues::Integer(out), ColumnValues::Integer(v)) => {
                out.extend_from_slice(&v[s..e])
            }
            (BuilderValues::UnsignedLong(out), ColumnValues::UnsignedLong(v)) => {
                out.extend_from_slice(&v[s..e])
            }
            (BuilderValues::Double(out), ColumnValues::Double(v)) => {
                out.extend_from_slice(&v[s..e])
            }
            (BuilderValues::Boolean(out), ColumnValues::Boolean(v)) => {
                out.extend_from_slice(&v[s..e])
            }
            _ => {
                for i in s..e {
                    self.push_scalar(col.scalar(i));
                }
                self.end_row();
                return;
            }
        }
        self.end_row();
    }

    /// Appends one row holding `v` (null, a scalar or a multi-value).
    pub fn push(&mut self, v: Value) {
        match v {
            Value::Null => {}
            Value::Multi(vs) => {
                for x in vs {
                    self.push_scalar(x);
                }
            }
            x => self.push_scalar(x),
        }
        self.end_row();
    }

    /// Appends one row holding a copy of `v`, without cloning strings into intermediate values.
    pub fn push_ref(&mut self, v: &Value) {
        match v {
            Value::Null => {}
            Value::Keyword(s) => self.push_str_value(s),
            Value::Multi(vs) => {
                for x in vs {
                    match x {
                        Value::Keyword(s) => self.push_str_value(s),
                        other => self.push_scalar(other.clone()),
                    }
                }
            }
            other => self.push_scalar(other.clone()),
        }
        self.end_row();
    }

    /// Appends one row holding the keyword `s` (fast path for readers).
    pub fn push_str(&mut self, s: &str) {
        self.push_str_value(s);
        self.end_row();
    }

    /// Appends one value to the current row without ending it.
    pub fn push_str_value(&mut self, s: &str) {
        match &mut self.values {
            BuilderValues::Keyword(d, ids) => ids.push(d.intern(s)),
            _ => self.push_scalar(Value::Keyword(s.to_owned())),
        }
    }

    /// Appends one scalar to the current row without ending it.
    pub fn push_scalar(&mut self, v: Value) {
        let t = self.data_type;
        let fits = match (&mut self.values, &v) {
            (BuilderValues::Keyword(d, ids), Value::Keyword(s)) => {
                ids.push(d.intern(s));
                true
            }
            (BuilderValues::SharedKeyword(d, ids), Value::Keyword(s)) => match d.lookup(s) {
                Some(id) => {
                    ids.push(id);
                    true
                }
                None => false,
            },
            (BuilderValues::Long(out), Value::Long(x)) if t == DataType::Long => {
                out.push(*x);
                true
            }
            (BuilderValues::Long(out), Value::Date(x)) if t == DataType::Date => {
                out.push(*x);
                true
            }
            (BuilderValues::Long(out), Value::DateNanos(x)) if t == DataType::DateNanos => {
                out.push(*x);
                true
            }
            (BuilderValues::Long(out), Value::TimeDuration(x)) if t == DataType::TimeDuration => {
                out.push(*x);
                true
            }
            (BuilderValues::Integer(out), Value::Integer(x)) => {
                out.push(*x);
                true
            }
            (BuilderValues::UnsignedLong(out), Value::UnsignedLong(x)) => {
                out.push(*x);
                true
            }
            (BuilderValues::Double(out), Value::Double(x)) => {
                out.push(*x);
                true
            }
            (BuilderValues::Boolean(out), Value::Boolean(x)) => {
                out.push(*x);
                true
            }
            (BuilderValues::Generic(out), _) => {
                out.push(v.clone());
                true
            }
            _ => false,
        };
        if !fits {
            // A value of an unexpected kind: keep it exactly by switching to the generic form.
            let mut all = self.take_generic();
            all.push(v);
            self.values = BuilderValues::Generic(all);
        }
    }

    /// Ends the current row.
    #[inline]
    pub fn end_row(&mut self) {
        let n = self.len_values() as u32;
        self.offsets.push(n);
    }

    fn len_values(&self) -> usize {
        match &self.values {
            BuilderValues::Keyword(_, v) | BuilderValues::SharedKeyword(_, v) => v.len(),
            BuilderValues::Long(v) => v.len(),
            BuilderValues::Integer(v) => v.len(),
            BuilderValues::UnsignedLong(v) => v.len(),
            BuilderValues::Double(v) => v.len(),
            BuilderValues::Boolean(v) => v.len(),
            BuilderValues::Generic(v) => v.len(),
        }
    }

    fn take_generic(&mut self) -> Vec<Value> {
        let t = self.data_type;
        match std::mem::replace(&mut self.values, BuilderValues::Generic(Vec::new())) {
            BuilderValues::Keyword(d, ids) => ids
                .iter()
                .map(|&i| Value::Keyword(d.get(i).to_owned()))
                .collect(),
            BuilderValues::SharedKeyword(d, ids) => ids
                .iter()
                .map(|&i| Value::Keyword(d.get(i).to_owned()))
                .collect(),
            BuilderValues::Long(v) => v.into_iter().map(|x| long_value(t, x)).collect(),
            BuilderValues::Integer(v) => v.into_iter().map(Value::Integer).collect(),
            BuilderValues::UnsignedLong(v) => v.into_iter().map(Value::UnsignedLong).collect(),
            BuilderValues::Double(v) => v.into_iter().map(Value::Double).collect(),
            BuilderValues::Boolean(v) => v.into_iter().map(Value::Boolean).collect(),
            BuilderValues::Generic(v) => v,
        }
    }

    /// The finished column.
    pub fn finish(self) -> Column {
        let values = match self.values {
            BuilderValues::Keyword(d, ids) => ColumnValues::Keyword {
                dict: Arc::new(d),
                ids,
            },
            BuilderValues::SharedKeyword(dict, ids) => ColumnValues::Keyword { dict, ids },
            BuilderValues::Long(v) => ColumnValues::Long(v),
            BuilderValues::Integer(v) => ColumnValues::Integer(v),
            BuilderValues::UnsignedLong(v) => ColumnValues::UnsignedLong(v),
            BuilderValues::Double(v) => ColumnValues::Double(v),
            BuilderValues::Boolean(v) => ColumnValues::Boolean(v),
            BuilderValues::Generic(v) => ColumnValues::Generic(v),
        };
        Column::from_parts(self.data_type, self.offsets, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(s: &str) -> Value {
        Value::keyword(s)
    }

    #[test]
    fn values_round_trip_through_every_representation() {
        let rows = vec![
            kw("a"),
            Value::Null,
            Value::Multi(vec![kw("a"), kw("b")]),
            kw("c"),
        ];
        for dictionary in [true, false] {
            let mut b = ColumnBuilder::new(DataType::Keyword, dictionary, 0);
            for v in &rows {
                b.push(v.clone());
            }
            let c = b.finish();
            assert_eq!(c.rows(), 4);
            assert_eq!((0..4).map(|r| c.value(r)).collect::<Vec<_>>(), rows);
            assert_eq!(c.keyword_ids().is_some(), dictionary);
            let g = c.gather(&[3, 2, 2, 1]);
            assert_eq!(
                (0..4).map(|r| g.value(r)).collect::<Vec<_>>(),
                [
                    rows[3].clone(),
                    rows[2].clone(),
                    rows[2].clone(),
                    Value::Null
                ]
            );
        }
    }

    #[test]
    fn dates_keep_their_kind_and_odd_values_fall_back_to_generic() {
        let mut b = ColumnBuilder::new(DataType::Date, true, 0);
        b.push(Value::Date(5));
        b.push(Value::Multi(vec![Value::Date(1), Value::Date(2)]));
        let c = b.finish();
        assert!(matches!(c.values, ColumnValues::Long(_)));
        assert_eq!(c.value(0), Value::Date(5));
        assert_eq!(
            c.value(1),
            Value::Multi(vec![Value::Date(1), Value::Date(2)])
        );

        let mut b = ColumnBuilder::new(DataType::Long, true, 0);
        b.push(Value::Long(1));
        b.push(Value::keyword("x"));
        let c = b.finish();
        assert!(matches!(c.values, ColumnValues::Generic(_)));
        assert_eq!(c.value(0), Value::Long(1));
        assert_eq!(c.value(1), Value::keyword("x"));
    }
}
