//! Entry points that must never panic, whatever the input: the bodies of the `cargo fuzz` targets in
//! `fuzz/` and of the no-panic proptests that run in CI (`oracles/tests/harness.rs`).
//!
//! Each returns `Err` for a broken *invariant* (a round trip that does not hold, counts that do not
//! add up); a fuzz target panics on it. Plain errors for bad input (a syntax error, an analysis
//! problem, a rejected document) are the expected outcome, not a failure.

use esql::ingest::read_ndjson;
use esql::{analyze, parse, print};

use super::dataset::{INDICES, Indexers, harness_catalog};
use super::query::CommandKind;
use super::query::random_query;
use super::vocabulary::vocabulary;

/// Parses `text`; when it parses, printing and reparsing must give the same tree.
pub fn parse_text(text: &str) -> Result<(), String> {
    if let Ok(q) = parse(text) {
        let printed = print(&q);
        match parse(&printed) {
            Ok(again) if again == q => {}
            Ok(_) => {
                return Err(format!(
                    "reparse differs\ninput:   {text:?}\nprinted: {printed:?}"
                ));
            }
            Err(e) => {
                return Err(format!(
                    "printed text does not parse: {e}\ninput:   {text:?}\nprinted: {printed:?}"
                ));
            }
        }
    }
    Ok(())
}

/// [`parse_text`] over bytes (invalid UTF-8 is decoded lossily, as a file reader would reject it).
pub fn parse_bytes(bytes: &[u8]) -> Result<(), String> {
    parse_text(&String::from_utf8_lossy(bytes))
}

/// Parses and analyzes `text` against the harness catalog; an analysis error must carry a position
/// inside the text.
pub fn analyze_text(text: &str) -> Result<(), String> {
    let Ok(q) = parse(text) else { return Ok(()) };
    let catalog = harness_catalog();
    if let Err(e) = analyze(&q, &catalog) {
        let lines = text.lines().count().max(1) as u32;
        for p in &e.problems {
            if p.position.line == 0 || p.position.line > lines {
                return Err(format!(
                    "problem at line {} of a {lines}-line query: {e}\nquery: {text:?}",
                    p.position.line
                ));
            }
        }
    }
    Ok(())
}

/// A query from the query strategy's choice stream `raw`, with byte `edits` (position, byte) applied,
/// through [`parse_text`] and [`analyze_text`]: structure-aware fuzzing near well-typed queries.
pub fn analyze_mutated(raw: &[u32], edits: &[(u16, u8)]) -> Result<(), String> {
    let vocab = vocabulary();
    let b = random_query(&vocab, raw, 6, &CommandKind::ALL);
    let mut bytes = b.text().into_bytes();
    for (pos, byte) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = *pos as usize % (bytes.len() + 1);
        match byte % 3 {
            0 if i < bytes.len() => bytes[i] = *byte,
            1 if i < bytes.len() => {
                bytes.remove(i);
            }
            _ => bytes.insert(i, *byte),
        }
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    parse_text(&text)?;
    analyze_text(&text)
}

/// Reads `bytes` as NDJSON into each harness index: every non-blank line is indexed or rejected
/// (counted), never dropped silently.
pub fn ingest_bytes(bytes: &[u8]) -> Result<(), String> {
    let indexers = Indexers::new();
    let lines = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !String::from_utf8_lossy(l).trim().is_empty())
        .count() as u64;
    for index in INDICES {
        let Some(mapping) = indexers.mapping(index) else {
            continue;
        };
        let mut reader = read_ndjson(bytes, index, mapping);
        let mut seen = 0u64;
        for r in reader.by_ref() {
            seen += 1;
            if let Ok(doc) = r
                && doc.index != index
            {
                return Err(format!(
                    "document indexed into {} instead of {index}",
                    doc.index
                ));
            }
        }
        let st = reader.stats();
        if st.indexed + st.rejected != seen {
            return Err(format!(
                "{index}: {} indexed + {} rejected != {seen} results",
                st.indexed, st.rejected
            ));
        }
        // Invalid UTF-8 makes the line reader stop with one I/O error; otherwise every line counts.
        if std::str::from_utf8(bytes).is_ok() && seen != lines {
            return Err(format!(
                "{index}: {seen} results for {lines} non-blank lines"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_accept_garbage_and_valid_input() {
        assert_eq!(parse_text("FROM a | WHERE x =="), Ok(()));
        assert_eq!(parse_text("FROM logs-* | KEEP a"), Ok(()));
        assert_eq!(analyze_text("FROM logs-* | EVAL x = nope(1)"), Ok(()));
        assert_eq!(
            ingest_bytes(b"{\"process\":{\"pid\":\"x\"}}\nnot json\n\n{}"),
            Ok(())
        );
        assert_eq!(analyze_mutated(&[1, 2, 3, 4, 5], &[(3, 0), (9, 1)]), Ok(()));
    }
}
