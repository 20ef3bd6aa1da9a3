//! The built-in grok pattern dictionary ES|QL's GROK uses: the ECS-compatible ("ecs-v1") core set
//! (Elasticsearch `Grok.pattern` asks `GrokBuiltinPatterns.get(true)`).
//!
//! The definitions are detsim's own formulation of the well-known pattern semantics, written so that
//! they match the same strings *in the same way* under a backtracking engine with look-around and
//! atomic groups (`fancy-regex`, standing in for Elasticsearch's Joni): alternatives keep their order,
//! look-behind guards and atomic groups are kept, and only the capture structure inside a pattern is
//! simplified where it cannot change a match (grok's unnamed groups do not capture once named groups
//! exist, so `(x+)+` may be written `x+`). A reference to another pattern is written `%{NAME}`, and the
//! ECS names of the syslog patterns (`[process][name]`, …) are part of the dictionary, as in ES.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One octet of a dotted IPv4 address, in the alternative order grok uses.
const V4_OCTET: &str = r"(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])";
/// One octet as written inside grok's IPV6 (embedded IPv4 forms).
const V6_EMBEDDED_OCTET: &str = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)";
/// One 16-bit group of an IPv6 address.
const H16: &str = "[0-9A-Fa-f]{1,4}";

/// IPv4 with the digit guards on both sides.
fn ipv4() -> String {
    let o = V4_OCTET;
    format!(r"(?<![0-9])(?:{o}[.]{o}[.]{o}[.]{o})(?![0-9])")
}

/// IPv6 in grok's shape: for `k` = 7 down to 0 leading groups, the ways to finish the address
/// (explicit groups, `::` compression, an embedded IPv4, or a trailing `:`), then an optional zone.
fn ipv6() -> String {
    let v4 = format!(r"{V6_EMBEDDED_OCTET}(?:\.{V6_EMBEDDED_OCTET}){{3}}");
    let tail = |min: usize, max: usize| format!("(?::{H16}){{{min},{max}}}");
    let mut branches = Vec::new();
    // Seven leading groups: one more group, or a trailing `::`.
    branches.push(format!("(?:{H16}:){{7}}(?:{H16}|:)"));
    // Six leading groups: `:h`, an IPv4 or `:`.
    branches.push(format!("(?:{H16}:){{6}}(?::{H16}|{v4}|:)"));
    // Five leading groups: one or two more groups, `:` + IPv4, or `:`.
    branches.push(format!("(?:{H16}:){{5}}(?:{}|:{v4}|:)", tail(1, 2)));
    // Four to one leading groups: more groups after `::`, an IPv4 after some groups, or `:`.
    for lead in (1..=4usize).rev() {
        let more = 7 - lead;
        let before_v4 = if lead == 4 {
            format!("(?::{H16})?")
        } else {
            tail(0, more - 2)
        };
        branches.push(format!(
            "(?:{H16}:){{{lead}}}(?:{}|{before_v4}:{v4}|:)",
            tail(1, more)
        ));
    }
    // No leading group: `::…`.
    branches.push(format!(":(?:{}|{}:{v4}|:)", tail(1, 7), tail(0, 5)));
    format!("(?:{})(?:%.+)?", branches.join("|"))
}

/// The month names (English and German abbreviations) grok accepts.
const MONTH: &str = r"\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b";

/// Log level words in their usual spellings.
const LOGLEVEL: &str = "(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)";

/// Characters of an e-mail local part (RFC 5322 atext).
const EMAIL_ATEXT: &str = r"[a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~]";

