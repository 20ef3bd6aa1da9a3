//! Type rules of the scalar functions detsim implements: arity, accepted argument types, result type,
//! the string-literal conversions ES applies to arguments, and how each treats multi-values.
//!
//! Error messages follow Elasticsearch's `TypeResolutions` wording:
//! `[<ordinal> ]argument of [<call text>] must be [<accepted>], found value [<arg name>] type [<type>]`,
//! where most single-parameter functions print no ordinal, and a `null`-typed argument always passes.

use super::arg::{Arg, common_numeric, expect, ordinal, type_error};
use crate::DataType;
use crate::functions::ScalarFunction;

/// How a function treats a multi-valued argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MvBehavior {
    /// A multi-valued argument makes the result null and records ES's multi-value warning.
    SingleValued,
    /// Applied to every value of a multi-valued first argument; the result is multi-valued too
    /// (`to_*` conversions, and `to_lower`/`to_upper` since ES 9.1).
    PerValue,
    /// Reads the whole multi-value of its (first) argument (`mv_*`, `coalesce`, `greatest`, `least`).
    WholeValue,
}

/// What a string literal argument is converted to before type checking (ES's implicit casting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralTarget {
    /// No conversion (the parameter accepts strings).
    Keep,
    /// Convert to this type (`"2024-01-01"` → `datetime`).
    Type(DataType),
    /// Convert to a `time_duration` or `date_period` (`date_trunc("1 hour", d)`).
    TemporalAmount,
}

/// The accepted argument counts: `(min, max)`, `max = None` for variadic functions.
pub fn arity(f: ScalarFunction) -> (usize, Option<usize>) {
    use ScalarFunction::*;
    match f {
        Now | Pi | E => (0, Some(0)),
        Abs | FromBase64 | Length | Ltrim | MvAvg | MvCount | MvDedupe | MvFirst | MvLast
        | MvMax | MvMedian | MvMin | MvSum | Reverse | Rtrim | Space | ToBase64 | ToBoolean
        | ToDatetime | ToDouble | ToInteger | ToIp | ToLong | ToLower | ToString
        | ToUnsignedLong | ToUpper | ToVersion | Trim | UrlDecode => (1, Some(1)),
        Contains | EndsWith | Left | MvAppend | MvConcat | MvContains | MvIntersection | Pow
        | Repeat | Right | Split | StartsWith | DateExtract | DateTrunc => (2, Some(2)),
        DateDiff | Replace => (3, Some(3)),
        DateFormat | DateParse | Round | MvSort => (1, Some(2)),
        Locate | MvSlice | Substring => (2, Some(3)),
        Case | CidrMatch | Concat => (2, None),
        Coalesce | Greatest | Least => (1, None),
    }
}

/// ES's message for a wrong argument count (`error building [f]: expects …`), or `None` if `n` fits.
pub fn arity_error(f: ScalarFunction, n: usize) -> Option<String> {
    let (min, max) = arity(f);
    if n >= min && max.is_none_or(|m| n <= m) {
        return None;
    }
    let words = ["no", "one", "two", "three", "four"];
    let w = |k: usize| words.get(k).copied().unwrap_or("many");
    let expects = match max {
        Some(0) => "expects no arguments".to_owned(),
        Some(m) if m == min => {
            format!(
                "expects exactly {} argument{}",
                w(m),
                if m == 1 { "" } else { "s" }
            )
        }
        Some(m) => format!("expects {} or {} arguments", w(min), w(m)),
        None => format!(
            "expects at least {} argument{}",
            w(min),
            if min == 1 { "" } else { "s" }
        ),
    };
    Some(format!("error building [{}]: {expects}", f.name()))
}

/// How `f` treats a multi-valued argument.
pub fn mv_behavior(f: ScalarFunction) -> MvBehavior {
    use ScalarFunction::*;
    match f {
        MvAppend | MvAvg | MvConcat | MvContains | MvCount | MvDedupe | MvFirst
        | MvIntersection | MvLast | MvMax | MvMedian | MvMin | MvSlice | MvSort | MvSum
        | Coalesce | Greatest | Least => MvBehavior::WholeValue,
        ToBoolean | ToDatetime | ToDouble | ToInteger | ToIp | ToLong | ToString
        | ToUnsignedLong | ToVersion | ToLower | ToUpper => MvBehavior::PerValue,
        _ => MvBehavior::SingleValued,
    }
}

