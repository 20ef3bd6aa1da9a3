//! The hand-tuned JSON writer of documents: [`Event::write_json`].
//!
//! It writes exactly the bytes `serde_json::to_writer(&event)` writes (the `Serialize` implementation
//! stays the reference, and a test compares the two on whole generated worlds), several times faster:
//! - keys and constant values are pre-escaped byte fragments (`,"kind":"event","module":"endpoint"`);
//! - strings are copied whole when they need no escaping (the usual case), escaped like serde_json
//!   otherwise;
//! - integers go through `itoa`, timestamps through the allocation-free [`Timestamp`] formatter;
//! - what is identical on every event of a host (`agent`, `elastic`, `host`) is rendered once per host
//!   and copied, and the detailed blocks of a process image (its `parent`, leader blocks) are rendered
//!   once per image ([`Proc::fragments`]) and copied into every event that mentions the image.

use super::document::{FileInfo, extension, split_path};
use super::process::{Account, Proc, ProcFragments};
use super::{Body, DataStream, Event, HostInfo, Label, ProcessActions};
use crate::time::Timestamp;

/// Bytes that need escaping in a JSON string: control characters, `"` and `\`.
const fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends `s` as a JSON string (quotes included), escaped as serde_json escapes.
pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 15)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends an integer.
pub(crate) fn put_int<I: itoa::Integer>(out: &mut Vec<u8>, v: I) {
    let mut b = itoa::Buffer::new();
    out.extend_from_slice(b.format(v).as_bytes());
}

/// Appends a timestamp as a JSON string.
pub(crate) fn put_ts(out: &mut Vec<u8>, t: Timestamp) {
    let mut buf = [0u8; 32];
    out.push(b'"');
    out.extend_from_slice(t.format(&mut buf).as_bytes());
    out.push(b'"');
}

/// Appends `true` or `false`.
pub(crate) fn put_bool(out: &mut Vec<u8>, v: bool) {
    out.extend_from_slice(if v { b"true" } else { b"false" });
}

/// Appends a JSON array of strings.
pub(crate) fn put_str_list<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a str>) {
    out.push(b'[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        put_str(out, s);
    }
    out.push(b']');
}

/// Appends `{"id":…,"name":…}`.
pub(crate) fn put_account(out: &mut Vec<u8>, a: &Account) {
    out.extend_from_slice(b"{\"id\":");
    put_str(out, &a.id);
    out.extend_from_slice(b",\"name\":");
    put_str(out, &a.name);
    out.push(b'}');
}

/// The per-host fragments: `,"agent":{…}`, `,"elastic":{…}` and `,"host":{…}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostFragments {
    agent: Vec<u8>,
    elastic: Vec<u8>,
    host: Vec<u8>,
}

impl HostFragments {
    /// Renders the fragments of `h`.
    pub(crate) fn new(h: &HostInfo) -> HostFragments {
        let mut agent = Vec::with_capacity(128);
        agent.extend_from_slice(b",\"agent\":{\"id\":");
        put_str(&mut agent, &h.agent_id);
        agent.extend_from_slice(b",\"type\":\"endpoint\",\"version\":");
        put_str(&mut agent, &h.agent_version);
        agent.push(b'}');
        let mut elastic = Vec::with_capacity(80);
        elastic.extend_from_slice(b",\"elastic\":{\"agent\":{\"id\":");
        put_str(&mut elastic, &h.agent_id);
        elastic.extend_from_slice(b"}}");
        let mut host = Vec::with_capacity(512);
        host.extend_from_slice(b",\"host\":{\"architecture\":\"x86_64\",\"hostname\":");
        put_str(&mut host, &h.name);
        host.extend_from_slice(b",\"id\":");
        put_str(&mut host, &h.id);
        host.extend_from_slice(b",\"ip\":");
        put_str_list(&mut host, h.ip.iter().map(|s| &**s));
        host.extend_from_slice(b",\"mac\":");
        put_str_list(&mut host, h.mac.iter().map(|s| &**s));
        host.extend_from_slice(b",\"name\":");
        put_str(&mut host, &h.name);
        let os = &h.os;
        host.extend_from_slice(b",\"os\":{\"Ext\":{\"variant\":");
        put_str(&mut host, &os.variant);
        host.extend_from_slice(b"},\"family\":");
        put_str(&mut host, &os.family);
        host.extend_from_slice(b",\"full\":");
        put_str(&mut host, &os.full);
        host.extend_from_slice(b",\"kernel\":");
        put_str(&mut host, &os.kernel);
        host.extend_from_slice(b",\"name\":\"Linux\",\"platform\":");
        put_str(&mut host, &os.platform);
        host.extend_from_slice(b",\"type\":\"linux\",\"version\":");
        put_str(&mut host, &os.version);
        host.extend_from_slice(b"}}");
        HostFragments {
            agent,
            elastic,
            host,
        }
    }
}

