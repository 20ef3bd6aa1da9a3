//! ES's verification errors, each checked with the exact message (and position) Elasticsearch gives.
//! Most expectations are taken from ES's `VerifierTests` (cited by test name), run against an index
//! `test` mapped like ES's `mapping-default.json` (the csv-spec `employees` fields).

#[path = "analyzer_support/mod.rs"]
mod common;

use common::{employees, error, error_in};
use esql::Catalog;

#[test]
fn unknown_columns_and_suggestions() {
    assert_eq!(error("from test | where x > 1"), "1:19: Unknown column [x]");
    // VerifierTests.testImplicitCastingErrorMessages
    assert_eq!(
        error("from test | where `languages.*` in (1, 2)"),
        "1:19: Unknown column [languages.*], did you mean any of [languages, languages.byte, languages.long, languages.short]?"
    );
    // VerifierTests.testDropAfterRenaming
    assert_eq!(
        error("from test | rename emp_no as r1 | drop emp_no"),
        "1:40: Unknown column [emp_no]"
    );
    // Several problems are all reported (VerifierTests.testNotFoundFieldInNestedFunction, ordering ours).
    let q = esql::parse("from test | eval a = x + 1 | where y").unwrap();
    let e = esql::analyze(&q, &employees()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Found 2 problems\nline 1:22: Unknown column [x]\nline 1:36: Unknown column [y]"
    );
}

#[test]
fn unknown_and_unsupported_functions() {
    // VerifierTests.testImplicitCastingErrorMessages
    assert_eq!(
        error("from test | eval x = func(languages) | where x in (1, 2)"),
        "1:22: Unknown function [func]"
    );
    assert_eq!(
        error("from test | eval x = to_lowr(first_name)"),
        "1:22: Unknown function [to_lowr], did you mean any of [to_lower, to_long, to_upper]?"
    );
    let q = esql::parse("from test | where kql(\"a: b\")").unwrap();
    let e = esql::analyze(&q, &employees()).unwrap_err();
    assert!(e.has_unsupported());
    assert_eq!(
        e.problems[0].message,
        "function [kql] is not supported by detsim"
    );
    assert_eq!(
        error("from test | eval x = abs(1, 2)"),
        "1:22: error building [abs]: expects exactly one argument"
    );
}

#[test]
fn keep_drop_pattern_errors() {
    // SEMANTICS 2.4, docs commands/drop.md and keep.md: a pattern matching nothing is `No matches found
    // for pattern [x*]`, an unknown exact name `Unknown column [x]` (VerifierTests, AnalyzerTests).
    assert_eq!(
        error("from test | keep emp_no, nope"),
        "1:26: Unknown column [nope]"
    );
    assert_eq!(
        error("from test | keep x*"),
        "1:18: No matches found for pattern [x*]"
    );
    assert_eq!(
        error("from test | drop x*"),
        "1:18: No matches found for pattern [x*]"
    );
    assert_eq!(
        error("from test | drop nope"),
        "1:18: Unknown column [nope]"
    );
}

#[test]
fn rename_errors() {
    // VerifierTests.testDoubleRenamingField / testDuplicateRenaming / testDoubleRenamingReference
    assert_eq!(
        error("from test | rename emp_no as r1, r1 as r2, emp_no as r3 | keep r3"),
        "1:44: Column [emp_no] renamed to [r1] and is no longer available [emp_no as r3]"
    );
    assert_eq!(
        error("from test | rename emp_no as r1, emp_no as r1 | keep r1"),
        "1:34: Column [emp_no] renamed to [r1] and is no longer available [emp_no as r1]"
    );
    assert_eq!(
        error("from test | rename emp_no as r1, r1 as r2, first_name as x, r1 as r3 | keep r3"),
        "1:61: Column [r1] renamed to [r2] and is no longer available [r1 as r3]"
    );
}

