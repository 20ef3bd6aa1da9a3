//! The analyzer's column names, types and order per command, and the plan shapes the evaluators rely
//! on; each test cites the csv-spec test or doc rule it follows.

#[path = "analyzer_support/mod.rs"]
mod common;

use common::{columns, conflicting, employees, plan, plan_in};
use esql::DataType;
use esql::plan::{ExprKind, MetadataField, Source, SourceField, StepKind};
use esql::{Catalog, Value};

fn last_step(query: &str) -> StepKind {
    plan(query).steps.last().expect("a step").kind.clone()
}

#[test]
fn from_columns_are_alphabetical_with_multi_fields_then_metadata() {
    // SEMANTICS 2.11 (spec:keep/sortWithLimitOne, spec:mv_expand/keepStarMvExpand); metadata appended
    // in the order requested.
    let p = plan("from test metadata _index, _id, _version, _ignored");
    let names: Vec<&str> = p.output().columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names[..4],
        ["avg_worked_seconds", "birth_date", "client_ip", "emp_no"]
    );
    let height = names.iter().position(|n| *n == "height").unwrap();
    assert_eq!(
        names[height..height + 4],
        [
            "height",
            "height.float",
            "height.half_float",
            "height.scaled_float"
        ]
    );
    assert_eq!(
        names[names.len() - 4..],
        ["_index", "_id", "_version", "_ignored"]
    );
    let Source::From(f) = &p.source else {
        panic!("FROM")
    };
    assert_eq!(
        f.fields.last(),
        Some(&SourceField::Metadata(MetadataField::Ignored))
    );
    assert_eq!(f.fields[3], SourceField::Field("emp_no".into()));
    let types: Vec<(String, DataType)> = p
        .output()
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.data_type))
        .collect();
    assert!(types.contains(&("languages.short".into(), DataType::Integer)));
    assert!(types.contains(&("height.float".into(), DataType::Double)));
    assert!(types.contains(&("job".into(), DataType::Text)));
    assert!(types.contains(&("job.raw".into(), DataType::Keyword)));
    assert!(types.contains(&("_version".into(), DataType::Long)));
}

#[test]
fn from_unions_indices_and_marks_conflicts_unsupported() {
    let c = conflicting();
    let p = plan_in(&c, "from logs-*");
    let cols: Vec<String> = p
        .output()
        .columns
        .iter()
        .map(|c| format!("{}:{}", c.name, c.data_type))
        .collect();
    // `host` exists in one index only; `msg` is match_only_text and text (both text); `port` conflicts.
    assert_eq!(
        cols,
        [
            "@timestamp:date",
            "host:keyword",
            "msg:text",
            "port:unsupported",
            "shape:unsupported"
        ]
    );
    // Unusable columns can still be listed by KEEP and dropped.
    let p = plan_in(&c, "from logs-* | keep port, host | drop port");
    assert_eq!(p.output().columns.len(), 1);
    // Exclusion patterns: `-logs-b` removes the conflict.
    let p = plan_in(&c, "from logs-*, -logs-b | keep port");
    assert_eq!(p.output().columns[0].data_type, DataType::Keyword);
}

#[test]
fn elastic_defend_catalog_resolves_every_namespace() {
    let mut c = Catalog::elastic_defend();
    c.ensure_index("logs-endpoint.events.process-prod");
    let p = plan_in(
        &c,
        "from logs-endpoint.events.process-* | keep process.name, process.pid",
    );
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| c.data_type)
            .collect::<Vec<_>>(),
        [DataType::Keyword, DataType::Long]
    );
    let Source::From(f) = &p.source else { panic!() };
    assert_eq!(f.patterns, ["logs-endpoint.events.process-*"]);
}