impl Event {
    /// Appends the document (`_source`) as one line of JSON, without the newline. The bytes are those
    /// of `serde_json::to_writer(&event)`, or of [`super::LabelledEvent`] when `inline_label` is set
    /// and the event has a label.
    pub fn write_json(&self, out: &mut Vec<u8>, inline_label: bool) {
        let ds = self.data_stream();
        let p = self.process();
        let host = self.host.fragments();
        out.reserve(6 * 1024);
        out.extend_from_slice(b"{\"@timestamp\":");
        put_ts(out, self.timestamp);
        out.extend_from_slice(&host.agent);
        out.extend_from_slice(match ds {
            DataStream::Process => {
                b",\"data_stream\":{\"dataset\":\"endpoint.events.process\",\"namespace\":\"default\",\"type\":\"logs\"},\"ecs\":{\"version\":\"8.10.0\"}"
            }
            DataStream::File => {
                b",\"data_stream\":{\"dataset\":\"endpoint.events.file\",\"namespace\":\"default\",\"type\":\"logs\"},\"ecs\":{\"version\":\"8.10.0\"}"
            }
        });
        out.extend_from_slice(&host.elastic);
        self.write_event_block(out);
        if let Body::File(f) = &self.body {
            write_file_block(out, &f.file);
        }
        out.extend_from_slice(b",\"group\":");
        write_identity(out, p.group(), p.real_group());
        out.extend_from_slice(&host.host);
        if inline_label && let Some(label) = &self.label {
            write_label(out, label);
        }
        match &self.body {
            Body::Process(b) => {
                out.extend_from_slice(b",\"message\":\"Endpoint process event\",\"process\":");
                write_full_process(
                    out,
                    &b.process,
                    b.end,
                    b.actions.contains(ProcessActions::EXEC),
                );
            }
            Body::File(f) => {
                out.extend_from_slice(b",\"message\":\"Endpoint file event\",\"process\":");
                write_slim_process(out, &f.process);
            }
        }
        out.extend_from_slice(b",\"user\":");
        write_identity(out, p.user(), p.real_user());
        out.push(b'}');
    }

    fn write_event_block(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"event\":{\"action\":");
        match &self.body {
            Body::Process(b) => {
                let mut names = b.actions.names();
                match (names.next(), names.next()) {
                    (Some(one), None) => put_str(out, one),
                    _ => put_str_list(out, b.actions.names()),
                }
                out.extend_from_slice(b",\"category\":[\"process\"],\"created\":");
            }
            Body::File(f) => {
                put_str(out, f.action.action());
                out.extend_from_slice(b",\"category\":[\"file\"],\"created\":");
            }
        }
        put_ts(out, self.timestamp);
        out.extend_from_slice(match self.data_stream() {
            DataStream::Process => b",\"dataset\":\"endpoint.events.process\",\"id\":",
            DataStream::File => b",\"dataset\":\"endpoint.events.file\",\"id\":",
        });
        put_str(out, self.id.as_str());
        out.extend_from_slice(b",\"ingested\":\"");
        let mut buf = [0u8; 32];
        out.extend_from_slice(self.ingested.format_secs(&mut buf).as_bytes());
        out.extend_from_slice(
            b"\",\"kind\":\"event\",\"module\":\"endpoint\",\"outcome\":\"success\",\"sequence\":",
        );
        put_int(out, self.sequence);
        out.extend_from_slice(b",\"type\":");
        match &self.body {
            Body::Process(b) => put_str_list(out, b.actions.types()),
            Body::File(f) => put_str_list(out, [f.action.event_type()]),
        }
        out.push(b'}');
    }
}

fn write_label(out: &mut Vec<u8>, l: &Label) {
    out.extend_from_slice(b",\"labels\":{\"scenario\":");
    put_str(out, &l.scenario);
    out.extend_from_slice(b",\"instance\":");
    put_int(out, l.instance);
    out.extend_from_slice(b",\"technique\":");
    put_str(out, &l.technique);
    out.extend_from_slice(b",\"step\":");
    put_int(out, l.step);
    out.push(b'}');
}

/// `{"Ext":{"real":{…}},"id":…,"name":…}`.
fn write_identity(out: &mut Vec<u8>, effective: &Account, real: &Account) {
    out.extend_from_slice(b"{\"Ext\":{\"real\":");
    put_account(out, real);
    out.extend_from_slice(b"},\"id\":");
    put_str(out, &effective.id);
    out.extend_from_slice(b",\"name\":");
    put_str(out, &effective.name);
    out.push(b'}');
}