/// The conversion ES applies to a string literal passed as argument `index` of `f` with `n` arguments
/// (derived from the declared parameter types: none when the parameter accepts strings).
pub fn literal_target(f: ScalarFunction, index: usize, n: usize) -> LiteralTarget {
    use LiteralTarget::*;
    use ScalarFunction::*;
    let date = Type(DataType::Date);
    match (f, index) {
        (DateDiff, 1 | 2) | (DateExtract, 1) | (DateFormat, 1) => date,
        // One-argument date_format: the argument takes the declared first parameter (format).
        (DateFormat, 0) if n == 1 => Keep,
        (DateTrunc, 0) => TemporalAmount,
        (DateTrunc, 1) => date,
        (Abs | MvAvg | MvMedian | MvSum | Pow, _) | (Round, 0) => Type(DataType::Double),
        (Round, 1) => Type(DataType::Long),
        (Left | Right | Repeat | MvSlice | Substring, 1 | 2) | (Locate, 2) | (Space, 0) => {
            Type(DataType::Integer)
        }
        (CidrMatch, 0) => Type(DataType::Ip),
        (Case, i) if i % 2 == 0 && i + 1 < n => Type(DataType::Boolean),
        _ => Keep,
    }
}

fn string(t: DataType) -> bool {
    t.is_string()
}

fn date(t: DataType) -> bool {
    t.is_date()
}

fn representable(t: DataType) -> bool {
    !matches!(
        t,
        DataType::Unsupported | DataType::TimeDuration | DataType::DatePeriod
    )
}

fn sortable(t: DataType) -> bool {
    representable(t) && t != DataType::GeoPoint
}

/// Every argument after the first non-null one must have its type (text read as keyword).
fn same_types(args: &[&Arg], offsets: &[usize], op: &str) -> Result<DataType, String> {
    let mut ty = DataType::Null;
    for (a, &i) in args.iter().zip(offsets) {
        if ty == DataType::Null {
            ty = a.data_type.text_as_keyword();
            continue;
        }
        let want = super::arg::type_name(ty);
        expect(a, ordinal(i), op, want, |t| t.text_as_keyword() == ty)?;
    }
    Ok(ty)
}

