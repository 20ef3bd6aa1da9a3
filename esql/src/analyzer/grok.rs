//! GROK patterns: expansion of `%{SYNTAX:SEMANTIC:TYPE}` references into one regular expression, and
//! the extracted keys and types (shared by the analyzer and both evaluators).
//!
//! ES|QL's GROK uses the ECS-compatible built-in pattern set; the extracted columns are the named
//! captures sorted by name, typed `keyword` unless the reference says `int` (integer), `long`,
//! `float`/`double` (double) or `boolean` (ES `Grok.Parser.extractedFields`). The definitions below are
//! detsim's own regular expressions for the standard pattern names, written for the `regex` crate:
//! look-behind guards and atomic groups of the originals are not available, so e.g. `NUMBER` may match
//! inside a longer token where ES's would not. Every named capture becomes a group `g<N>`.

use std::collections::BTreeMap;

use crate::DataType;

/// The built-in patterns detsim knows: name → regular expression (may reference other patterns).
const LIBRARY: &[(&str, &str)] = &[
    ("USERNAME", r"[a-zA-Z0-9._-]+"),
    ("USER", r"%{USERNAME}"),
    (
        "EMAILLOCALPART",
        r"[a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~]{1,64}(?:\.[a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~]{1,62}){0,63}",
    ),
    ("EMAILADDRESS", r"%{EMAILLOCALPART}@%{HOSTNAME}"),
    ("INT", r"(?:[+-]?[0-9]+)"),
    ("BASE10NUM", r"(?:[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))"),
    ("NUMBER", r"(?:%{BASE10NUM})"),
    ("BASE16NUM", r"(?:[+-]?(?:0x)?[0-9A-Fa-f]+)"),
    (
        "BASE16FLOAT",
        r"\b(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?|\.[0-9A-Fa-f]+))\b",
    ),
    ("POSINT", r"\b(?:[1-9][0-9]*)\b"),
    ("NONNEGINT", r"\b(?:[0-9]+)\b"),
    ("WORD", r"\b\w+\b"),
    ("NOTSPACE", r"\S+"),
    ("SPACE", r"\s*"),
    ("DATA", r".*?"),
    ("GREEDYDATA", r".*"),
    (
        "QUOTEDSTRING",
        r#"(?:"(?:\\.|[^\\"])*"|'(?:\\.|[^\\'])*'|`(?:\\.|[^\\`])*`)"#,
    ),
    ("QS", r"%{QUOTEDSTRING}"),
    (
        "UUID",
        r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    ),
    (
        "URN",
        r"urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9a-fA-F]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+",
    ),
    ("CISCOMAC", r"(?:(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4})"),
    ("WINDOWSMAC", r"(?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2})"),
    ("COMMONMAC", r"(?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2})"),
    ("MAC", r"(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})"),
    (
        "IPV4OCTET",
        r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    ),
    (
        "IPV4",
        r"(?:%{IPV4OCTET}\.%{IPV4OCTET}\.%{IPV4OCTET}\.%{IPV4OCTET})",
    ),
    (
        "IPV6",
        r"(?:(?:[0-9A-Fa-f]{1,4}:){7}(?:[0-9A-Fa-f]{1,4}|:)|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:)|(?:[0-9A-Fa-f]{1,4}:){6}%{IPV4}|::(?:[fF]{4}:)?%{IPV4})(?:%[0-9A-Za-z]+)?",
    ),
    ("IP", r"(?:%{IPV6}|%{IPV4})"),
    (
        "HOSTNAME",
        r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\.?|\b)",
    ),
    ("IPORHOST", r"(?:%{IP}|%{HOSTNAME})"),
    ("HOSTPORT", r"%{IPORHOST}:%{POSINT}"),
    ("UNIXPATH", r"(?:/[\w%!$@:.,+~-]*)+"),
    ("WINPATH", r"(?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+"),
    ("PATH", r"(?:%{UNIXPATH}|%{WINPATH})"),
    ("TTY", r"(?:/dev/(?:pts|tty[pq]?)(?:\w+)?/?[0-9]+)"),
    ("URIPROTO", r"[A-Za-z](?:[A-Za-z0-9+\-.]+)+"),
    ("URIHOST", r"%{IPORHOST}(?::%{POSINT})?"),
    ("URIPATH", r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+"),
    ("URIQUERY", r"[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*"),
    ("URIPARAM", r"\?%{URIQUERY}"),
    ("URIPATHPARAM", r"%{URIPATH}(?:\?%{URIQUERY})?"),
    (
        "URI",
        r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATH}(?:\?%{URIQUERY})?)?",
    ),
    (
        "MONTH",
        r"\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b",
    ),
    ("MONTHNUM", r"(?:0?[1-9]|1[0-2])"),
    ("MONTHNUM2", r"(?:0[1-9]|1[0-2])"),
    ("MONTHDAY", r"(?:0[1-9]|[12][0-9]|3[01]|[1-9])"),
    (
        "DAY",
        r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)",
    ),
    ("YEAR", r"(?:\d\d){1,2}"),
    ("HOUR", r"(?:2[0123]|[01]?[0-9])"),
    ("MINUTE", r"(?:[0-5][0-9])"),
    ("SECOND", r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)"),
    ("TIME", r"%{HOUR}:%{MINUTE}(?::%{SECOND})"),
    ("DATE_US", r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}"),
    ("DATE_EU", r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}"),
    ("ISO8601_TIMEZONE", r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))"),
    ("ISO8601_SECOND", r"%{SECOND}"),
    (
        "TIMESTAMP_ISO8601",
        r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",
    ),
    ("DATE", r"%{DATE_US}|%{DATE_EU}"),
    ("DATESTAMP", r"%{DATE}[- ]%{TIME}"),
    ("TZ", r"(?:[APMCE][SD]T|UTC)"),
    (
        "DATESTAMP_RFC822",
        r"%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}",
    ),
    (
        "DATESTAMP_RFC2822",
        r"%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}",
    ),
    (
        "DATESTAMP_OTHER",
        r"%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}",
    ),
    (
        "DATESTAMP_EVENTLOG",
        r"%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}",
    ),
    ("SYSLOGTIMESTAMP", r"%{MONTH} +%{MONTHDAY} %{TIME}"),
    ("PROG", r"[\x21-\x5a\x5c\x5e-\x7e]+"),
    (
        "SYSLOGPROG",
        r"%{PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?",
    ),
    ("SYSLOGHOST", r"%{IPORHOST}"),
    (
        "SYSLOGFACILITY",
        r"<%{NONNEGINT:[log][syslog][facility][code]:int}.%{NONNEGINT:[log][syslog][priority]:int}>",
    ),
    ("HTTPDATE", r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}"),
    (
        "SYSLOGBASE",
        r"%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}:",
    ),
    (
        "LOGLEVEL",
        r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)",
    ),
];

