//! Lineage: which source events stand behind each alert row, for any rule and either evaluator.
//!
//! The query's AST is rewritten before analysis, so that every row carries the `_id`s of the events it
//! was computed from, through STATS groups and MV_EXPAND, without special cases per rule:
//!
//! 1. `METADATA _id` is added to FROM when missing;
//! 2. `EVAL _detsim_lineage = _id` is inserted right after FROM;
//! 3. every KEEP also keeps `_detsim_lineage`;
//! 4. every STATS gets one more aggregate, `_detsim_lineage = VALUES(_detsim_lineage)`.
//!
//! The rewritten query keeps the original text and spans, so unnamed columns and warning positions are
//! exactly those of the original. [`LineagePlan::visible`] maps the rewritten output back to the original
//! columns (hiding `_detsim_lineage` and an added `_id`), and [`LineagePlan::lineage`] reads a row's
//! event ids. A query that drops or renames the lineage column (e.g. `DROP _*`) cannot be traced: its
//! rewrite fails with [`LineageError::Lost`].

use esql::ast::{
    AggField, EvalCommand, Expr, ExprKind, Field, FunctionArgs, FunctionCall, FunctionName, Ident,
    MetadataField, NamePattern, NamePatternPart, PatternPart, PatternPiece, ProcessingCommand,
    QualifiedName, Query, SourceCommand,
};
use esql::{Catalog, Plan, ResultTable, Span, Value};

/// The hidden column that carries each row's event ids.
pub const LINEAGE_COLUMN: &str = "_detsim_lineage";

/// Why a query's lineage cannot be traced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineageError {
    /// The query does not read documents with FROM (ROW, SHOW, …): there are no events to trace.
    #[error("lineage needs a FROM query (this query's source is not FROM)")]
    NotFrom,
    /// The rewritten query failed to analyze although the original did (a bug, or an unusual query).
    #[error("the lineage rewrite of the query does not analyze: {0}")]
    Analysis(String),
    /// A DROP or RENAME removed the lineage column.
    #[error(
        "the query drops or renames `{LINEAGE_COLUMN}` (e.g. `DROP _*`), so alerts cannot be traced to events"
    )]
    Lost,
    /// The rewritten output does not contain the original columns (a bug).
    #[error("the lineage rewrite changed the query's columns: {0}")]
    Columns(String),
}

/// A query rewritten to carry lineage, and how to read its rows.
#[derive(Debug, Clone)]
pub struct LineagePlan {
    /// The analysed, rewritten query.
    pub plan: Plan,
    /// Index of `_detsim_lineage` in the rewritten output.
    pub lineage_index: usize,
    /// For each column of the original output, its index in the rewritten output.
    pub visible: Vec<usize>,
}

fn qname(name: &str) -> QualifiedName {
    QualifiedName::from_parts([name])
}

fn field_expr(name: &str) -> Expr {
    Expr::new(ExprKind::Field(qname(name)))
}

fn lineage_pattern() -> NamePattern {
    NamePattern {
        parts: vec![NamePatternPart::Pattern(PatternPart {
            pieces: vec![PatternPiece::Unquoted(LINEAGE_COLUMN.into())],
            span: Span::default(),
        })],
        span: Span::default(),
    }
}

fn lineage_aggregate() -> AggField {
    let call = FunctionCall {
        name: FunctionName::Ident(Ident::new("VALUES")),
        args: FunctionArgs::List {
            args: vec![field_expr(LINEAGE_COLUMN)],
            options: None,
        },
        span: Span::default(),
    };
    AggField {
        field: Field {
            name: Some(qname(LINEAGE_COLUMN)),
            expr: Expr::new(ExprKind::Function(call)),
            span: Span::default(),
        },
        filter: None,
        span: Span::default(),
    }
}

/// Rewrites `query` so that every output row carries `_detsim_lineage` (see the module doc).
pub fn rewrite(query: &Query) -> Result<Query, LineageError> {
    let mut q = query.clone();
    let from = match &mut q.source {
        SourceCommand::From(f) | SourceCommand::Ts(f) => f,
        _ => return Err(LineageError::NotFrom),
    };
    if !from.metadata.iter().any(|m| m.name == "_id") {
        from.metadata.push(MetadataField {
            name: "_id".to_owned(),
            span: Span::default(),
        });
    }
    let mut commands = Vec::with_capacity(q.commands.len() + 1);
    commands.push(ProcessingCommand::Eval(EvalCommand {
        fields: vec![Field {
            name: Some(qname(LINEAGE_COLUMN)),
            expr: field_expr("_id"),
            span: Span::default(),
        }],
        span: Span::default(),
    }));
    for mut c in q.commands.drain(..) {
        match &mut c {
            ProcessingCommand::Keep(k) => k.patterns.push(lineage_pattern()),
            ProcessingCommand::Stats(s) => s.aggregates.push(lineage_aggregate()),
            _ => {}
        }
        commands.push(c);
    }
    q.commands = commands;
    Ok(q)
}