/// Checks the arguments of a call of `f` (count already checked) and returns its result type. `op` is
/// the verbatim call text ES quotes in messages.
pub fn resolve(f: ScalarFunction, op: &str, args: &[Arg]) -> Result<DataType, String> {
    use DataType as T;
    use ScalarFunction::*;
    let a = |i: usize| &args[i];
    let n = args.len();
    let str_arg = |i: usize, ord: &str| expect(a(i), ord, op, "string", string);
    let int_arg = |i: usize| expect(a(i), ordinal(i), op, "integer", |t| t == T::Integer);
    let date_arg = |i: usize, ord: &str| expect(a(i), ord, op, "datetime or date_nanos", date);
    let date_result = |i: usize| {
        if a(i).data_type == T::DateNanos {
            T::DateNanos
        } else {
            T::Date
        }
    };
    Ok(match f {
        Abs => {
            expect(a(0), "", op, "numeric", T::is_numeric)?;
            a(0).data_type
        }
        Case => {
            let mut values: Vec<(&Arg, usize)> = Vec::new();
            for i in 0..n {
                if i % 2 == 0 && i + 1 < n {
                    expect(a(i), ordinal(i), op, "boolean", |t| t == T::Boolean)?;
                } else {
                    values.push((a(i), i));
                }
            }
            let (vals, idx): (Vec<&Arg>, Vec<usize>) = values.into_iter().unzip();
            same_types(&vals, &idx, op)?
        }
        CidrMatch => {
            expect(a(0), ordinal(0), op, "ip", |t| t == T::Ip)?;
            for i in 1..n {
                str_arg(i, ordinal(i))?;
            }
            T::Boolean
        }
        Coalesce => {
            expect(
                a(0),
                ordinal(0),
                op,
                "any type except counter types",
                representable,
            )?;
            let all: Vec<&Arg> = args.iter().collect();
            let idx: Vec<usize> = (0..n).collect();
            same_types(&all, &idx, op)?
        }
        Concat => {
            for i in 0..n {
                str_arg(i, "")?;
            }
            T::Keyword
        }
        Contains | EndsWith | StartsWith => {
            str_arg(0, ordinal(0))?;
            str_arg(1, ordinal(1))?;
            T::Boolean
        }
        DateDiff => {
            str_arg(0, ordinal(0))?;
            date_arg(1, ordinal(1))?;
            date_arg(2, ordinal(2))?;
            T::Integer
        }
        DateExtract => {
            str_arg(0, ordinal(0))?;
            date_arg(1, ordinal(1))?;
            T::Long
        }
        DateFormat => {
            if n == 2 {
                str_arg(0, ordinal(0))?;
            }
            date_arg(n - 1, ordinal(n - 1))?;
            T::Keyword
        }
        DateParse => {
            for i in 0..n {
                str_arg(i, ordinal(i))?;
            }
            T::Date
        }
        DateTrunc => {
            expect(a(0), ordinal(0), op, "dateperiod or timeduration", |t| {
                matches!(t, T::DatePeriod | T::TimeDuration)
            })?;
            date_arg(1, ordinal(1))?;
            date_result(1)
        }
        Greatest | Least => {
            let accepted = "boolean, date, ip, string or numeric";
            expect(a(0), ordinal(0), op, accepted, |t| {
                sortable(t) && t != T::UnsignedLong
            })?;
            let all: Vec<&Arg> = args.iter().collect();
            let idx: Vec<usize> = (0..n).collect();
            same_types(&all, &idx, op)?
        }
        Left | Right | Repeat => {
            str_arg(0, ordinal(0))?;
            int_arg(1)?;
            T::Keyword
        }
        Length => {
            str_arg(0, "")?;
            T::Integer
        }
        Locate => {
            str_arg(0, ordinal(0))?;
            str_arg(1, ordinal(1))?;
            if n == 3 {
                int_arg(2)?;
            }
            T::Integer
        }
        Ltrim | Rtrim | Trim | Reverse | ToLower | ToUpper | FromBase64 | ToBase64 | UrlDecode => {
            str_arg(0, "")?;
            T::Keyword
        }
        MvAppend | MvIntersection | MvContains => {
            expect(a(0), ordinal(0), op, "representable", representable)?;
            let all = [a(0), a(1)];
            let ty = same_types(&all, &[0, 1], op)?;
            if f == MvContains { T::Boolean } else { ty }
        }
        MvAvg => {
            expect(a(0), "", op, "numeric", T::is_numeric)?;
            T::Double
        }
        MvMedian | MvSum => {
            expect(a(0), "", op, "numeric", T::is_numeric)?;
            a(0).data_type
        }
        MvConcat => {
            str_arg(0, ordinal(0))?;
            str_arg(1, ordinal(1))?;
            T::Keyword
        }
        MvCount => {
            expect(a(0), "", op, "any type except counter types", representable)?;
            T::Integer
        }
        MvDedupe | MvFirst | MvLast => {
            expect(a(0), "", op, "any type except counter types", representable)?;
            a(0).data_type.text_as_keyword()
        }
        MvMax | MvMin => {
            expect(a(0), "", op, "representable except spatial types", sortable)?;
            a(0).data_type.text_as_keyword()
        }
        MvSlice => {
            expect(
                a(0),
                ordinal(0),
                op,
                "any type except counter types",
                representable,
            )?;
            int_arg(1)?;
            if n == 3 {
                int_arg(2)?;
            }
            a(0).data_type.text_as_keyword()
        }
        MvSort => {
            let accepted =
                "boolean, date, date_nanos, double, integer, ip, keyword, long, text or version";
            expect(a(0), ordinal(0), op, accepted, sortable)?;
            if n == 2 {
                str_arg(1, ordinal(1))?;
                if let Some(crate::Value::Keyword(o)) = &a(1).constant
                    && !o.eq_ignore_ascii_case("asc")
                    && !o.eq_ignore_ascii_case("desc")
                {
                    return Err(format!(
                        "Invalid order value in [{op}], expected one of [ASC, DESC] but got [{o}]"
                    ));
                }
            }
            a(0).data_type.text_as_keyword()
        }
        Now => T::Date,
        Pi | E => T::Double,
        Pow => {
            expect(a(0), ordinal(0), op, "numeric", T::is_numeric)?;
            expect(a(1), ordinal(1), op, "numeric", T::is_numeric)?;
            T::Double
        }
        Replace => {
            for i in 0..3 {
                str_arg(i, ordinal(i))?;
            }
            T::Keyword
        }
        Round => {
            expect(a(0), ordinal(0), op, "numeric", T::is_numeric)?;
            if n == 2 {
                let accepted = "whole number except unsigned_long or counter types";
                expect(a(1), ordinal(1), op, accepted, |t| {
                    matches!(t, T::Integer | T::Long)
                })?;
            }
            a(0).data_type
        }
        Space => {
            expect(a(0), "", op, "integer", |t| t == T::Integer)?;
            T::Keyword
        }
        Split => {
            str_arg(0, ordinal(0))?;
            str_arg(1, ordinal(1))?;
            T::Keyword
        }
        Substring => {
            str_arg(0, ordinal(0))?;
            int_arg(1)?;
            if n == 3 {
                int_arg(2)?;
            }
            T::Keyword
        }
        ToBoolean | ToDatetime | ToDouble | ToInteger | ToIp | ToLong | ToString
        | ToUnsignedLong | ToVersion => {
            let to = conversion_target(f).unwrap_or(T::Keyword);
            check_conversion(to, op, a(0))?;
            to
        }
    })
}

