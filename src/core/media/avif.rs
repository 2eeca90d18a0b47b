//! AVIF stills (placeholder while the decoder is chosen).

use super::decode::{Decoded, Refusal};

pub fn decode(_bytes: &[u8], _max_side: u32, _max_bytes: u64) -> Result<Decoded, Refusal> {
    Err(Refusal::Unsupported("AVIF images are not supported yet".into()))
}
