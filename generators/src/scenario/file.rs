//! Scenario files: the TOML schema, validation with file/line/column errors, and the compiled
//! [`Scenario`]; [`Scenario::to_toml`] writes a scenario back in the same schema (round trip).
//!
//! ```toml
//! id = "webshell-upload-php-fpm"
//! description = "A web shell is uploaded through a vulnerable PHP app and written by a php-fpm worker"
//! techniques = ["T1505.003"]
//! rules = ["894b7cc9-040b-427c-aca5-36b40d3667bf"]
//! expect = "detect"                 # or "miss", with reason = "…"
//! hosts = { role = "php-fpm", count = 1 }
//!
//! [[step]]
//! as = "worker"                     # bind a live process of the host
//! select = { name = "php-fpm*" }
//!
//! [[step]]
//! action = "file.create"            # exec | file.create | file.rename | file.delete | exit
//! by = "worker"
//! path = "{webroot}/uploads/{random:lower:8}.php"
//! after = "2m..30m"
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::template::Template;
use crate::fleet::Role;
use crate::sim::script::{Merge, Selector};
use crate::time::SpanRange;

/// An error in a scenario or profile file, with its location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct SourceError {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl SourceError {
    /// An error at byte `offset` of `text`.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> SourceError {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        SourceError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    /// Converts a TOML decoding error.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> SourceError {
        let offset = err.span().map_or(0, |s| s.start);
        SourceError::at(file, text, offset, err.message().trim().to_string())
    }
}

/// Whether the seed rules are expected to catch the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The target rules alert on the scenario.
    Detect,
    /// They do not; `reason` says why.
    Miss {
        /// Why the rules miss it.
        reason: String,
    },
}

/// Which hosts an instance runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRequirement {
    /// A role key or tag (`web-php`, `php-fpm`, `tomcat`, `any`, …).
    pub role: String,
    /// How many distinct hosts.
    pub count: u32,
    /// Start offsets between hosts.
    pub spread: SpanRange,
}

/// File operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOp {
    /// `file.create`
    Create,
    /// `file.rename`
    Rename,
    /// `file.delete`
    Delete,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// Bind a live process of the host to `alias`.
    Select {
        /// Alias.
        alias: String,
        /// Criteria.
        selector: Selector,
    },
    /// Fork `by` and exec.
    Exec {
        /// Parent alias.
        by: String,
        /// Alias of the new process.
        alias: Option<String>,
        /// Executable path.
        executable: Template,
        /// argv.
        args: Vec<Template>,
        /// Account to run as (default: the parent's).
        user: Option<String>,
        /// Working directory.
        cwd: Option<Template>,
        /// How long the process lives.
        lifetime: SpanRange,
        /// Aggregation policy.
        merge: Merge,
        /// Number of executions.
        repeat: u32,
        /// Spacing of repeated executions.
        interval: SpanRange,
    },
    /// A file operation by `by`.
    File {
        /// Actor alias.
        by: String,
        /// Operation.
        op: FileOp,
        /// Path (for renames: the old path).
        path: Template,
        /// New path for renames.
        to: Option<Template>,
        /// Size in bytes.
        size: Option<u64>,
    },
    /// `by` exits.
    Exit {
        /// Alias.
        by: String,
    },
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What it does.
    pub kind: StepKind,
    /// Delay after the previous step.
    pub after: SpanRange,
    /// Technique override.
    pub technique: Option<String>,
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Unique id.
    pub id: String,
    /// What happens.
    pub description: String,
    /// MITRE ATT&CK technique ids.
    pub techniques: Vec<String>,
    /// Target rule ids.
    pub rules: Vec<String>,
    /// Expected outcome.
    pub expect: Expect,
    /// Instances per dataset.
    pub instances: u32,
    /// Host requirement.
    pub hosts: HostRequirement,
    /// Start window as offsets from the dataset start (default: the whole period, with margins).
    pub at: Option<SpanRange>,
    /// Instance variables, rendered once per instance.
    pub vars: BTreeMap<String, Template>,
    /// Steps.
    pub steps: Vec<Step>,
    /// The file it came from.
    pub source: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawHosts {
    role: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<Spanned<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    spread: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawSelect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    executable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(rename = "as", default, skip_serializing_if = "Option::is_none")]
    alias: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    select: Option<Spanned<RawSelect>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    executable: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    args: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cwd: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lifetime: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merge: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    technique: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    repeat: Option<Spanned<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    interval: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    id: Spanned<String>,
    description: String,
    techniques: Spanned<Vec<String>>,
    rules: Vec<String>,
    expect: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    instances: Option<Spanned<u32>>,
    hosts: RawHosts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    vars: BTreeMap<String, Spanned<String>>,
    #[serde(rename = "step", default)]
    steps: Vec<Spanned<RawStep>>,
}

