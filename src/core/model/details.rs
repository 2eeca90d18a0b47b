//! What an image shows as a work — title, year, medium, dimensions, edition,
//! inventory number, credit, description (the `artworks` table) — and the
//! one way they and the alt text are edited: [`Entry::set`] parses and checks
//! what a person typed into one [`Field`], [`set_fields`] applies such edits to
//! many images and returns what each was before, for undo.
//!
//! Alt text describes the image for people who cannot see it; the title and
//! the rest name the work. They are never the same field.

use std::fmt;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};

use super::images::MAX_ALT_TEXT_CHARS;
use crate::core::error::{Error, Result};
use crate::core::ids::ImageId;

/// The unit a work's dimensions are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Cm,
    In,
}

impl Unit {
    /// The `artworks.unit` value and what is shown after the numbers.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Cm => "cm",
            Unit::In => "in",
        }
    }

    /// "cm", "in" and their spelled-out forms, any case.
    pub fn parse(text: &str) -> Option<Unit> {
        match text.trim().trim_end_matches('.').to_lowercase().as_str() {
            "cm" | "centimetre" | "centimetres" | "centimeter" | "centimeters" => Some(Unit::Cm),
            "in" | "inch" | "inches" | "\"" => Some(Unit::In),
            _ => None,
        }
    }

    fn other(self) -> Unit {
        match self {
            Unit::Cm => Unit::In,
            Unit::In => Unit::Cm,
        }
    }

    /// `value` in this unit, written in `to`.
    fn convert(self, value: f64, to: Unit) -> f64 {
        match (self, to) {
            (Unit::Cm, Unit::In) => value / 2.54,
            (Unit::In, Unit::Cm) => value * 2.54,
            _ => value,
        }
    }
}

impl ToSql for Unit {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Unit {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        match text {
            "cm" => Ok(Unit::Cm),
            "in" => Ok(Unit::In),
            _ => Err(FromSqlError::Other(format!("unknown unit {text:?}").into())),
        }
    }
}

/// A work's details. Every text is trimmed and never empty (`None` instead).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    pub title: Option<String>,
    /// As the artist writes it: "2019–2021", "c. 1990".
    pub year: Option<String>,
    /// The year it sorts by: derived from `year` ([`year_sort_of`]) unless set.
    pub year_sort: Option<i32>,
    pub medium: Option<String>,
    /// Height × width × depth in `unit`.
    pub height: Option<f64>,
    pub width: Option<f64>,
    pub depth: Option<f64>,
    pub unit: Option<Unit>,
    /// Shown instead of the numbers when given ("dimensions variable").
    pub dimensions_text: Option<String>,
    /// "3/10, 2 AP".
    pub edition: Option<String>,
    pub inventory_number: Option<String>,
    /// Credit or copyright line.
    pub credit: Option<String>,
    pub description: Option<String>,
}

impl Details {
    /// Whether there is nothing to keep (a unit without numbers counts as nothing).
    pub fn is_empty(&self) -> bool {
        let Details {
            title,
            year,
            year_sort,
            medium,
            height,
            width,
            depth,
            unit: _,
            dimensions_text,
            edition,
            inventory_number,
            credit,
            description,
        } = self;
        title.is_none()
            && year.is_none()
            && year_sort.is_none()
            && medium.is_none()
            && height.is_none()
            && width.is_none()
            && depth.is_none()
            && dimensions_text.is_none()
            && edition.is_none()
            && inventory_number.is_none()
            && credit.is_none()
            && description.is_none()
    }

    /// The dimensions as a label shows them: the free text when there is
    /// one, else "50 × 40 cm (19.7 × 15.7 in)" (in both units).
    pub fn dimensions(&self) -> Option<String> {
        if let Some(t) = &self.dimensions_text {
            return Some(t.clone());
        }
        let unit = self.unit?;
        let numbers: Vec<f64> = [self.height, self.width, self.depth]
            .into_iter()
            .flatten()
            .collect();
        if numbers.is_empty() {
            return None;
        }
        let line = |u: Unit| {
            let parts: Vec<String> = numbers
                .iter()
                .map(|&n| number_text(unit.convert(n, u)))
                .collect();
            format!("{} {}", parts.join(" × "), u.as_str())
        };
        Some(format!("{} ({})", line(unit), line(unit.other())))
    }
}

