//! CIDR_MATCH (docs functions cidr_match.md): true when the IP lies in any of the CIDR blocks.
//! IPv4 addresses and IPv4 blocks compare as IPv4; an IPv6 address matches only IPv6 blocks unless
//! it is IPv4-mapped (ES compares the 16-byte forms, where IPv4 is IPv4-mapped IPv6). A block without
//! a prefix length is one address; a block that is neither is an error, as ES rejects it.

use std::net::IpAddr;

use esql::plan::Expr;
use esql::value::ip_bytes;
use esql::{EvalError, Value};

use super::str_arg;
use crate::reference::Context;

/// Parses `a.b.c.d/n` or `x::/n` into its 16-byte network and prefix length over 128 bits. A block
/// without `/` is a single address (ES's `CIDRUtils.isInRange` takes it as the range [addr, addr]),
/// i.e. all 128 bits of its IPv4-mapped form.
pub fn parse_cidr(block: &str) -> Option<([u8; 16], u32)> {
    let Some((addr, len)) = block.split_once('/') else {
        let ip: IpAddr = block.parse().ok()?;
        return Some((ip_bytes(&ip), 128));
    };
    let ip: IpAddr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    let (bytes, bits) = match ip {
        IpAddr::V4(_) if len <= 32 => (ip_bytes(&ip), 96 + len),
        IpAddr::V6(_) if len <= 128 => (ip_bytes(&ip), len),
        _ => return None,
    };
    Some((bytes, bits))
}

/// True when `ip` lies in the block.
pub fn in_block(ip: &IpAddr, network: &[u8; 16], bits: u32) -> bool {
    let a = u128::from_be_bytes(ip_bytes(ip));
    let b = u128::from_be_bytes(*network);
    let mask = if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    };
    a & mask == b & mask
}

/// `CIDR_MATCH(ip, block, …)`.
pub fn cidr_match(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let Value::Ip(ip) = vs[0] else {
        return Err(EvalError::Internal(format!(
            "CIDR_MATCH of {:?} in [{}]",
            vs[0], expr.text
        )));
    };
    for b in &vs[1..] {
        let block = str_arg(b, expr)?;
        let (net, bits) = parse_cidr(block).ok_or_else(|| {
            EvalError::Execution(format!("invalid CIDR block [{block}] in [{}]", expr.text))
        })?;
        if in_block(ip, &net, bits) {
            return Ok(Value::Boolean(true));
        }
    }
    Ok(Value::Boolean(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(ip: &str, block: &str) -> bool {
        let (n, b) = parse_cidr(block).unwrap();
        in_block(&ip.parse().unwrap(), &n, b)
    }

    #[test]
    fn v4_and_v6_blocks() {
        assert!(m("10.1.2.3", "10.0.0.0/8"));
        assert!(!m("11.1.2.3", "10.0.0.0/8"));
        assert!(m("192.168.1.1", "0.0.0.0/0"));
        assert!(!m("::1", "0.0.0.0/0"));
        assert!(m("fe80::1", "fe80::/10"));
        assert!(m("127.0.0.1", "127.0.0.1/32"));
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert!(parse_cidr("nope").is_none());
    }

    #[test]
    fn a_block_without_prefix_is_one_address() {
        assert!(m("::1", "::1"));
        assert!(!m("::2", "::1"));
        assert!(m("10.1.2.3", "10.1.2.3"));
        assert!(!m("10.1.2.4", "10.1.2.3"));
        assert!(m("::ffff:10.1.2.3", "10.1.2.3"));
        assert!(!m("::1", "0.0.0.1"));
        assert!(parse_cidr("10.1.2").is_none());
    }
}
