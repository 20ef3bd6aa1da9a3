//! Command generation for the query builder: FROM (patterns and METADATA), WHERE, EVAL, STATS, KEEP,
//! DROP, RENAME, SORT, LIMIT and MV_EXPAND.

use super::literal::{self, name};
use super::{Class, QueryBuilder, class_of};

/// FROM pattern lists over the harness catalog (each matches at least one index).
pub const FROM_PATTERNS: [&str; 8] = [
    "logs-endpoint.events.process-*",
    "logs-endpoint.events.process-default",
    "logs-endpoint.events.*",
    "logs-endpoint.events.process-*, logs-endpoint.events.file-*",
    "logs-endpoint.events.file-*",
    "logs-*",
    "logs-endpoint.events.*, -logs-endpoint.events.network-*",
    "logs-endpoint.events.process-edge, logs-endpoint.events.network-default",
];

const METADATA: [&str; 4] = ["_id", "_index", "_version", "_ignored"];

/// The processing commands the builder writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    /// `WHERE p`
    Where,
    /// `EVAL a = e, …` (new names, shadowing, unnamed)
    Eval,
    /// `STATS aggs BY keys`
    Stats,
    /// `KEEP names and wildcards`
    Keep,
    /// `DROP names and wildcards`
    Drop,
    /// `RENAME a AS b` / `b = a`
    Rename,
    /// `SORT keys`
    Sort,
    /// `LIMIT n`
    Limit,
    /// `MV_EXPAND col`
    MvExpand,
}

impl CommandKind {
    /// Every kind.
    pub const ALL: [CommandKind; 9] = [
        CommandKind::Where,
        CommandKind::Eval,
        CommandKind::Stats,
        CommandKind::Keep,
        CommandKind::Drop,
        CommandKind::Rename,
        CommandKind::Sort,
        CommandKind::Limit,
        CommandKind::MvExpand,
    ];

    /// Kinds that work row by row and keep every row's identity (no STATS, SORT or LIMIT).
    pub const ROW_LOCAL: [CommandKind; 6] = [
        CommandKind::Where,
        CommandKind::Eval,
        CommandKind::Keep,
        CommandKind::Drop,
        CommandKind::Rename,
        CommandKind::MvExpand,
    ];

    fn weight(self) -> u32 {
        match self {
            CommandKind::Where => 28,
            CommandKind::Eval => 18,
            CommandKind::Stats => 10,
            CommandKind::Keep => 9,
            CommandKind::Drop => 5,
            CommandKind::Rename => 5,
            CommandKind::Sort => 10,
            CommandKind::Limit => 6,
            CommandKind::MvExpand => 9,
        }
    }
}

