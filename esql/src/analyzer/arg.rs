//! Function and operator arguments as the type checks see them, and ES's type-error wording.

use crate::{DataType, Value};

/// One argument of a call or operator, as the type rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// Its type (`Null` for the `null` literal).
    pub data_type: DataType,
    /// ES's `Expressions.name(e)`: a column's name, otherwise the verbatim source text.
    pub name: String,
    /// Its value when the argument is a constant ES can fold.
    pub constant: Option<Value>,
}

impl Arg {
    /// A non-constant argument.
    pub fn new(data_type: DataType, name: impl Into<String>) -> Arg {
        Arg {
            data_type,
            name: name.into(),
            constant: None,
        }
    }

    /// A constant argument.
    pub fn constant(data_type: DataType, name: impl Into<String>, value: Value) -> Arg {
        Arg {
            data_type,
            name: name.into(),
            constant: Some(value),
        }
    }

    /// True when the argument is the null type (every type check accepts it).
    pub fn is_null(&self) -> bool {
        self.data_type == DataType::Null
    }
}

/// The type name ES prints in messages (`DataType.typeName()`): `datetime` for dates.
pub fn type_name(t: DataType) -> &'static str {
    match t {
        DataType::Date => "datetime",
        other => other.es_name(),
    }
}

/// The upper-case name ES prints in some messages (`Condition expression needs to be boolean, found
/// [INTEGER]`).
pub fn type_name_upper(t: DataType) -> String {
    type_name(t).to_ascii_uppercase()
}

/// ES's parameter ordinal prefix: `""` (DEFAULT), `"first "`, `"second "`, … for argument `index`.
pub fn ordinal(index: usize) -> &'static str {
    match index {
        0 => "first ",
        1 => "second ",
        2 => "third ",
        3 => "fourth ",
        4 => "fifth ",
        _ => "",
    }
}

/// `{ordinal}argument of [{op}] must be [{accepted}], found value [{name}] type [{type}]`.
pub fn type_error(ordinal: &str, op: &str, accepted: &str, arg: &Arg) -> String {
    format!(
        "{ordinal}argument of [{op}] must be [{accepted}], found value [{}] type [{}]",
        arg.name,
        type_name(arg.data_type)
    )
}

/// Checks `pred` on `arg` (the null type always passes), producing ES's type error otherwise.
pub fn expect(
    arg: &Arg,
    ordinal: &str,
    op: &str,
    accepted: &str,
    pred: impl Fn(DataType) -> bool,
) -> Result<(), String> {
    if arg.is_null() || pred(arg.data_type) {
        Ok(())
    } else {
        Err(type_error(ordinal, op, accepted, arg))
    }
}

/// `{ordinal}argument of [{op}] must be a constant, received [{name}]`.
pub fn expect_constant(arg: &Arg, ordinal: &str, op: &str) -> Result<(), String> {
    if arg.constant.is_some() {
        Ok(())
    } else {
        Err(format!(
            "{ordinal}argument of [{op}] must be a constant, received [{}]",
            arg.name
        ))
    }
}

/// Joins accepted type names as ES does: `a, b or c`.
pub fn accepted_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// ES's `commonType` of two numeric types (integer < long < double; unsigned_long only with itself).
pub fn common_numeric(a: DataType, b: DataType) -> Option<DataType> {
    use DataType::*;
    match (a, b) {
        (x, y) if x == y => Some(x),
        (Null, x) | (x, Null) => Some(x),
        (Double, y) | (y, Double) if y.is_numeric() && y != UnsignedLong => Some(Double),
        (Long, Integer) | (Integer, Long) => Some(Long),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_use_es_wording() {
        let a = Arg::new(DataType::Long, "x");
        assert_eq!(
            type_error("", "to_lower(x)", "string", &a),
            "argument of [to_lower(x)] must be [string], found value [x] type [long]"
        );
        let d = Arg::new(DataType::Date, "hire_date");
        assert_eq!(
            type_error(ordinal(1), "f(a, hire_date)", "numeric", &d),
            "second argument of [f(a, hire_date)] must be [numeric], found value [hire_date] type [datetime]"
        );
        assert_eq!(
            accepted_list(&["date_nanos", "datetime", "numeric"]),
            "date_nanos, datetime or numeric"
        );
        assert!(
            expect(
                &Arg::new(DataType::Null, "null"),
                "",
                "f(null)",
                "numeric",
                |t| t.is_numeric()
            )
            .is_ok()
        );
        assert_eq!(
            expect_constant(&Arg::new(DataType::Integer, "languages"), ordinal(1), "count_distinct(languages, languages)"),
            Err("second argument of [count_distinct(languages, languages)] must be a constant, received [languages]".into())
        );
        assert_eq!(
            common_numeric(DataType::Integer, DataType::Double),
            Some(DataType::Double)
        );
        assert_eq!(common_numeric(DataType::UnsignedLong, DataType::Long), None);
    }
}
