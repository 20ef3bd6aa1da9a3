//! The queries a command works on: paths → files (sorted walk) → loaded queries, with file-level
//! problems and skipped entries kept in place so the command can report and count them.

use std::path::PathBuf;

use detsim::rules::{QuerySource, RuleError, discover, load_file};

/// One thing to report, in a deterministic order.
#[derive(Debug)]
pub enum Input {
    /// An ES|QL query to work on.
    Query(QuerySource),
    /// A query or file that is not ES|QL, or a folder without rule files (counted as skipped).
    Skipped {
        /// `path` or `path#index`.
        label: String,
        /// Why it was skipped.
        reason: String,
    },
    /// A file that could not be found, read or loaded (counted as failed).
    FileError(RuleError),
}

/// Everything under `paths`: files in the order of [`discover`], each file's entries in file order.
/// A folder without any rule file comes back as a skipped entry, so a mistyped folder is noticed.
pub fn inputs(paths: &[PathBuf]) -> impl Iterator<Item = Input> + '_ {
    paths.iter().flat_map(|root| {
        let found = discover(std::slice::from_ref(root));
        let empty = found.is_empty().then(|| Input::Skipped {
            label: root.display().to_string(),
            reason: "no .toml or .esql files found".to_owned(),
        });
        found.into_iter().flat_map(load).chain(empty)
    })
}

/// One discovered path → its entries: whole-file skips first, then entries by their index.
fn load(found: Result<PathBuf, RuleError>) -> Vec<Input> {
    let file = match found.and_then(|path| load_file(&path)) {
        Ok(file) => file,
        Err(e) => return vec![Input::FileError(e)],
    };
    let path = file.path.display().to_string();
    let mut items: Vec<(Option<usize>, Input)> = file
        .skipped
        .into_iter()
        .map(|s| {
            let label = match s.index {
                Some(i) => format!("{path}#{i}"),
                None => path.clone(),
            };
            let reason = s.reason;
            (s.index, Input::Skipped { label, reason })
        })
        .collect();
    items.extend(
        file.queries
            .into_iter()
            .map(|q| (Some(q.index), Input::Query(q))),
    );
    items.sort_by_key(|(index, _)| *index);
    items.into_iter().map(|(_, item)| item).collect()
}