#[test]
fn operator_type_errors() {
    // VerifierTests.testIncompatibleTypesInMathOperation
    assert_eq!(
        error("row a = 1, b = 2, c = \"xxx\" | eval y = a + c"),
        "1:40: second argument of [a + c] must be [date_nanos, datetime or numeric], found value [c] type [keyword]"
    );
    assert_eq!(
        error("row a = 1, b = 2, c = \"xxx\" | eval y = a - c"),
        "1:40: second argument of [a - c] must be [date_nanos, datetime or numeric], found value [c] type [keyword]"
    );
    // VerifierTests.testUnsignedLongTypeMixInComparisons / InArithmetics / Negation
    assert_eq!(
        error("row n = to_long(1), ul = to_ul(1) | where n == ul"),
        "1:43: first argument of [n == ul] is [long] and second is [unsigned_long]. [unsigned_long] can only be operated on together with another [unsigned_long]"
    );
    assert_eq!(
        error("row n = to_integer(1), ul = to_ul(1) | eval ul * n"),
        "1:45: [*] has arguments with incompatible types [unsigned_long] and [integer]"
    );
    assert_eq!(
        error("row x = to_ul(1) | eval y = -x"),
        "1:29: argument of [-x] must be [numeric, date_period or time_duration], found value [x] type [unsigned_long]"
    );
    // EsqlBinaryComparison: a string literal is not converted to a number.
    assert_eq!(
        error("from test | where emp_no == \"10001\""),
        "1:19: first argument of [emp_no == \"10001\"] is [numeric] so second argument must also be [numeric] but was [keyword]"
    );
    assert_eq!(
        error("from test | where first_name > 1"),
        "1:19: first argument of [first_name > 1] is [keyword] so second argument must also be [keyword] but was [integer]"
    );
    assert_eq!(
        error("from test | where emp_no and true"),
        "1:19: first argument of [emp_no and true] must be [boolean], found value [emp_no] type [integer]"
    );
    assert_eq!(
        error("from test | where not emp_no"),
        "1:19: argument of [not emp_no] must be [boolean], found value [emp_no] type [integer]"
    );
    assert_eq!(
        error("from test | where emp_no like \"1*\""),
        "1:19: argument of [emp_no like \"1*\"] must be [string], found value [emp_no] type [integer]"
    );
    // VerifierTests.testSubtractDateTimeFromTemporal
    assert_eq!(
        error("row 1 hour - now() "),
        "1:5: [-] arguments are in unsupported order: cannot subtract a [DATETIME] value [now()] from a [TIME_DURATION] amount [1 hour]"
    );
}

#[test]
fn in_list_type_errors() {
    // VerifierTests.testMixedNonConvertibleTypesInIn / testMixedNumericalNonConvertibleTypesInIn
    assert_eq!(
        error("from test | where emp_no in (1, \"two\")"),
        "1:19: 2nd argument of [emp_no in (1, \"two\")] must be [integer], found value [\"two\"] type [keyword]"
    );
    assert_eq!(
        error("from test | where 3 in (1, to_ul(3))"),
        "1:19: 2nd argument of [3 in (1, to_ul(3))] must be [integer], found value [to_ul(3)] type [unsigned_long]"
    );
    assert_eq!(
        error("from test | where to_ul(3) in (1, 3)"),
        "1:19: 1st argument of [to_ul(3) in (1, 3)] must be [unsigned_long], found value [1] type [integer]"
    );
}