/// The result type of a `to_*` conversion function.
pub fn conversion_target(f: ScalarFunction) -> Option<DataType> {
    use ScalarFunction::*;
    Some(match f {
        ToBoolean => DataType::Boolean,
        ToDatetime => DataType::Date,
        ToDouble => DataType::Double,
        ToInteger => DataType::Integer,
        ToIp => DataType::Ip,
        ToLong => DataType::Long,
        ToString => DataType::Keyword,
        ToUnsignedLong => DataType::UnsignedLong,
        ToVersion => DataType::Version,
        _ => return None,
    })
}

/// The conversion function ES uses for a `::type` cast to `to` (text casts convert like `to_string`).
pub fn conversion_function(to: DataType) -> Option<ScalarFunction> {
    use ScalarFunction::*;
    Some(match to {
        DataType::Boolean => ToBoolean,
        DataType::Date => ToDatetime,
        DataType::Double => ToDouble,
        DataType::Integer => ToInteger,
        DataType::Ip => ToIp,
        DataType::Long => ToLong,
        DataType::Keyword | DataType::Text => ToString,
        DataType::UnsignedLong => ToUnsignedLong,
        DataType::Version => ToVersion,
        _ => return None,
    })
}

/// Checks that `arg` can be converted to `to` (a `to_*` call or a `::` cast), with ES's message
/// (`argument of [false::ip] must be [ip or string], found value [false] type [boolean]`).
pub fn check_conversion(to: DataType, op: &str, arg: &Arg) -> Result<(), String> {
    use DataType as T;
    let (accepted, ok): (&str, fn(DataType) -> bool) = match to {
        T::Boolean => ("boolean or numeric or string", |t| {
            t == T::Boolean || t.is_numeric() || t.is_string()
        }),
        T::Date => ("date_nanos or datetime or numeric or string", |t| {
            t.is_date() || t.is_numeric() || t.is_string()
        }),
        T::Double => (
            "boolean or counter_double or counter_integer or counter_long or datetime or numeric or string",
            |t| t == T::Boolean || t == T::Date || t.is_numeric() || t.is_string(),
        ),
        T::Integer => (
            "boolean or counter_integer or datetime or numeric or string",
            |t| t == T::Boolean || t == T::Date || t.is_numeric() || t.is_string(),
        ),
        T::Long => (
            "boolean or counter_integer or counter_long or date_nanos or datetime or numeric or string",
            |t| t == T::Boolean || t.is_date() || t.is_numeric() || t.is_string(),
        ),
        T::UnsignedLong => ("boolean or datetime or numeric or string", |t| {
            t == T::Boolean || t == T::Date || t.is_numeric() || t.is_string()
        }),
        T::Ip => ("ip or string", |t| t == T::Ip || t.is_string()),
        T::Version => ("string or version", |t| t == T::Version || t.is_string()),
        T::Keyword | T::Text => (
            "boolean or cartesian_point or cartesian_shape or date_nanos or datetime or geo_point or geo_shape or ip or numeric or string or version",
            representable,
        ),
        _ => return Err(format!("unsupported: conversion to [{}] in [{op}]", to)),
    };
    expect(arg, "", op, accepted, ok)
}