#[test]
fn row_literals_are_typed_by_size() {
    // spec:row/unsignedLongLiteral, SEMANTICS 2.12; a list with a decimal is double
    assert_eq!(
        columns(
            "row a = 1, b = 2147483648, c = 18446744073709551615, d = 1.5, e = \"x\", f = [1, 2.5], g = null, h = true, i = 9223372036854775807"
        ),
        [
            "a:integer",
            "b:long",
            "c:unsigned_long",
            "d:double",
            "e:keyword",
            "f:double",
            "g:null",
            "h:boolean",
            "i:long"
        ]
    );
    let Source::Row(r) = plan("row f = [1, 2.5], s = [\"a\"]").source else {
        panic!()
    };
    assert_eq!(
        r.exprs[0].kind,
        ExprKind::Literal(Value::Multi(vec![Value::Double(1.0), Value::Double(2.5)]))
    );
    assert_eq!(r.exprs[1].kind, ExprKind::Literal(Value::keyword("a")));
    // spec:row/evalRowWithNull2 keeps repeated unnamed columns
    assert_eq!(
        columns("row a = 1, null, b = 2, c = null, null | eval z = a+b"),
        [
            "a:integer",
            "null:null",
            "b:integer",
            "c:null",
            "null:null",
            "z:integer"
        ]
    );
}

#[test]
fn eval_replaces_and_appends_columns() {
    // spec:row/evalOverride
    assert_eq!(
        columns("row a = 1, b = 100 | eval b = a + 1 | eval a = b + 1"),
        ["b:integer", "a:integer"]
    );
    // spec:eval/projectEval: a name assigned twice sits at its last assignment
    let p = plan("row x = 1 | eval a1 = x + 1, a2 = x + 1, a3 = a1 + a2, a1 = a1 + a2");
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["x", "a2", "a3", "a1"]
    );
    let StepKind::Eval { exprs, projection } = &p.steps[0].kind else {
        panic!()
    };
    // Extended row: [x, a1, a2, a3, a1']; a3 reads a1 (1) and a2 (2); the last a1 reads a1 (1), a2 (2).
    assert_eq!(projection, &[0, 2, 3, 4]);
    assert_eq!(exprs[2].columns(), [1, 2]);
    assert_eq!(exprs[3].columns(), [1, 2]);
    // Unnamed expressions are named by their verbatim text (SEMANTICS 2.5).
    assert_eq!(columns("row a = 1 | eval a  *  2")[1], "a  *  2:integer");
}

#[test]
fn where_and_operators_type_and_cast() {
    let StepKind::Where { condition } = last_step("from test | where hire_date > \"1990-01-01\"")
    else {
        panic!()
    };
    // ES's implicit casting: the string literal becomes a datetime literal (Analyzer.ImplicitCasting).
    let ExprKind::Comparison { right, .. } = &condition.kind else {
        panic!()
    };
    assert_eq!(right.kind, ExprKind::Literal(Value::Date(631_152_000_000)));
    assert_eq!(right.data_type, DataType::Date);
    assert_eq!(right.text, "\"1990-01-01\"");
    let StepKind::Where { condition } =
        last_step("from test | where client_ip in (\"10.0.0.1\", \"::1\")")
    else {
        panic!()
    };
    let ExprKind::In { list, .. } = &condition.kind else {
        panic!()
    };
    assert!(list.iter().all(|e| e.data_type == DataType::Ip));
    // Numeric mixing widens (integer + double → double); integer division stays integer.
    assert_eq!(
        columns("row a = 1, b = 2.5 | eval c = a + b, d = a / 2, e = a * 2147483648")[2..],
        ["c:double", "d:integer", "e:long"]
    );
    // Date arithmetic with a time span keeps the date type.
    assert_eq!(
        columns("from test | eval d = hire_date + 1 day | keep d"),
        ["d:date"]
    );
    // `::type` casts convert; the verbatim text names the column.
    let p = plan("row a = \"1\" | eval b = a::long, c = to_str(1)");
    let StepKind::Eval { exprs, .. } = &p.steps[0].kind else {
        panic!()
    };
    assert!(matches!(
        exprs[0].kind,
        ExprKind::Cast {
            to: DataType::Long,
            ..
        }
    ));
    assert_eq!(exprs[1].data_type, DataType::Keyword);
    // string literal to date inside a function (date_diff's date parameters)
    let p = plan("from test | eval d = date_diff(\"day\", \"2020-01-01\", hire_date) | keep d");
    let StepKind::Eval { exprs, .. } = &p.steps[0].kind else {
        panic!()
    };
    let ExprKind::Call { args, .. } = &exprs[0].kind else {
        panic!()
    };
    assert_eq!(args[1].data_type, DataType::Date);
    assert_eq!(exprs[0].data_type, DataType::Integer);
}