#[test]
fn function_argument_errors() {
    // VerifierTests.testRoundFunctionInvalidInputs
    assert_eq!(
        error("row a = 1, b = \"c\" | eval x = round(b, 3)"),
        "1:31: first argument of [round(b, 3)] must be [numeric], found value [b] type [keyword]"
    );
    assert_eq!(
        error("row a = 1, b = \"c\" | eval x = round(a, 3.5)"),
        "1:31: second argument of [round(a, 3.5)] must be [whole number except unsigned_long or counter types], found value [3.5] type [double]"
    );
    // VerifierTests.testImplicitCastingErrorMessages
    assert_eq!(
        error("row a = round(123.45, \"c\")"),
        "1:23: Cannot convert string [c] to [LONG], error [Cannot parse number [c]]"
    );
    // ChangeCase.resolveType: `isString(field, sourceText(), DEFAULT)`
    assert_eq!(
        error("from test | eval x = to_lower(emp_no)"),
        "1:22: argument of [to_lower(emp_no)] must be [string], found value [emp_no] type [integer]"
    );
    // VerifierTests.testConditionalFunctionsWithMixedNumericTypes
    assert_eq!(
        error("from test | eval x = coalesce(languages, height)"),
        "1:22: second argument of [coalesce(languages, height)] must be [integer], found value [height] type [double]"
    );
    assert_eq!(
        error("from test | eval x = case(languages == 1, salary, height)"),
        "1:22: third argument of [case(languages == 1, salary, height)] must be [integer], found value [height] type [double]"
    );
    // VerifierTests.testInlineImpossibleConvert
    assert_eq!(
        error("ROW false::ip"),
        "1:5: argument of [false::ip] must be [ip or string], found value [false] type [boolean]"
    );
    // VerifierTests.testIntervalAsString
    assert_eq!(
        error("from test | EVAL x = date_trunc(\"1 minu\", hire_date)"),
        "1:33: Cannot convert string [1 minu] to [DATE_PERIOD or TIME_DURATION], error [Unexpected temporal unit: 'minu']"
    );
    assert_eq!(
        error("from test | EVAL x = date_trunc(\"1\", hire_date)"),
        "1:22: first argument of [date_trunc(\"1\", hire_date)] must be [dateperiod or timeduration], found value [\"1\"] type [keyword]"
    );
    assert_eq!(
        error("from test | where hire_date > \"yesterday\""),
        "1:31: Cannot convert string [yesterday] to [DATETIME], error [failed to parse date field [yesterday] with format [strict_date_optional_time]]"
    );
}

#[test]
fn condition_and_span_type_errors() {
    // VerifierTests.testFilterNonBoolField / testAggWithNonBooleanFilter / testFilterDateConstant
    assert_eq!(
        error("from test | where emp_no"),
        "1:19: Condition expression needs to be boolean, found [INTEGER]"
    );
    assert_eq!(
        error("from test | where concat(first_name, \"foobar\")"),
        "1:19: Condition expression needs to be boolean, found [KEYWORD]"
    );
    assert_eq!(
        error("from test | stats count(*) where 1"),
        "1:34: Condition expression needs to be boolean, found [INTEGER]"
    );
    assert_eq!(
        error("from test | where 1 year"),
        "1:19: Condition expression needs to be boolean, found [DATE_PERIOD]"
    );
    // VerifierTests.testPeriodAndDurationInRowAssignment / testPeriodAndDurationInEval
    assert_eq!(
        error("row a = 1 hour"),
        "1:9: cannot use [1 hour] directly in a row assignment"
    );
    assert_eq!(
        error("row x = 1 | eval y = 1 day"),
        "1:22: EVAL does not support type [date_period] as the return data type of expression [1 day]"
    );
}