impl Details {
    /// No details at all (what an image without an `artworks` row has).
    pub const NONE: Details = Details {
        title: None,
        year: None,
        year_sort: None,
        medium: None,
        height: None,
        width: None,
        depth: None,
        unit: None,
        dimensions_text: None,
        edition: None,
        inventory_number: None,
        credit: None,
        description: None,
    };

    /// Whether `field` (not the alt text) holds the same here and in `other`,
    /// compared without writing either out.
    pub fn same(&self, other: &Details, field: Field) -> bool {
        match field {
            Field::Title => self.title == other.title,
            Field::Year => self.year == other.year,
            Field::YearSort => self.year_sort == other.year_sort,
            Field::Medium => self.medium == other.medium,
            Field::Height => self.height == other.height,
            Field::Width => self.width == other.width,
            Field::Depth => self.depth == other.depth,
            Field::Unit => self.unit == other.unit,
            Field::DimensionsText => self.dimensions_text == other.dimensions_text,
            Field::Edition => self.edition == other.edition,
            Field::InventoryNumber => self.inventory_number == other.inventory_number,
            Field::Credit => self.credit == other.credit,
            Field::Description => self.description == other.description,
            Field::AltText => true,
        }
    }
}

/// Everything an artist writes about an image: its alt text and its details.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    pub alt_text: Option<String>,
    pub details: Details,
}

/// One field of an [`Entry`], as the inspector and the spreadsheet name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Year,
    YearSort,
    Medium,
    Height,
    Width,
    Depth,
    Unit,
    DimensionsText,
    Edition,
    InventoryNumber,
    Credit,
    Description,
    AltText,
}

impl Field {
    /// Every field, in the spreadsheet's column order.
    pub const ALL: [Field; 14] = [
        Field::InventoryNumber,
        Field::Title,
        Field::Year,
        Field::YearSort,
        Field::Medium,
        Field::Height,
        Field::Width,
        Field::Depth,
        Field::Unit,
        Field::DimensionsText,
        Field::Edition,
        Field::Credit,
        Field::Description,
        Field::AltText,
    ];