const DEFAULT_AFTER: &str = "1s..5s";
const DEFAULT_LIFETIME: &str = "2s..30s";
const DEFAULT_INTERVAL: &str = "20s..2m";

fn merge_name(m: Merge) -> &'static str {
    match m {
        Merge::Profile => "profile",
        Merge::Never => "none",
        Merge::ForkExec => "fork-exec",
        Merge::ForkExecEnd => "fork-exec-end",
    }
}

fn is_technique(t: &str) -> bool {
    let b = t.as_bytes();
    let base = b.len() >= 5 && b[0] == b'T' && b[1..5].iter().all(u8::is_ascii_digit);
    base && (b.len() == 5
        || (b.len() == 9 && b[5] == b'.' && b[6..].iter().all(u8::is_ascii_digit)))
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        msg: impl Into<String>,
    ) -> Result<T, SourceError> {
        Err(SourceError::at(self.file, self.text, span.start, msg))
    }

    fn span_range(&self, s: &Spanned<String>, what: &str) -> Result<SpanRange, SourceError> {
        SpanRange::parse(s.get_ref()).or_else(|e| self.err(s.span(), format!("{what}: {e}")))
    }

    fn template(&self, s: &Spanned<String>, vars: &[String]) -> Result<Template, SourceError> {
        Template::parse(s.get_ref(), vars).or_else(|e| self.err(s.span(), e))
    }
}

