//! Identifiers: `process.entity_id` as Elastic Defend builds it, and unique `event.id`s.
//!
//! Entity ids are `base64("<agent.id>-<pid>-<start in seconds since 1601-01-01>.<fraction>")`, e.g. the
//! RFC 0030 real event's `MDEwMTAxMDEt…LTEyNjQxLTEzMjg5NTI4OTkwLjUwMjI4NTEwMA==` decodes to
//! `01010101-0101-0101-0101-010101010101-12641-13289528990.502285100`.
//!
//! Event ids look like Elastic's (`MUpqbRd8y253e0Yl+++++K2J`: 24 characters of a base64 alphabet with
//! `+` padding). Here the first 12 characters identify the host (its index in the fleet, then host-specific
//! random characters) and the last 12 encode the host's `event.sequence`, so ids are unique by construction.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::time::Timestamp;

/// Longest entity id text kept inline (an agent id of up to 40 characters fits).
const ENTITY_CAP: usize = 100;

/// A `process.entity_id`, its base64 text stored inline (no allocation, `Copy`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId {
    len: u8,
    text: [u8; ENTITY_CAP],
}

impl EntityId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only base64 characters are ever written.
        std::str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::ops::Deref for EntityId {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for EntityId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for EntityId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for EntityId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The agent-id part of a host's entity ids, encoded once: base64 works on 3-byte groups, so the
/// whole groups of `<agent.id>` are encoded here and only the rest (`-<pid>-<start>`) per process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityPrefix {
    encoded: Vec<u8>,
    carry: Vec<u8>,
}

impl EntityPrefix {
    /// The prefix of the agent `agent_id`.
    pub fn new(agent_id: &str) -> EntityPrefix {
        let bytes = agent_id.as_bytes();
        // Keep room for the per-process part in the inline buffer.
        let whole = (bytes.len().min(45) / 3) * 3;
        EntityPrefix {
            encoded: STANDARD.encode(&bytes[..whole]).into_bytes(),
            carry: bytes[whole..].to_vec(),
        }
    }

    /// `process.entity_id` for an image of `pid` started at `start`.
    pub fn entity_id(&self, pid: u32, start: Timestamp) -> EntityId {
        // `<carry>-<pid>-<seconds since 1601>.<fraction>`, written without allocating.
        let mut raw = [0u8; 64];
        let mut n = 0;
        let mut put = |bytes: &[u8]| {
            let end = (n + bytes.len()).min(raw.len());
            raw[n..end].copy_from_slice(&bytes[..end - n]);
            n = end;
        };
        put(&self.carry);
        put(b"-");
        let mut digits = [0u8; 20];
        put(decimal(u64::from(pid), &mut digits));
        put(b"-");
        let secs =
            start.0.div_euclid(crate::time::NANOS_PER_SEC) + crate::time::FILETIME_UNIX_OFFSET_SECS;
        let nanos = start.0.rem_euclid(crate::time::NANOS_PER_SEC) as u64;
        put(decimal(secs.max(0) as u64, &mut digits));
        if nanos == 0 {
            put(b".0");
        } else {
            put(b".");
            let mut frac = [b'0'; 9];
            let mut v = nanos;
            for slot in frac.iter_mut().rev() {
                *slot = b'0' + (v % 10) as u8;
                v /= 10;
            }
            put(&frac);
        }
        let mut id = EntityId {
            len: 0,
            text: [0u8; ENTITY_CAP],
        };
        let head = self.encoded.len().min(ENTITY_CAP);
        id.text[..head].copy_from_slice(&self.encoded[..head]);
        let tail = STANDARD
            .encode_slice(&raw[..n], &mut id.text[head..])
            .unwrap_or(0);
        id.len = (head + tail) as u8;
        id
    }
}

/// `process.entity_id` for an image of `pid` started at `start` on the agent `agent_id`.
pub fn entity_id(agent_id: &str, pid: u32, start: Timestamp) -> EntityId {
    EntityPrefix::new(agent_id).entity_id(pid, start)
}

/// Writes `v` in decimal at the end of `buf` and returns the digits.
fn decimal(mut v: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            return &buf[i..];
        }
    }
}

/// The digit alphabet of event ids; `+` is the zero digit (so small counters look like `+++++K2J`).
const DIGITS: &[u8; 64] = b"+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A 24-character `event.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(pub [u8; 24]);

impl EventId {
    /// The host part of ids for the host with fleet index `host_index` (`salt` makes it look random).
    pub fn host_prefix(host_index: u32, salt: u64) -> [u8; 12] {
        let mut out = [b'+'; 12];
        // 'M' first, like Elastic's ids, then 4 digits of host index, then 7 salt digits.
        out[0] = b'M';
        let mut idx = host_index;
        for i in (1..5).rev() {
            out[i] = DIGITS[(idx % 64) as usize];
            idx /= 64;
        }
        let mut s = salt;
        for slot in out.iter_mut().skip(5) {
            *slot = DIGITS[(s % 64) as usize];
            s /= 64;
        }
        out
    }

    /// The id of the `sequence`-th event of a host.
    pub fn new(prefix: &[u8; 12], sequence: u64) -> EventId {
        let mut out = [b'+'; 24];
        out[..12].copy_from_slice(prefix);
        let mut v = sequence;
        let mut i = 24;
        while v > 0 && i > 12 {
            i -= 1;
            out[i] = DIGITS[(v % 64) as usize];
            v /= 64;
        }
        EventId(out)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Every byte comes from DIGITS or 'M': always ASCII.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for EventId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_id_matches_rfc_real_event() {
        let t = Timestamp::parse_rfc3339("2022-02-16T23:49:50.5022851Z").unwrap();
        assert_eq!(
            entity_id("01010101-0101-0101-0101-010101010101", 12641, t).as_str(),
            "MDEwMTAxMDEtMDEwMS0wMTAxLTAxMDEtMDEwMTAxMDEwMTAxLTEyNjQxLTEzMjg5NTI4OTkwLjUwMjI4NTEwMA=="
        );
    }

    #[test]
    fn event_ids_are_unique_per_host_and_sequence() {
        let a = EventId::host_prefix(0, 12345);
        let b = EventId::host_prefix(1, 12345);
        let mut seen = std::collections::BTreeSet::new();
        for p in [&a, &b] {
            for seq in [0u64, 1, 63, 64, 65, 4095, 1 << 40] {
                assert!(seen.insert(EventId::new(p, seq)));
            }
        }
        let id = EventId::new(&a, 1);
        assert_eq!(id.as_str().len(), 24);
        assert!(id.as_str().ends_with("+/"));
    }
}
