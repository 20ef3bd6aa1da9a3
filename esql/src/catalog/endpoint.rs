//! The shipped Elastic Defend mappings: `logs-endpoint.events.{process,file,network}-*`.
//!
//! The field lists in `esql/catalog/endpoint/*.fields` are generated from the facts (field names, mapping
//! types, `ignore_above`, normalizers, multi-fields) of the Elastic Defend package's `fields.yml` by
//! `esql/catalog/gen_endpoint_fields.py`; `nested` fields (invisible to ES|QL) are left out.

use std::sync::{Arc, OnceLock};

use crate::Mapping;

/// The shipped data streams: (stream kind, field list text).
pub const ENDPOINT_STREAMS: [(&str, &str); 3] = [
    (
        "process",
        include_str!("../../catalog/endpoint/process.fields"),
    ),
    ("file", include_str!("../../catalog/endpoint/file.fields")),
    (
        "network",
        include_str!("../../catalog/endpoint/network.fields"),
    ),
];

/// The mapping of Elastic Defend data stream kind `stream` (`process`, `file` or `network`); an empty
/// mapping for any other name.
pub fn endpoint_mapping(stream: &str) -> Arc<Mapping> {
    static MAPPINGS: OnceLock<Vec<Arc<Mapping>>> = OnceLock::new();
    let all =
        MAPPINGS.get_or_init(|| {
            ENDPOINT_STREAMS
                .iter()
                .map(|(name, text)| {
                    // The lists are generated and checked by the tests below; a parse failure is a build bug.
                    Arc::new(Mapping::from_field_list(text).unwrap_or_else(|e| {
                        panic!("shipped field list {name}.fields is invalid: {e}")
                    }))
                })
                .collect()
        });
    ENDPOINT_STREAMS
        .iter()
        .position(|(name, _)| *name == stream)
        .map(|i| all[i].clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataType;

    #[test]
    fn shipped_lists_parse() {
        for (name, text) in ENDPOINT_STREAMS {
            let m = Mapping::from_field_list(text).unwrap();
            assert!(m.fields.len() > 150, "{name}: {}", m.fields.len());
        }
    }

    #[test]
    fn process_mapping_has_the_package_types() {
        let m = endpoint_mapping("process");
        let ty = |f: &str| m.get(f).map(|f| f.es_type.as_str()).unwrap_or("<missing>");
        assert_eq!(ty("@timestamp"), "date");
        assert_eq!(ty("event.ingested"), "date");
        assert_eq!(ty("process.command_line"), "wildcard");
        assert_eq!(ty("process.parent.command_line"), "wildcard");
        assert_eq!(ty("process.pid"), "long");
        assert_eq!(ty("process.interactive"), "boolean");
        assert_eq!(ty("host.ip"), "ip");
        assert_eq!(ty("message"), "match_only_text");
        assert_eq!(ty("data_stream.dataset"), "constant_keyword");
        assert_eq!(ty("process.name"), "keyword");
        assert_eq!(m.get("process.name").unwrap().ignore_above, Some(1024));
        assert_eq!(
            m.get("process.command_line").unwrap().data_type,
            DataType::Keyword
        );
        let caseless = m.get("process.name.caseless").unwrap();
        assert_eq!(caseless.normalizer.as_deref(), Some("lowercase"));
        assert_eq!(caseless.multi_field_of.as_deref(), Some("process.name"));
        assert_eq!(
            m.get("process.command_line.text").unwrap().data_type,
            DataType::Text
        );
        // Nested fields are invisible to ES|QL.
        assert!(m.get("process.Ext.code_signature.status").is_none());
        assert!(m.get("process.Ext.ancestry").is_some());
    }

    #[test]
    fn file_and_network_mappings_have_their_fields() {
        let f = endpoint_mapping("file");
        assert_eq!(f.get("file.Ext.entropy").unwrap().es_type, "double");
        assert_eq!(f.get("file.size").unwrap().es_type, "long");
        assert_eq!(f.get("file.path").unwrap().es_type, "keyword");
        assert!(f.get("file.Ext.original.path").is_some());
        let n = endpoint_mapping("network");
        assert_eq!(n.get("destination.ip").unwrap().data_type, DataType::Ip);
        assert_eq!(n.get("destination.port").unwrap().data_type, DataType::Long);
        assert!(endpoint_mapping("api").fields.is_empty());
    }
}