impl Scenario {
    /// Parses and validates a scenario file (`file` names it in errors).
    pub fn parse(file: &str, text: &str) -> Result<Scenario, SourceError> {
        let raw: RawScenario =
            toml::from_str(text).map_err(|e| SourceError::from_toml(file, text, &e))?;
        let cx = Ctx { file, text };
        let id = raw.id.get_ref().clone();
        if id.is_empty()
            || !id
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        {
            return cx.err(
                raw.id.span(),
                format!("id `{id}` must be non-empty lower-case letters, digits and dashes"),
            );
        }
        if raw.techniques.get_ref().is_empty() {
            return cx.err(
                raw.techniques.span(),
                "techniques must list at least one MITRE ATT&CK id",
            );
        }
        if let Some(bad) = raw.techniques.get_ref().iter().find(|t| !is_technique(t)) {
            return cx.err(
                raw.techniques.span(),
                format!("`{bad}` is not a MITRE ATT&CK technique id (T1234 or T1234.001)"),
            );
        }
        let expect = match (raw.expect.get_ref().as_str(), &raw.reason) {
            ("detect", None) => Expect::Detect,
            ("detect", Some(_)) => {
                return cx.err(raw.expect.span(), "`reason` is only for expect = \"miss\"");
            }
            ("miss", Some(r)) if !r.trim().is_empty() => Expect::Miss { reason: r.clone() },
            ("miss", _) => {
                return cx.err(
                    raw.expect.span(),
                    "expect = \"miss\" needs a non-empty `reason`",
                );
            }
            (other, _) => {
                return cx.err(
                    raw.expect.span(),
                    format!("expect must be \"detect\" or \"miss\", not `{other}`"),
                );
            }
        };
        let instances = match &raw.instances {
            Some(n) if *n.get_ref() == 0 || *n.get_ref() > 1000 => {
                return cx.err(n.span(), "instances must be between 1 and 1000");
            }
            Some(n) => *n.get_ref(),
            None => 1,
        };
        let role = raw.hosts.role.get_ref().clone();
        if !Role::all_tags().contains(&role.as_str()) {
            return cx.err(
                raw.hosts.role.span(),
                format!(
                    "unknown host role `{role}` (known: {})",
                    Role::all_tags().join(", ")
                ),
            );
        }
        let count = match &raw.hosts.count {
            Some(c) if *c.get_ref() == 0 || *c.get_ref() > 500 => {
                return cx.err(c.span(), "hosts.count must be between 1 and 500");
            }
            Some(c) => *c.get_ref(),
            None => 1,
        };
        let spread = match &raw.hosts.spread {
            Some(s) => cx.span_range(s, "hosts.spread")?,
            None => SpanRange::parse("0s").unwrap_or(SpanRange {
                lo: Default::default(),
                hi: Default::default(),
            }),
        };
        let at = raw
            .at
            .as_ref()
            .map(|a| cx.span_range(a, "at"))
            .transpose()?;
        let var_names: Vec<String> = raw.vars.keys().cloned().collect();
        let mut vars = BTreeMap::new();
        for (name, value) in &raw.vars {
            if crate::scenario::template::HOST_VARS.contains(&name.as_str()) {
                return cx.err(
                    value.span(),
                    format!("variable `{name}` shadows a host variable"),
                );
            }
            // Variables may use host variables and random parts, not other variables.
            vars.insert(name.clone(), cx.template(value, &[])?);
        }
        if raw.steps.is_empty() {
            return cx.err(0..0, "a scenario needs at least one [[step]]");
        }
        let mut aliases: Vec<String> = Vec::new();
        let mut steps = Vec::new();
        for spanned in &raw.steps {
            let span = spanned.span();
            let s = spanned.get_ref();
            let after = match &s.after {
                Some(a) => cx.span_range(a, "after")?,
                None => SpanRange::parse(DEFAULT_AFTER)
                    .map_err(|e| SourceError::at(file, text, span.start, e.to_string()))?,
            };
            let technique = match &s.technique {
                Some(t) if !is_technique(t.get_ref()) => {
                    return cx.err(
                        t.span(),
                        format!("`{}` is not a MITRE ATT&CK technique id", t.get_ref()),
                    );
                }
                Some(t) => Some(t.get_ref().clone()),
                None => None,
            };
            let need_by = |cx: &Ctx, aliases: &[String]| -> Result<String, SourceError> {
                let Some(by) = &s.by else {
                    return cx.err(
                        span.clone(),
                        "this step needs `by` (the alias of the acting process)",
                    );
                };
                if !aliases.contains(by.get_ref()) {
                    return cx.err(
                        by.span(),
                        format!(
                            "`by = \"{}\"` names no earlier alias (known: {})",
                            by.get_ref(),
                            aliases.join(", ")
                        ),
                    );
                }
                Ok(by.get_ref().clone())
            };
            let kind = match (&s.select, &s.action) {
                (Some(_), Some(a)) => {
                    return cx.err(a.span(), "a step has either `select` or `action`, not both");
                }
                (None, None) => {
                    return cx.err(span, "a step needs `select` (bind a process) or `action`");
                }
                (Some(sel), None) => {
                    let Some(alias) = &s.alias else {
                        return cx.err(sel.span(), "a `select` step needs `as = \"alias\"`");
                    };
                    let r = sel.get_ref();
                    if r.name.is_none() && r.executable.is_none() && r.user.is_none() {
                        return cx.err(
                            sel.span(),
                            "select needs at least one of name, executable, user",
                        );
                    }
                    StepKind::Select {
                        alias: alias.get_ref().clone(),
                        selector: Selector {
                            name: r.name.clone(),
                            executable: r.executable.clone(),
                            user: r.user.clone(),
                        },
                    }
                }
                (None, Some(action)) => match action.get_ref().as_str() {
                    "exec" => {
                        let by = need_by(&cx, &aliases)?;
                        let Some(exe) = &s.executable else {
                            return cx.err(action.span(), "an exec step needs `executable`");
                        };
                        let executable = cx.template(exe, &var_names)?;
                        if !exe.get_ref().starts_with('/') && !exe.get_ref().starts_with('{') {
                            return cx.err(exe.span(), "executable must be an absolute path");
                        }
                        let args = match &s.args {
                            Some(a) if a.is_empty() => {
                                return cx
                                    .err(action.span(), "args must not be empty (argv[0] first)");
                            }
                            Some(a) => a
                                .iter()
                                .map(|x| cx.template(x, &var_names))
                                .collect::<Result<Vec<_>, _>>()?,
                            None => {
                                return cx.err(
                                    action.span(),
                                    "an exec step needs `args` (argv, argv[0] first)",
                                );
                            }
                        };
                        let merge = match s.merge.as_ref().map(|m| m.get_ref().as_str()) {
                            None | Some("profile") => Merge::Profile,
                            Some("none") => Merge::Never,
                            Some("fork-exec") => Merge::ForkExec,
                            Some("fork-exec-end") => Merge::ForkExecEnd,
                            Some(other) => {
                                let sp = s.merge.as_ref().map_or(span.clone(), |m| m.span());
                                return cx.err(sp, format!("merge must be profile, none, fork-exec or fork-exec-end, not `{other}`"));
                            }
                        };
                        let lifetime = match &s.lifetime {
                            Some(l) => cx.span_range(l, "lifetime")?,
                            None => SpanRange::parse(if merge == Merge::ForkExecEnd {
                                "100ms..800ms"
                            } else {
                                DEFAULT_LIFETIME
                            })
                            .map_err(|e| SourceError::at(file, text, span.start, e.to_string()))?,
                        };
                        if merge == Merge::ForkExecEnd && lifetime.hi.0 >= 1_000_000_000 {
                            let sp = s.lifetime.as_ref().map_or(span.clone(), |l| l.span());
                            return cx
                                .err(sp, "merge = \"fork-exec-end\" needs a lifetime under 1s");
                        }
                        let repeat = match &s.repeat {
                            Some(r) if *r.get_ref() == 0 || *r.get_ref() > 100 => {
                                return cx.err(r.span(), "repeat must be between 1 and 100");
                            }
                            Some(r) => *r.get_ref(),
                            None => 1,
                        };
                        let interval = match &s.interval {
                            Some(i) => cx.span_range(i, "interval")?,
                            None => SpanRange::parse(DEFAULT_INTERVAL).map_err(|e| {
                                SourceError::at(file, text, span.start, e.to_string())
                            })?,
                        };
                        let alias = s.alias.as_ref().map(|a| a.get_ref().clone());
                        if alias.is_some() && repeat > 1 {
                            return cx.err(span, "a repeated exec cannot have an alias");
                        }
                        StepKind::Exec {
                            by,
                            alias,
                            executable,
                            args,
                            user: s.user.as_ref().map(|u| u.get_ref().clone()),
                            cwd: s
                                .cwd
                                .as_ref()
                                .map(|c| cx.template(c, &var_names))
                                .transpose()?,
                            lifetime,
                            merge,
                            repeat,
                            interval,
                        }
                    }
                    op @ ("file.create" | "file.rename" | "file.delete") => {
                        let by = need_by(&cx, &aliases)?;
                        let Some(path) = &s.path else {
                            return cx.err(action.span(), format!("a {op} step needs `path`"));
                        };
                        let op = match op {
                            "file.create" => FileOp::Create,
                            "file.rename" => FileOp::Rename,
                            _ => FileOp::Delete,
                        };
                        let to =
                            s.to.as_ref()
                                .map(|t| cx.template(t, &var_names))
                                .transpose()?;
                        if op == FileOp::Rename && to.is_none() {
                            return cx.err(action.span(), "a file.rename step needs `to`");
                        }
                        if op != FileOp::Rename && to.is_some() {
                            return cx.err(action.span(), "`to` is only for file.rename");
                        }
                        StepKind::File {
                            by,
                            op,
                            path: cx.template(path, &var_names)?,
                            to,
                            size: s.size,
                        }
                    }
                    "exit" => StepKind::Exit {
                        by: need_by(&cx, &aliases)?,
                    },
                    other => {
                        return cx.err(action.span(), format!("unknown action `{other}` (exec, file.create, file.rename, file.delete, exit)"));
                    }
                },
            };
            if let Some(alias) = &s.alias {
                if aliases.contains(alias.get_ref()) {
                    return cx.err(
                        alias.span(),
                        format!("alias `{}` is already defined", alias.get_ref()),
                    );
                }
                if !matches!(kind, StepKind::Select { .. } | StepKind::Exec { .. }) {
                    return cx.err(alias.span(), "only select and exec steps define an alias");
                }
                aliases.push(alias.get_ref().clone());
            }
            steps.push(Step {
                kind,
                after,
                technique,
            });
        }
        Ok(Scenario {
            id,
            description: raw.description,
            techniques: raw.techniques.into_inner(),
            rules: raw.rules,
            expect,
            instances,
            hosts: HostRequirement {
                role,
                count,
                spread,
            },
            at,
            vars,
            steps,
            source: file.to_string(),
        })
    }

