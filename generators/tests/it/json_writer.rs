//! The hand-tuned writer (`Event::write_json`) writes exactly what the `Serialize` implementation
//! writes through serde_json, for every document of whole worlds (all scenarios, labels inline or
//! not, strings that need escaping).

use std::sync::Arc;

use generators::event::sample;
use generators::{Event, LabelledEvent, Profile, ScenarioSelection, Shard};

use crate::common::world;

fn compare(events: &[Event]) {
    let mut fast = Vec::new();
    for (i, e) in events.iter().enumerate() {
        for inline in [false, true] {
            fast.clear();
            e.write_json(&mut fast, inline);
            let reference = if inline && e.label.is_some() {
                serde_json::to_vec(&LabelledEvent(e)).unwrap()
            } else {
                serde_json::to_vec(e).unwrap()
            };
            assert!(
                fast == reference,
                "event {i} ({}) inline={inline} differs:\nfast: {}\nserde: {}",
                e.id,
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&reference)
            );
        }
    }
}

#[test]
fn fast_writer_matches_serde_on_whole_worlds() {
    for seed in [1, 2] {
        let events = world(
            seed,
            12,
            150,
            ScenarioSelection::All,
            Shard::WHOLE,
            Profile::default(),
        );
        assert!(events.iter().any(|e| e.label.is_some()));
        assert!(
            events
                .iter()
                .any(|e| e.data_stream() == generators::DataStream::File)
        );
        compare(&events);
    }
}

#[test]
fn fast_writer_escapes_like_serde() {
    let mut events = vec![
        sample::maximal(generators::DataStream::Process),
        sample::maximal(generators::DataStream::File),
    ];
    // Rewrite a command line, path-like strings and a host name with characters that need escaping.
    let weird: Arc<str> = "a\"b\\c\nd\te\r\u{1}\u{8}\u{c}\u{7f} é \u{2028}".into();
    for e in events.iter_mut() {
        let mut host = (*e.host).clone();
        host.name = weird.clone();
        e.host = Arc::new(host);
        if let generators::event::Body::Process(b) = &mut e.body {
            let mut p = (*b.process).clone();
            let mut image = (*p.image).clone();
            image.command_line = weird.clone();
            image.args = vec![weird.clone(), "x".into()].into();
            p.image = Arc::new(image);
            p.working_directory = weird.clone();
            b.process = Arc::new(p);
        }
        if let generators::event::Body::File(f) = &mut e.body {
            let mut file = (*f.file).clone();
            file.path = format!("/tmp/{weird}.php").into();
            file.original_path = Some(format!("/tmp/{weird}").into());
            f.file = Arc::new(file);
        }
    }
    compare(&events);
}