#[test]
fn aggregation_errors() {
    // VerifierTests.testAggsInsideEval / testMultipleAggsOutsideStats / testSortByAggregate
    assert_eq!(
        error("row a = 1, b = 2 | eval x = max(b)"),
        "1:29: aggregate function [max(b)] not allowed outside STATS command"
    );
    assert_eq!(
        error("ROW a = 1 | SORT count(*)"),
        "1:18: aggregate function [count(*)] not allowed outside STATS command"
    );
    // VerifierTests.testAggsExpressionsInStatsAggs
    assert_eq!(
        error("from test | eval z = 2 | stats x = avg(z), salary by emp_no"),
        "1:44: column [salary] must appear in the STATS BY clause or be used in an aggregate function"
    );
    assert_eq!(
        error("from test | stats max(max(salary)) by first_name"),
        "1:23: nested aggregations [max(salary)] not allowed inside other aggregations [max(max(salary))]"
    );
    assert_eq!(
        error("from test | stats x = count_distinct(languages, languages) by emp_no"),
        "1:23: second argument of [count_distinct(languages, languages)] must be a constant, received [languages]"
    );
    assert_eq!(
        error("from test | stats 5 by emp_no"),
        "1:19: expected an aggregate function but found [5]"
    );
    assert_eq!(
        error("from test | stats emp_no BY emp_no"),
        "1:19: grouping key [emp_no] already specified in the STATS BY clause"
    );
    assert_eq!(
        error("from test | stats languages + emp_no BY languages + emp_no"),
        "1:19: grouping key [languages + emp_no] already specified in the STATS BY clause"
    );
    assert_eq!(
        error("from test | stats e BY e = languages + emp_no"),
        "1:19: grouping key [e] already specified in the STATS BY clause"
    );
    // VerifierTests.testAggsInsideGrouping / testAggsWithInvalidGrouping / testAggFilterOnNonAggregates
    assert_eq!(
        error("from test| stats max(languages) by max(languages)"),
        "1:36: cannot use an aggregate [max(languages)] for grouping"
    );
    assert_eq!(
        error("from test| stats max(languages) + languages by l = languages % 3"),
        "1:35: column [languages] cannot be used as an aggregate once declared in the STATS BY grouping key [l = languages % 3]"
    );
    assert_eq!(
        error("from test | stats emp_no + 1 where languages > 1 by emp_no"),
        "1:36: WHERE clause allowed only for aggregate functions, none found in [emp_no + 1 where languages > 1]"
    );
    // VerifierTests.testAggFilterOnBucketingOrAggFunctions
    assert_eq!(
        error("from test | stats max(languages) WHERE max(salary) > 1 by emp_no"),
        "1:40: cannot use aggregate function [max(salary)] in aggregate WHERE clause [max(languages) WHERE max(salary) > 1]"
    );
    assert_eq!(
        error("from test | stats m = max(languages), min(languages) WHERE m + 2 > 1 by emp_no"),
        "1:60: Unknown column [m]"
    );
    // VerifierTests.testSumOnDate (the wording before histogram types)
    assert_eq!(
        error("from test | stats sum(hire_date)"),
        "1:19: argument of [sum(hire_date)] must be [aggregate_metric_double or numeric except unsigned_long or counter types], found value [hire_date] type [datetime]"
    );
    // VerifierTests.testNestedAggField
    assert_eq!(
        error("from test | stats c = avg(avg)"),
        "1:27: Unknown column [avg]"
    );
}

#[test]
fn extraction_errors() {
    // VerifierTests.testNonStringFieldsInDissect / testNonStringFieldsInGrok
    assert_eq!(
        error("from test | dissect emp_no \"%{foo}\""),
        "1:21: Dissect only supports KEYWORD or TEXT values, found expression [emp_no] type [INTEGER]"
    );
    assert_eq!(
        error("from test | grok emp_no \"%{WORD:foo}\""),
        "1:18: Grok only supports KEYWORD or TEXT values, found expression [emp_no] type [INTEGER]"
    );
    assert_eq!(
        error("from test | grok first_name \"%{NOPE:foo}\""),
        "1:29: Invalid pattern [%{NOPE:foo}] for grok: Unable to find pattern [NOPE] in Grok's pattern dictionary"
    );
}

#[test]
fn unknown_index_and_unusable_fields() {
    let q = esql::parse("from nope*").unwrap();
    let e = esql::analyze(&q, &employees()).unwrap_err();
    assert!(e.is_unknown_index());
    assert_eq!(
        e.to_string(),
        "Found 1 problem\nline 1:6: Unknown index [nope*]"
    );
    let mixed = common::conflicting();
    // VerifierTests.testUnsupportedAndMultiTypedFields (one conflicting field over two indices)
    assert_eq!(
        error_in(&mixed, "from logs-* | eval x = port"),
        "1:24: Cannot use field [port] due to ambiguities being mapped as [2] incompatible types: [keyword] in [logs-a], [long] in [logs-b]"
    );
    assert_eq!(
        error_in(&mixed, "from logs-* | where shape is null"),
        "1:21: Cannot use field [shape] with unsupported type [geo_shape]"
    );
    let empty = Catalog::new();
    assert_eq!(error_in(&empty, "from test"), "1:6: Unknown index [test]");
}
