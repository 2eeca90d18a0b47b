//! The artist's profile (`artist_profile`, at most one row): the name, website,
//! contact and short statement that exports put on their cover. Every field
//! is optional; an export without a profile names no one.

use rusqlite::{Connection, OptionalExtension, params};

use crate::core::error::{Error, Result};

/// What the artist says of themself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub website: Option<String>,
    pub contact: Option<String>,
    pub statement: Option<String>,
}

/// The fields, as the command line, the dialog and the messages name them,
/// with the longest each may be, in characters.
pub const FIELDS: [(&str, usize); 5] = [
    ("given name", 200),
    ("family name", 200),
    ("website", 500),
    ("contact", 500),
    ("statement", 5000),
];

impl Profile {
    /// The artist's name as a cover shows it ("Ines Moreau"), if any.
    pub fn name(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.given_name, &self.family_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    fn fields(&self) -> [&Option<String>; 5] {
        [
            &self.given_name,
            &self.family_name,
            &self.website,
            &self.contact,
            &self.statement,
        ]
    }

    fn fields_mut(&mut self) -> [&mut Option<String>; 5] {
        [
            &mut self.given_name,
            &mut self.family_name,
            &mut self.website,
            &mut self.contact,
            &mut self.statement,
        ]
    }

    /// Trimmed, empty fields as none, each checked against its limit (and
    /// the one-line fields against line breaks).
    pub fn cleaned(mut self) -> Result<Profile> {
        for (i, field) in self.fields_mut().into_iter().enumerate() {
            let (what, max) = FIELDS[i];
            let text = field
                .take()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty());
            if let Some(t) = &text {
                if t.chars().count() > max {
                    return Err(Error::invalid(
                        what,
                        format!("longer than {max} characters"),
                    ));
                }
                if what != "statement" && t.chars().any(char::is_control) {
                    return Err(Error::invalid(what, "must be one line"));
                }
                if what == "website" && (t.contains(char::is_whitespace) || !t.contains('.')) {
                    return Err(Error::invalid(
                        what,
                        format!(
                            "\u{201c}{t}\u{201d} is not a web address (like ines-moreau.example or https://\u{2026})"
                        ),
                    ));
                }
            }
            *field = text;
        }
        Ok(self)
    }

    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|f| f.is_none())
    }
}

/// The profile, or an empty one.
pub fn read(conn: &Connection) -> Result<Profile> {
    Ok(conn
        .query_row(
            "SELECT given_name, family_name, website, contact, statement
             FROM artist_profile WHERE id = 1",
            [],
            |r| {
                Ok(Profile {
                    given_name: r.get(0)?,
                    family_name: r.get(1)?,
                    website: r.get(2)?,
                    contact: r.get(3)?,
                    statement: r.get(4)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// Writes the whole profile (cleaned first); an empty one removes the row.
pub fn write(conn: &Connection, profile: Profile) -> Result<Profile> {
    let p = profile.cleaned()?;
    if p.is_empty() {
        conn.execute("DELETE FROM artist_profile", [])?;
        return Ok(p);
    }
    conn.execute(
        "INSERT INTO artist_profile (id, given_name, family_name, website, contact, statement)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET given_name = ?1, family_name = ?2, website = ?3,
                                        contact = ?4, statement = ?5",
        params![
            p.given_name,
            p.family_name,
            p.website,
            p.contact,
            p.statement
        ],
    )?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::library as lib;

    #[test]
    fn a_profile_is_written_cleaned_read_back_and_cleared() {
        let (_d, mut lib) = lib();
        assert_eq!(read(lib.conn()).unwrap(), Profile::default());
        let written = lib
            .write(|tx| {
                write(
                    tx,
                    Profile {
                        given_name: Some("  Ines ".into()),
                        family_name: Some("Moreau".into()),
                        website: Some("".into()),
                        statement: Some("Light on water.\nAnd on stone.".into()),
                        ..Profile::default()
                    },
                )
            })
            .unwrap();
        assert_eq!(written.name().as_deref(), Some("Ines Moreau"));
        assert_eq!(read(lib.conn()).unwrap(), written);
        assert_eq!(written.website, None);
        let err = lib
            .write(|tx| {
                write(
                    tx,
                    Profile {
                        contact: Some("a\nb".into()),
                        ..Profile::default()
                    },
                )
            })
            .unwrap_err();
        assert!(err.to_string().contains("contact"), "{err}");
        // The refused write changed nothing.
        assert_eq!(read(lib.conn()).unwrap(), written);
        lib.write(|tx| write(tx, Profile::default())).unwrap();
        let rows: i64 = lib
            .conn()
            .query_row("SELECT count(*) FROM artist_profile", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }
}