#[test]
fn like_patterns_fold_and_negations_wrap() {
    // ARCHITECTURE: NOT LIKE / NOT RLIKE / NOT IN lower to Not(…); patterns are folded strings.
    let StepKind::Where { condition } = last_step(
        "from test | where first_name not like (\"A*\", \"B?\") and last_name rlike \"S.*\"",
    ) else {
        panic!()
    };
    let ExprKind::And(l, r) = &condition.kind else {
        panic!()
    };
    let ExprKind::Not(inner) = &l.kind else {
        panic!()
    };
    let ExprKind::Like { patterns, .. } = &inner.kind else {
        panic!()
    };
    assert_eq!(patterns, &["A*", "B?"]);
    assert!(matches!(&r.kind, ExprKind::RLike { patterns, .. } if patterns == &["S.*"]));
    let StepKind::Where { condition } = last_step("from test | where emp_no not in (1, 2)") else {
        panic!()
    };
    let ExprKind::Not(inner) = &condition.kind else {
        panic!()
    };
    assert!(matches!(inner.kind, ExprKind::In { .. }));
    // Triple-quoted patterns are raw: the backslashes stay for LIKE's own escapes.
    let StepKind::Where { condition } =
        last_step("from test | where first_name like \"\"\"C:\\\\*\"\"\"")
    else {
        panic!()
    };
    assert!(matches!(&condition.kind, ExprKind::Like { patterns, .. } if patterns == &["C:\\\\*"]));
}

#[test]
fn stats_outputs_aggregates_then_keys_with_verbatim_names() {
    // spec:stats/docsStats, spec:stats/defaultNameWithSpace
    assert_eq!(
        columns("from test | stats count(*), AVG(salary), MIN(salary  * 10), couNt() by languages"),
        [
            "count(*):long",
            "AVG(salary):double",
            "MIN(salary  * 10):integer",
            "couNt():long",
            "languages:integer"
        ]
    );
    // `STATS BY k` outputs only the keys; a BY expression without name is named by its text.
    assert_eq!(
        columns("from test | stats by languages, gender"),
        ["languages:integer", "gender:keyword"]
    );
    assert_eq!(
        columns("from test | stats c = count(*) by languages + 1, g = to_lower(gender)"),
        ["c:long", "languages + 1:integer", "g:keyword"]
    );
    // SEMANTICS 2.6 types: SUM of int is long, of double double; MIN/MAX keep type; text → keyword.
    assert_eq!(
        columns(
            "from test | stats s = sum(salary), d = sum(height), m = max(hire_date), v = values(job), cd = count_distinct(job)"
        ),
        ["s:long", "d:double", "m:date", "v:keyword", "cd:long"]
    );
}

