//! Type rules of the aggregate functions detsim implements (STATS, INLINE STATS): arity, accepted
//! argument types, constant arguments and result types, with Elasticsearch's messages.
//!
//! Every aggregate reads all values of a multi-valued input (they are MV-aware).

use super::arg::{Arg, expect, expect_constant, ordinal};
use crate::functions::AggregateFunction;
use crate::{DataType, Value};

/// The accepted argument counts `(min, max)`.
pub fn arity(f: AggregateFunction) -> (usize, usize) {
    use AggregateFunction::*;
    match f {
        Count => (0, 1),
        CountDistinct => (1, 2),
        First | Last | Percentile | WeightedAvg => (2, 2),
        Top => (3, 3),
        Absent
        | Avg
        | Max
        | Median
        | MedianAbsoluteDeviation
        | Min
        | Present
        | StdDev
        | Sum
        | Values
        | Variance => (1, 1),
    }
}

/// ES's message for a wrong argument count, or `None`.
pub fn arity_error(f: AggregateFunction, n: usize) -> Option<String> {
    let (min, max) = arity(f);
    if (min..=max).contains(&n) {
        return None;
    }
    let words = ["no", "one", "two", "three"];
    let expects = if min == max {
        format!(
            "expects exactly {} argument{}",
            words[min],
            if min == 1 { "" } else { "s" }
        )
    } else if min == 0 {
        format!(
            "expects at most {} argument{}",
            words[max],
            if max == 1 { "" } else { "s" }
        )
    } else {
        format!("expects {} or {} arguments", words[min], words[max])
    };
    Some(format!("error building [{}]: {expects}", f.name()))
}

fn summable(t: DataType) -> bool {
    matches!(t, DataType::Integer | DataType::Long | DataType::Double)
}

fn min_max_type(t: DataType) -> bool {
    matches!(
        t,
        DataType::Boolean
            | DataType::Date
            | DataType::DateNanos
            | DataType::Double
            | DataType::Integer
            | DataType::Ip
            | DataType::Keyword
            | DataType::Long
            | DataType::Text
            | DataType::Version
    )
}

fn any_value(t: DataType) -> bool {
    !matches!(
        t,
        DataType::Unsupported | DataType::TimeDuration | DataType::DatePeriod
    )
}