    /// The spreadsheet's column name (`folio details export`).
    pub fn column(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Year => "year",
            Field::YearSort => "year_sort",
            Field::Medium => "medium",
            Field::Height => "height",
            Field::Width => "width",
            Field::Depth => "depth",
            Field::Unit => "unit",
            Field::DimensionsText => "dimensions_text",
            Field::Edition => "edition",
            Field::InventoryNumber => "inventory_number",
            Field::Credit => "credit",
            Field::Description => "description",
            Field::AltText => "alt_text",
        }
    }

    /// The field's name in words.
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "Title",
            Field::Year => "Year",
            Field::YearSort => "Sort year",
            Field::Medium => "Medium",
            Field::Height => "Height",
            Field::Width => "Width",
            Field::Depth => "Depth",
            Field::Unit => "Unit",
            Field::DimensionsText => "Dimensions as text",
            Field::Edition => "Edition",
            Field::InventoryNumber => "Inventory number",
            Field::Credit => "Credit",
            Field::Description => "Description",
            Field::AltText => "Alt text",
        }
    }

    /// The longest text the field takes, in characters (the schema's CHECK).
    fn max_chars(self) -> usize {
        match self {
            Field::Title | Field::Medium | Field::Credit => 500,
            Field::Year => 100,
            Field::DimensionsText | Field::Edition => 200,
            Field::InventoryNumber => 100,
            Field::Description => 10_000,
            Field::AltText => MAX_ALT_TEXT_CHARS,
            Field::YearSort | Field::Height | Field::Width | Field::Depth | Field::Unit => 40,
        }
    }

    /// Whether it is one of the three dimensions.
    pub fn is_dimension(self) -> bool {
        matches!(self, Field::Height | Field::Width | Field::Depth)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Entry {
    /// As the database keeps it: a unit without numbers is not kept.
    pub fn normalize(&mut self) {
        let d = &mut self.details;
        if d.height.is_none() && d.width.is_none() && d.depth.is_none() {
            d.unit = None;
        }
    }

    /// The field as text, as a person would type it back.
    pub fn get(&self, field: Field) -> String {
        let d = &self.details;
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        let number = |n: Option<f64>| n.map(number_text).unwrap_or_default();
        match field {
            Field::Title => text(&d.title),
            Field::Year => text(&d.year),
            Field::YearSort => d.year_sort.map(|y| y.to_string()).unwrap_or_default(),
            Field::Medium => text(&d.medium),
            Field::Height => number(d.height),
            Field::Width => number(d.width),
            Field::Depth => number(d.depth),
            Field::Unit => d.unit.map(|u| u.as_str().to_string()).unwrap_or_default(),
            Field::DimensionsText => text(&d.dimensions_text),
            Field::Edition => text(&d.edition),
            Field::InventoryNumber => text(&d.inventory_number),
            Field::Credit => text(&d.credit),
            Field::Description => text(&d.description),
            Field::AltText => text(&self.alt_text),
        }
    }

    /// Sets `field` from what a person typed (trimmed; empty clears it).
    /// A new year brings its sort year with it. A dimension needs a unit.
    /// The error says what is wrong with the value, in words.
    pub fn set(&mut self, field: Field, typed: &str) -> std::result::Result<(), String> {
        let trimmed = typed.trim();
        let chars = trimmed.chars().count();
        if chars > field.max_chars() {
            return Err(format!(
                "{} is {chars} characters long; at most {} fit",
                field.label(),
                field.max_chars()
            ));
        }
        let text = (!trimmed.is_empty()).then(|| trimmed.to_string());
        let d = &mut self.details;
        match field {
            Field::Title => d.title = text,
            Field::Year => {
                d.year_sort = text.as_deref().and_then(year_sort_of);
                d.year = text;
            }
            Field::YearSort => {
                d.year_sort = match text {
                    None => None,
                    Some(t) => Some(
                        t.parse::<i32>()
                            .ok()
                            .filter(|y| y.abs() <= 99_999)
                            .ok_or_else(|| {
                                format!(
                                    "the sort year must be a whole number such as 1990, not {t:?}"
                                )
                            })?,
                    ),
                }
            }
            Field::Medium => d.medium = text,
            Field::Height | Field::Width | Field::Depth => {
                let value = text.as_deref().map(parse_length).transpose()?;
                if value.is_some() && d.unit.is_none() {
                    return Err(format!("{trimmed} needs a unit: cm or in"));
                }
                match field {
                    Field::Height => d.height = value,
                    Field::Width => d.width = value,
                    _ => d.depth = value,
                }
            }
            Field::Unit => {
                d.unit = match text {
                    None if d.height.is_some() || d.width.is_some() || d.depth.is_some() => {
                        return Err(
                            "the dimensions need a unit (cm or in); clear them first".into()
                        );
                    }
                    None => None,
                    Some(t) => Some(
                        Unit::parse(&t)
                            .ok_or_else(|| format!("the unit must be cm or in, not {t:?}"))?,
                    ),
                }
            }
            Field::DimensionsText => d.dimensions_text = text,
            Field::Edition => d.edition = text,
            Field::InventoryNumber => d.inventory_number = text,
            Field::Credit => d.credit = text,
            Field::Description => d.description = text,
            Field::AltText => self.alt_text = text,
        }
        Ok(())
    }
}

/// The year a year as written sorts by: its first number of one to five
/// digits ("c. 1990" → 1990, "2019–2021" → 2019, "1990s" → 1990); none when it
/// has no number ("undated").
pub fn year_sort_of(year: &str) -> Option<i32> {
    let start = year.find(|c: char| c.is_ascii_digit())?;
    let digits: String = year[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.len() > 5 {
        return None;
    }
    digits.parse().ok()
}

/// A length as typed: "50", "50.5", "50,5" (a decimal comma), at least
/// 0.01, kept to two decimals (as it is shown and exported).
pub fn parse_length(text: &str) -> std::result::Result<f64, String> {
    let t = text.trim().replace(',', ".");
    let value = t.parse::<f64>().map(|v| (v * 100.0).round() / 100.0);
    match value {
        Ok(v) if v.is_finite() && (0.01..1e7).contains(&v) => Ok(v),
        _ => Err(format!(
            "a dimension must be a number of at least 0.01, such as 50 or 50.5, not {:?}",
            text.trim()
        )),
    }
}

/// A length as shown: at most two decimals, none when whole ("50", "19.69").
pub fn number_text(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

// ---------------------------------------------------------------- the database

/// The `artworks` columns (as `w`), in the order [`details_at`] reads them:
/// a macro, so that `concat!` can put them into other column lists.
#[macro_export]
#[doc(hidden)]
macro_rules! detail_columns {
    () => {
        "w.image_id, w.title, w.year, w.year_sort, w.medium, w.height, w.width, w.depth, \
         w.unit, w.dimensions_text, w.edition, w.inventory_number, w.credit, w.description"
    };
}

const DETAIL_COLUMNS: &str = detail_columns!();

/// The details in `DETAIL_COLUMNS` from column `at` on: `None` when the
/// image has no row (the `LEFT JOIN` gave NULLs).
pub(crate) fn details_at(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Option<Details>> {
    let present: Option<i64> = r.get(at)?;
    if present.is_none() {
        return Ok(None);
    }
    Ok(Some(Details {
        title: r.get(at + 1)?,
        year: r.get(at + 2)?,
        year_sort: r.get(at + 3)?,
        medium: r.get(at + 4)?,
        height: r.get(at + 5)?,
        width: r.get(at + 6)?,
        depth: r.get(at + 7)?,
        unit: r.get(at + 8)?,
        dimensions_text: r.get(at + 9)?,
        edition: r.get(at + 10)?,
        inventory_number: r.get(at + 11)?,
        credit: r.get(at + 12)?,
        description: r.get(at + 13)?,
    }))
}

/// The image's alt text and details.
pub fn entry(conn: &Connection, id: ImageId) -> Result<Entry> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT i.alt_text, {DETAIL_COLUMNS} FROM images i
             LEFT JOIN artworks w ON w.image_id = i.id WHERE i.id = ?1"
        ))?
        .query_row([id], |r| {
            Ok(Entry {
                alt_text: r.get(0)?,
                details: details_at(r, 1)?.unwrap_or_default(),
            })
        })
        .optional()?;
    row.ok_or(id.not_found())
}

/// The alt text and details of each of `ids` that exists, read in a few
/// statements (a thousand images are two reads, not a thousand).
pub fn entries(
    conn: &Connection,
    ids: &[ImageId],
) -> Result<std::collections::HashMap<ImageId, Entry>> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut stmt = conn.prepare(&format!(
            "SELECT i.id, i.alt_text, {DETAIL_COLUMNS} FROM images i
             LEFT JOIN artworks w ON w.image_id = i.id WHERE i.id IN ({marks})"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(chunk.iter()), |r| {
            Ok((
                r.get::<_, ImageId>(0)?,
                Entry {
                    alt_text: r.get(1)?,
                    details: details_at(r, 2)?.unwrap_or_default(),
                },
            ))
        })?;
        for row in rows {
            let (id, entry) = row?;
            found.insert(id, entry);
        }
    }
    Ok(found)
}