/// One named capture of a compiled grok pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrokCapture {
    /// The regex group name (`g0`, `g1`, …).
    pub group: String,
    /// The extracted key (column name), dotted for ECS `[a][b]` references.
    pub name: String,
    /// The key's type.
    pub data_type: DataType,
}

/// A grok pattern expanded to one regular expression (unanchored search, as ES's grok matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrokPattern {
    /// The expanded regular expression for the `regex` crate.
    pub regex: String,
    /// Named captures in pattern order (a key may appear in several captures).
    pub captures: Vec<GrokCapture>,
}

impl GrokPattern {
    /// The extracted keys sorted by name (ES orders GROK's new columns by name), each once.
    pub fn keys(&self) -> Vec<(String, DataType)> {
        let mut m: BTreeMap<&str, DataType> = BTreeMap::new();
        for c in &self.captures {
            m.entry(&c.name).or_insert(c.data_type);
        }
        m.into_iter().map(|(k, t)| (k.to_owned(), t)).collect()
    }
}

fn library(name: &str) -> Option<&'static str> {
    LIBRARY.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// The type of a grok `:type` suffix.
fn capture_type(t: Option<&str>) -> DataType {
    match t {
        Some("int") => DataType::Integer,
        Some("long") => DataType::Long,
        Some("float") | Some("double") => DataType::Double,
        Some("boolean") => DataType::Boolean,
        _ => DataType::Keyword,
    }
}

/// `[process][name]` → `process.name`; other names unchanged.
fn key_name(raw: &str) -> String {
    if raw.starts_with('[') && raw.ends_with(']') {
        raw[1..raw.len() - 1]
            .split("][")
            .collect::<Vec<_>>()
            .join(".")
    } else {
        raw.to_owned()
    }
}

/// Expands `pattern` (ES's message on failure, e.g. `Unable to find pattern [X] in Grok's pattern
/// dictionary`) and checks that the result compiles.
pub fn compile(pattern: &str) -> Result<GrokPattern, String> {
    let mut out = GrokPattern {
        regex: String::new(),
        captures: Vec::new(),
    };
    let mut regex = String::new();
    expand(pattern, &mut regex, &mut out.captures, 0)?;
    out.regex = regex;
    for pair in out.captures.iter().enumerate() {
        let (i, c) = pair;
        if let Some(prev) = out.captures[..i].iter().find(|p| p.name == c.name)
            && prev.data_type != c.data_type
        {
            return Err(format!(
                "Invalid GROK pattern [{pattern}]: the attribute [{}] is defined multiple times with different types",
                c.name
            ));
        }
    }
    regex::Regex::new(&out.regex).map_err(|e| format!("invalid regular expression: {e}"))?;
    Ok(out)
}

