//! The ES|QL functions detsim knows, by name. One list for the analyzer and both evaluators.
//!
//! Names are matched case-insensitively. A call to a name missing here is an analysis error
//! (`Unknown function [x]`), never a silent null. Type rules for each function live in the analyzer
//! (`analyzer/signatures.rs`); evaluation lives in each evaluator's `functions/` folder.

use std::fmt;

macro_rules! function_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every function of this kind.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The canonical (lower-case) name.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// Looks a function up by name, case-insensitively.
            pub fn from_name(name: &str) -> Option<$name> {
                let lower = name.to_ascii_lowercase();
                match lower.as_str() {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

function_enum! {
    /// Scalar (row-wise) functions.
    ScalarFunction {
        /// `abs(n)`
        Abs => "abs",
        /// `case(cond, value, …, [else])`
        Case => "case",
        /// `cidr_match(ip, block, …)`
        CidrMatch => "cidr_match",
        /// `coalesce(a, b, …)`
        Coalesce => "coalesce",
        /// `concat(a, b, …)`
        Concat => "concat",
        /// `contains(s, sub)`
        Contains => "contains",
        /// `date_diff(unit, start, end)`
        DateDiff => "date_diff",
        /// `date_extract(part, date)`
        DateExtract => "date_extract",
        /// `date_format([format,] date)`
        DateFormat => "date_format",
        /// `date_parse([format,] string)`
        DateParse => "date_parse",
        /// `date_trunc(interval, date)`
        DateTrunc => "date_trunc",
        /// `e()`: Euler's number
        E => "e",
        /// `ends_with(s, suffix)`
        EndsWith => "ends_with",
        /// `from_base64(s)`
        FromBase64 => "from_base64",
        /// `greatest(a, …)`
        Greatest => "greatest",
        /// `least(a, …)`
        Least => "least",
        /// `left(s, n)`
        Left => "left",
        /// `length(s)`
        Length => "length",
        /// `locate(s, sub, [start])`
        Locate => "locate",
        /// `ltrim(s)`
        Ltrim => "ltrim",
        /// `mv_append(a, b)`
        MvAppend => "mv_append",
        /// `mv_avg(mv)`
        MvAvg => "mv_avg",
        /// `mv_concat(mv, sep)`
        MvConcat => "mv_concat",
        /// `mv_contains(superset, subset)`
        MvContains => "mv_contains",
        /// `mv_count(mv)`
        MvCount => "mv_count",
        /// `mv_dedupe(mv)`
        MvDedupe => "mv_dedupe",
        /// `mv_first(mv)`
        MvFirst => "mv_first",
        /// `mv_intersection(a, b)`
        MvIntersection => "mv_intersection",
        /// `mv_last(mv)`
        MvLast => "mv_last",
        /// `mv_max(mv)`
        MvMax => "mv_max",
        /// `mv_median(mv)`
        MvMedian => "mv_median",
        /// `mv_min(mv)`
        MvMin => "mv_min",
        /// `mv_slice(mv, start, [end])`
        MvSlice => "mv_slice",
        /// `mv_sort(mv, [order])`
        MvSort => "mv_sort",
        /// `mv_sum(mv)`
        MvSum => "mv_sum",
        /// `now()`
        Now => "now",
        /// `pi()`
        Pi => "pi",
        /// `pow(base, exp)`
        Pow => "pow",
        /// `repeat(s, n)`
        Repeat => "repeat",
        /// `replace(s, regex, replacement)`
        Replace => "replace",
        /// `reverse(s)`
        Reverse => "reverse",
        /// `right(s, n)`
        Right => "right",
        /// `round(n, [decimals])`
        Round => "round",
        /// `rtrim(s)`
        Rtrim => "rtrim",
        /// `space(n)`
        Space => "space",
        /// `split(s, delim)`
        Split => "split",
        /// `starts_with(s, prefix)`
        StartsWith => "starts_with",
        /// `substring(s, start, [length])`
        Substring => "substring",
        /// `to_base64(s)`
        ToBase64 => "to_base64",
        /// `to_boolean(v)` / `to_bool`
        ToBoolean => "to_boolean",
        /// `to_datetime(v)` / `to_dt`
        ToDatetime => "to_datetime",
        /// `to_double(v)` / `to_dbl`
        ToDouble => "to_double",
        /// `to_integer(v)` / `to_int`
        ToInteger => "to_integer",
        /// `to_ip(v)`
        ToIp => "to_ip",
        /// `to_long(v)`
        ToLong => "to_long",
        /// `to_lower(s)`
        ToLower => "to_lower",
        /// `to_string(v)` / `to_str`
        ToString => "to_string",
        /// `to_unsigned_long(v)` / `to_ul` / `to_ulong`
        ToUnsignedLong => "to_unsigned_long",
        /// `to_upper(s)`
        ToUpper => "to_upper",
        /// `to_version(v)` / `to_ver`
        ToVersion => "to_version",
        /// `trim(s)`
        Trim => "trim",
        /// `url_decode(s)`
        UrlDecode => "url_decode",
    }
}

function_enum! {
    /// Aggregate functions (STATS).
    AggregateFunction {
        /// `avg(n)`
        Avg => "avg",
        /// `count([expr|*])`
        Count => "count",
        /// `count_distinct(expr, [precision])`
        CountDistinct => "count_distinct",
        /// `first(value, sort)`
        First => "first",
        /// `last(value, sort)`
        Last => "last",
        /// `max(v)`
        Max => "max",
        /// `median(n)`
        Median => "median",
        /// `median_absolute_deviation(n)`
        MedianAbsoluteDeviation => "median_absolute_deviation",
        /// `min(v)`
        Min => "min",
        /// `percentile(n, p)`
        Percentile => "percentile",
        /// `present(v)`: whether any value exists
        Present => "present",
        /// `absent(v)`: whether no value exists
        Absent => "absent",
        /// `std_dev(n)`: population standard deviation
        StdDev => "std_dev",
        /// `sum(n)`
        Sum => "sum",
        /// `top(v, limit, order)`
        Top => "top",
        /// `values(v)`
        Values => "values",
        /// `variance(n)` / `std_var`: population variance
        Variance => "variance",
        /// `weighted_avg(n, weight)`
        WeightedAvg => "weighted_avg",
    }
}

/// Alternative spellings ES accepts for a few functions, mapped to their canonical name.
pub fn canonical_alias(name: &str) -> &str {
    match name.to_ascii_lowercase().as_str() {
        "to_bool" => "to_boolean",
        "to_dt" => "to_datetime",
        "to_dbl" => "to_double",
        "to_int" => "to_integer",
        "to_str" => "to_string",
        "to_ul" | "to_ulong" => "to_unsigned_long",
        "to_ver" => "to_version",
        "std_var" => "variance",
        _ => name,
    }
}

/// Functions Elasticsearch has that detsim does not implement. A call to one of these is an analysis
/// error naming the function as unsupported (never a silent null); any other unknown name is ES's
/// `Unknown function [x]`.
pub const UNSUPPORTED_FUNCTIONS: &[&str] = &[
    // full-text and scoring
    "kql",
    "match",
    "match_phrase",
    "multi_match",
    "qstr",
    "term",
    "knn",
    "score",
    "decay",
    "top_snippets",
    "extract_snippets",
    "chunk",
    "embedding",
    "embed_text",
    // spatial
    "st_centroid_agg",
    "st_contains",
    "st_disjoint",
    "st_distance",
    "st_envelope",
    "st_extent_agg",
    "st_geohash",
    "st_geohex",
    "st_geotile",
    "st_intersects",
    "st_npoints",
    "st_simplify",
    "st_within",
    "st_x",
    "st_xmax",
    "st_xmin",
    "st_y",
    "st_ymax",
    "st_ymin",
    "to_cartesianpoint",
    "to_cartesianshape",
    "to_geopoint",
    "to_geoshape",
    "to_geohash",
    "to_geohex",
    "to_geotile",
    // conversions and types detsim does not model
    "to_date_nanos",
    "to_datenanos",
    "to_dateperiod",
    "to_timeduration",
    "to_degrees",
    "to_radians",
    "to_aggregate_metric_double",
    "to_dense_vector",
    "to_tdigest",
    "to_exponential_histogram",
    // math
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cbrt",
    "ceil",
    "copy_sign",
    "cos",
    "cosh",
    "exp",
    "floor",
    "hypot",
    "log",
    "log10",
    "scalb",
    "signum",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "tau",
    "clamp",
    "clamp_max",
    "clamp_min",
    "round_to",
    // strings, hashes, network, dates
    "bit_length",
    "byte_length",
    "hash",
    "md5",
    "sha1",
    "sha256",
    "ip_prefix",
    "network_direction",
    "url_encode",
    "url_encode_component",
    "json_extract",
    "field_extract",
    "ascii",
    "day_name",
    "month_name",
    "date_unit_count",
    "days_in_month",
    "in_range",
    // multi-value
    "mv_contains_all",
    "mv_except",
    "mv_intersects",
    "mv_overlaps",
    "mv_median_absolute_deviation",
    "mv_percentile",
    "mv_pseries_weighted_sum",
    "mv_union",
    "mv_zip",
    // grouping and aggregates
    "bucket",
    "tbucket",
    "categorize",
    "sample",
    "earliest",
    "latest",
    "all_first",
    "all_last",
    "rate",
    "irate",
    "idelta",
    "delta",
    "deriv",
    "increase",
    "avg_over_time",
    "count_over_time",
    "count_distinct_over_time",
    "first_over_time",
    "last_over_time",
    "max_over_time",
    "min_over_time",
    "sum_over_time",
    "absent_over_time",
    "present_over_time",
];

/// True when `name` (any case) is an Elasticsearch function detsim does not implement.
pub fn is_unsupported(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    UNSUPPORTED_FUNCTIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_case_insensitively() {
        for f in ScalarFunction::ALL {
            assert_eq!(
                ScalarFunction::from_name(&f.name().to_uppercase()),
                Some(*f)
            );
        }
        for f in AggregateFunction::ALL {
            assert_eq!(AggregateFunction::from_name(f.name()), Some(*f));
        }
        assert_eq!(
            ScalarFunction::from_name(canonical_alias("TO_INT")),
            Some(ScalarFunction::ToInteger)
        );
        assert_eq!(ScalarFunction::from_name("kql"), None);
        assert!(
            is_unsupported("KQL")
                && is_unsupported("st_distance")
                && is_unsupported("json_extract")
        );
        assert!(!is_unsupported("to_lower"));
        for f in UNSUPPORTED_FUNCTIONS {
            assert!(
                ScalarFunction::from_name(f).is_none() && AggregateFunction::from_name(f).is_none(),
                "{f}"
            );
        }
    }
}
