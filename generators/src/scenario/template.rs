//! Text templates of scenario files: `{random:lower:8}`, `{choice:a|b}`, `{ip:public}`, host
//! variables (`{webroot}`, `{hostname}`, `{web_user}`, `{sh}`, `{php_sessions}`, `{home}`) and the
//! scenario's own `[vars]`.
//!
//! A template is parsed once (errors point into the file) and rendered per host of an instance with a
//! random stream derived from the instance, so the random parts are the same on every host of an
//! instance (an attack repeated on many hosts reuses its dropper's name).

use std::collections::BTreeMap;

use crate::rng::{CharClass, SimRng};

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// `{random:<class>:<len>}`.
    Random(CharClass, usize),
    /// `{choice:a|b|c}`.
    Choice(Vec<String>),
    /// `{ip:public}` / `{ip:internal}`.
    Ip(bool),
    /// `{name}`: a host variable or a scenario variable.
    Var(String),
}

/// A parsed template, keeping its source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The text as written.
    pub source: String,
    /// Its pieces.
    pub pieces: Vec<Piece>,
}

/// The host variables every template may use.
pub const HOST_VARS: &[&str] = &[
    "webroot",
    "hostname",
    "web_user",
    "sh",
    "php_sessions",
    "home",
    "address",
    "crontab_dir",
];

impl Template {
    /// Parses `text`; `vars` are the names a `{name}` may refer to besides [`HOST_VARS`].
    pub fn parse(text: &str, vars: &[String]) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut lit = String::new();
        while let Some(open) = rest.find('{') {
            lit.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in template `{text}`"))?;
            let inner = &after[..close];
            if !lit.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut lit)));
            }
            pieces.push(Self::parse_piece(inner, vars)?);
            rest = &after[close + 1..];
        }
        lit.push_str(rest);
        if lit.contains('}') {
            return Err(format!("unmatched `}}` in template `{text}`"));
        }
        if !lit.is_empty() {
            pieces.push(Piece::Text(lit));
        }
        Ok(Template {
            source: text.to_string(),
            pieces,
        })
    }

    fn parse_piece(inner: &str, vars: &[String]) -> Result<Piece, String> {
        let parts: Vec<&str> = inner.splitn(3, ':').collect();
        match parts.as_slice() {
            ["random", class, len] => {
                let class = CharClass::parse(class)
                    .ok_or_else(|| format!("unknown character class `{class}` (use lower, upper, lowerdigits, alnum, hex, digits)"))?;
                let len: usize = len
                    .parse()
                    .map_err(|_| format!("`{len}` is not a length in `{{{inner}}}`"))?;
                if !(1..=64).contains(&len) {
                    return Err(format!("random length {len} must be between 1 and 64"));
                }
                Ok(Piece::Random(class, len))
            }
            ["choice", rest @ ..] if !rest.is_empty() => {
                let all = inner["choice:".len()..]
                    .split('|')
                    .map(String::from)
                    .collect::<Vec<_>>();
                if all.iter().any(String::is_empty) {
                    return Err(format!("empty alternative in `{{{inner}}}`"));
                }
                Ok(Piece::Choice(all))
            }
            ["ip", "public"] => Ok(Piece::Ip(true)),
            ["ip", "internal"] => Ok(Piece::Ip(false)),
            [name] if HOST_VARS.contains(name) || vars.iter().any(|v| v == name) => {
                Ok(Piece::Var(name.to_string()))
            }
            _ => Err(format!(
                "unknown placeholder `{{{inner}}}` (use {{random:CLASS:N}}, {{choice:a|b}}, {{ip:public}}, {{ip:internal}}, a [vars] name, or one of {})",
                HOST_VARS.join(", ")
            )),
        }
    }

    /// Renders the template.
    pub fn render(&self, rng: &mut SimRng, vars: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Random(class, len) => out.push_str(&rng.string(*class, *len)),
                Piece::Choice(items) => {
                    let item: &String = rng.pick(items.as_slice());
                    out.push_str(item)
                }
                Piece::Ip(true) => {
                    let first = *rng.pick(&[45u64, 79, 91, 103, 146, 185, 193, 212]);
                    out.push_str(&format!(
                        "{first}.{}.{}.{}",
                        rng.range(1, 254),
                        rng.range(1, 254),
                        rng.range(1, 254)
                    ));
                }
                Piece::Ip(false) => out.push_str(&format!(
                    "10.{}.{}.{}",
                    rng.range(0, 20),
                    rng.range(0, 31),
                    rng.range(10, 250)
                )),
                Piece::Var(name) => out.push_str(vars.get(name).map(String::as_str).unwrap_or("")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders() {
        let vars = vec!["drop".to_string()];
        let t = Template::parse("{webroot}/up/{random:lower:8}.php", &vars).unwrap();
        let mut ctx = BTreeMap::new();
        ctx.insert("webroot".to_string(), "/var/www/html".to_string());
        let s = t.render(&mut SimRng::new(1), &ctx);
        assert!(
            s.starts_with("/var/www/html/up/") && s.ends_with(".php"),
            "{s}"
        );
        assert_eq!(s.len(), "/var/www/html/up/".len() + 12);
        let same = t.render(&mut SimRng::new(1), &ctx);
        assert_eq!(s, same);
        assert!(Template::parse("{drop}", &vars).is_ok());
        assert!(
            Template::parse("{nope}", &vars)
                .unwrap_err()
                .contains("unknown placeholder")
        );
        assert!(Template::parse("{random:klingon:3}", &vars).is_err());
        assert!(Template::parse("{random:lower:0}", &vars).is_err());
        assert!(Template::parse("a{b", &vars).is_err());
        let c = Template::parse("{choice:scp|rsync}", &vars).unwrap();
        let r = c.render(&mut SimRng::new(2), &ctx);
        assert!(r == "scp" || r == "rsync");
    }
}
