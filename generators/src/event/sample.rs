//! Hand-built sample events in which every optional field is present: the "maximal" document of each
//! data stream. Writers derive fixed schemas from them (Parquet columns), and tests use them to check
//! every field the generator can write against a mapping.

use std::sync::Arc;

use super::{
    Account, Body, Creds, DataStream, EntryMeta, Event, EventId, FileAction, FileBody, FileInfo,
    Hashes, HostInfo, Image, Label, OsInfo, Proc, ProcessActions, ProcessBody,
};
use crate::time::{Span, Timestamp};

fn s(v: &str) -> Arc<str> {
    v.into()
}

fn host() -> Arc<HostInfo> {
    Arc::new(HostInfo {
        index: 0,
        agent_id: s("01010101-0101-0101-0101-010101010101"),
        agent_version: s("8.17.2"),
        name: s("sample-01"),
        id: s("48c1b3f1ac5da4e0057fc9f60f4d1d5d"),
        ip: vec![s("127.0.0.1"), s("::1"), s("10.0.2.15")].into(),
        mac: vec![s("02:b6:64:f1:a5:f0")].into(),
        os: OsInfo {
            variant: s("Ubuntu"),
            family: s("ubuntu"),
            full: s("Ubuntu 22.04.4"),
            kernel: s("5.15.0-105-generic #115-Ubuntu SMP"),
            platform: s("ubuntu"),
            version: s("22.04.4"),
        },
        rendered: Default::default(),
    })
}

fn proc(
    pid: u32,
    start: Timestamp,
    exe: &str,
    parent: Option<Arc<Proc>>,
    previous: Option<Arc<Proc>>,
) -> Arc<Proc> {
    let root = Account::new(0, "root");
    let user = Account::new(1000, "vagrant");
    let acct = if pid == 1 { root } else { user };
    Arc::new(Proc {
        pid,
        entity_id: super::entity_id("01010101-0101-0101-0101-010101010101", pid, start),
        start,
        image: Arc::new(Image {
            executable: s(exe),
            name: s(exe.rsplit('/').next().unwrap_or(exe)),
            args: vec![s(exe), s("-la")].into(),
            command_line: s(&format!("{exe} -la")),
            hash: Some(Arc::new(Hashes {
                md5: s(&"a".repeat(32)),
                sha1: s(&"b".repeat(40)),
                sha256: s(&"c".repeat(64)),
            })),
        }),
        creds: Arc::new(Creds {
            user: acct.clone(),
            group: acct.clone(),
            real_user: acct.clone(),
            real_group: acct,
            capabilities: crate::sim::procs::ROOT_CAPS,
        }),
        working_directory: s("/home/vagrant"),
        tty: Some((136, 1)),
        interactive: true,
        exec: previous.is_some(),
        lineage: previous.or_else(|| parent.clone()),
        rendered: Default::default(),
        parent,
        group_leader: None,
        session_leader: None,
        entry_leader: None,
        entry_meta: Some(Arc::new(EntryMeta {
            kind: "sshd",
            source_ip: Some(s("10.0.2.2")),
        })),
    })
}

fn chain(t: Timestamp) -> Arc<Proc> {
    let init = proc(1, t, "/usr/lib/systemd/systemd", None, None);
    let shell = proc(
        12627,
        t.plus(Span::secs(5)),
        "/usr/bin/bash",
        Some(init),
        None,
    );
    let forked = proc(
        12641,
        t.plus(Span::secs(6)),
        "/usr/bin/bash",
        Some(shell.clone()),
        None,
    );
    let mut img = (*proc(
        12641,
        t.plus(Span::secs(7)),
        "/usr/bin/ls",
        Some(shell.clone()),
        Some(forked),
    ))
    .clone();
    img.group_leader = Some(shell.clone());
    img.session_leader = Some(shell.clone());
    img.entry_leader = Some(shell);
    Arc::new(img)
}

/// An event of `stream` with every optional field present (process events aggregate fork, exec and
/// end; file events are renames with content information).
pub fn maximal(stream: DataStream) -> Event {
    let t = Timestamp::parse_rfc3339("2022-02-16T23:49:50.5022851Z").unwrap_or_default();
    let p = chain(t);
    let body = match stream {
        DataStream::Process => Body::Process(ProcessBody {
            actions: ProcessActions::FORK
                .with(ProcessActions::EXEC)
                .with(ProcessActions::END),
            process: p,
            end: Some((t.plus(Span::ms(20)), 0)),
        }),
        DataStream::File => Body::File(FileBody {
            action: FileAction::Rename,
            process: p,
            file: Arc::new(FileInfo {
                path: s("/tmp/report.pdf"),
                size: Some(1024),
                entropy: Some(7.1),
                header_bytes: Some(s("255044462d312e34")),
                original_path: Some(s("/tmp/report.tmp")),
            }),
        }),
    };
    Event {
        timestamp: t,
        ingested: t.plus(Span::secs(5)),
        sequence: 7424,
        id: EventId::new(&EventId::host_prefix(0, 1), 7424),
        host: host(),
        body,
        label: Some(Arc::new(Label {
            scenario: s("sample"),
            instance: 0,
            technique: s("T1059.004"),
            step: 0,
        })),
    }
}
