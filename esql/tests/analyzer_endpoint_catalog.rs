//! Checks the shipped Elastic Defend field lists against the package's flat field tables in
//! `../shared/ecs/endpoint/package_fields/*_fields_flat.tsv`: every leaf field the package maps (outside
//! `nested` objects) is shipped with the same mapping type, and nothing else is shipped besides multi-fields,
//! Fleet's `event.agent_id_status` and the package's `elastic.agent.id` (from its `custom_elastic.yml`).

use std::path::PathBuf;

use esql::catalog::endpoint_mapping;

/// `../shared` next to the workspace root; `None` (with a notice) when absent, a failure when `CI=true`.
fn shared_dir() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("..").join("shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared is missing ({}) and CI=true", dir.display());
    }
    eprintln!("SKIP: ../shared not found at {}", dir.display());
    None
}

#[test]
fn shipped_fields_match_package_tables() {
    let Some(shared) = shared_dir() else { return };
    for stream in ["process", "file"] {
        let path = shared.join(format!(
            "ecs/endpoint/package_fields/{stream}_fields_flat.tsv"
        ));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mapping = endpoint_mapping(stream);
        let mut nested: Vec<String> = Vec::new();
        let mut leaves = 0;
        for (i, line) in text.lines().enumerate() {
            let mut cells = line.split('\t');
            let (Some(name), Some(ty)) = (cells.next(), cells.next()) else {
                panic!("{}:{}: malformed line", path.display(), i + 1)
            };
            match ty {
                "group" | "object" => continue,
                "nested" => {
                    nested.push(format!("{name}."));
                    continue;
                }
                _ => {}
            }
            if nested.iter().any(|n| name.starts_with(n.as_str())) {
                assert!(
                    mapping.get(name).is_none(),
                    "{stream}: nested sub-field {name} shipped"
                );
                continue;
            }
            leaves += 1;
            let f = mapping
                .get(name)
                .unwrap_or_else(|| panic!("{stream}: {name} ({ty}) missing"));
            assert_eq!(f.es_type, ty, "{stream}: type of {name}");
        }
        let shipped_leaves = mapping
            .fields
            .values()
            .filter(|f| f.multi_field_of.is_none())
            .count();
        // Besides the data stream's fields, Fleet maps `event.agent_id_status` and the package maps
        // `elastic.agent.id` (custom_elastic.yml) on every data stream.
        for extra in ["event.agent_id_status", "elastic.agent.id"] {
            let f = mapping.get(extra);
            assert_eq!(f.map(|f| f.es_type.as_str()), Some("keyword"), "{extra}");
        }
        assert_eq!(
            shipped_leaves,
            leaves + 2,
            "{stream}: shipped non-multi fields"
        );
    }
}
