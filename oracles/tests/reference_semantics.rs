//! The semantics issue 3 lists, each run end to end — query text → parser → analyzer → reference
//! evaluator — with the expected columns, rows and warnings written out, and the csv-spec test or doc
//! rule it follows named in its doc comment (`spec:FILE/test` is the test in `../shared/esql-spec`;
//! "SEMANTICS §x" is `../shared/esql-spec/SEMANTICS.md`). The map from each semantic to its tests, these
//! and the unit tests next to the code, is `oracles/SEMANTICS-TESTS.md`.
//!
//! Rows come from `ROW` plus `MV_EXPAND` (one row per value), or from Elastic Defend documents indexed
//! through `esql::ingest` when a mapped field must be missing.

use esql::{Catalog, DataSource, EvalOptions, Evaluator, MemorySource, ResultTable, Value};
use oracles::ReferenceEvaluator;
use serde_json::json;

fn run_on(query: &str, src: &MemorySource) -> ResultTable {
    let ast = esql::parser::parse_query(query).unwrap_or_else(|e| panic!("parse {query}: {e}"));
    let plan = esql::analyze(&ast, &src.catalog()).unwrap_or_else(|e| panic!("analyze: {e}"));
    ReferenceEvaluator::new()
        .run(&plan, src, &EvalOptions::default())
        .unwrap_or_else(|e| panic!("evaluate {query}: {e}"))
}

fn run(query: &str) -> ResultTable {
    run_on(query, &MemorySource::new())
}

/// `name:type` of every column.
fn columns(t: &ResultTable) -> Vec<String> {
    t.columns
        .iter()
        .map(|c| format!("{}:{}", c.name, esql::table::type_name(c.data_type)))
        .collect()
}

fn int(i: i32) -> Value {
    Value::Integer(i)
}

fn long(i: i64) -> Value {
    Value::Long(i)
}

fn kw(s: &str) -> Value {
    Value::keyword(s)
}

/// spec:where-like/likeStarAloneOnEvalOutput ("LIKE on a NULL value returns NULL … WHERE filters those
/// rows out"); SEMANTICS §2.1: WHERE keeps a row only when its condition is `true`; `NOT null` is null,
/// so the null row is dropped by both a condition and its negation.
#[test]
fn where_keeps_only_true_rows() {
    let base = "ROW a = [1, 2, 3] | MV_EXPAND a | EVAL n = CASE(a == 2, null, a)";
    let t = run(&format!("{base} | WHERE n > 1 | KEEP a"));
    assert_eq!(t.rows, vec![vec![int(3)]]);
    let t = run(&format!("{base} | WHERE NOT (n > 1) | KEEP a"));
    assert_eq!(t.rows, vec![vec![int(1)]]);
    let t = run(&format!("{base} | WHERE n > 1 OR a == 2 | KEEP a"));
    assert_eq!(t.rows, vec![vec![int(2)], vec![int(3)]]);
    assert!(run(&format!("{base} | WHERE null")).rows.is_empty());
}

/// spec:where-like/multiValueLike (its two `warningRegex` lines), docs esql-multivalued-fields.md
/// "Functions", SEMANTICS §2.2: a multi-valued operand of LIKE, `==` or `+` is null plus ES's two
/// warning lines, naming the failing sub-expression by its verbatim text and its `line:column`.
#[test]
fn multi_value_operands_are_null_with_es_warnings() {
    let t = run(
        "ROW job = [\"Accountant\", \"Tech Lead\"], n = [1, 2]\n| EVAL l = job LIKE \"Account*\", e = job == \"Accountant\", s = n  +  1",
    );
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0][2..], [Value::Null, Value::Null, Value::Null]);
    assert_eq!(
        t.warnings,
        [
            "Line 2:12: evaluation of [job LIKE \"Account*\"] failed, treating result as null. Only first 20 failures recorded.",
            "Line 2:12: java.lang.IllegalArgumentException: single-value function encountered multi-value",
            "Line 2:37: evaluation of [job == \"Accountant\"] failed, treating result as null. Only first 20 failures recorded.",
            "Line 2:37: java.lang.IllegalArgumentException: single-value function encountered multi-value",
            "Line 2:62: evaluation of [n  +  1] failed, treating result as null. Only first 20 failures recorded.",
            "Line 2:62: java.lang.IllegalArgumentException: single-value function encountered multi-value",
        ]
    );
    // WHERE then drops the row (spec:where-like/multiValueLike keeps only the single-valued 10025).
    let t = run("ROW job = [\"Accountant\", \"Tech Lead\"] | WHERE job LIKE \"Account*\"");
    assert!(t.rows.is_empty());
    assert_eq!(t.warnings.len(), 2);
}