/// Rewrites and analyzes `query`; `original` is the analysed original query, whose output columns
/// must all be found, with the same types and in the same order, in the rewritten output.
pub fn lineage_plan(
    query: &Query,
    original: &Plan,
    catalog: &Catalog,
) -> Result<LineagePlan, LineageError> {
    let rewritten = rewrite(query)?;
    let plan =
        esql::analyze(&rewritten, catalog).map_err(|e| LineageError::Analysis(e.to_string()))?;
    let out = &plan.output().columns;
    let lineage_index = out
        .iter()
        .rposition(|c| c.name == LINEAGE_COLUMN)
        .ok_or(LineageError::Lost)?;
    let mut used = vec![false; out.len()];
    used[lineage_index] = true;
    let mut visible = Vec::with_capacity(original.output().len());
    let mut last: Option<usize> = None;
    for col in &original.output().columns {
        let found = out
            .iter()
            .enumerate()
            .position(|(i, c)| !used[i] && c.name == col.name)
            .ok_or_else(|| LineageError::Columns(format!("column `{}` is missing", col.name)))?;
        if out[found].data_type != col.data_type {
            return Err(LineageError::Columns(format!(
                "column `{}` is {} instead of {}",
                col.name, out[found].data_type, col.data_type
            )));
        }
        if last.is_some_and(|l| l > found) {
            return Err(LineageError::Columns(format!(
                "column `{}` moved",
                col.name
            )));
        }
        last = Some(found);
        used[found] = true;
        visible.push(found);
    }
    Ok(LineagePlan {
        plan,
        lineage_index,
        visible,
    })
}

impl LineagePlan {
    /// The event ids behind a row of the rewritten output.
    pub fn lineage<'a>(&self, row: &'a [Value]) -> Vec<&'a str> {
        match row.get(self.lineage_index) {
            Some(Value::Keyword(s)) => vec![s.as_str()],
            Some(Value::Multi(vs)) => vs
                .iter()
                .filter_map(|v| match v {
                    Value::Keyword(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The original query's view of a rewritten row.
    pub fn visible_row(&self, row: &[Value]) -> Vec<Value> {
        self.visible
            .iter()
            .map(|&i| row.get(i).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The original query's view of a rewritten result table (columns, rows, warnings).
    pub fn visible_table(&self, table: &ResultTable) -> ResultTable {
        ResultTable {
            columns: self
                .visible
                .iter()
                .map(|&i| table.columns[i].clone())
                .collect(),
            rows: table.rows.iter().map(|r| self.visible_row(r)).collect(),
            warnings: table.warnings.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plans(text: &str) -> (Plan, LineagePlan) {
        let catalog = Catalog::elastic_defend();
        let q = esql::parse(text).unwrap();
        let original = esql::analyze(&q, &catalog).unwrap();
        let lp = lineage_plan(&q, &original, &catalog).unwrap();
        (original, lp)
    }

    #[test]
    fn stats_queries_carry_values_of_ids() {
        let (original, lp) = plans(
            "from logs-endpoint.events.process-* | keep process.name, agent.id \
             | stats n = count(*) by process.name | where n < 5",
        );
        let out = &lp.plan.output().columns;
        assert_eq!(out[lp.lineage_index].name, LINEAGE_COLUMN);
        let names: Vec<&str> = lp.visible.iter().map(|&i| out[i].name.as_str()).collect();
        let orig: Vec<&str> = original
            .output()
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, orig);
        assert_eq!(orig, ["n", "process.name"]);
    }

    #[test]
    fn unnamed_columns_keep_their_source_text() {
        let (original, lp) =
            plans("from logs-endpoint.events.file-* | stats COUNT( * ) by host.name");
        assert_eq!(original.output().columns[0].name, "COUNT( * )");
        assert_eq!(lp.plan.output().columns[lp.visible[0]].name, "COUNT( * )");
    }

    #[test]
    fn added_metadata_id_is_hidden() {
        let (original, lp) = plans("from logs-endpoint.events.file-* | where host.name == \"a\"");
        assert!(original.output().index_of("_id").is_none());
        assert!(lp.plan.output().index_of("_id").is_some());
        assert_eq!(lp.visible.len(), original.output().len());
        assert!(
            !lp.visible
                .contains(&lp.plan.output().index_of("_id").unwrap())
        );
    }

    #[test]
    fn multiple_stats_and_keep_after_stats_keep_lineage() {
        let (_, lp) = plans(
            "from logs-endpoint.events.process-* | stats n = count(*) by host.name, process.name \
             | stats hosts = count(*) by process.name | keep hosts",
        );
        assert_eq!(lp.visible.len(), 1);
        assert_eq!(
            lp.plan.output().columns[lp.lineage_index].name,
            LINEAGE_COLUMN
        );
    }

    #[test]
    fn dropping_the_lineage_is_reported() {
        let catalog = Catalog::elastic_defend();
        let q = esql::parse("from logs-endpoint.events.file-* metadata _id | drop _*").unwrap();
        let original = esql::analyze(&q, &catalog).unwrap();
        assert_eq!(
            lineage_plan(&q, &original, &catalog).unwrap_err(),
            LineageError::Lost
        );
    }

    #[test]
    fn row_queries_have_no_lineage() {
        let q = esql::parse("row a = 1").unwrap();
        assert_eq!(rewrite(&q).unwrap_err(), LineageError::NotFrom);
    }

    #[test]
    fn lineage_reads_single_and_multi_values() {
        let (_, lp) = plans("from logs-endpoint.events.file-* | stats n = count(*) by host.name");
        let mut row = vec![Value::Null; lp.plan.output().len()];
        row[lp.lineage_index] = Value::Multi(vec![Value::keyword("a"), Value::keyword("b")]);
        assert_eq!(lp.lineage(&row), ["a", "b"]);
        row[lp.lineage_index] = Value::keyword("c");
        assert_eq!(lp.lineage(&row), ["c"]);
        row[lp.lineage_index] = Value::Null;
        assert!(lp.lineage(&row).is_empty());
    }
}