fn build() -> BTreeMap<&'static str, String> {
    let mut m: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut def = |name: &'static str, regex: String| {
        m.insert(name, regex);
    };
    // Names and numbers.
    def("USERNAME", "[a-zA-Z0-9._-]+".into());
    def("USER", "%{USERNAME}".into());
    def(
        "EMAILLOCALPART",
        format!(r"{EMAIL_ATEXT}{{1,64}}(?:\.{EMAIL_ATEXT}{{1,62}}){{0,63}}"),
    );
    def("EMAILADDRESS", "%{EMAILLOCALPART}@%{HOSTNAME}".into());
    def("INT", "(?:[+-]?(?:[0-9]+))".into());
    // A decimal number not glued to a preceding digit, dot or sign; atomic, as in grok.
    def(
        "BASE10NUM",
        r"(?<![0-9.+-])(?>[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))".into(),
    );
    def("NUMBER", "(?:%{BASE10NUM})".into());
    def(
        "BASE16NUM",
        "(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+))".into(),
    );
    def(
        "BASE16FLOAT",
        r"\b(?<![0-9A-Fa-f.])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?|\.[0-9A-Fa-f]+))\b"
            .into(),
    );
    def("POSINT", r"\b(?:[1-9][0-9]*)\b".into());
    def("NONNEGINT", r"\b(?:[0-9]+)\b".into());
    def("WORD", r"\b\w+\b".into());
    def("NOTSPACE", r"\S+".into());
    def("SPACE", r"\s*".into());
    def("DATA", ".*?".into());
    def("GREEDYDATA", ".*".into());
    // A quoted string in double, single or back quotes, backslash escapes inside, not preceded by a
    // backslash; the whole match is atomic.
    let quoted = |q: &str| format!(r#"{q}(?:\\.|[^\\{q}])+{q}|{q}{q}"#);
    def(
        "QUOTEDSTRING",
        format!(
            r"(?>(?<!\\)(?>{}|{}|{}))",
            quoted("\""),
            quoted("'"),
            quoted("`")
        ),
    );
    def(
        "UUID",
        "[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}".into(),
    );
    def(
        "URN",
        "urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9a-fA-F]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+"
            .into(),
    );

    // Networking.
    def("MAC", "(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})".into());
    def(
        "CISCOMAC",
        r"(?:(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4})".into(),
    );
    def(
        "WINDOWSMAC",
        "(?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2})".into(),
    );
    def(
        "COMMONMAC",
        "(?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2})".into(),
    );
    def("IPV6", ipv6());
    def("IPV4", ipv4());
    def("IP", "(?:%{IPV6}|%{IPV4})".into());
    def(
        "HOSTNAME",
        r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\.?|\b)"
            .into(),
    );
    def("IPORHOST", "(?:%{IP}|%{HOSTNAME})".into());
    def("HOSTPORT", "%{IPORHOST}:%{POSINT}".into());

    // Paths (absolute only) and URIs.
    def("PATH", "(?:%{UNIXPATH}|%{WINPATH})".into());
    def(
        "UNIXPATH",
        r"(?:/[\p{Alphabetic}\p{Nd}_%!$@:.,+~-]*)+".into(),
    );
    def(
        "TTY",
        r"(?:/dev/(?:pts|tty(?:[pq])?)(?:\w+)?/?(?:[0-9]+))".into(),
    );
    def("WINPATH", r"(?>[A-Za-z]+:|\\)(?:\\[^\\?*]*)+".into());
    def("URIPROTO", r"[A-Za-z][A-Za-z0-9+\-.]+".into());
    def("URIHOST", "%{IPORHOST}(?::%{POSINT})?".into());
    def(
        "URIPATH",
        r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+".into(),
    );
    def(
        "URIQUERY",
        r"[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*".into(),
    );
    def("URIPARAM", r"\?%{URIQUERY}".into());
    def("URIPATHPARAM", r"%{URIPATH}(?:\?%{URIQUERY})?".into());
    def(
        "URI",
        r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATH}(?:\?%{URIQUERY})?)?"
            .into(),
    );

    // Dates and times.
    def("MONTH", MONTH.into());
    def("MONTHNUM", "(?:0?[1-9]|1[0-2])".into());
    def("MONTHNUM2", "(?:0[1-9]|1[0-2])".into());
    def(
        "MONTHDAY",
        "(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])".into(),
    );
    def(
        "DAY",
        "(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)"
            .into(),
    );
    def("YEAR", r"(?>\d\d){1,2}".into());
    def("HOUR", "(?:2[0123]|[01]?[0-9])".into());
    def("MINUTE", "(?:[0-5][0-9])".into());
    def("SECOND", "(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)".into());
    // The leading guard is grok's own `(?!<[0-9])` (a look-ahead for `<digit>`), kept as it behaves.
    def(
        "TIME",
        "(?!<[0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])".into(),
    );
    def("DATE_US", "%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}".into());
    def("DATE_EU", "%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}".into());
    def(
        "ISO8601_TIMEZONE",
        "(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))".into(),
    );
    def("ISO8601_SECOND", "%{SECOND}".into());
    def(
        "TIMESTAMP_ISO8601",
        "%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?"
            .into(),
    );
    def("DATE", "%{DATE_US}|%{DATE_EU}".into());
    def("DATESTAMP", "%{DATE}[- ]%{TIME}".into());
    def("TZ", "(?:[APMCE][SD]T|UTC)".into());
    def(
        "DATESTAMP_RFC822",
        "%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}".into(),
    );
    def(
        "DATESTAMP_RFC2822",
        "%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}".into(),
    );
    def(
        "DATESTAMP_OTHER",
        "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}".into(),
    );
    def(
        "DATESTAMP_EVENTLOG",
        "%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}".into(),
    );

    // Syslog.
    def("SYSLOGTIMESTAMP", "%{MONTH} +%{MONTHDAY} %{TIME}".into());
    def("PROG", r"[\x21-\x5a\x5c\x5e-\x7e]+".into());
    def(
        "SYSLOGPROG",
        r"%{PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?".into(),
    );
    def("SYSLOGHOST", "%{IPORHOST}".into());
    def(
        "SYSLOGFACILITY",
        "<%{NONNEGINT:[log][syslog][facility][code]:int}.%{NONNEGINT:[log][syslog][priority]:int}>"
            .into(),
    );
    def(
        "HTTPDATE",
        "%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}".into(),
    );
    def("QS", "%{QUOTEDSTRING}".into());
    def(
        "SYSLOGBASE",
        "%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}:"
            .into(),
    );
    def("LOGLEVEL", LOGLEVEL.into());
    m
}

static LIBRARY: LazyLock<BTreeMap<&'static str, String>> = LazyLock::new(build);

/// The definition of the built-in pattern `name`, if there is one (names are case-sensitive).
pub fn definition(name: &str) -> Option<&'static str> {
    LIBRARY.get(name).map(String::as_str)
}

/// Every built-in pattern name, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    LIBRARY.keys().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every definition compiles on its own once its references are expanded.
    #[test]
    fn every_definition_expands_and_compiles() {
        for name in names() {
            let p = crate::grok::compile(&format!("%{{{name}}}"))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            fancy_regex::Regex::new(&p.regex).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(names().count() >= 60);
    }

    #[test]
    fn ipv6_covers_the_compressed_forms() {
        let re = fancy_regex::Regex::new(&format!("^(?:{})$", ipv6())).unwrap();
        for ok in [
            "2001:db8:0:0:0:0:2:1",
            "2001:db8::2:1",
            "::1",
            "::",
            "fe80::1%eth0",
            "::ffff:192.0.2.128",
            "1::",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4::1.2.3.4",
        ] {
            assert!(re.is_match(ok).unwrap(), "{ok}");
        }
        for bad in ["1:2", "12345::", "1:2:3:4:5:6:7:8:9", "g::1"] {
            assert!(!re.is_match(bad).unwrap(), "{bad}");
        }
    }
}