#[test]
fn stats_plan_shape_filters_and_expressions() {
    let StepKind::Stats(agg) = last_step(
        "from test | stats x = max(salary) + 1, c = count(*) where languages > 2, k = languages + 1 by languages",
    ) else {
        panic!()
    };
    assert_eq!(agg.groups.len(), 1);
    assert_eq!(agg.aggregates.len(), 2);
    // outputs over [languages, max(salary), count(*)]
    let ExprKind::Arithmetic { left, .. } = &agg.outputs[0].kind else {
        panic!()
    };
    assert_eq!(left.kind, ExprKind::Column(1));
    assert_eq!(agg.outputs[1].kind, ExprKind::Column(2));
    assert!(agg.aggregates[0].filter.is_none());
    assert!(agg.aggregates[1].filter.is_some());
    assert_eq!(agg.aggregates[1].text, "count(*)");
    assert!(agg.aggregates[1].args.is_empty());
    // An expression over the key alone (spec:stats/nestedAggsOverGroupingWithAliasMultipleAggs).
    assert_eq!(agg.outputs[2].columns(), [0]);
    assert_eq!(agg.outputs[3].kind, ExprKind::Column(0));
    // A key alias inside an aggregate reads the key expression (nestedAggsOverGroupingWithAliasInsideExpression).
    let StepKind::Stats(agg) = last_step("from test | stats m = max(l) by l = languages") else {
        panic!()
    };
    assert_eq!(agg.aggregates[0].args[0].columns(), agg.groups[0].columns());
}

#[test]
fn stats_duplicate_names_keep_the_rightmost_and_warn() {
    // spec:stats/IfDuplicateNamesLastOneWins, IfDuplicateNamesGroupingHasPriority
    let q = esql::parse(
        "from employees | stats h = avg(height), h = min(height) by languages | sort languages",
    )
    .unwrap();
    let a = esql::analyzer::analyze_full(&q, &employees()).unwrap();
    assert_eq!(
        a.plan
            .output()
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.data_type))
            .collect::<Vec<_>>(),
        ["h:double", "languages:integer"]
    );
    assert_eq!(
        a.warnings,
        ["Line 1:24: Field 'h' shadowed by field at line 1:41"]
    );
    let q = esql::parse(
        "from employees | stats languages = avg(height), languages = min(height) by languages",
    )
    .unwrap();
    let a = esql::analyzer::analyze_full(&q, &employees()).unwrap();
    assert_eq!(a.plan.output().columns.len(), 1);
    assert_eq!(
        a.warnings,
        [
            "Line 1:24: Field 'languages' shadowed by field at line 1:76",
            "Line 1:49: Field 'languages' shadowed by field at line 1:76"
        ]
    );
    // spec:stats/nestedAggsOverGroupingTwiceWithAlias: the shadowed key does not group.
    let p = plan("from employees | stats vals = count() by x = emp_no, x = languages");
    let StepKind::Stats(agg) = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!(agg.groups.len(), 1);
    assert_eq!(agg.groups[0].text, "languages");
}

#[test]
fn inline_stats_keeps_input_and_appends_outputs() {
    // ES inlinestats.csv-spec docsMax: emp_no, salary, max_salary, languages
    let p = plan(
        "from employees | keep emp_no, languages, salary | inline stats max_salary = max(salary) by languages",
    );
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["emp_no", "salary", "max_salary", "languages"]
    );
    let StepKind::InlineStats { projection, .. } = &p.steps[1].kind else {
        panic!()
    };
    // extended row: [emp_no, languages, salary, max_salary, languages']
    assert_eq!(projection, &[0, 2, 3, 4]);
}

#[test]
fn keep_precedence_and_drop() {
    // spec:keep/shadowingInternal, shadowingInternalWildcard; docs keep.md
    assert_eq!(
        columns("from test | keep last_name, emp_no, last_name"),
        ["emp_no:integer", "last_name:keyword"]
    );
    assert_eq!(
        columns("from test | keep last*name, emp_no, last*name, first_name, last*, gender, last*"),
        [
            "emp_no:integer",
            "first_name:keyword",
            "gender:keyword",
            "last_name:keyword"
        ]
    );
    assert_eq!(
        columns("from test | keep first_name*, last_name, first_na*"),
        ["last_name:keyword", "first_name:keyword"]
    );
    let all = columns("from test | keep *, first_name");
    assert_eq!(all.last().map(String::as_str), Some("first_name:keyword"));
    // spec:drop: overlapping patterns are fine; `*` matches across dots (subfieldsWildcard).
    let cols = columns("from test | drop *.*, height*, height, emp_no");
    assert!(
        cols.iter()
            .all(|c| !c.contains('.') && !c.starts_with("height") && !c.starts_with("emp_no"))
    );
    assert_eq!(cols.len(), 15);
}