/// Writes the image's alt text and details as given (a row without details
/// is removed), in the caller's transaction.
pub fn write_entry(conn: &Connection, id: ImageId, entry: &Entry) -> Result<()> {
    write_alt_text(conn, id, entry)?;
    write_details(conn, id, &entry.details)
}

fn write_alt_text(conn: &Connection, id: ImageId, entry: &Entry) -> Result<()> {
    let n = conn
        .prepare_cached("UPDATE images SET alt_text = ?2 WHERE id = ?1")?
        .execute(params![id, entry.alt_text])?;
    if n == 0 {
        return Err(id.not_found());
    }
    Ok(())
}

fn write_details(conn: &Connection, id: ImageId, d: &Details) -> Result<()> {
    if d.is_empty() {
        conn.prepare_cached("DELETE FROM artworks WHERE image_id = ?1")?
            .execute([id])?;
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO artworks (image_id, title, year, year_sort, medium, height, width, depth,
                               unit, dimensions_text, edition, inventory_number, credit, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (image_id) DO UPDATE SET
             title = excluded.title, year = excluded.year, year_sort = excluded.year_sort,
             medium = excluded.medium, height = excluded.height, width = excluded.width,
             depth = excluded.depth, unit = excluded.unit,
             dimensions_text = excluded.dimensions_text, edition = excluded.edition,
             inventory_number = excluded.inventory_number, credit = excluded.credit,
             description = excluded.description",
    )?
    .execute(params![
        id,
        d.title,
        d.year,
        d.year_sort,
        d.medium,
        d.height,
        d.width,
        d.depth,
        // A unit alone is not kept (`Entry::normalize`).
        d.unit.filter(|_| d.height.is_some() || d.width.is_some() || d.depth.is_some()),
        d.dimensions_text,
        d.edition,
        d.inventory_number,
        d.credit,
        d.description,
    ])?;
    Ok(())
}

/// One image's entry before and after an edit.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    pub id: ImageId,
    pub before: Entry,
    pub after: Entry,
}