/// ES's mixed-numeric casting for `coalesce`, `case`, `greatest` and `least`: when every numeric
/// argument widens to the first numeric argument's type, the others are converted to it. Returns the
/// conversion (if any) for each argument.
pub fn mixed_numeric_casts(f: ScalarFunction, args: &[Arg]) -> Vec<Option<DataType>> {
    use ScalarFunction::*;
    let mut out = vec![None; args.len()];
    if !matches!(f, Coalesce | Case | Greatest | Least) {
        return out;
    }
    let Some(target) = args.iter().map(|a| a.data_type).find(|t| t.is_numeric()) else {
        return out;
    };
    let all_widen = args
        .iter()
        .filter(|a| a.data_type.is_numeric())
        .all(|a| common_numeric(a.data_type, target) == Some(target));
    if all_widen {
        for (o, a) in out.iter_mut().zip(args) {
            if a.data_type.is_numeric() && a.data_type != target {
                *o = Some(target);
            }
        }
    }
    out
}

/// ES's error for a type mismatch, for callers that check an argument by hand.
pub fn mismatch(ordinal_prefix: &str, op: &str, accepted: &str, arg: &Arg) -> String {
    type_error(ordinal_prefix, op, accepted, arg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    fn arg(t: DataType, name: &str) -> Arg {
        Arg::new(t, name)
    }

    #[test]
    fn string_functions_check_and_type() {
        // ChangeCase uses the DEFAULT ordinal and `isString` ("string").
        assert_eq!(
            resolve(
                ScalarFunction::ToLower,
                "to_lower(x)",
                &[arg(DataType::Long, "x")]
            ),
            Err("argument of [to_lower(x)] must be [string], found value [x] type [long]".into())
        );
        assert_eq!(
            resolve(
                ScalarFunction::ToLower,
                "to_lower(m)",
                &[arg(DataType::Text, "m")]
            ),
            Ok(DataType::Keyword)
        );
        assert_eq!(
            resolve(
                ScalarFunction::Length,
                "length(null)",
                &[arg(DataType::Null, "null")]
            ),
            Ok(DataType::Integer)
        );
    }

    #[test]
    fn round_messages_match_verifier_tests() {
        // VerifierTests.testRoundFunctionInvalidInputs
        let b = arg(DataType::Keyword, "b");
        assert_eq!(
            resolve(ScalarFunction::Round, "round(b)", std::slice::from_ref(&b)),
            Err(
                "first argument of [round(b)] must be [numeric], found value [b] type [keyword]"
                    .into()
            )
        );
        let a = arg(DataType::Integer, "a");
        assert_eq!(
            resolve(ScalarFunction::Round, "round(a, b)", &[a.clone(), b]),
            Err("second argument of [round(a, b)] must be [whole number except unsigned_long or counter types], found value [b] type [keyword]".into())
        );
        let d = Arg::constant(DataType::Double, "3.5", Value::Double(3.5));
        assert!(
            resolve(ScalarFunction::Round, "round(a, 3.5)", &[a, d])
                .unwrap_err()
                .contains("found value [3.5] type [double]")
        );
    }

    #[test]
    fn coalesce_case_greatest_require_one_type() {
        // VerifierTests.testConditionalFunctionsWithMixedNumericTypes
        let args = [
            arg(DataType::Integer, "languages"),
            arg(DataType::Double, "height"),
        ];
        assert_eq!(
            mixed_numeric_casts(ScalarFunction::Coalesce, &args),
            vec![None, None]
        );
        assert_eq!(
            resolve(ScalarFunction::Coalesce, "coalesce(languages, height)", &args),
            Err("second argument of [coalesce(languages, height)] must be [integer], found value [height] type [double]".into())
        );
        let widen = [arg(DataType::Long, "l"), arg(DataType::Integer, "i")];
        assert_eq!(
            mixed_numeric_casts(ScalarFunction::Greatest, &widen),
            vec![None, Some(DataType::Long)]
        );
        let case = [
            arg(DataType::Boolean, "languages == 1"),
            arg(DataType::Integer, "salary"),
            arg(DataType::Double, "height"),
        ];
        assert_eq!(
            resolve(ScalarFunction::Case, "case(languages == 1, salary, height)", &case),
            Err("third argument of [case(languages == 1, salary, height)] must be [integer], found value [height] type [double]".into())
        );
        let kt = [
            arg(DataType::Null, "null"),
            arg(DataType::Text, "t"),
            arg(DataType::Keyword, "k"),
        ];
        assert_eq!(
            resolve(ScalarFunction::Coalesce, "coalesce(null, t, k)", &kt),
            Ok(DataType::Keyword)
        );
    }

    #[test]
    fn conversions_name_their_accepted_types() {
        // VerifierTests.testInlineImpossibleConvert
        assert_eq!(
            check_conversion(DataType::Ip, "false::ip", &arg(DataType::Boolean, "false")),
            Err("argument of [false::ip] must be [ip or string], found value [false] type [boolean]".into())
        );
        assert_eq!(
            conversion_function(DataType::Text),
            Some(ScalarFunction::ToString)
        );
        assert_eq!(
            resolve(
                ScalarFunction::ToLong,
                "to_long(x)",
                &[arg(DataType::Keyword, "x")]
            ),
            Ok(DataType::Long)
        );
    }

    #[test]
    fn arity_and_literal_targets() {
        assert_eq!(arity_error(ScalarFunction::Abs, 1), None);
        assert_eq!(
            arity_error(ScalarFunction::Abs, 2).as_deref(),
            Some("error building [abs]: expects exactly one argument")
        );
        assert_eq!(
            arity_error(ScalarFunction::Concat, 1).as_deref(),
            Some("error building [concat]: expects at least two arguments")
        );
        assert_eq!(
            arity_error(ScalarFunction::Round, 3).as_deref(),
            Some("error building [round]: expects one or two arguments")
        );
        assert_eq!(
            arity_error(ScalarFunction::Now, 1).as_deref(),
            Some("error building [now]: expects no arguments")
        );
        assert_eq!(
            literal_target(ScalarFunction::DateDiff, 1, 3),
            LiteralTarget::Type(DataType::Date)
        );
        assert_eq!(
            literal_target(ScalarFunction::DateTrunc, 0, 2),
            LiteralTarget::TemporalAmount
        );
        assert_eq!(
            literal_target(ScalarFunction::ToLower, 0, 1),
            LiteralTarget::Keep
        );
        assert_eq!(mv_behavior(ScalarFunction::MvMin), MvBehavior::WholeValue);
        assert_eq!(
            mv_behavior(ScalarFunction::Concat),
            MvBehavior::SingleValued
        );
    }

    #[test]
    fn date_functions_accept_dates_and_keep_nanos() {
        let d = arg(DataType::DateNanos, "n");
        let i = Arg::constant(
            DataType::TimeDuration,
            "1 hour",
            Value::TimeDuration(3_600_000),
        );
        assert_eq!(
            resolve(ScalarFunction::DateTrunc, "date_trunc(1 hour, n)", &[i, d]),
            Ok(DataType::DateNanos)
        );
        let bad = arg(DataType::Keyword, "\"1\"");
        assert!(
            resolve(
                ScalarFunction::DateTrunc,
                "date_trunc(\"1\", d)",
                &[bad, arg(DataType::Date, "d")]
            )
            .unwrap_err()
            .starts_with(
                "first argument of [date_trunc(\"1\", d)] must be [dateperiod or timeduration]"
            )
        );
    }
}