#[test]
fn rename_both_forms_in_place() {
    // docs rename.md: `a AS b` and `b = a`; an existing column of the new name is dropped.
    assert_eq!(
        columns("row a = 1, b = \"x\", c = true | rename a as x, y = b"),
        ["x:integer", "y:keyword", "c:boolean"]
    );
    assert_eq!(
        columns("row a = 1, b = \"x\" | rename a as b"),
        ["b:integer"]
    );
    let p = plan("row a = 1, b = \"x\", c = true | rename a as x, x as z");
    let StepKind::Project { columns } = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!(columns, &[0, 1, 2]);
    assert_eq!(p.output().columns[0].name, "z");
}

#[test]
fn sort_defaults_limit_and_mv_expand() {
    // SEMANTICS 2.8: ASC → nulls last, DESC → nulls first
    let StepKind::Sort { keys } = last_step(
        "from test | sort emp_no, salary desc, gender asc nulls first, languages desc nulls last",
    ) else {
        panic!()
    };
    let flags: Vec<(bool, bool)> = keys.iter().map(|k| (k.descending, k.nulls_first)).collect();
    assert_eq!(
        flags,
        [(false, false), (true, true), (false, true), (true, false)]
    );
    assert!(matches!(
        last_step("from test | limit 7"),
        StepKind::Limit { count: 7 }
    ));
    // spec:mv_expand/simple: the expanded column stays in place
    let p = plan("row a = [1, 2, 3], b = \"b\", j = [\"a\", \"b\"] | mv_expand j");
    assert!(matches!(p.steps[0].kind, StepKind::MvExpand { column: 2 }));
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b", "j"]
    );
}

#[test]
fn dissect_and_grok_add_typed_columns() {
    let p = plan(
        "row m = \"verdict=yes confidence=high summary=x\", verdict = 1 | dissect m \"verdict=%{verdict} confidence=%{?c} summary=%{summary}\" append_separator = \"-\"",
    );
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.data_type))
            .collect::<Vec<_>>(),
        ["m:keyword", "verdict:keyword", "summary:keyword"]
    );
    let StepKind::Dissect(d) = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!(d.keys, ["verdict", "summary"]);
    assert_eq!(d.append_separator.as_deref(), Some("-"));
    assert_eq!(d.projection, &[0, 2, 3]);
    // Grok keys are sorted by name and typed by the `:type` suffix (ES Grok.Parser.extractedFields).
    let p = plan(
        "row s = \"12-abc.example.com\" | grok s \"%{INT:idx:int}-%{DATA:payload}\\\\.%{GREEDYDATA:domain}\"",
    );
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.data_type))
            .collect::<Vec<_>>(),
        [
            "s:keyword",
            "domain:keyword",
            "idx:integer",
            "payload:keyword"
        ]
    );
}

#[test]
fn positions_and_texts_of_expressions() {
    let p = plan("from test\n| where  to_lower(first_name)  ==  \"a\"");
    let StepKind::Where { condition } = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!(condition.text, "to_lower(first_name)  ==  \"a\"");
    assert_eq!(
        (condition.position.line, condition.position.column),
        (2, 10)
    );
    let ExprKind::Comparison { left, .. } = &condition.kind else {
        panic!()
    };
    assert_eq!(left.text, "to_lower(first_name)");
    assert_eq!(p.steps[0].position.line, 2);
    assert_eq!(p.steps[0].position.column, 3);
}

