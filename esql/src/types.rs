//! ES|QL data types, as the `_query` API and csv-spec headers name them.

use std::fmt;
use std::str::FromStr;

/// The type of an ES|QL column or expression.
///
/// Index field types are widened as ES|QL reads them: `byte`/`short` → [`DataType::Integer`],
/// `float`/`half_float`/`scaled_float` → [`DataType::Double`], `wildcard`/`constant_keyword` →
/// [`DataType::Keyword`], `match_only_text` → [`DataType::Text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    /// The type of the `null` literal.
    Null,
    /// `boolean`.
    Boolean,
    /// 32-bit signed `integer`.
    Integer,
    /// 64-bit signed `long`.
    Long,
    /// 64-bit `unsigned_long`.
    UnsignedLong,
    /// 64-bit float `double`.
    Double,
    /// `keyword` (also wildcard and constant_keyword fields).
    Keyword,
    /// `text` (analysed strings; functions over text return keyword).
    Text,
    /// `ip` (IPv4 or IPv6).
    Ip,
    /// `version` (semantic versions ordered as ES orders them).
    Version,
    /// `date`: milliseconds since the epoch (printed `datetime` by csv-spec, `date` by `_query`).
    Date,
    /// `date_nanos`: nanoseconds since the epoch.
    DateNanos,
    /// `time_duration`: a fixed span such as `1 hour` (literals only).
    TimeDuration,
    /// `date_period`: a calendar span such as `1 month` (literals only).
    DatePeriod,
    /// `geo_point` and other types ES|QL can load but detsim does not evaluate.
    GeoPoint,
    /// A field ES|QL cannot read (conflicting or unsupported mapping types).
    Unsupported,
}

impl DataType {
    /// The name the `_query` API uses for this type.
    pub fn es_name(self) -> &'static str {
        match self {
            DataType::Null => "null",
            DataType::Boolean => "boolean",
            DataType::Integer => "integer",
            DataType::Long => "long",
            DataType::UnsignedLong => "unsigned_long",
            DataType::Double => "double",
            DataType::Keyword => "keyword",
            DataType::Text => "text",
            DataType::Ip => "ip",
            DataType::Version => "version",
            DataType::Date => "date",
            DataType::DateNanos => "date_nanos",
            DataType::TimeDuration => "time_duration",
            DataType::DatePeriod => "date_period",
            DataType::GeoPoint => "geo_point",
            DataType::Unsupported => "unsupported",
        }
    }

    /// True for integer, long, unsigned_long and double.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            DataType::Integer | DataType::Long | DataType::UnsignedLong | DataType::Double
        )
    }

    /// True for integer, long and unsigned_long.
    pub fn is_whole_number(self) -> bool {
        matches!(
            self,
            DataType::Integer | DataType::Long | DataType::UnsignedLong
        )
    }

    /// True for keyword and text.
    pub fn is_string(self) -> bool {
        matches!(self, DataType::Keyword | DataType::Text)
    }

    /// True for date and date_nanos.
    pub fn is_date(self) -> bool {
        matches!(self, DataType::Date | DataType::DateNanos)
    }

    /// The result type of a function or aggregate over this type where ES turns text into keyword.
    pub fn text_as_keyword(self) -> DataType {
        if self == DataType::Text {
            DataType::Keyword
        } else {
            self
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.es_name())
    }
}

/// An unknown type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown data type [{0}]")]
pub struct UnknownType(pub String);

impl FromStr for DataType {
    type Err = UnknownType;

    /// Parses `_query` names, csv-spec abbreviations (`i`, `l`, `d`, `k`, `s`, `dt`, …) and cast names
    /// (`::datetime`, `::string`, `::int`, `::bool`), case-insensitively.
    fn from_str(s: &str) -> Result<DataType, UnknownType> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "null" | "n" => DataType::Null,
            "boolean" | "bool" => DataType::Boolean,
            "integer" | "int" | "i" | "short" | "byte" => DataType::Integer,
            "long" | "l" => DataType::Long,
            "unsigned_long" | "ul" => DataType::UnsignedLong,
            "double" | "d" | "float" | "half_float" | "scaled_float" => DataType::Double,
            "keyword" | "k" | "s" | "string" | "wildcard" | "constant_keyword" => DataType::Keyword,
            "text" | "txt" | "match_only_text" => DataType::Text,
            "ip" => DataType::Ip,
            "version" | "v" => DataType::Version,
            "date" | "dt" | "datetime" => DataType::Date,
            "date_nanos" => DataType::DateNanos,
            "time_duration" => DataType::TimeDuration,
            "date_period" => DataType::DatePeriod,
            "geo_point" => DataType::GeoPoint,
            "unsupported" => DataType::Unsupported,
            other => return Err(UnknownType(other.to_owned())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_spec_abbreviations_parse() {
        assert_eq!("i".parse(), Ok(DataType::Integer));
        assert_eq!("DT".parse(), Ok(DataType::Date));
        assert_eq!("s".parse(), Ok(DataType::Keyword));
        assert_eq!(" ul ".parse(), Ok(DataType::UnsignedLong));
        assert!("nope".parse::<DataType>().is_err());
    }
}