fn write_file_block(out: &mut Vec<u8>, f: &FileInfo) {
    let (_, name) = split_path(&f.path);
    out.extend_from_slice(b",\"file\":{");
    let mut first = true;
    let mut key = |out: &mut Vec<u8>, k: &[u8]| {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(k);
    };
    if f.entropy.is_some() || f.header_bytes.is_some() || f.original_path.is_some() {
        key(out, b"\"Ext\":{");
        let mut inner_first = true;
        let mut inner = |out: &mut Vec<u8>, k: &[u8]| {
            if !inner_first {
                out.push(b',');
            }
            inner_first = false;
            out.extend_from_slice(k);
        };
        if let Some(e) = f.entropy {
            inner(out, b"\"entropy\":");
            put_f64(out, e);
        }
        if let Some(h) = &f.header_bytes {
            inner(out, b"\"header_bytes\":");
            put_str(out, h);
        }
        if let Some(o) = &f.original_path {
            inner(out, b"\"original\":{");
            let (_, oname) = split_path(o);
            if let Some(ext) = extension(oname) {
                out.extend_from_slice(b"\"extension\":");
                put_str(out, ext);
                out.push(b',');
            }
            out.extend_from_slice(b"\"name\":");
            put_str(out, oname);
            out.extend_from_slice(b",\"path\":");
            put_str(out, o);
            out.push(b'}');
        }
        out.push(b'}');
    }
    if let Some(ext) = extension(name) {
        key(out, b"\"extension\":");
        put_str(out, ext);
    }
    key(out, b"\"name\":");
    put_str(out, name);
    out.extend_from_slice(b",\"path\":");
    put_str(out, &f.path);
    if let Some(size) = f.size {
        out.extend_from_slice(b",\"size\":");
        put_int(out, size);
    }
    out.push(b'}');
}

/// Floats are rare (file entropy): serde_json writes them, so the bytes match by construction.
fn put_f64(out: &mut Vec<u8>, v: f64) {
    if serde_json::to_writer(&mut *out, &v).is_err() {
        out.extend_from_slice(b"null");
    }
}

/// `{"major":…,"minor":…}` under `char_device`.
pub(crate) fn put_tty(out: &mut Vec<u8>, (major, minor): (u16, u16)) {
    out.extend_from_slice(b"{\"char_device\":{\"major\":");
    put_int(out, major);
    out.extend_from_slice(b",\"minor\":");
    put_int(out, minor);
    out.extend_from_slice(b"}}");
}

/// Writes a leader block: the image's cached fragments around the leader-specific fields.
fn write_leader(out: &mut Vec<u8>, leader: &Proc, entry: bool, same: bool) {
    let f: &ProcFragments = leader.fragments();
    out.push(b'{');
    out.extend_from_slice(f.args());
    if entry && let Some(meta) = &leader.entry_meta {
        out.extend_from_slice(b",\"entry_meta\":{");
        if let Some(ip) = &meta.source_ip {
            out.extend_from_slice(b"\"source\":{\"ip\":");
            put_str(out, ip);
            out.extend_from_slice(b"},");
        }
        out.extend_from_slice(b"\"type\":");
        put_str(out, meta.kind);
        out.push(b'}');
    }
    out.push(b',');
    out.extend_from_slice(f.identity());
    if entry && let Some(parent) = &leader.parent {
        out.extend_from_slice(b",\"parent\":{\"entity_id\":");
        put_str(out, parent.entity_id.as_str());
        out.extend_from_slice(b",\"pid\":");
        put_int(out, parent.pid);
        out.extend_from_slice(b",\"start\":");
        put_ts(out, parent.start);
        out.push(b'}');
    }
    out.extend_from_slice(if same {
        b",\"same_as_process\":true,"
    } else {
        b",\"same_as_process\":false,"
    });
    out.extend_from_slice(f.tail());
    out.push(b'}');
}