impl QueryBuilder<'_> {
    /// Writes the FROM command.
    pub(crate) fn from(&mut self) {
        let patterns = FROM_PATTERNS[self.c.below(FROM_PATTERNS.len())];
        let mut text = format!("FROM {patterns}");
        if self.c.chance(25) {
            let n = 1 + self.c.below(METADATA.len());
            let mut fields: Vec<&str> = Vec::new();
            for _ in 0..n {
                let f = METADATA[self.c.below(METADATA.len())];
                if !fields.contains(&f) {
                    fields.push(f);
                }
            }
            text.push_str(" METADATA ");
            text.push_str(&fields.join(", "));
        }
        if self.push(text) {
            self.origin = self
                .columns
                .iter()
                .filter(|c| !c.name.starts_with('_'))
                .map(|c| (c.name.clone(), c.name.clone()))
                .collect();
        }
    }

    /// Writes one command of a kind drawn from `allowed`.
    pub fn command(&mut self, allowed: &[CommandKind]) {
        if allowed.is_empty() {
            return;
        }
        let weights: Vec<u32> = allowed.iter().map(|k| k.weight()).collect();
        let kind = allowed[self.c.weighted(&weights)];
        let text = match kind {
            CommandKind::Where => format!("WHERE {}", self.bool_expr(2)),
            CommandKind::Eval => self.eval(),
            CommandKind::Stats => self.stats(),
            CommandKind::Keep => self.keep(),
            CommandKind::Drop => self.drop_(),
            CommandKind::Rename => self.rename(),
            CommandKind::Sort => {
                let keys = self.sort_keys(3);
                format!("SORT {keys}")
            }
            CommandKind::Limit => format!("LIMIT {}", self.limit_count()),
            CommandKind::MvExpand => {
                let all = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
                let c = if self.c.chance(50) {
                    self.multi_column_of(&all)
                } else {
                    self.column_of(&all)
                };
                match c {
                    Some(c) => format!("MV_EXPAND {}", self.col(&c)),
                    None => return,
                }
            }
        };
        self.push(text);
    }

    /// A LIMIT count: mostly small, sometimes 0 or larger than the data.
    pub fn limit_count(&mut self) -> usize {
        match self.c.weighted(&[6, 1, 1]) {
            1 => 0,
            2 => [100, 1000, 5000][self.c.below(3)],
            _ => 1 + self.c.below(20),
        }
    }

    fn eval(&mut self) -> String {
        let n = 1 + self.c.count(2);
        let mut assignments: Vec<String> = Vec::new();
        // Later assignments of one EVAL see the earlier ones (a shadowed column may change type), so
        // the schema is updated after each; `push` redoes it for real.
        let saved = (self.columns.clone(), self.origin.clone());
        for i in 0..n {
            if i > 0 {
                let text = format!("{} | EVAL {}", self.text(), assignments.join(", "));
                if let Ok(plan) = super::check(&text, self.vocab) {
                    self.columns = plan.output().columns.clone();
                    let assigned = |col: &String| {
                        let prefix = format!("{} = ", name(col));
                        assignments.iter().any(|a| a.starts_with(&prefix))
                    };
                    self.origin.retain(|col, _| !assigned(col));
                }
            }
            let classes = [Class::Num, Class::Str, Class::Bool, Class::Date, Class::Ip];
            let class = classes[self.c.weighted(&[10, 10, 5, 2, 1])];
            let e = self.expr_of(class, 2);
            match self.c.weighted(&[7, 2, 1]) {
                1 if !self.columns.is_empty() => {
                    // Shadow an existing column: it moves to the end.
                    let i = self.c.below(self.columns.len());
                    let target = name(&self.columns[i].name);
                    assignments.push(format!("{target} = {e}"));
                }
                2 => assignments.push(e),
                _ => {
                    let fresh = self.fresh("e");
                    assignments.push(format!("{fresh} = {e}"));
                }
            }
        }
        (self.columns, self.origin) = saved;
        format!("EVAL {}", assignments.join(", "))
    }

    fn stats(&mut self) -> String {
        let n_aggs = self.c.count(3);
        let n_keys = self.c.count(2);
        let mut aggs = Vec::new();
        for _ in 0..n_aggs.max(usize::from(n_keys == 0)) {
            let call = self.aggregate();
            let filter = if self.c.chance(12) {
                format!(" WHERE {}", self.bool_expr(1))
            } else {
                String::new()
            };
            if self.c.chance(75) {
                let fresh = self.fresh("a");
                aggs.push(format!("{fresh} = {call}{filter}"));
            } else {
                aggs.push(format!("{call}{filter}"));
            }
        }
        let mut keys: Vec<String> = Vec::new();
        for _ in 0..n_keys {
            let all = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
            match self.c.weighted(&[7, 2, 1, 3]) {
                3 => {
                    // A key holding multi-values: each value is its own group.
                    if let Some(c) = self.multi_column_of(&all) {
                        let k = self.col(&c);
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
                1 => {
                    let class = all[self.c.below(3)];
                    let e = self.expr_of(class, 1);
                    let fresh = self.fresh("k");
                    keys.push(format!("{fresh} = {e}"));
                }
                2 => {
                    let e = self.str_expr(1);
                    if !keys.contains(&e) {
                        keys.push(e);
                    }
                }
                _ => {
                    if let Some(c) = self.column_of(&all) {
                        let k = self.col(&c);
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
            }
        }
        let mut text = "STATS".to_owned();
        if !aggs.is_empty() {
            text.push(' ');
            text.push_str(&aggs.join(", "));
        }
        if !keys.is_empty() {
            text.push_str(" BY ");
            text.push_str(&keys.join(", "));
        }
        text
    }

    /// One aggregate call over the current columns.
    pub(crate) fn aggregate(&mut self) -> String {
        let any = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
        match self.c.weighted(&[6, 5, 3, 4, 3, 4, 2, 3, 2]) {
            0 => ["count(*)", "count()", "COUNT(*)"][self.c.below(3)].to_owned(),
            1 => match self.column_of(&any) {
                Some(c) => format!("count({})", self.col(&c)),
                None => "count(*)".to_owned(),
            },
            2 => {
                match self.column_of(&[Class::Num, Class::Str, Class::Ip, Class::Date, Class::Bool])
                {
                    Some(c) => format!("count_distinct({})", self.col(&c)),
                    None => "count(*)".to_owned(),
                }
            }
            3 | 4 => {
                let f = ["sum", "avg", "median"][self.c.below(3)];
                let arg = if self.c.chance(20) {
                    self.num_expr(1)
                } else {
                    match self.column_of(&[Class::Num]) {
                        Some(c) => self.col(&c),
                        None => return "count(*)".to_owned(),
                    }
                };
                format!("{f}({arg})")
            }
            5 | 6 => match self.column_of(&any) {
                Some(c) => format!("{}({})", ["min", "max"][self.c.below(2)], self.col(&c)),
                None => "count(*)".to_owned(),
            },
            7 => match self.column_of(&any) {
                Some(c) => format!("values({})", self.col(&c)),
                None => "count(*)".to_owned(),
            },
            _ => match self.column_of(&[Class::Num, Class::Str, Class::Date, Class::Ip]) {
                Some(c) => format!(
                    "top({}, {}, {})",
                    self.col(&c),
                    1 + self.c.below(3),
                    literal::string(["asc", "desc"][self.c.below(2)])
                ),
                None => "count(*)".to_owned(),
            },
        }
    }

    fn keep(&mut self) -> String {
        let n = 1 + self.c.count(3);
        let items: Vec<String> = (0..n).map(|_| self.name_pattern()).collect();
        format!("KEEP {}", items.join(", "))
    }

    fn drop_(&mut self) -> String {
        let n = 1 + self.c.count(1);
        let items: Vec<String> = (0..n).map(|_| self.name_pattern()).collect();
        format!("DROP {}", items.join(", "))
    }

    /// An exact column name or a wildcard pattern that matches at least one column.
    fn name_pattern(&mut self) -> String {
        if self.columns.is_empty() {
            return "*".to_owned();
        }
        let i = self.c.below(self.columns.len());
        let n = self.columns[i].name.clone();
        let plain = name(&n) == n;
        match self.c.weighted(&[6, 3, 1, 1]) {
            1 if plain && n.contains('.') => {
                let dot = n.find('.').unwrap_or(n.len());
                format!("{}.*", &n[..dot])
            }
            2 if plain => {
                let last = n.rsplit('.').next().unwrap_or(&n);
                format!("*{last}")
            }
            3 => "*".to_owned(),
            _ => name(&n),
        }
    }

    fn rename(&mut self) -> String {
        let n = 1 + self.c.count(1);
        let mut clauses = Vec::new();
        let mut used = Vec::new();
        for _ in 0..n {
            if self.columns.is_empty() {
                break;
            }
            let i = self.c.below(self.columns.len());
            let old = self.columns[i].name.clone();
            if used.contains(&old) {
                continue;
            }
            used.push(old.clone());
            let new = self.fresh("r");
            if self.c.chance(30) {
                clauses.push(format!("{new} = {}", name(&old)));
            } else {
                clauses.push(format!("{} AS {new}", name(&old)));
            }
        }
        format!("RENAME {}", clauses.join(", "))
    }

    /// Up to `max` sort keys over the current columns (and sometimes expressions).
    pub fn sort_keys(&mut self, max: usize) -> String {
        let n = 1 + self.c.count(max.saturating_sub(1));
        let mut keys = Vec::new();
        for _ in 0..n {
            let sortable = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
            let key = if self.c.chance(20) {
                let class = sortable[self.c.below(3)];
                self.expr_of(class, 1)
            } else {
                match self.sortable_column() {
                    Some(k) => k,
                    None => continue,
                }
            };
            keys.push(format!("{key}{}", self.order()));
        }
        if keys.is_empty() {
            keys.push("1".to_owned());
        }
        keys.join(", ")
    }

    /// A sortable column (not text), as ES|QL text.
    pub fn sortable_column(&mut self) -> Option<String> {
        let sortable = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
        let cols: Vec<_> = self
            .columns
            .iter()
            .filter(|c| {
                sortable.contains(&class_of(c.data_type)) && c.data_type != esql::DataType::Text
            })
            .cloned()
            .collect();
        if cols.is_empty() {
            return None;
        }
        let weights: Vec<u32> = cols
            .iter()
            .map(|c| if self.has_data(&c.name) { 8 } else { 1 })
            .collect();
        let i = self.c.weighted(&weights);
        Some(name(&cols[i].name))
    }

    /// ` ASC`/` DESC`/nothing, then ` NULLS FIRST|LAST`/nothing.
    pub fn order(&mut self) -> String {
        let dir = ["", " ASC", " DESC"][self.c.below(3)];
        let nulls = ["", " NULLS FIRST", " NULLS LAST"][self.c.weighted(&[3, 1, 1])];
        format!("{dir}{nulls}")
    }
}