/// Applies `edits` (each a field and what was typed into it, in order) to
/// every image of `ids`, in the caller's transaction, and returns the images
/// it changed with what they were before. A value the field refuses is an
/// error naming the field and the value, and nothing is written.
pub fn set_fields(
    conn: &Connection,
    ids: &[ImageId],
    edits: &[(Field, String)],
) -> Result<Vec<Changed>> {
    set_fields_with(conn, ids, edits, None)
}

/// [`set_fields`], giving `unit_if_none` to each image that has no unit yet
/// (a dimension typed for several images, some measured already in another
/// unit: theirs is kept).
pub fn set_fields_with(
    conn: &Connection,
    ids: &[ImageId],
    edits: &[(Field, String)],
    unit_if_none: Option<Unit>,
) -> Result<Vec<Changed>> {
    // Every image's new entry first: a refusal leaves all of them as they were.
    let mut now = entries(conn, ids)?;
    let mut changed = Vec::new();
    for &id in ids {
        let before = now.remove(&id).ok_or(id.not_found())?;
        let mut after = before.clone();
        if after.details.unit.is_none() {
            after.details.unit = unit_if_none;
        }
        for (field, typed) in edits {
            after
                .set(*field, typed)
                .map_err(|why| Error::invalid(field.label(), why))?;
        }
        after.normalize();
        if after != before {
            changed.push(Changed { id, before, after });
        }
    }
    for c in &changed {
        write_change(conn, c)?;
    }
    Ok(changed)
}

/// Writes what changed from `c.before` to `c.after`, and only that.
pub fn write_change(conn: &Connection, c: &Changed) -> Result<()> {
    if c.after.alt_text != c.before.alt_text {
        write_alt_text(conn, c.id, &c.after)?;
    }
    if c.after.details != c.before.details {
        write_details(conn, c.id, &c.after.details)?;
    }
    Ok(())
}