fn expand(
    src: &str,
    out: &mut String,
    caps: &mut Vec<GrokCapture>,
    depth: usize,
) -> Result<(), String> {
    if depth > 32 {
        return Err("circular reference in pattern".into());
    }
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
            }
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push(c);
            // A `]` right after `[` or `[^` is literal.
            if chars.get(i + 1) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            if chars.get(i + 1) == Some(&']') {
                out.push(']');
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == '%' && chars.get(i + 1) == Some(&'{') {
            let Some(end) = chars[i + 2..].iter().position(|&x| x == '}') else {
                out.push(c);
                i += 1;
                continue;
            };
            let body: String = chars[i + 2..i + 2 + end].iter().collect();
            let mut parts = body.splitn(3, ':');
            let syntax = parts.next().unwrap_or_default();
            let semantic = parts.next();
            let ty = parts.next();
            let def = library(syntax).ok_or_else(|| {
                format!("Unable to find pattern [{syntax}] in Grok's pattern dictionary")
            })?;
            match semantic {
                Some(name) if !name.is_empty() => {
                    let group = format!("g{}", caps.len());
                    caps.push(GrokCapture {
                        group: group.clone(),
                        name: key_name(name),
                        data_type: capture_type(ty),
                    });
                    out.push_str(&format!("(?P<{group}>"));
                    expand(def, out, caps, depth + 1)?;
                    out.push(')');
                }
                _ => {
                    out.push_str("(?:");
                    expand(def, out, caps, depth + 1)?;
                    out.push(')');
                }
            }
            i += end + 3;
            continue;
        }
        if c == '(' && chars.get(i + 1) == Some(&'?') {
            // Named groups `(?<name>` / `(?P<name>`; look-behind `(?<=` / `(?<!` is not a name.
            let (skip, named) = match (chars.get(i + 2), chars.get(i + 3)) {
                (Some('<'), Some(&n)) if n != '=' && n != '!' => (3, true),
                (Some('P'), Some('<')) => (4, true),
                (Some('>'), _) => {
                    // Atomic group: the `regex` crate has none; a plain group matches the same strings
                    // for the patterns grok users write.
                    out.push_str("(?:");
                    i += 3;
                    continue;
                }
                _ => (0, false),
            };
            if named && let Some(end) = chars[i + skip..].iter().position(|&x| x == '>') {
                let name: String = chars[i + skip..i + skip + end].iter().collect();
                let group = format!("g{}", caps.len());
                caps.push(GrokCapture {
                    group: group.clone(),
                    name: key_name(&name),
                    data_type: DataType::Keyword,
                });
                out.push_str(&format!("(?P<{group}>"));
                i += skip + end + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_patterns_expand_and_type() {
        // The GROK patterns of the curl/wget LLM triage rules and the DNS exfiltration rule.
        let p = compile("%{URIPROTO:url_protocol}://%{URIHOST:dest_host}").unwrap();
        assert_eq!(
            p.keys(),
            [
                ("dest_host".to_string(), DataType::Keyword),
                ("url_protocol".to_string(), DataType::Keyword)
            ]
        );
        let re = regex::Regex::new(&p.regex).unwrap();
        let m = re.captures("curl https://evil.example.com:8443/x").unwrap();
        assert_eq!(&m["g0"], "https");
        assert_eq!(&m["g1"], "evil.example.com:8443");
        let p = compile(
            r"%{INT:chunk_index:int}-%{DATA:chunk_payload}\.%{GREEDYDATA:Esql.base_domain}",
        )
        .unwrap();
        let keys: Vec<String> = p.keys().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["Esql.base_domain", "chunk_index", "chunk_payload"]);
        assert_eq!(p.captures[0].data_type, DataType::Integer);
        let p = compile(r"instanceId=(?<Esql.instance_id>[^,}\]]+)").unwrap();
        assert_eq!(
            p.keys(),
            [("Esql.instance_id".to_string(), DataType::Keyword)]
        );
        let re = regex::Regex::new(&p.regex).unwrap();
        assert_eq!(
            &re.captures("{instanceId=i-0abc, x}").unwrap()["g0"],
            "i-0abc"
        );
    }

    #[test]
    fn unknown_patterns_and_ecs_names() {
        assert_eq!(
            compile("%{NOPE:x}").unwrap_err(),
            "Unable to find pattern [NOPE] in Grok's pattern dictionary"
        );
        let p = compile("%{SYSLOGPROG}").unwrap();
        let keys: Vec<String> = p.keys().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["process.name", "process.pid"]);
        assert!(compile("%{NUMBER:a:int} %{NUMBER:a:long}").is_err());
        assert!(compile("(?<x>a)(?<=b)").is_err() || compile("(?<x>a)").is_ok());
    }
}
