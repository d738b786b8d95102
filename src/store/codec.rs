//! Every byte the store writes goes through here: ops in the journal,
//! records and index values in sled.
//!
//! bincode 2.0.1 is pinned and unmaintained upstream (RUSTSEC-2025-0141);
//! keeping it behind these two functions means a move to another
//! bincode-compatible crate touches this file only. bincode stores no field
//! names, so enum variants and struct fields must never be reordered; each
//! value starts with a format byte so a future layout can be told apart.

use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

/// The layout of every value written today. Format 2 names the home
/// customer in interaction and follow-up updates; format 1 values came
/// only from development versions and are not read.
pub const FORMAT: u8 = 2;

/// Decoding never allocates more than this, whatever a damaged or hostile
/// file claims about its lengths.
const LIMIT: usize = 64 << 20;

fn config()
-> bincode::config::Configuration<bincode::config::LittleEndian, bincode::config::Varint, bincode::config::Limit<LIMIT>>
{
    bincode::config::standard().with_limit::<LIMIT>()
}

#[derive(Debug, Error)]
pub enum CodecError {
    #[error("empty value")]
    Empty,
    #[error("value in format {0}, newer than this guanxi reads ({FORMAT}); update guanxi")]
    NewerFormat(u8),
    #[error("value in format {0}, written by a development version of guanxi before {FORMAT}")]
    OlderFormat(u8),
    #[error("undecodable value: {0}")]
    Decode(String),
    #[error("unencodable value: {0}")]
    Encode(String),
    #[error("{0} trailing bytes after value")]
    Trailing(usize),
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::with_capacity(64);
    out.push(FORMAT);
    bincode::serde::encode_into_std_write(value, &mut out, config()).map_err(|e| CodecError::Encode(e.to_string()))?;
    Ok(out)
}

/// The value's bytes after its format byte, when it is in today's format.
fn body_of(bytes: &[u8]) -> Result<&[u8], CodecError> {
    let (&format, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if format > FORMAT {
        return Err(CodecError::NewerFormat(format));
    }
    if format < FORMAT {
        return Err(CodecError::OlderFormat(format));
    }
    Ok(body)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let body = body_of(bytes)?;
    let (value, used) =
        bincode::serde::decode_from_slice(body, config()).map_err(|e| CodecError::Decode(e.to_string()))?;
    if used != body.len() {
        return Err(CodecError::Trailing(body.len() - used));
    }
    Ok(value)
}

/// Decodes the value at the start of `bytes`, ignoring what follows: the
/// first fields of a larger value (an op's stamp and number) without the
/// cost of the rest.
pub fn decode_head<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    bincode::serde::decode_from_slice(body_of(bytes)?, config())
        .map(|(value, _)| value)
        .map_err(|e| CodecError::Decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip_and_format_byte() {
        let v = ("Nguyễn".to_string(), 42u64, vec![Some(1u8), None]);
        let bytes = encode(&v).unwrap();
        assert_eq!(bytes[0], FORMAT);
        let back: (String, u64, Vec<Option<u8>>) = decode(&bytes).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn refuses_other_formats_and_trailing_bytes() {
        let mut bytes = encode(&7u32).unwrap();
        bytes[0] = 9;
        assert!(matches!(decode::<u32>(&bytes), Err(CodecError::NewerFormat(9))));
        let mut bytes = encode(&7u32).unwrap();
        bytes.push(0);
        assert!(matches!(decode::<u32>(&bytes), Err(CodecError::Trailing(1))));
        assert!(matches!(decode::<u32>(&[]), Err(CodecError::Empty)));
    }

    #[test]
    fn huge_claimed_lengths_do_not_allocate() {
        // A vector claiming 2^60 elements.
        let bytes = [FORMAT, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0x10];
        assert!(decode::<Vec<u64>>(&bytes).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode::<(String, Vec<u32>, Option<i64>)>(&bytes);
        }
    }
}
