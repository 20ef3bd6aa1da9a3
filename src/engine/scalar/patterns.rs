//! LIKE, RLIKE and GROK patterns, compiled once per evaluation and shared by every row.
//!
//! LIKE patterns are classified (exact, prefix, suffix, contains, match-all) and matched with plain
//! string operations, falling back to the wildcard matcher; RLIKE patterns are Lucene regular expressions
//! translated to anchored `regex` automata (an invalid pattern is an execution error, as in ES); a
//! pattern that matches every string makes the test `true` for every non-null input, even a multi-value
//! (ES rewrites it to IS NOT NULL). GROK patterns are expanded with the shared library and compiled with
//! `fancy-regex`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use esql::algo::lucene_regexp::{self, RegexpError};
use esql::algo::wildcard::{self, Shape};
use esql::grok::GrokPattern;
use esql::plan::Expr;
use esql::{EvalError, Value};

use super::Scope;

/// One compiled string test.
#[derive(Debug)]
enum Test {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Wildcard(String),
    Regex(regex::Regex),
}

impl Test {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Test::Exact(p) => s == p,
            Test::Prefix(p) => s.starts_with(p.as_str()),
            Test::Suffix(p) => s.ends_with(p.as_str()),
            Test::Contains(p) => memchr::memmem::find(s.as_bytes(), p.as_bytes()).is_some(),
            Test::Wildcard(p) => wildcard::wildcard_match(p, s),
            Test::Regex(r) => r.is_match(s),
        }
    }
}

/// A compiled LIKE or RLIKE pattern list.
#[derive(Debug)]
pub struct Matcher {
    /// Some pattern matches every string.
    all: bool,
    tests: Vec<Test>,
}

impl Matcher {
    /// True when some pattern matches `s`.
    pub fn is_match(&self, s: &str) -> bool {
        self.all || self.tests.iter().any(|t| t.is_match(s))
    }
}

/// A compiled GROK command.
#[derive(Debug)]
pub struct Grok {
    /// The expansion (regular expression and captures).
    pub pattern: GrokPattern,
    /// The compiled expression.
    pub regex: fancy_regex::Regex,
}

/// Compiled patterns by their source, safe to share between threads.
#[derive(Debug, Default)]
pub struct PatternCache {
    like: RwLock<HashMap<Vec<String>, Arc<Matcher>>>,
    rlike: RwLock<HashMap<Vec<String>, Arc<Matcher>>>,
    grok: RwLock<HashMap<Vec<String>, Arc<Grok>>>,
}

fn cached<T>(
    map: &RwLock<HashMap<Vec<String>, Arc<T>>>,
    key: &[String],
    build: impl FnOnce() -> Result<T, EvalError>,
) -> Result<Arc<T>, EvalError> {
    if let Ok(m) = map.read()
        && let Some(t) = m.get(key)
    {
        return Ok(t.clone());
    }
    let t = Arc::new(build()?);
    if let Ok(mut m) = map.write() {
        m.insert(key.to_vec(), t.clone());
    }
    Ok(t)
}

fn regexp_error(e: RegexpError) -> EvalError {
    match e {
        RegexpError::Unsupported { .. } => EvalError::Unsupported(e.to_string()),
        RegexpError::Invalid { .. } => EvalError::Execution(e.to_string()),
    }
}

impl PatternCache {
    /// The matcher of LIKE `patterns`.
    pub fn like(&self, patterns: &[String]) -> Arc<Matcher> {
        let built = cached(&self.like, patterns, || {
            let mut m = Matcher {
                all: false,
                tests: Vec::new(),
            };
            for p in patterns {
                match wildcard::classify(p) {
                    Shape::All => m.all = true,
                    Shape::Exact(l) => m.tests.push(Test::Exact(l)),
                    Shape::Prefix(l) => m.tests.push(Test::Prefix(l)),
                    Shape::Suffix(l) => m.tests.push(Test::Suffix(l)),
                    Shape::Contains(l) => m.tests.push(Test::Contains(l)),
                    Shape::General => m.tests.push(Test::Wildcard(p.clone())),
                }
                if wildcard::matches_all(p) {
                    m.all = true;
                }
            }
            Ok(m)
        });
        built.unwrap_or_else(|_| {
            Arc::new(Matcher {
                all: false,
                tests: Vec::new(),
            })
        })
    }

    /// The matcher of RLIKE `patterns` (an invalid pattern is an error).
    pub fn rlike(&self, patterns: &[String]) -> Result<Arc<Matcher>, EvalError> {
        cached(&self.rlike, patterns, || {
            let mut m = Matcher {
                all: false,
                tests: Vec::new(),
            };
            for p in patterns {
                let node = lucene_regexp::parse(p).map_err(regexp_error)?;
                if lucene_regexp::matches_all(&node) {
                    m.all = true;
                    return Ok(m);
                }
                m.tests.push(Test::Regex(
                    lucene_regexp::compile(p).map_err(regexp_error)?,
                ));
            }
            Ok(m)
        })
    }

    /// The compiled GROK command of `patterns`.
    pub fn grok(&self, patterns: &[String]) -> Result<Arc<Grok>, EvalError> {
        cached(&self.grok, patterns, || {
            let bad = |e: String| EvalError::Execution(format!("GROK {patterns:?}: {e}"));
            let pattern = esql::grok::compile_all(patterns).map_err(|e| bad(e.to_string()))?;
            let regex = fancy_regex::Regex::new(&pattern.regex).map_err(|e| bad(e.to_string()))?;
            Ok(Grok { pattern, regex })
        })
    }
}

/// `value LIKE/RLIKE patterns` with the compiled `m`.
pub fn test(
    expr: &Expr,
    value: &Value,
    m: &Matcher,
    s: &mut Scope<'_>,
) -> Result<Value, EvalError> {
    if m.all {
        return Ok(Value::Boolean(!value.is_null()));
    }
    let Some(v) = s.single(expr, value) else {
        return Ok(Value::Null);
    };
    match v {
        Value::Keyword(t) => Ok(Value::Boolean(m.is_match(t))),
        other => Err(EvalError::Internal(format!(
            "[{}]: pattern test on {other:?}",
            expr.text
        ))),
    }
}
