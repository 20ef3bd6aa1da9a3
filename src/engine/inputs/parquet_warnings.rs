//! Which warning lines the prefilter's WHERE can log on a row, from the row's *shape* alone (each
//! column it reads null, single- or multi-valued), so that the Parquet prefilter can drop a
//! multi-valued row whose lines an earlier kept row has already logged.
//!
//! Why a shape is enough: the prefilter only runs on conditions that cannot fail on single values
//! (`cannot_fail_on_singles`: comparisons of strings, IN over literals, LIKE/RLIKE, NOT, AND, OR,
//! IS NULL over columns and literals). In that language an expression fails exactly when a column
//! operand is multi-valued (checked in operand order, a null operand first stops the check), AND/OR
//! never short-circuit, and every failure of one expression logs the same two lines (its header and
//! the multi-value exception). So the lines of a row are a function of its shape, computed once per
//! shape (the first time a row of that shape is met) by evaluating the condition with the engine's
//! row kernel on placeholder values.
//!
//! Why dropping is then invisible: `esql::Warnings` keeps lines in order of first occurrence without
//! repeats, and a repeated failure of one expression (even past its cap of 20) adds no new line. A row
//! that cannot pass the WHERE and whose lines were all logged by an *earlier kept* row (earlier in the
//! file, so evaluated earlier) changes neither the rows nor the warnings. Lines count as logged only
//! for rows that reach the WHERE (no time-range filter, or one the row group's statistics prove every
//! row passes).
//!
//! Oracle twin: the same query read without a prefilter (every row decoded and evaluated).

use std::borrow::Cow;
use std::sync::Mutex;

use arrow_array::{Array, StringArray};
use esql::plan::{Expr, ExprKind};
use esql::{EvalOptions, FieldMapping, Value, Warnings};

use super::convert::{Out, from_str};
use crate::engine::row_kernel::RowKernel;

/// Columns a shape covers at most (3^7 = 2,187 placeholder evaluations).
const MAX_COLUMNS: usize = 7;

/// Shape digits.
const NULL: usize = 0;
const SINGLE: usize = 1;
const MULTI: usize = 2;

/// One column the WHERE reads.
pub(super) struct ShapeColumn {
    /// The column in the WHERE's input row.
    pub col: usize,
    /// Its source path.
    pub path: String,
    /// The mapping its values are stored under.
    pub mapping: FieldMapping,
    /// MV_EXPANDed before the WHERE (each expanded row holds one value or null).
    pub expanded: bool,
}

/// The warning lines of a WHERE per row shape, each shape evaluated the first time it is asked for
/// (a file meets few shapes; evaluating all 3^k up front cost more than reading a small file).
pub(super) struct WarnTable<'a> {
    columns: Vec<ShapeColumn>,
    condition: Expr,
    width: usize,
    kernel: &'a dyn RowKernel,
    opts: &'a EvalOptions,
    state: Mutex<State>,
}

/// Shapes evaluated so far.
struct State {
    /// The lines met so far; a line's bit is its index here.
    lines: Vec<String>,
    /// Per shape code: not evaluated yet, or its lines (`None`: unknown — the evaluation erred or a
    /// line would need a 65th bit).
    table: Vec<Option<Option<u64>>>,
    /// Universes computed so far, per pattern of columns that can be multi-valued.
    universes: Vec<(Vec<bool>, u64)>,
    /// A WHERE input row of nulls, reused by every evaluation.
    row: Vec<Value>,
}