/// spec:where-like rLikeComplex and rlikeWithEmptyLanguagePattern, SEMANTICS §2.3: RLIKE is Lucene
/// RegExp, anchored to the whole string and case-sensitive; `#` is the empty language, `@` any string.
#[test]
fn rlike_is_anchored_case_sensitive_lucene_regexp() {
    let t = run(
        "ROW s = \"Abc\" | EVAL a = s RLIKE \"abc\", b = s RLIKE \"A.*\", c = s RLIKE \"b\", d = s RLIKE \"#\", e = s RLIKE \"@\", f = s RLIKE (\"x\", \"A[a-c]{2}\")",
    );
    assert_eq!(
        t.rows[0][1..],
        [false, true, false, false, true, true].map(Value::Boolean)
    );
}

/// spec:row/evalOverride, docs commands/eval.md, SEMANTICS §2.5: an EVAL of an existing name removes the
/// old column and appends the new one.
#[test]
fn eval_shadowing_moves_the_column_to_the_end() {
    let t = run("row a = 1, b = 100 | eval b = a + 1 | eval a = b + 1");
    assert_eq!(columns(&t), ["b:integer", "a:integer"]);
    assert_eq!(t.rows, vec![vec![int(2), int(3)]]);
}

/// spec:stats/sumRowManyTwo (docs stats-by.md "multi-mv-group"), SEMANTICS §2.6: every value of each
/// multi-valued key joins its group, several keys give the cross product; the unnamed aggregate keeps its
/// verbatim text and comes before the keys.
#[test]
fn multi_valued_keys_join_every_group() {
    let t = run(
        "ROW price = 10, color = [\"blue\", \"pink\", \"yellow\"], size = [\"s\", \"m\", \"l\"]\n| STATS SUM(price) BY color, size\n| SORT color ASC, size ASC",
    );
    assert_eq!(
        columns(&t),
        ["SUM(price):long", "color:keyword", "size:keyword"]
    );
    let mut expected = Vec::new();
    for c in ["blue", "pink", "yellow"] {
        for s in ["l", "m", "s"] {
            expected.push(vec![long(10), kw(c), kw(s)]);
        }
    }
    assert_eq!(t.rows, expected);
}

/// spec:stats/statsMvConstantGroupByEval, SEMANTICS §2.6: the aggregate sees the original row, so
/// `SUM(a) BY a` with `a = [1, 2]` is 3 in both groups.
#[test]
fn aggregates_of_a_multi_valued_key_see_the_whole_value() {
    let t = run("ROW a = [1, 2] | STATS SUM(a) BY a | EVAL b = a");
    assert_eq!(columns(&t), ["SUM(a):long", "a:integer", "b:integer"]);
    assert_eq!(
        t.rows,
        vec![vec![long(3), int(1), int(1)], vec![long(3), int(2), int(2)]]
    );
}

/// spec:stats/countMultiValuesRow and countOfConst (`count(null)` = 0, `count(1+null)` = 0), SEMANTICS
/// §2.6: `COUNT(*)` counts rows, `COUNT(expr)` counts non-null values with every value of a multi-value.
#[test]
fn count_star_counts_rows_and_count_expr_counts_values() {
    let t = run(
        "ROW keyword_field = [\"foo\", \"bar\"], int_field = [1, 2, 3] | STATS ck = COUNT(keyword_field), ci = COUNT(int_field), c = COUNT(*), n = COUNT(null), e = COUNT(1 + null)",
    );
    assert_eq!(
        t.rows,
        vec![vec![long(2), long(3), long(1), long(0), long(0)]]
    );
}