#[test]
fn alias_fields_read_their_target() {
    let json = serde_json::json!({"properties": {
        "source": {"properties": {"ip": {"type": "ip"}}},
        "client_ip": {"type": "alias", "path": "source.ip"}
    }});
    let c = Catalog::new().with("idx", esql::Mapping::from_es_json(&json).unwrap());
    let p = plan_in(&c, "from idx");
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.data_type))
            .collect::<Vec<_>>(),
        ["client_ip:ip", "source.ip:ip"]
    );
    let Source::From(f) = &p.source else { panic!() };
    assert_eq!(f.fields[0], SourceField::Field("source.ip".into()));
}

#[test]
fn like_patterns_fold_through_eval_constants() {
    // spec:where-like/likeMultiLevelEvalChain, likeRowEvalPropagatedConcat: a pattern may be a column
    // EVAL/ROW computed from constants. (The parser does not accept a column as pattern yet, so the
    // pattern is put into the tree by hand.)
    use esql::ast::{self, ProcessingCommand, QualifiedName};
    let mut q = esql::parse(
        "row x = \"Eberhardt\", s = \"*\" | eval p = concat(\"Eber\", s) | where x like \"placeholder\"",
    )
    .unwrap();
    let ProcessingCommand::Where(w) = &mut q.commands[1] else {
        panic!()
    };
    let ast::ExprKind::Like { patterns, .. } = &mut w.condition.kind else {
        panic!()
    };
    patterns[0] = ast::Expr::new(ast::ExprKind::Field(QualifiedName::from_parts(["p"])));
    let p = esql::analyze(&q, &employees()).unwrap();
    let StepKind::Where { condition } = &p.steps[1].kind else {
        panic!()
    };
    assert!(matches!(&condition.kind, ExprKind::Like { patterns, .. } if patterns == &["Eber*"]));
    // A pattern column that is not constant is an error.
    let mut q = esql::parse("from test | where first_name like \"x\"").unwrap();
    let ProcessingCommand::Where(w) = &mut q.commands[0] else {
        panic!()
    };
    let ast::ExprKind::Like { patterns, .. } = &mut w.condition.kind else {
        panic!()
    };
    patterns[0] = ast::Expr::new(ast::ExprKind::Field(QualifiedName::from_parts([
        "last_name",
    ])));
    let e = esql::analyze(&q, &employees()).unwrap_err();
    assert!(
        e.problems[0].message.contains("must be a constant string"),
        "{e}"
    );
}

#[test]
fn copies_of_a_column_group_as_one_key() {
    // spec:stats/statsAggExpressionOnMVGroupingKeyWithAlias: `zzz` is a copy of `y`, so grouping by
    // both does not form a cross product of the multi-value with itself.
    let p = plan(
        "ROW x = 1, y = [1, 2, 3] | EVAL z = y | RENAME z AS zzz | STATS s = MAX(CASE(y == 2, 10, 1)) BY y, x, zzz",
    );
    let StepKind::Stats(agg) = &p.steps[2].kind else {
        panic!()
    };
    assert_eq!(agg.groups.len(), 2);
    let outs: Vec<&ExprKind> = agg.outputs.iter().map(|e| &e.kind).collect();
    // [s, y, x, zzz] over [y, x, max]
    assert_eq!(
        outs,
        [
            &ExprKind::Column(2),
            &ExprKind::Column(0),
            &ExprKind::Column(1),
            &ExprKind::Column(0)
        ]
    );
    assert_eq!(
        p.output()
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["s", "y", "x", "zzz"]
    );
    // After MV_EXPAND of y the copy holds other values: two keys again.
    let p = plan("ROW y = [1, 2] | EVAL z = y | MV_EXPAND y | STATS c = COUNT(*) BY y, z");
    let StepKind::Stats(agg) = &p.steps[2].kind else {
        panic!()
    };
    assert_eq!(agg.groups.len(), 2);
}
