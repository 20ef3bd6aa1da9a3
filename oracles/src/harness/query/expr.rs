//! Typed expression generation for the query builder: predicates, numbers, strings, dates and IPs over
//! the columns of the current schema, with literals taken from the values the data holds.

use esql::Value;
use esql::plan::Column;

use super::literal::{self, like_pattern, rlike_pattern, string};
use super::{Class, QueryBuilder, class_of};

const COMPARISONS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];

impl QueryBuilder<'_> {
    /// A column of one of `classes`, preferring columns whose field carries data; `None` if none.
    pub(crate) fn column_of(&mut self, classes: &[Class]) -> Option<Column> {
        let candidates: Vec<&Column> = self
            .columns
            .iter()
            .filter(|c| classes.contains(&class_of(c.data_type)))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let weights: Vec<u32> = candidates
            .iter()
            .map(|c| if self.has_data(&c.name) { 8 } else { 1 })
            .collect();
        let i = self.c.weighted(&weights);
        Some(candidates[i].clone())
    }

    /// A column of one of `classes` whose field holds multi-values in the vocabulary; falls back to
    /// [`Self::column_of`] when there is none.
    pub(crate) fn multi_column_of(&mut self, classes: &[Class]) -> Option<Column> {
        let candidates: Vec<Column> = self
            .columns
            .iter()
            .filter(|c| classes.contains(&class_of(c.data_type)) && self.is_multi(&c.name))
            .cloned()
            .collect();
        match self.c.pick(&candidates) {
            Some(c) => Some(c.clone()),
            None => self.column_of(classes),
        }
    }

    /// The column as ES|QL text.
    pub(crate) fn col(&self, c: &Column) -> String {
        literal::name(&c.name)
    }

    /// A literal for comparing with column `c`: one of its field's values when known.
    pub(crate) fn sample_literal(&mut self, c: &Column) -> String {
        let field = self
            .origin
            .get(&c.name)
            .cloned()
            .unwrap_or_else(|| c.name.clone());
        // Only values of the column's class: a shadowed or converted column keeps its name but not
        // its field's type.
        let class = class_of(c.data_type);
        let samples: Vec<&Value> = self
            .vocab
            .samples_of(&field)
            .iter()
            .filter(|v| value_class(v) == Some(class))
            .collect();
        if !samples.is_empty() && !self.c.chance(15) {
            let v = samples[self.c.below(samples.len())].clone();
            if let Some(text) = literal::literal(&v, c.data_type) {
                return text;
            }
        }
        self.generic_literal(class)
    }

    /// A sample string value of column `c` (for patterns), or a vocabulary string.
    pub(crate) fn sample_string(&mut self, c: &Column) -> String {
        let field = self
            .origin
            .get(&c.name)
            .cloned()
            .unwrap_or_else(|| c.name.clone());
        let strings: Vec<String> = self
            .vocab
            .samples_of(&field)
            .iter()
            .filter(|v| matches!(v, Value::Keyword(_)))
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if let Some(s) = self.c.pick(&strings) {
            return s.clone();
        }
        let all = &self.vocab.strings;
        if all.is_empty() {
            "bash".to_owned()
        } else {
            all[self.c.below(all.len())].clone()
        }
    }

    /// A literal of `class` not tied to a column.
    pub(crate) fn generic_literal(&mut self, class: Class) -> String {
        match class {
            Class::Bool => ["true", "false"][self.c.below(2)].to_owned(),
            Class::Num => ["0", "1", "2", "10", "100", "-1", "1000", "2.5", "0.5", "-3"]
                [self.c.below(10)]
            .to_owned(),
            Class::Str => {
                let all = &self.vocab.strings;
                if all.is_empty() || self.c.chance(10) {
                    string(["", "x", "root", "é"][self.c.below(4)])
                } else {
                    string(&all[self.c.below(all.len())].clone())
                }
            }
            Class::Date => "to_datetime(\"2024-05-06T00:10:00.000Z\")".to_owned(),
            Class::Ip => ["to_ip(\"10.0.0.1\")", "to_ip(\"::1\")"][self.c.below(2)].to_owned(),
            Class::UnsignedLong => "to_unsigned_long(\"1\")".to_owned(),
            Class::Other => "null".to_owned(),
        }
    }

    /// An expression of `class`.
    pub(crate) fn expr_of(&mut self, class: Class, depth: u32) -> String {
        match class {
            Class::Bool => self.bool_expr(depth),
            Class::Num => self.num_expr(depth),
            Class::Str => self.str_expr(depth),
            Class::Date => self.date_expr(depth),
            Class::Ip => self.ip_expr(),
            Class::UnsignedLong | Class::Other => self.generic_literal(class),
        }
    }

    /// A boolean expression (a predicate).
    pub(crate) fn bool_expr(&mut self, depth: u32) -> String {
        let logic = if depth > 0 { 20 } else { 0 };
        let k = self
            .c
            .weighted(&[30, 9, 12, 6, 10, 4, 6, logic, logic / 3, 2, 1]);
        match k {
            0 => self.comparison(depth),
            1 => self.in_list(),
            2 => self.like(),
            3 => self.rlike(),
            4 => self.is_null(depth),
            5 => match self.column_of(&[Class::Bool]) {
                Some(c) => self.col(&c),
                None => self.comparison(depth),
            },
            6 => self.string_predicate(),
            7 => {
                let a = self.bool_expr(depth - 1);
                let b = self.bool_expr(depth - 1);
                let op = ["AND", "OR"][self.c.below(2)];
                format!("{} {op} {}", paren_if_compound(&a), paren_if_compound(&b))
            }
            8 => format!("NOT ({})", self.bool_expr(depth - 1)),
            9 => match self.column_of(&[Class::Ip]) {
                Some(c) => {
                    let blocks = [
                        "\"10.0.0.0/8\"",
                        "\"192.168.0.0/16\"",
                        "\"::1/128\"",
                        "\"0.0.0.0/0\"",
                    ];
                    let n = 1 + self.c.below(2);
                    let list: Vec<&str> =
                        (0..n).map(|_| blocks[self.c.below(blocks.len())]).collect();
                    format!("cidr_match({}, {})", self.col(&c), list.join(", "))
                }
                None => self.comparison(depth),
            },
            _ => ["true", "false", "null"][self.c.below(3)].to_owned(),
        }
    }

    fn comparison(&mut self, depth: u32) -> String {
        let classes = [
            Class::Num,
            Class::Str,
            Class::Date,
            Class::Ip,
            Class::Bool,
            Class::UnsignedLong,
        ];
        let Some(c) = self.column_of(&classes) else {
            return "true".to_owned();
        };
        let class = class_of(c.data_type);
        let left = if depth > 0 && self.c.chance(15) && class != Class::UnsignedLong {
            self.expr_of(class, depth - 1)
        } else {
            self.col(&c)
        };
        let right = match self.c.weighted(&[14, 3, 2]) {
            1 => match self.column_of(&[class]) {
                Some(o) => self.col(&o),
                None => self.sample_literal(&c),
            },
            2 if depth > 0 && class != Class::UnsignedLong => self.expr_of(class, depth - 1),
            _ => self.sample_literal(&c),
        };
        let op = if class == Class::Bool {
            ["==", "!="][self.c.below(2)]
        } else {
            COMPARISONS[self.c.below(6)]
        };
        format!(
            "{} {op} {}",
            paren_if_compound(&left),
            paren_if_compound(&right)
        )
    }

    fn in_list(&mut self) -> String {
        let Some(c) =
            self.column_of(&[Class::Num, Class::Str, Class::Ip, Class::Date, Class::Bool])
        else {
            return "true".to_owned();
        };
        let n = 1 + self.c.count(4);
        let mut items: Vec<String> = (0..n).map(|_| self.sample_literal(&c)).collect();
        if self.c.chance(15) {
            items.push("null".to_owned());
        }
        let not = if self.c.chance(25) { "NOT " } else { "" };
        format!("{} {not}IN ({})", self.col(&c), items.join(", "))
    }

    /// A string column or, sometimes, a case-folded one.
    fn string_operand(&mut self, c: &Column) -> String {
        match self.c.weighted(&[8, 1, 1]) {
            1 => format!("to_lower({})", self.col(c)),
            2 => format!("to_upper({})", self.col(c)),
            _ => self.col(c),
        }
    }

    fn like(&mut self) -> String {
        let Some(c) = self.column_of(&[Class::Str]) else {
            return self.is_null(0);
        };
        let operand = self.string_operand(&c);
        let n = if self.c.chance(20) {
            2 + self.c.below(2)
        } else {
            1
        };
        let pats: Vec<String> = (0..n)
            .map(|_| {
                let s = self.sample_string(&c);
                string(&like_pattern(&mut self.c, &s))
            })
            .collect();
        let not = if self.c.chance(25) { "NOT " } else { "" };
        if n == 1 {
            format!("{operand} {not}LIKE {}", pats[0])
        } else {
            format!("{operand} {not}LIKE ({})", pats.join(", "))
        }
    }

    fn rlike(&mut self) -> String {
        let Some(c) = self.column_of(&[Class::Str]) else {
            return self.is_null(0);
        };
        let operand = self.string_operand(&c);
        let s = self.sample_string(&c);
        let t = self.sample_string(&c);
        let p = rlike_pattern(&mut self.c, &s, &t);
        let not = if self.c.chance(25) { "NOT " } else { "" };
        format!("{operand} {not}RLIKE {}", string(&p))
    }

    fn is_null(&mut self, depth: u32) -> String {
        let all = [
            Class::Num,
            Class::Str,
            Class::Date,
            Class::Ip,
            Class::Bool,
            Class::UnsignedLong,
        ];
        let operand = if depth > 0 && self.c.chance(20) {
            let class = all[self.c.below(4)];
            format!("({})", self.expr_of(class, depth - 1))
        } else {
            match self.column_of(&all) {
                Some(c) => self.col(&c),
                None => "null".to_owned(),
            }
        };
        let not = if self.c.chance(40) { "NOT " } else { "" };
        format!("{operand} IS {not}NULL")
    }

    fn string_predicate(&mut self) -> String {
        let Some(c) = self.column_of(&[Class::Str]) else {
            return self.is_null(0);
        };
        let s = self.sample_string(&c);
        let n = s.chars().count();
        let cut = self.c.below(n + 1);
        let head: String = s.chars().take(cut).collect();
        let tail: String = s.chars().skip(cut).collect();
        match self.c.below(3) {
            0 => format!("starts_with({}, {})", self.col(&c), string(&head)),
            1 => format!("ends_with({}, {})", self.col(&c), string(&tail)),
            _ => {
                let mid: String = tail.chars().take(1 + self.c.below(4)).collect();
                format!("contains({}, {})", self.col(&c), string(&mid))
            }
        }
    }

    /// A numeric expression (integer, long or double).
    pub(crate) fn num_expr(&mut self, depth: u32) -> String {
        let deep = if depth > 0 { 20 } else { 0 };
        match self.c.weighted(&[35, 12, deep, 25, deep / 4]) {
            1 => self.generic_literal(Class::Num),
            2 => {
                let a = self.num_expr(depth - 1);
                let b = self.num_expr(depth - 1);
                let op = ["+", "-", "*", "/", "%"][self.c.below(5)];
                format!("{} {op} {}", paren_if_compound(&a), paren_if_compound(&b))
            }
            3 => self.num_function(depth),
            4 => {
                let p = self.bool_expr(depth - 1);
                let conv = self.same_type_conversion();
                let a = self.num_expr(depth - 1);
                let b = self.num_expr(depth - 1);
                format!("case({p}, {conv}({a}), {conv}({b}))")
            }
            _ => match self.column_of(&[Class::Num]) {
                Some(c) => self.col(&c),
                None => self.generic_literal(Class::Num),
            },
        }
    }

    fn num_function(&mut self, depth: u32) -> String {
        let inner = |b: &mut Self| {
            if depth > 0 {
                b.num_expr(depth - 1)
            } else {
                match b.column_of(&[Class::Num]) {
                    Some(c) => b.col(&c),
                    None => b.generic_literal(Class::Num),
                }
            }
        };
        match self.c.below(13) {
            0 => format!("abs({})", inner(self)),
            1 => format!("round({})", inner(self)),
            2 => format!("round({}, {})", inner(self), self.c.below(3)),
            3 => {
                let all = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
                match self.column_of(&all) {
                    Some(c) => format!("mv_count({})", self.col(&c)),
                    None => "0".to_owned(),
                }
            }
            4..=6 => match self.column_of(&[Class::Num]) {
                Some(c) => {
                    let f = ["mv_min", "mv_max", "mv_sum", "mv_avg", "mv_median"][self.c.below(5)];
                    format!("{f}({})", self.col(&c))
                }
                None => self.generic_literal(Class::Num),
            },
            7 => format!("length({})", self.str_expr(depth.saturating_sub(1))),
            8 => {
                let f = ["to_long", "to_double", "to_integer"][self.c.below(3)];
                let arg = if self.c.chance(30) {
                    match self.column_of(&[Class::Str, Class::Bool, Class::Date]) {
                        Some(c) => self.col(&c),
                        None => inner(self),
                    }
                } else {
                    inner(self)
                };
                format!("{f}({arg})")
            }
            9 => {
                let conv = self.same_type_conversion();
                let a = inner(self);
                let b = self.generic_literal(Class::Num);
                format!("coalesce({conv}({a}), {conv}({b}))")
            }
            10 => {
                let conv = self.same_type_conversion();
                let f = ["greatest", "least"][self.c.below(2)];
                let a = inner(self);
                let b = inner(self);
                format!("{f}({conv}({a}), {conv}({b}))")
            }
            11 => match self.column_of(&[Class::Date]) {
                Some(c) => {
                    let part = ["\"HOUR_OF_DAY\"", "\"MINUTE_OF_HOUR\"", "\"DAY_OF_WEEK\""]
                        [self.c.below(3)];
                    format!("date_extract({part}, {})", self.col(&c))
                }
                None => inner(self),
            },
            _ => {
                let s = match self.column_of(&[Class::Str]) {
                    Some(c) => self.col(&c),
                    None => string("abc"),
                };
                format!(
                    "locate({s}, {})",
                    string(["/", "a", "e", ".", ""][self.c.below(5)])
                )
            }
        }
    }

    /// The conversion that gives numeric arguments of CASE, COALESCE, GREATEST and LEAST one type
    /// (ES requires it).
    fn same_type_conversion(&mut self) -> &'static str {
        ["to_double", "to_long"][self.c.below(2)]
    }

    /// A keyword expression.
    pub(crate) fn str_expr(&mut self, depth: u32) -> String {
        let deep = if depth > 0 { 35 } else { 0 };
        match self.c.weighted(&[40, 12, deep, deep / 7]) {
            1 => self.generic_literal(Class::Str),
            2 => self.str_function(depth - 1),
            3 => {
                let p = self.bool_expr(depth - 1);
                let a = self.str_expr(depth - 1);
                let b = self.str_expr(depth - 1);
                format!("case({p}, {a}, {b})")
            }
            _ => match self.column_of(&[Class::Str]) {
                Some(c) => self.col(&c),
                None => self.generic_literal(Class::Str),
            },
        }
    }

    fn str_function(&mut self, depth: u32) -> String {
        let s = self.str_expr(depth);
        match self.c.below(14) {
            0 => format!("to_lower({s})"),
            1 => format!("to_upper({s})"),
            2 => {
                let t = self.str_expr(depth);
                format!("concat({s}, {t})")
            }
            3 => format!("substring({s}, {}, {})", self.c.below(4), self.c.below(6)),
            4 => format!("left({s}, {})", self.c.below(6)),
            5 => format!("right({s}, {})", self.c.below(6)),
            6 => format!(
                "{}({s})",
                ["trim", "ltrim", "rtrim", "reverse"][self.c.below(4)]
            ),
            7 | 8 => match self.column_of(&[Class::Str]) {
                Some(c) => {
                    let f =
                        ["mv_first", "mv_last", "mv_min", "mv_max", "mv_dedupe"][self.c.below(5)];
                    format!("{f}({})", self.col(&c))
                }
                None => s,
            },
            9 => format!("coalesce({s}, {})", self.generic_literal(Class::Str)),
            10 => {
                let all = [Class::Num, Class::Date, Class::Ip, Class::Bool, Class::Str];
                match self.column_of(&all) {
                    Some(c) => format!("to_string({})", self.col(&c)),
                    None => s,
                }
            }
            11 => format!(
                "replace({s}, {}, {})",
                string(["[0-9]+", "/", "a", "\\s"][self.c.below(4)]),
                string(["#", "", "_"][self.c.below(3)])
            ),
            12 => match self.column_of(&[Class::Str]) {
                Some(c) => format!(
                    "mv_concat({}, {})",
                    self.col(&c),
                    string([",", " ", ""][self.c.below(3)])
                ),
                None => s,
            },
            _ => format!("split({s}, {})", string(["/", " ", "."][self.c.below(3)])),
        }
    }

    /// A date expression.
    pub(crate) fn date_expr(&mut self, depth: u32) -> String {
        let Some(c) = self.column_of(&[Class::Date]) else {
            return self.generic_literal(Class::Date);
        };
        match self.c.weighted(&[6, 2, 2, 1, u32::from(depth > 0)]) {
            1 => format!(
                "date_trunc({}, {})",
                ["1 hour", "1 minute", "1 day", "10 minutes"][self.c.below(4)],
                self.col(&c)
            ),
            2 => format!(
                "{} {} {}",
                self.col(&c),
                ["+", "-"][self.c.below(2)],
                ["1 hour", "30 minutes", "1 day"][self.c.below(3)]
            ),
            3 => self.generic_literal(Class::Date),
            4 => format!(
                "coalesce({}, {})",
                self.col(&c),
                self.generic_literal(Class::Date)
            ),
            _ => self.col(&c),
        }
    }

    /// An IP expression.
    pub(crate) fn ip_expr(&mut self) -> String {
        match self.column_of(&[Class::Ip]) {
            Some(c) if !self.c.chance(15) => self.col(&c),
            _ => self.generic_literal(Class::Ip),
        }
    }
}

/// The class of a sample value's literal (`None` for values never sampled into literals).
fn value_class(v: &Value) -> Option<Class> {
    Some(match v {
        Value::Boolean(_) => Class::Bool,
        Value::Integer(_) | Value::Long(_) | Value::Double(_) => Class::Num,
        Value::Keyword(_) => Class::Str,
        Value::Date(_) => Class::Date,
        Value::Ip(_) => Class::Ip,
        Value::UnsignedLong(_) => Class::UnsignedLong,
        _ => return None,
    })
}

/// Wraps compound expressions (anything with a space outside parentheses) in parentheses.
pub(crate) fn paren_if_compound(e: &str) -> String {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut prev = ' ';
    let mut compound = false;
    for ch in e.chars() {
        match ch {
            '"' if prev != '\\' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => depth -= 1,
            ' ' if !in_string && depth == 0 => compound = true,
            _ => {}
        }
        prev = if prev == '\\' && ch == '\\' { ' ' } else { ch };
    }
    if compound {
        format!("({e})")
    } else {
        e.to_owned()
    }
}