impl<'a> WarnTable<'a> {
    /// The table of `condition` (its input rows are `width` wide) over `columns`, or `None` when a
    /// column is not a string or there are too many columns.
    pub fn new(
        condition: &Expr,
        width: usize,
        columns: Vec<ShapeColumn>,
        kernel: &'a dyn RowKernel,
        opts: &'a EvalOptions,
    ) -> Option<WarnTable<'a>> {
        if columns.len() > MAX_COLUMNS {
            return None;
        }
        let mut strings = true;
        condition.visit(&mut |e| {
            if matches!(e.kind, ExprKind::Column(_)) && !e.data_type.is_string() {
                strings = false;
            }
        });
        if !strings {
            return None;
        }
        let codes = 3usize.pow(columns.len() as u32);
        Some(WarnTable {
            columns,
            condition: condition.clone(),
            width,
            kernel,
            opts,
            state: Mutex::new(State {
                lines: Vec::new(),
                table: vec![None; codes],
                universes: Vec::new(),
                row: Vec::new(),
            }),
        })
    }

    /// The columns, in digit order.
    pub fn columns(&self) -> &[ShapeColumn] {
        &self.columns
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The lines of shape `code` in `state`, evaluating the condition on placeholder values the
    /// first time (`None`: unknown).
    fn lines_in(&self, state: &mut State, code: usize) -> Option<u64> {
        if let Some(known) = state.table[code] {
            return known;
        }
        // One row of nulls kept in the state (the WHERE's input is as wide as the FROM's output).
        let mut row = std::mem::take(&mut state.row);
        row.resize(self.width, Value::Null);
        for (i, c) in self.columns.iter().enumerate() {
            row[c.col] = match digit(code, i) {
                NULL => Value::Null,
                SINGLE => Value::Keyword("a".into()),
                _ => Value::Multi(vec![Value::Keyword("a".into()), Value::Keyword("b".into())]),
            };
        }
        let mut w = Warnings::new();
        let result = self.kernel.eval(&self.condition, &row, self.opts, &mut w);
        for c in &self.columns {
            row[c.col] = Value::Null;
        }
        state.row = row;
        let bits = match result {
            Err(_) => None,
            Ok(_) => w.lines().iter().try_fold(0u64, |bits, line| {
                let i = match state.lines.iter().position(|l| l == line) {
                    Some(i) => i,
                    None => {
                        state.lines.push(line.clone());
                        state.lines.len() - 1
                    }
                };
                (i < 64).then(|| bits | 1 << i)
            }),
        };
        state.table[code] = Some(bits);
        bits
    }

    /// Every line a row of a file can log: shapes where only list columns (`is_list(path)`) that
    /// are not expanded are multi-valued. All bits set when a shape's lines are unknown.
    pub fn universe(&self, is_list: &dyn Fn(&str) -> bool) -> u64 {
        let can_be_multi: Vec<bool> = self
            .columns
            .iter()
            .map(|c| !c.expanded && is_list(&c.path))
            .collect();
        let mut state = self.state();
        if let Some((_, u)) = state.universes.iter().find(|(m, _)| *m == can_be_multi) {
            return *u;
        }
        let mut universe = 0u64;
        for code in 0..state.table.len() {
            if (0..self.columns.len()).any(|i| digit(code, i) == MULTI && !can_be_multi[i]) {
                continue;
            }
            match self.lines_in(&mut state, code) {
                Some(bits) => universe |= bits,
                None => {
                    universe = u64::MAX;
                    break;
                }
            }
        }
        state.universes.push((can_be_multi, universe));
        universe
    }

    /// The lines of a row of shape `code` (`None`: unknown).
    pub fn lines(&self, code: usize) -> Option<u64> {
        let mut state = self.state();
        self.lines_in(&mut state, code)
    }

    /// The shape code of a row from its columns' digits (`None`: a digit is unknown).
    pub fn code(digits: &[Option<usize>]) -> Option<usize> {
        digits
            .iter()
            .rev()
            .try_fold(0usize, |acc, d| d.map(|d| acc * 3 + d))
    }
}

fn digit(code: usize, i: usize) -> usize {
    code / 3usize.pow(i as u32) % 3
}

/// The number of values ingest stores for `items` under `f` when that number is 0, 1, or at least 2
/// distinct values; `None` when a value needs the exact path or two stored values may coincide.
pub(super) fn stored_count(f: &FieldMapping, items: &[&str]) -> Option<usize> {
    let mut stored: Vec<Cow<'_, str>> = Vec::with_capacity(items.len());
    for s in items {
        match from_str(f, Cow::Borrowed(s)) {
            Ok(Some(Out::Str(v))) => stored.push(v),
            Ok(None) => {}
            _ => return None,
        }
    }
    if stored.len() >= 2 {
        // Keyword doc values are a sorted set: duplicates would collapse.
        for (i, a) in stored.iter().enumerate() {
            if stored[i + 1..].contains(a) {
                return None;
            }
        }
    }
    Some(stored.len())
}

/// The shape digit of a column holding `items` (valid items of a list, or the one value).
pub(super) fn shape_digit(c: &ShapeColumn, items: &[&str]) -> Option<usize> {
    match stored_count(&c.mapping, items)? {
        0 => Some(NULL),
        // An expanded row holds one of the values.
        _ if c.expanded => Some(SINGLE),
        1 => Some(SINGLE),
        _ => Some(MULTI),
    }
}

/// The valid items of row `r` of a list of strings.
pub(super) fn list_items<'a>(
    list: &'a arrow_array::ListArray,
    items: &'a StringArray,
    r: usize,
) -> Vec<&'a str> {
    if !list.is_valid(r) {
        return Vec::new();
    }
    let offs = list.value_offsets();
    (offs[r] as usize..offs[r + 1] as usize)
        .filter(|&i| items.is_valid(i))
        .map(|i| items.value(i))
        .collect()
}