/// The images whose inventory number is `number` (exactly as written).
pub fn with_inventory_number(conn: &Connection, number: &str) -> Result<Vec<ImageId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT image_id FROM artworks WHERE inventory_number = ?1 ORDER BY image_id",
    )?;
    let rows = stmt.query_map([number], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::{fake_image, library};

    #[test]
    fn sort_years_come_from_the_first_number() {
        for (year, sort) in [
            ("c. 1990", Some(1990)),
            ("2019–2021", Some(2019)),
            ("1990s", Some(1990)),
            ("Spring 2020", Some(2020)),
            ("undated", None),
            ("", None),
            ("123456", None),
        ] {
            assert_eq!(year_sort_of(year), sort, "{year}");
        }
    }

    #[test]
    fn dimensions_show_in_both_units_and_text_wins() {
        let mut e = Entry::default();
        e.set(Field::Unit, "cm").unwrap();
        e.set(Field::Height, "50").unwrap();
        e.set(Field::Width, "40,5").unwrap();
        assert_eq!(
            e.details.dimensions().as_deref(),
            Some("50 × 40.5 cm (19.69 × 15.94 in)")
        );
        e.set(Field::Unit, "inches").unwrap();
        assert_eq!(
            e.details.dimensions().as_deref(),
            Some("50 × 40.5 in (127 × 102.87 cm)")
        );
        e.set(Field::DimensionsText, "dimensions variable").unwrap();
        assert_eq!(
            e.details.dimensions().as_deref(),
            Some("dimensions variable")
        );
    }

    #[test]
    fn bad_values_are_refused_in_words() {
        let mut e = Entry::default();
        let err = e.set(Field::Height, "50").unwrap_err();
        assert!(err.contains("needs a unit"), "{err}");
        e.set(Field::Unit, "cm").unwrap();
        let err = e.set(Field::Width, "-3").unwrap_err();
        assert!(err.contains("at least 0.01") && err.contains("-3"), "{err}");
        let err = e.set(Field::Unit, "furlongs").unwrap_err();
        assert!(err.contains("furlongs"), "{err}");
        let err = e.set(Field::YearSort, "nineteen").unwrap_err();
        assert!(err.contains("nineteen"), "{err}");
        let err = e.set(Field::Title, &"x".repeat(501)).unwrap_err();
        assert!(err.contains("501"), "{err}");
        assert_eq!(e, {
            let mut only_unit = Entry::default();
            only_unit.details.unit = Some(Unit::Cm);
            only_unit
        });
    }

    #[test]
    fn a_new_year_brings_its_sort_year_unless_set_after() {
        let mut e = Entry::default();
        e.set(Field::Year, "c. 1990").unwrap();
        assert_eq!(e.details.year_sort, Some(1990));
        e.set(Field::YearSort, "1989").unwrap();
        assert_eq!(e.details.year_sort, Some(1989));
        e.set(Field::Year, "").unwrap();
        assert_eq!((e.details.year.clone(), e.details.year_sort), (None, None));
    }

    #[test]
    fn entries_round_trip_through_the_database_and_empty_ones_leave_no_row() {
        let (_dir, lib) = library();
        let ids: Vec<ImageId> = (1..=3).map(|n| fake_image(lib.conn(), n)).collect();
        let edits = vec![
            (Field::Title, "  Harbour at dusk ".to_string()),
            (Field::Year, "2019–2021".to_string()),
            (Field::Unit, "in".to_string()),
            (Field::Height, "24".to_string()),
            (Field::AltText, "Boats under a pink sky".to_string()),
        ];
        let changed = set_fields(lib.conn(), &ids[..2], &edits).unwrap();
        assert_eq!(changed.len(), 2);
        let e = entry(lib.conn(), ids[1]).unwrap();
        assert_eq!(e.details.title.as_deref(), Some("Harbour at dusk"));
        assert_eq!(e.details.year_sort, Some(2019));
        assert_eq!(e.details.height, Some(24.0));
        assert_eq!(e.alt_text.as_deref(), Some("Boats under a pink sky"));
        assert_eq!(entry(lib.conn(), ids[2]).unwrap(), Entry::default());
        // The same edit again changes nothing.
        assert!(
            set_fields(lib.conn(), &ids[..2], &edits)
                .unwrap()
                .is_empty()
        );
        // Undoing is writing what was before: the row goes.
        for c in &changed {
            write_entry(lib.conn(), c.id, &c.before).unwrap();
        }
        let rows: i64 = lib
            .conn()
            .query_row("SELECT count(*) FROM artworks", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
        // A refused value writes nothing, for any image.
        let err = set_fields(lib.conn(), &ids, &[(Field::Width, "wide".into())]).unwrap_err();
        assert!(err.to_string().contains("wide"), "{err}");
    }
}