fn write_full_process(
    out: &mut Vec<u8>,
    p: &Proc,
    end: Option<(Timestamp, i32)>,
    with_previous: bool,
) {
    let f = p.fragments();
    out.push(b'{');
    if p.lineage.is_some() {
        out.extend_from_slice(b"\"Ext\":{\"ancestry\":");
        put_str_list(out, p.ancestry());
        out.extend_from_slice(b"},");
    }
    out.extend_from_slice(f.args());
    out.extend_from_slice(b",\"command_line\":");
    out.extend_from_slice(f.command_line());
    if let Some((t, _)) = end {
        out.extend_from_slice(b",\"end\":");
        put_ts(out, t);
    }
    let el = p.entry_leader();
    out.extend_from_slice(b",\"entry_leader\":");
    write_leader(out, el, true, std::ptr::eq(el, p));
    out.extend_from_slice(b",\"entity_id\":");
    put_str(out, p.entity_id.as_str());
    out.extend_from_slice(b",\"executable\":");
    put_str(out, p.executable());
    if let Some((_, code)) = end {
        out.extend_from_slice(b",\"exit_code\":");
        put_int(out, code);
    }
    out.extend_from_slice(b",\"group\":");
    put_account(out, p.group());
    let gl = p.group_leader();
    out.extend_from_slice(b",\"group_leader\":");
    write_leader(out, gl, false, std::ptr::eq(gl, p));
    if let Some(h) = &p.image.hash {
        out.extend_from_slice(b",\"hash\":{\"md5\":");
        put_str(out, &h.md5);
        out.extend_from_slice(b",\"sha1\":");
        put_str(out, &h.sha1);
        out.extend_from_slice(b",\"sha256\":");
        put_str(out, &h.sha256);
        out.push(b'}');
    }
    out.extend_from_slice(b",\"interactive\":");
    put_bool(out, p.interactive);
    out.extend_from_slice(b",\"name\":");
    put_str(out, p.name());
    if let Some(parent) = &p.parent {
        let pf = parent.fragments();
        out.extend_from_slice(b",\"parent\":{");
        out.extend_from_slice(pf.args());
        out.extend_from_slice(b",\"command_line\":");
        out.extend_from_slice(pf.command_line());
        out.push(b',');
        out.extend_from_slice(pf.identity());
        out.push(b',');
        out.extend_from_slice(pf.tail());
        out.push(b'}');
    }
    out.extend_from_slice(b",\"pid\":");
    put_int(out, p.pid);
    if with_previous && let Some(prev) = p.previous() {
        out.extend_from_slice(b",\"previous\":[{");
        out.extend_from_slice(prev.fragments().args());
        out.extend_from_slice(b",\"executable\":");
        put_str(out, prev.executable());
        out.extend_from_slice(b"}]");
    }
    out.extend_from_slice(b",\"real_group\":");
    put_account(out, p.real_group());
    out.extend_from_slice(b",\"real_user\":");
    put_account(out, p.real_user());
    let sl = p.session_leader();
    out.extend_from_slice(b",\"session_leader\":");
    write_leader(out, sl, false, std::ptr::eq(sl, p));
    out.extend_from_slice(b",\"start\":");
    put_ts(out, p.start);
    let caps = p.creds.capabilities;
    if !caps.is_empty() {
        out.extend_from_slice(b",\"thread\":{\"capabilities\":{\"effective\":");
        put_str_list(out, caps.iter().copied());
        out.extend_from_slice(b",\"permitted\":");
        put_str_list(out, caps.iter().copied());
        out.extend_from_slice(b"}}");
    }
    if let Some(tty) = p.tty {
        out.extend_from_slice(b",\"tty\":");
        put_tty(out, tty);
    }
    out.extend_from_slice(b",\"user\":");
    put_account(out, p.user());
    out.extend_from_slice(b",\"working_directory\":");
    put_str(out, &p.working_directory);
    out.push(b'}');
}

fn write_slim_process(out: &mut Vec<u8>, p: &Proc) {
    let f = p.fragments();
    out.push(b'{');
    if p.lineage.is_some() {
        out.extend_from_slice(b"\"Ext\":{\"ancestry\":");
        put_str_list(out, p.ancestry());
        out.extend_from_slice(b"},");
    }
    out.extend_from_slice(b"\"command_line\":");
    out.extend_from_slice(f.command_line());
    out.extend_from_slice(b",\"entity_id\":");
    put_str(out, p.entity_id.as_str());
    let el = p.entry_leader();
    out.extend_from_slice(b",\"entry_leader\":{\"entity_id\":");
    put_str(out, el.entity_id.as_str());
    if let Some(parent) = &el.parent {
        out.extend_from_slice(b",\"parent\":{\"entity_id\":");
        put_str(out, parent.entity_id.as_str());
        out.push(b'}');
    }
    out.extend_from_slice(b"},\"executable\":");
    put_str(out, p.executable());
    out.extend_from_slice(b",\"group_leader\":{\"entity_id\":");
    put_str(out, p.group_leader().entity_id.as_str());
    out.extend_from_slice(b"},\"name\":");
    put_str(out, p.name());
    if let Some(parent) = &p.parent {
        out.extend_from_slice(b",\"parent\":{\"entity_id\":");
        put_str(out, parent.entity_id.as_str());
        out.push(b'}');
    }
    out.extend_from_slice(b",\"pid\":");
    put_int(out, p.pid);
    out.extend_from_slice(b",\"session_leader\":{\"entity_id\":");
    put_str(out, p.session_leader().entity_id.as_str());
    out.extend_from_slice(b"}}");
}
