//! Damaged copies of valid files, the inputs that find the most: a reader
//! gets past its first checks and meets the damage deep inside. A case is
//! a seed (a real file) and a few edits: bit flips, bytes set to values
//! that trip parsers (0, 0xff, quotes, newlines), runs inserted (random or
//! tokens of the format), ranges deleted or duplicated, and cuts.

use proptest::prelude::*;

/// One edit; positions are taken modulo the length at the time.
#[derive(Debug, Clone)]
pub enum Edit {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Token { at: usize, token: usize },
    Delete { at: usize, len: usize },
    Duplicate { from: usize, len: usize, to: usize },
    Truncate { at: usize },
}

/// Bytes that mean something to most text and binary readers.
const SPECIAL: &[u8] = b"\0\xff\xfe\x80\xc3\xe2\"',;:=\\\t\r\n []{}#.-+0179aZ";

fn edit(tokens: usize) -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, 0u8..8).prop_map(|(at, bit)| Edit::Flip { at, bit }),
        2 => (at, prop::sample::select(SPECIAL)).prop_map(|(at, byte)| Edit::Set { at, byte }),
        1 => (at, any::<u8>()).prop_map(|(at, byte)| Edit::Set { at, byte }),
        2 => (at, prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        3 => (at, 0..tokens.max(1)).prop_map(|(at, token)| Edit::Token { at, token }),
        2 => (at, 1usize..64).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (at, 1usize..256, at).prop_map(|(from, len, to)| Edit::Duplicate { from, len, to }),
        1 => at.prop_map(|at| Edit::Truncate { at }),
    ]
}

/// Applies `edits` to `bytes`; `tokens` are the format's words.
pub fn apply(mut bytes: Vec<u8>, edits: &[Edit], tokens: &[&[u8]]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len();
        let pos = |at: usize| if len == 0 { 0 } else { at % (len + 1) };
        match e {
            Edit::Flip { at, bit } if len > 0 => bytes[at % len] ^= 1 << bit,
            Edit::Set { at, byte } if len > 0 => bytes[at % len] = *byte,
            Edit::Insert { at, bytes: new } => {
                let at = pos(*at);
                bytes.splice(at..at, new.iter().copied());
            }
            Edit::Token { at, token } if !tokens.is_empty() => {
                let at = pos(*at);
                bytes.splice(at..at, tokens[token % tokens.len()].iter().copied());
            }
            Edit::Delete { at, len: n } if len > 0 => {
                let at = at % len;
                bytes.drain(at..(at + n).min(len));
            }
            Edit::Duplicate { from, len: n, to } if len > 0 => {
                let from = from % len;
                let run = bytes[from..(from + n).min(len)].to_vec();
                let to = pos(*to);
                bytes.splice(to..to, run);
            }
            Edit::Truncate { at } => bytes.truncate(pos(*at)),
            _ => {}
        }
    }
    bytes
}

/// A seed out of `seeds`, damaged by one to eight edits.
pub fn damaged(seeds: Vec<Vec<u8>>, tokens: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit(tokens.len()), 1..8),
    )
        .prop_map(move |(seed, edits)| apply(seed, &edits, tokens))
}

/// Plain random bytes, mostly short, sometimes a few kilobytes.
pub fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..64),
        1 => prop::collection::vec(any::<u8>(), 0..4096),
    ]
}

/// Either noise or a damaged seed (damaged three times out of four).
pub fn input(seeds: Vec<Vec<u8>>, tokens: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![1 => noise(), 3 => damaged(seeds, tokens)]
}

#[test]
fn edits_do_what_they_say() {
    let seed = b"abcdef".to_vec();
    assert_eq!(apply(seed.clone(), &[Edit::Flip { at: 6, bit: 0 }], &[]), b"`bcdef");
    assert_eq!(apply(seed.clone(), &[Edit::Delete { at: 4, len: 9 }], &[]), b"abcd");
    assert_eq!(
        apply(seed.clone(), &[Edit::Token { at: 3, token: 1 }], &[b"x", b"YZ"]),
        b"abcYZdef"
    );
    assert_eq!(
        apply(seed.clone(), &[Edit::Duplicate { from: 1, len: 2, to: 0 }], &[]),
        b"bcabcdef"
    );
    assert_eq!(apply(seed, &[Edit::Truncate { at: 9 }], &[]), b"ab");
    assert_eq!(apply(Vec::new(), &[Edit::Flip { at: 3, bit: 1 }], &[]), b"");
}