/// spec:stats/whereNullBeforeMixedStats and whereNullBeforeGroupedStats, SEMANTICS §2.6: no input rows
/// and no BY give one row (COUNT 0, the others null); with BY, no rows but the columns stay.
#[test]
fn empty_input_with_and_without_by() {
    let t = run(
        "ROW salary = 10, gender = \"F\" | WHERE null | STATS c = count(*), s = sum(salary), a = avg(salary), mn = min(salary), mx = max(salary)",
    );
    assert_eq!(
        columns(&t),
        ["c:long", "s:long", "a:double", "mn:integer", "mx:integer"]
    );
    assert_eq!(
        t.rows,
        vec![vec![
            long(0),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null
        ]]
    );
    let t = run("ROW salary = 10, gender = \"F\" | WHERE null | STATS c = count(*) by gender");
    assert_eq!(columns(&t), ["c:long", "gender:keyword"]);
    assert!(t.rows.is_empty());
}

/// SEMANTICS §2.6 types (spec:stats sumOfConst, avgOfConst, maxOfManyDoubles; spec:stats/sumWithOverflow):
/// SUM of integer or long is long, of double is double; AVG is double; MIN/MAX keep the type; a long SUM
/// that overflows is null plus the warning pair under SUM's text.
#[test]
fn sum_avg_min_max_types_and_overflow() {
    let t = run(
        "ROW i = [1, 2], l = 5000000000, d = [1.5, 2.25] | STATS si = SUM(i), sl = SUM(l), sd = SUM(d), ai = AVG(i), mi = MIN(i), md = MAX(d)",
    );
    assert_eq!(
        columns(&t),
        [
            "si:long",
            "sl:long",
            "sd:double",
            "ai:double",
            "mi:integer",
            "md:double"
        ]
    );
    assert_eq!(
        t.rows,
        vec![vec![
            long(3),
            long(5_000_000_000),
            Value::Double(3.75),
            Value::Double(1.5),
            int(1),
            Value::Double(2.25)
        ]]
    );
    let t = run("ROW l = [9223372036854775807, 1] | STATS s = SUM(l)");
    assert_eq!(t.rows, vec![vec![Value::Null]]);
    assert_eq!(
        t.warnings,
        [
            "Line 1:46: evaluation of [SUM(l)] failed, treating result as null. Only first 20 failures recorded.",
            "Line 1:46: java.lang.ArithmeticException: long overflow",
        ]
    );
}

/// spec:stats/valuesRowMany (docs "mv-group-values"), SEMANTICS §2.6: VALUES gives the unique non-null
/// values as a multi-value (sorted in our output; ES documents the order as not guaranteed); no values
/// is null.
#[test]
fn values_are_unique() {
    let t = run(
        "ROW color = [\"blue\", \"pink\", \"yellow\"]\n| STATS VALUES(color) BY color\n| SORT color ASC",
    );
    assert_eq!(columns(&t), ["VALUES(color):keyword", "color:keyword"]);
    let all = Value::Multi(vec![kw("blue"), kw("pink"), kw("yellow")]);
    assert_eq!(
        t.rows,
        vec![
            vec![all.clone(), kw("blue")],
            vec![all.clone(), kw("pink")],
            vec![all, kw("yellow")]
        ]
    );
    let t = run("ROW a = [3, 1, 3, 2] | MV_EXPAND a | STATS v = VALUES(a), n = VALUES(null)");
    assert_eq!(
        t.rows,
        vec![vec![
            Value::Multi(vec![int(1), int(2), int(3)]),
            Value::Null
        ]]
    );
}

