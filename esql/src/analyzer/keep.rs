//! KEEP and DROP: name patterns with `*` wildcards and KEEP's precedence rules.
//!
//! KEEP places a column at the argument that claims it with the highest precedence — an exact name,
//! then a partial wildcard (`a*`), then a bare `*` — and among equals the rightmost argument wins
//! (docs commands/keep.md; spec:keep/shadowingInternal, shadowingInternalWildcard). A wildcard that
//! matches nothing is `No matches found for pattern [x*]`; an unknown exact name is `Unknown column [x]`.

use super::Cx;
use super::commands::Outcome;
use super::scope::Scope;
use crate::ast::{self, NamePattern, NamePatternPart, PatternPiece};
use crate::plan::StepKind;

/// One element of a compiled name pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A literal character.
    Char(char),
    /// `*`: any sequence (dots included).
    Star,
}

/// A compiled KEEP/DROP pattern.
#[derive(Debug, Clone)]
struct Pattern {
    toks: Vec<Tok>,
    /// 2 exact, 1 partial wildcard, 0 bare `*`.
    precedence: u8,
    text: String,
}

fn compile(p: &NamePattern) -> Option<Pattern> {
    let mut toks = Vec::new();
    for (i, part) in p.parts.iter().enumerate() {
        if i > 0 {
            toks.push(Tok::Char('.'));
        }
        match part {
            NamePatternPart::Pattern(pp) => {
                for piece in &pp.pieces {
                    match piece {
                        PatternPiece::Quoted(s) => toks.extend(s.chars().map(Tok::Char)),
                        PatternPiece::Unquoted(s) => toks.extend(
                            s.chars()
                                .map(|c| if c == '*' { Tok::Star } else { Tok::Char(c) }),
                        ),
                    }
                }
            }
            NamePatternPart::Param(_) => return None,
        }
    }
    let stars = toks.iter().filter(|t| **t == Tok::Star).count();
    let precedence = if stars == 0 {
        2
    } else if toks.iter().all(|t| *t == Tok::Star) {
        0
    } else {
        1
    };
    Some(Pattern {
        toks,
        precedence,
        text: p.pattern_text().unwrap_or_default(),
    })
}

fn matches(toks: &[Tok], name: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    let (mut p, mut n) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while n < name.len() {
        if p < toks.len() && toks[p] == Tok::Star {
            star = Some(p);
            p += 1;
            mark = n;
        } else if p < toks.len() && toks[p] == Tok::Char(name[n]) {
            p += 1;
            n += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            n = mark;
        } else {
            return false;
        }
    }
    toks[p..].iter().all(|t| *t == Tok::Star)
}

/// Compiles the patterns and reports those that match no column; `None` when any failed.
fn compile_all(cx: &mut Cx, patterns: &[NamePattern], input: &Scope) -> Option<Vec<Pattern>> {
    let mut out = Vec::new();
    let mut ok = true;
    for p in patterns {
        let Some(c) = compile(p) else {
            cx.unsupported(p.span, "query parameters are not supported by detsim");
            ok = false;
            continue;
        };
        if !input.attrs.iter().any(|a| matches(&c.toks, &a.name)) {
            if c.precedence == 2 {
                cx.error(p.span, input.unknown_column(&c.text));
            } else {
                cx.error(p.span, format!("No matches found for pattern [{}]", c.text));
            }
            ok = false;
        }
        out.push(c);
    }
    ok.then_some(out)
}

/// `KEEP patterns`.
pub(crate) fn keep(cx: &mut Cx, c: &ast::KeepCommand, input: &Scope) -> Outcome {
    let Some(patterns) = compile_all(cx, &c.patterns, input) else {
        let kept = input
            .attrs
            .iter()
            .filter(|a| {
                c.patterns
                    .iter()
                    .filter_map(compile)
                    .any(|p| matches(&p.toks, &a.name))
            })
            .cloned()
            .collect();
        return (None, Scope { attrs: kept });
    };
    // (claiming argument, input index) for every kept column.
    let mut placed: Vec<(usize, usize)> = Vec::new();
    for (i, a) in input.attrs.iter().enumerate() {
        let best = patterns
            .iter()
            .enumerate()
            .filter(|(_, p)| matches(&p.toks, &a.name))
            .max_by_key(|(k, p)| (p.precedence, *k));
        if let Some((k, _)) = best {
            placed.push((k, i));
        }
    }
    placed.sort_unstable();
    let columns: Vec<usize> = placed.iter().map(|(_, i)| *i).collect();
    let out = Scope {
        attrs: columns.iter().map(|&i| input.attrs[i].clone()).collect(),
    };
    (Some(StepKind::Project { columns }), out)
}

/// `DROP patterns`: removes every matching column.
pub(crate) fn drop(cx: &mut Cx, c: &ast::DropCommand, input: &Scope) -> Outcome {
    let compiled = compile_all(cx, &c.patterns, input);
    let all: Vec<Pattern> = c.patterns.iter().filter_map(compile).collect();
    let columns: Vec<usize> = (0..input.attrs.len())
        .filter(|&i| !all.iter().any(|p| matches(&p.toks, &input.attrs[i].name)))
        .collect();
    let out = Scope {
        attrs: columns.iter().map(|&i| input.attrs[i].clone()).collect(),
    };
    let step = compiled.map(|_| StepKind::Project { columns });
    (step, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        s.chars()
            .map(|c| if c == '*' { Tok::Star } else { Tok::Char(c) })
            .collect()
    }

    #[test]
    fn wildcards_match_across_dots() {
        // spec:drop/subfieldsWildcard: `*` also matches dots
        assert!(matches(&toks("*.name"), "process.parent.name"));
        assert!(matches(&toks("last*"), "last_name"));
        assert!(matches(&toks("*"), "a"));
        assert!(!matches(&toks("a*b"), "ac"));
        assert!(matches(&toks("Esql.*"), "Esql.event_count"));
    }
}
