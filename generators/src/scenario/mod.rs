//! Attack scenarios: declarative TOML files, their validation, templates, and planning.
//!
//! The scenarios shipped in `generators/scenarios/` are embedded in the crate (so a generator works
//! from any directory) and parsed at run time like user files; [`load_dir`] adds a user's own.

mod file;
mod plan;
mod template;

pub use file::{Expect, FileOp, HostRequirement, Scenario, SourceError, Step, StepKind};
pub use plan::{InstanceRecord, Plan, plan};
pub use template::{HOST_VARS, Piece, Template};

/// The shipped scenario files: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "webshell-upload-php-fpm.toml",
        include_str!("../../scenarios/webshell-upload-php-fpm.toml"),
    ),
    (
        "webshell-upload-apache-mod-php.toml",
        include_str!("../../scenarios/webshell-upload-apache-mod-php.toml"),
    ),
    (
        "webshell-httpd-php-fpm.toml",
        include_str!("../../scenarios/webshell-httpd-php-fpm.toml"),
    ),
    (
        "dropper-devshm-nginx-worker.toml",
        include_str!("../../scenarios/dropper-devshm-nginx-worker.toml"),
    ),
    (
        "cron-persistence-www-data.toml",
        include_str!("../../scenarios/cron-persistence-www-data.toml"),
    ),
    (
        "authorized-keys-www-data.toml",
        include_str!("../../scenarios/authorized-keys-www-data.toml"),
    ),
    (
        "jsp-shell-tomcat.toml",
        include_str!("../../scenarios/jsp-shell-tomcat.toml"),
    ),
    (
        "gunicorn-worker-backdoor.toml",
        include_str!("../../scenarios/gunicorn-worker-backdoor.toml"),
    ),
    (
        "scp-reverse-shell-bash.toml",
        include_str!("../../scenarios/scp-reverse-shell-bash.toml"),
    ),
    (
        "rsync-hidden-tmp-binary.toml",
        include_str!("../../scenarios/rsync-hidden-tmp-binary.toml"),
    ),
    (
        "sftp-devshm-python.toml",
        include_str!("../../scenarios/sftp-devshm-python.toml"),
    ),
    (
        "scp-php-webshell.toml",
        include_str!("../../scenarios/scp-php-webshell.toml"),
    ),
    (
        "rsync-var-tmp-script.toml",
        include_str!("../../scenarios/rsync-var-tmp-script.toml"),
    ),
    (
        "miss-renamed-scp-binary.toml",
        include_str!("../../scenarios/miss-renamed-scp-binary.toml"),
    ),
    (
        "miss-curl-exfiltration.toml",
        include_str!("../../scenarios/miss-curl-exfiltration.toml"),
    ),
    (
        "miss-rsync-many-hosts.toml",
        include_str!("../../scenarios/miss-rsync-many-hosts.toml"),
    ),
    (
        "miss-scp-merged-end-event.toml",
        include_str!("../../scenarios/miss-scp-merged-end-event.toml"),
    ),
];

/// Parses the shipped scenarios.
pub fn builtin() -> Result<Vec<Scenario>, SourceError> {
    BUILTIN
        .iter()
        .map(|(name, text)| Scenario::parse(&format!("generators/scenarios/{name}"), text))
        .collect()
}

/// Why scenarios could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is invalid.
    #[error(transparent)]
    Invalid(#[from] SourceError),
    /// Two scenarios share an id.
    #[error("{second}: scenario id `{id}` is already defined in {first}")]
    Duplicate {
        /// The id.
        id: String,
        /// Where it was first defined.
        first: String,
        /// Where it is defined again.
        second: String,
    },
}

/// Parses every `*.toml` file of `dir`, in file-name order.
pub fn load_dir(dir: &std::path::Path) -> Result<Vec<Scenario>, LoadError> {
    let io = |e: std::io::Error| LoadError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).map_err(|e| LoadError::Io {
            path: p.display().to_string(),
            source: e,
        })?;
        out.push(Scenario::parse(&p.display().to_string(), &text)?);
    }
    Ok(out)
}

/// Checks that ids are unique.
pub fn check_unique(scenarios: &[Scenario]) -> Result<(), LoadError> {
    let mut seen: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for s in scenarios {
        if let Some(first) = seen.insert(&s.id, &s.source) {
            return Err(LoadError::Duplicate {
                id: s.id.clone(),
                first: first.to_string(),
                second: s.source.clone(),
            });
        }
    }
    Ok(())
}