/// docs commands/sort.md, spec:eval/evalNullSort, spec:mv_expand/expandAfterSort1 (nulls after the
/// values in ASC), SEMANTICS §2.8: ASC is the default with nulls last, DESC puts nulls first, `NULLS
/// FIRST|LAST` overrides; a multi-value sorts by its minimum ascending and its maximum descending; later
/// keys break ties; keywords sort by UTF-8 bytes.
#[test]
fn sort_defaults_nulls_and_multi_values() {
    let base = "ROW k = [1, 2, 3, 4] | MV_EXPAND k | EVAL v = CASE(k == 1, [5, 1], k == 2, 3, k == 3, null, [2, 6])";
    let order = |q: &str| -> Vec<Value> {
        run(&format!("{base} | {q} | KEEP k"))
            .rows
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };
    // Minimums 1 (k=1), 2 (k=4), 3 (k=2); maximums 5 (k=1), 6 (k=4), 3 (k=2); k=3 is null.
    assert_eq!(order("SORT v"), [1, 4, 2, 3].map(int));
    assert_eq!(order("SORT v ASC NULLS FIRST"), [3, 1, 4, 2].map(int));
    assert_eq!(order("SORT v DESC"), [3, 4, 1, 2].map(int));
    assert_eq!(order("SORT v DESC NULLS LAST"), [4, 1, 2, 3].map(int));
    // Equal first keys fall to the second; "Z" (0x5A) sorts before "a" (0x61).
    let t = run(
        "ROW k = [1, 2, 3] | MV_EXPAND k | EVAL g = CASE(k == 2, \"a\", \"Z\") | SORT g, k DESC | KEEP k, g",
    );
    assert_eq!(
        t.rows,
        vec![
            vec![int(3), kw("Z")],
            vec![int(1), kw("Z")],
            vec![int(2), kw("a")]
        ]
    );
}

/// spec:mv_expand/expandAfterSort2 (`null | 10003` stays one row) and whereMvExpandOnIndex, SEMANTICS
/// §2.10: MV_EXPAND of a null or of a field missing from the document keeps the row with null; each
/// value becomes a scalar row in stored (sorted) order.
#[test]
fn mv_expand_keeps_null_and_missing_values() {
    let t = run("ROW a = [2, 1], b = null | MV_EXPAND b | MV_EXPAND a");
    assert_eq!(
        t.rows,
        vec![vec![int(2), Value::Null], vec![int(1), Value::Null]]
    );
    let index = "logs-endpoint.events.process-default";
    let catalog = Catalog::elastic_defend();
    let mapping = catalog.indices[index].clone();
    let mut src = MemorySource::new();
    src.add_index(index, mapping.clone());
    let docs = [
        (
            "with",
            json!({"@timestamp": "2026-01-01T00:00:00Z", "process": {"args": ["-c", "/bin/sh", "-c"]}}),
        ),
        ("without", json!({"@timestamp": "2026-01-01T00:00:01Z"})),
    ];
    for (id, doc) in &docs {
        let d = esql::ingest::index_document(doc, id, index, &mapping)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        src.push(d).unwrap();
    }
    let t = run_on(
        "FROM logs-endpoint.events.process-* METADATA _id | MV_EXPAND process.args | SORT _id DESC | KEEP _id, process.args",
        &src,
    );
    assert_eq!(
        t.rows,
        vec![
            vec![kw("without"), Value::Null],
            vec![kw("with"), kw("-c")],
            vec![kw("with"), kw("/bin/sh")],
        ]
    );
}

/// spec:keep/whereWithEvalGeneratedValue (`salary / 2` is an integer), SEMANTICS §2.12: integer and long
/// `/` truncate toward zero; `%` keeps the dividend's sign.
#[test]
fn integer_division_truncates() {
    let t =
        run("ROW a = 7, b = -7, c = 7000000000 | EVAL x = a / 2, y = b / 2, z = c / -2, r = b % 2");
    assert_eq!(
        t.rows[0][3..],
        [int(3), int(-3), long(-3_500_000_000), int(-1)]
    );
}

/// docs functions/operators (date arithmetic: `+`/`-` with time spans), SEMANTICS §2.1 arithmetic: a date
/// plus or minus a time duration shifts by exact milliseconds; a date period moves the calendar and clamps
/// to the month's end.
#[test]
fn date_arithmetic_with_time_spans() {
    let t = run(
        "ROW d = TO_DATETIME(\"2024-03-31T10:00:00.000Z\") | EVAL h = d + 1 hour, m = d - 1 month, y = d + 1 year - 30 minutes",
    );
    let dt = |s: &str| run(&format!("ROW x = TO_DATETIME(\"{s}\")")).rows[0][0].clone();
    assert_eq!(
        t.rows[0][1..],
        [
            dt("2024-03-31T11:00:00.000Z"),
            dt("2024-02-29T10:00:00.000Z"),
            dt("2025-03-31T09:30:00.000Z")
        ]
    );
}
