//! The members sections of a website: encrypted so that only visitors with
//! the gallery's password can read them, and decrypted in their browser by
//! WebCrypto (`assets/folio.js`).
//!
//! - The key is PBKDF2-HMAC-SHA256 of the password with a random 16-byte salt
//!   kept per gallery in the library (`gallery_sites`), [`ITERATIONS`]
//!   rounds (OWASP's figure for PBKDF2-SHA256), 32 bytes: what
//!   `crypto.subtle.deriveKey` computes from the same inputs.
//! - Each file is AES-256-GCM with a fresh random 96-bit nonce every time a
//!   ciphertext is written, and the file's name as associated data (a file
//!   cannot be swapped for another): `nonce ‖ ciphertext ‖ tag`, the layout
//!   WebCrypto decrypts (its tag appended).
//! - A members file is named by HMAC-SHA256 of its plaintext under a key
//!   derived from the password key, so a name reveals nothing without the
//!   password, and the same content under the same password keeps its name:
//!   an export that finds a file of that name which opens with the key leaves
//!   it as it is (content and password unchanged, nothing rewritten).
//! - It travels as a script (`folioMembers.put("name", "base64…")`), which a
//!   page loads with a `<script>` element: that works from `file://`, where
//!   `fetch` does not.
//!
//! What this does not do: it is not an account system. Anyone with the
//! password can read, and pass on, everything behind it; no one can be
//! locked out later but by exporting with a new password. The structure of
//! the page (that a members section exists, its type's heading, the number
//! of files and their sizes) is visible to all.

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use sha2::Sha256;
use zeroize::Zeroize;

use crate::core::error::{Error, Result};
use crate::core::{GalleryId, Library};

/// PBKDF2-SHA256 rounds: OWASP's recommendation (2023) for this hash.
pub const ITERATIONS: u32 = 600_000;

/// The shortest members password accepted: a static site can be attacked
/// offline, at leisure.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The key of one gallery's members sections.
pub struct Key {
    aes: Aes256Gcm,
    names: [u8; 32],
    pub salt: [u8; 16],
    pub iterations: u32,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// Checks a members password before anything is derived from it.
pub fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(
            "members password",
            format!(
                "must be at least {MIN_PASSWORD_CHARS} characters (a few words are easy to type and hard to guess)"
            ),
        ));
    }
    Ok(())
}

impl Key {
    /// Stretches `password` with `salt` (slow on purpose: about a second).
    pub fn derive(password: &str, salt: [u8; 16], iterations: u32) -> Key {
        let mut raw = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, &mut raw);
        let names = {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&raw)
                .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
            mac.update(b"folio members file names v1");
            mac.finalize().into_bytes().into()
        };
        let aes = Aes256Gcm::new((&raw).into());
        raw.zeroize();
        Key {
            aes,
            names,
            salt,
            iterations,
        }
    }

    /// The file name (32 hex digits) of a members file holding `plaintext`.
    pub fn name_of(&self, plaintext: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.names)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(plaintext);
        let digest = mac.finalize().into_bytes();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `plaintext` encrypted under a fresh random nonce, bound to the file
    /// `name` it goes into (the name is the associated data, so one members
    /// file cannot be passed off as another): `nonce ‖ ct ‖ tag`.
    pub fn seal(&self, name: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plaintext,
            aad: name.as_bytes(),
        };
        let sealed = self
            .aes
            .encrypt(&nonce, payload)
            .map_err(|_| Error::invalid("members section", "could not be encrypted"))?;
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plaintext of the file `name`'s `sealed`, if this key opens it.
    pub fn open(&self, name: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 12 + 16 {
            return None;
        }
        let (nonce, body) = sealed.split_at(12);
        let payload = Payload {
            msg: body,
            aad: name.as_bytes(),
        };
        self.aes.decrypt(Nonce::from_slice(nonce), payload).ok()
    }
}

/// The gallery's salt, made (16 random bytes) and kept at its first use.
pub fn salt_of(lib: &mut Library, gallery: GalleryId) -> Result<[u8; 16]> {
    // Read first: a library opened read-only beside the app exports a
    // members' site whose salt is already kept.
    if let Some(salt) = read_salt(lib.conn(), gallery)? {
        return Ok(salt);
    }
    lib.write(|tx| {
        if let Some(salt) = read_salt(tx, gallery)? {
            return Ok(salt);
        }
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        set_salt(tx, gallery, salt)?;
        Ok(salt)
    })
}

/// The gallery's salt, if it has one.
pub fn read_salt(conn: &Connection, gallery: GalleryId) -> Result<Option<[u8; 16]>> {
    let found: Option<Vec<u8>> = conn
        .query_row(
            "SELECT salt FROM gallery_sites WHERE gallery_id = ?1",
            [gallery],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.and_then(|s| <[u8; 16]>::try_from(s).ok()))
}

/// Gives the gallery this salt (a deleted gallery made again keeps its own).
pub fn set_salt(conn: &Connection, gallery: GalleryId, salt: [u8; 16]) -> Result<()> {
    conn.execute(
        "INSERT INTO gallery_sites (gallery_id, salt) VALUES (?1, ?2)
         ON CONFLICT (gallery_id) DO UPDATE SET salt = ?2",
        rusqlite::params![gallery, salt.as_slice()],
    )?;
    Ok(())
}

/// The script that carries a members file.
pub fn script(name: &str, sealed: &[u8]) -> String {
    format!(
        "folioMembers.put(\"{name}\",\"{}\");\n",
        BASE64.encode(sealed)
    )
}

/// The name and ciphertext a members script carries.
pub fn parse_script(text: &str) -> Option<(String, Vec<u8>)> {
    let rest = text.strip_prefix("folioMembers.put(\"")?;
    let (name, rest) = rest.split_once("\",\"")?;
    let (b64, _) = rest.split_once("\");")?;
    Some((name.to_string(), BASE64.decode(b64).ok()?))
}

/// Base64, as pages carry the salt.
pub fn base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_opens_with_the_same_password_only_and_names_are_stable() {
        let salt = [7u8; 16];
        // Few rounds: the same function, faster.
        let key = Key::derive("correct horse battery", salt, 1000);
        let other = Key::derive("correct horse battery!", salt, 1000);
        let a = key.seal("n1", b"<p>Behind the scenes</p>").unwrap();
        let b = key.seal("n1", b"<p>Behind the scenes</p>").unwrap();
        // A fresh nonce each time.
        assert_ne!(a[..12], b[..12]);
        assert_eq!(key.open("n1", &a).unwrap(), b"<p>Behind the scenes</p>");
        assert!(other.open("n1", &a).is_none());
        // Bound to its name: the same bytes under another name do not open.
        assert!(key.open("n2", &a).is_none());
        assert!(!a.windows(6).any(|w| w == b"Behind"));
        assert_eq!(key.name_of(b"x"), key.name_of(b"x"));
        assert_ne!(key.name_of(b"x"), other.name_of(b"x"));
        assert_eq!(key.name_of(b"x").len(), 32);
        let js = script(&key.name_of(b"x"), &a);
        assert_eq!(parse_script(&js), Some((key.name_of(b"x"), a)));
    }

    #[test]
    fn the_key_is_pbkdf2_sha256_as_webcrypto_derives_it() {
        // RFC 7914's PBKDF2-HMAC-SHA256 test vector ("passwd", "salt", 1
        // round), the first 32 bytes: the bytes WebCrypto's deriveBits gives.
        let mut raw = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut raw);
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
        assert!(check_password("short").is_err());
        assert!(check_password("long enough words").is_ok());
    }
}