    /// Writes the scenario back as TOML in the file schema.
    pub fn to_toml(&self) -> String {
        let sp = |s: &str| Spanned::new(0..0, s.to_string());
        let steps = self
            .steps
            .iter()
            .map(|st| {
                let mut r = RawStep {
                    after: Some(sp(&st.after.to_string())),
                    technique: st.technique.as_deref().map(sp),
                    ..RawStep::default()
                };
                match &st.kind {
                    StepKind::Select { alias, selector } => {
                        r.alias = Some(sp(alias));
                        r.select = Some(Spanned::new(
                            0..0,
                            RawSelect {
                                name: selector.name.clone(),
                                executable: selector.executable.clone(),
                                user: selector.user.clone(),
                            },
                        ));
                    }
                    StepKind::Exec {
                        by,
                        alias,
                        executable,
                        args,
                        user,
                        cwd,
                        lifetime,
                        merge,
                        repeat,
                        interval,
                    } => {
                        r.action = Some(sp("exec"));
                        r.by = Some(sp(by));
                        r.alias = alias.as_deref().map(sp);
                        r.executable = Some(sp(&executable.source));
                        r.args = Some(args.iter().map(|a| sp(&a.source)).collect());
                        r.user = user.as_deref().map(sp);
                        r.cwd = cwd.as_ref().map(|c| sp(&c.source));
                        r.lifetime = Some(sp(&lifetime.to_string()));
                        r.merge = Some(sp(merge_name(*merge)));
                        r.repeat = Some(Spanned::new(0..0, *repeat));
                        r.interval = Some(sp(&interval.to_string()));
                    }
                    StepKind::File {
                        by,
                        op,
                        path,
                        to,
                        size,
                    } => {
                        r.action = Some(sp(match op {
                            FileOp::Create => "file.create",
                            FileOp::Rename => "file.rename",
                            FileOp::Delete => "file.delete",
                        }));
                        r.by = Some(sp(by));
                        r.path = Some(sp(&path.source));
                        r.to = to.as_ref().map(|t| sp(&t.source));
                        r.size = *size;
                    }
                    StepKind::Exit { by } => {
                        r.action = Some(sp("exit"));
                        r.by = Some(sp(by));
                    }
                }
                Spanned::new(0..0, r)
            })
            .collect();
        let raw = RawScenario {
            id: sp(&self.id),
            description: self.description.clone(),
            techniques: Spanned::new(0..0, self.techniques.clone()),
            rules: self.rules.clone(),
            expect: sp(match self.expect {
                Expect::Detect => "detect",
                Expect::Miss { .. } => "miss",
            }),
            reason: match &self.expect {
                Expect::Miss { reason } => Some(reason.clone()),
                Expect::Detect => None,
            },
            instances: Some(Spanned::new(0..0, self.instances)),
            hosts: RawHosts {
                role: sp(&self.hosts.role),
                count: Some(Spanned::new(0..0, self.hosts.count)),
                spread: Some(sp(&self.hosts.spread.to_string())),
            },
            at: self.at.map(|a| sp(&a.to_string())),
            vars: self
                .vars
                .iter()
                .map(|(k, v)| (k.clone(), sp(&v.source)))
                .collect(),
            steps,
        };
        toml::to_string(&raw).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
id = "t-1"
description = "d"
techniques = ["T1505.003"]
rules = ["r"]
expect = "detect"
hosts = { role = "web-php" }

[[step]]
as = "w"
select = { name = "php-fpm*" }

[[step]]
action = "file.create"
by = "w"
path = "{webroot}/{random:lower:4}.php"
after = "1m..2m"
"#;

    #[test]
    fn parses_a_valid_file_and_round_trips() {
        let s = Scenario::parse("t.toml", OK).unwrap();
        assert_eq!(s.steps.len(), 2);
        let again = Scenario::parse("t.toml", &s.to_toml()).unwrap();
        assert_eq!(s, again);
    }

    #[test]
    fn errors_point_at_the_offending_value() {
        let bad = OK.replace("by = \"w\"", "by = \"ghost\"");
        let e = Scenario::parse("t.toml", &bad).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("t.toml", 15));
        assert!(e.message.contains("ghost"), "{e}");
        let bad = OK.replace("role = \"web-php\"", "role = \"mainframe\"");
        let e = Scenario::parse("t.toml", &bad).unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("mainframe"));
        let bad = OK.replace("expect = \"detect\"", "expect = \"miss\"");
        assert!(
            Scenario::parse("t.toml", &bad)
                .unwrap_err()
                .message
                .contains("reason")
        );
        let bad = OK.replace("after = \"1m..2m\"", "after = \"soon\"");
        let e = Scenario::parse("t.toml", &bad).unwrap_err();
        assert_eq!(e.line, 17);
        let bad = OK.replace("path =", "pathh =");
        let e = Scenario::parse("t.toml", &bad).unwrap_err();
        assert!(e.message.contains("pathh"), "{e}");
        let bad = OK.replace("{random:lower:4}", "{oops}");
        assert!(
            Scenario::parse("t.toml", &bad)
                .unwrap_err()
                .message
                .contains("oops")
        );
        let bad = OK.replace("T1505.003", "persistence");
        assert!(Scenario::parse("t.toml", &bad).is_err());
    }
}