/// Checks the arguments of aggregate `f` (count already checked) and returns its result type. `op` is
/// the verbatim call text.
pub fn resolve(f: AggregateFunction, op: &str, args: &[Arg]) -> Result<DataType, String> {
    use AggregateFunction::*;
    use DataType as T;
    let numeric_msg = "aggregate_metric_double or numeric except unsigned_long or counter types";
    Ok(match f {
        Avg => {
            expect(&args[0], "", op, numeric_msg, summable)?;
            T::Double
        }
        Sum => {
            expect(&args[0], "", op, numeric_msg, summable)?;
            match args[0].data_type {
                T::Double => T::Double,
                // spec:stats/sumOfNullConst `sum(null)` is of type null
                T::Null => T::Null,
                _ => T::Long,
            }
        }
        Median | MedianAbsoluteDeviation | StdDev | Variance => {
            expect(
                &args[0],
                "",
                op,
                "numeric except unsigned_long or counter types",
                summable,
            )?;
            T::Double
        }
        Percentile => {
            let accepted = "numeric except unsigned_long";
            expect(&args[0], ordinal(0), op, accepted, summable)?;
            expect(&args[1], ordinal(1), op, accepted, summable)?;
            expect_constant(&args[1], ordinal(1), op)?;
            T::Double
        }
        WeightedAvg => {
            let accepted = "numeric except unsigned_long or counter types";
            expect(&args[0], ordinal(0), op, accepted, summable)?;
            expect(&args[1], ordinal(1), op, accepted, summable)?;
            // ES's WeightedAvg.resolveType: a null weight, or a constant weight equal (Java `equals`)
            // to the integer 0 or the double 0.0, is rejected; a long 0 or a -0.0 passes.
            let bad_weight = match (&args[1].constant, args[1].data_type) {
                (_, T::Null) | (Some(Value::Null), _) => Some("null".to_owned()),
                (Some(Value::Integer(0)), _) => Some("0".to_owned()),
                (Some(Value::Double(d)), _) if *d == 0.0 && d.is_sign_positive() => {
                    Some("0.0".to_owned())
                }
                _ => None,
            };
            if let Some(v) = bad_weight {
                return Err(format!(
                    "{}argument of [{op}] cannot be null or 0, received [{v}]",
                    ordinal(1)
                ));
            }
            T::Double
        }
        Present | Absent => {
            if let Some(a) = args.first() {
                expect(a, "", op, "any type except counter types", any_value)?;
            }
            T::Boolean
        }
        Count => {
            if let Some(a) = args.first() {
                expect(a, "", op, "any type except counter types", any_value)?;
            }
            T::Long
        }
        CountDistinct => {
            let accepted = "any exact type except unsigned_long, _source, or counter types";
            expect(&args[0], "", op, accepted, |t| {
                any_value(t) && t != T::UnsignedLong && t != T::GeoPoint
            })?;
            if let Some(p) = args.get(1) {
                expect(p, ordinal(1), op, "integer", T::is_whole_number)?;
                expect_constant(p, ordinal(1), op)?;
            }
            T::Long
        }
        Max | Min => {
            let accepted = "representable except unsigned_long and spatial types";
            expect(&args[0], "", op, accepted, min_max_type)?;
            args[0].data_type.text_as_keyword()
        }
        Values => {
            expect(
                &args[0],
                "",
                op,
                "any type except unsigned_long and counter types",
                |t| any_value(t) && t != T::UnsignedLong,
            )?;
            args[0].data_type.text_as_keyword()
        }
        First | Last => {
            let accepted =
                "boolean, date, ip, string or numeric except unsigned_long or counter types";
            expect(&args[0], ordinal(0), op, accepted, |t| {
                min_max_type(t) && t != T::DateNanos
            })?;
            expect(&args[1], ordinal(1), op, "date or numeric", |t| {
                t.is_date() || (t.is_numeric() && t != T::UnsignedLong)
            })?;
            args[0].data_type.text_as_keyword()
        }
        Top => {
            let accepted =
                "boolean, date, ip, string or numeric except unsigned_long or counter types";
            expect(&args[0], ordinal(0), op, accepted, |t| {
                min_max_type(t) && t != T::DateNanos && t != T::Version
            })?;
            expect(&args[1], ordinal(1), op, "integer", |t| t == T::Integer)?;
            expect_constant(&args[1], ordinal(1), op)?;
            if let Some(Value::Integer(n)) = &args[1].constant
                && *n <= 0
            {
                return Err(format!(
                    "Limit must be greater than 0 in [{op}], found [{n}]"
                ));
            }
            expect(&args[2], ordinal(2), op, "keyword", T::is_string)?;
            expect_constant(&args[2], ordinal(2), op)?;
            if let Some(Value::Keyword(o)) = &args[2].constant
                && !o.eq_ignore_ascii_case("asc")
                && !o.eq_ignore_ascii_case("desc")
            {
                return Err(format!(
                    "Invalid order value in [{op}], expected [ASC, DESC] but got [{o}]"
                ));
            }
            args[0].data_type.text_as_keyword()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_types_follow_es() {
        let int = Arg::new(DataType::Integer, "languages");
        assert_eq!(
            resolve(
                AggregateFunction::Sum,
                "sum(languages)",
                std::slice::from_ref(&int)
            ),
            Ok(DataType::Long)
        );
        assert_eq!(
            resolve(
                AggregateFunction::Avg,
                "avg(languages)",
                std::slice::from_ref(&int)
            ),
            Ok(DataType::Double)
        );
        assert_eq!(
            resolve(
                AggregateFunction::Max,
                "max(languages)",
                std::slice::from_ref(&int)
            ),
            Ok(DataType::Integer)
        );
        let text = Arg::new(DataType::Text, "job");
        assert_eq!(
            resolve(
                AggregateFunction::Min,
                "min(job)",
                std::slice::from_ref(&text)
            ),
            Ok(DataType::Keyword)
        );
        assert_eq!(
            resolve(AggregateFunction::Values, "values(job)", &[text]),
            Ok(DataType::Keyword)
        );
        assert_eq!(
            resolve(AggregateFunction::Count, "count(*)", &[]),
            Ok(DataType::Long)
        );
    }

    #[test]
    fn messages_match_verifier_tests() {
        // VerifierTests.testSumOnDate (the 2025 wording)
        assert_eq!(
            resolve(AggregateFunction::Sum, "sum(hire_date)", &[Arg::new(DataType::Date, "hire_date")]),
            Err("argument of [sum(hire_date)] must be [aggregate_metric_double or numeric except unsigned_long or counter types], found value [hire_date] type [datetime]".into())
        );
        // VerifierTests.testAggsExpressionsInStatsAggs
        let l = Arg::new(DataType::Integer, "languages");
        assert_eq!(
            resolve(AggregateFunction::CountDistinct, "count_distinct(languages, languages)", &[l.clone(), l]),
            Err("second argument of [count_distinct(languages, languages)] must be a constant, received [languages]".into())
        );
        assert_eq!(
            arity_error(AggregateFunction::Count, 2).as_deref(),
            Some("error building [count]: expects at most one argument")
        );
        assert_eq!(arity_error(AggregateFunction::Count, 0), None);
    }

    /// WeightedAvg.resolveType (stats.csv-spec weightedAvgWeightZero uses a computed 0, which passes):
    /// a literal null or integer/double 0 weight is an error; Percentile.validate: a constant percentile.
    #[test]
    fn weighted_avg_and_percentile_arguments() {
        let salary = Arg::new(DataType::Integer, "salary");
        let zero = Arg::constant(DataType::Integer, "0", Value::Integer(0));
        assert_eq!(
            resolve(
                AggregateFunction::WeightedAvg,
                "weighted_avg(salary, 0)",
                &[salary.clone(), zero]
            ),
            Err(
                "second argument of [weighted_avg(salary, 0)] cannot be null or 0, received [0]"
                    .into()
            )
        );
        let null = Arg::constant(DataType::Null, "null", Value::Null);
        assert_eq!(
            resolve(AggregateFunction::WeightedAvg, "weighted_avg(salary, null)", &[salary.clone(), null]),
            Err("second argument of [weighted_avg(salary, null)] cannot be null or 0, received [null]".into())
        );
        let long_zero = Arg::constant(DataType::Long, "0", Value::Long(0));
        assert_eq!(
            resolve(
                AggregateFunction::WeightedAvg,
                "weighted_avg(salary, 0)",
                &[salary.clone(), long_zero]
            ),
            Ok(DataType::Double)
        );
        let w = Arg::new(DataType::Integer, "w");
        assert_eq!(
            resolve(
                AggregateFunction::WeightedAvg,
                "weighted_avg(salary, w)",
                &[salary.clone(), w.clone()]
            ),
            Ok(DataType::Double)
        );
        assert_eq!(
            resolve(
                AggregateFunction::Percentile,
                "percentile(salary, w)",
                &[salary.clone(), w]
            ),
            Err(
                "second argument of [percentile(salary, w)] must be a constant, received [w]"
                    .into()
            )
        );
        for f in [
            AggregateFunction::StdDev,
            AggregateFunction::Variance,
            AggregateFunction::MedianAbsoluteDeviation,
        ] {
            assert_eq!(
                resolve(f, "f(salary)", std::slice::from_ref(&salary)),
                Ok(DataType::Double)
            );
        }
        let ip = Arg::new(DataType::Ip, "ip");
        assert!(
            resolve(
                AggregateFunction::StdDev,
                "std_dev(ip)",
                std::slice::from_ref(&ip)
            )
            .is_err()
        );
        assert_eq!(
            resolve(
                AggregateFunction::Present,
                "present(ip)",
                std::slice::from_ref(&ip)
            ),
            Ok(DataType::Boolean)
        );
        assert_eq!(
            arity_error(AggregateFunction::Percentile, 1).as_deref(),
            Some("error building [percentile]: expects exactly two arguments")
        );
    }
}
