//! The spreadsheet round trip: every image's details as CSV
//! ([`export_csv`]), and such a file read back ([`import_csv`]), as artists
//! keep their inventories in spreadsheets.
//!
//! A row names its image by `id`, else by `content_hash`, else by
//! `inventory_number`. An empty cell clears its field; a column that is not
//! there leaves its field alone; `groups` and `original_name` are only
//! read by people. A changed `year` brings its own `year_sort`, unless
//! `year_sort` was changed too. If any row cannot be used, nothing is
//! written and every such row is named by its line.

use std::collections::HashMap;
use std::io::{Read, Write};

use rusqlite::Connection;

use super::details::{self, Changed, Entry, Field};
use super::images::{self, Image};
use crate::core::error::{Error, Result};
use crate::core::ids::ImageId;

/// The columns `folio details export` writes, in order.
pub const COLUMNS: [&str; 18] = [
    "id",
    "content_hash",
    "original_name",
    "inventory_number",
    "title",
    "year",
    "year_sort",
    "medium",
    "height",
    "width",
    "depth",
    "unit",
    "dimensions_text",
    "edition",
    "credit",
    "description",
    "alt_text",
    "groups",
];

/// Between the group names of the `groups` column.
const GROUP_SEPARATOR: &str = "; ";

fn csv_error(e: csv::Error) -> Error {
    Error::invalid("CSV", e.to_string())
}

/// Writes every image's details as CSV (UTF-8, a header row, one row per
/// image in id order, `\r\n` line ends as spreadsheets write them); with
/// `bom`, a byte-order mark first, for Excel. Returns how many rows.
pub fn export_csv(conn: &Connection, out: impl Write, bom: bool) -> Result<usize> {
    let mut out = out;
    if bom {
        out.write_all("\u{feff}".as_bytes())
            .map_err(|e| Error::invalid("CSV", e.to_string()))?;
    }
    let mut groups: HashMap<ImageId, Vec<String>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT m.image_id, g.name FROM image_group_relations m
             JOIN image_groups g ON g.id = m.image_group_id
             ORDER BY m.image_id, g.name COLLATE NOCASE, g.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            let (id, name): (ImageId, String) = row?;
            groups.entry(id).or_default().push(name);
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(COLUMNS).map_err(csv_error)?;
    let all = images::all_images(conn)?;
    for img in &all {
        let entry = img.entry();
        let mut record: Vec<String> = Vec::with_capacity(COLUMNS.len());
        for column in COLUMNS {
            record.push(match column {
                "id" => img.id.0.to_string(),
                "content_hash" => img.content_hash.clone(),
                "original_name" => img.original_name.clone(),
                "groups" => groups
                    .get(&img.id)
                    .map(|g| g.join(GROUP_SEPARATOR))
                    .unwrap_or_default(),
                other => field_of(other).map(|f| entry.get(f)).unwrap_or_default(),
            });
        }
        w.write_record(&record).map_err(csv_error)?;
    }
    w.flush()
        .map_err(|e| Error::invalid("CSV", e.to_string()))?;
    Ok(all.len())
}

/// The field a column holds, if it is one.
fn field_of(column: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|f| f.column() == column)
}

/// A row that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line in the file (1 is the header).
    pub line: u64,
    pub reason: String,
}

/// What reading a spreadsheet did (or would have done).
#[derive(Debug, Default)]
pub struct Imported {
    /// The images whose details changed, with what they were.
    pub changed: Vec<Changed>,
    /// Rows that matched an image and changed nothing.
    pub unchanged: usize,
    /// Rows that cannot be used; when there are any, nothing was written.
    pub problems: Vec<Problem>,
}

/// Reads a CSV of details (a byte-order mark is skipped) and, if every row
/// can be used, writes them in the caller's transaction.
pub fn import_csv(conn: &Connection, input: impl Read) -> Result<Imported> {
    let mut input = input;
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::invalid("CSV", e.to_string()))?;
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text);
    let mut outcome = Imported::default();
    let problem = |line: u64, reason: String| Problem { line, reason };

    let headers: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if !COLUMNS.contains(&h.as_str()) {
            let hint = if h.contains(';') {
                "; the file seems to be separated by semicolons: save it as CSV with commas"
            } else {
                ""
            };
            outcome.problems.push(problem(
                1,
                format!(
                    "unknown column \u{201c}{h}\u{201d} (the columns are {}){hint}",
                    COLUMNS.join(", ")
                ),
            ));
        } else if columns.insert(h.as_str(), i).is_some() {
            outcome.problems.push(problem(
                1,
                format!("the column \u{201c}{h}\u{201d} is there twice"),
            ));
        }
    }
    if !["id", "content_hash", "inventory_number"]
        .iter()
        .any(|c| columns.contains_key(c))
    {
        outcome.problems.push(problem(
            1,
            "no column names the images: give id, content_hash or inventory_number".into(),
        ));
    }
    if !outcome.problems.is_empty() {
        return Ok(outcome);
    }
    let fields: Vec<(Field, usize)> = Field::ALL
        .into_iter()
        .filter_map(|f| columns.get(f.column()).map(|&i| (f, i)))
        .collect();

    let mut seen: HashMap<ImageId, u64> = HashMap::new();
    let mut writes: Vec<Changed> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p.byte()));
                outcome.problems.push(problem(line, e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        let cell = |column: &str| {
            columns
                .get(column)
                .and_then(|&i| record.get(i))
                .map(str::trim)
                .filter(|c| !c.is_empty())
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let image = match find_image(
            conn,
            cell("id"),
            cell("content_hash"),
            cell("inventory_number"),
        ) {
            Ok(img) => img,
            Err(reason) => {
                outcome.problems.push(problem(line, reason));
                continue;
            }
        };
        if let Some(first) = seen.insert(image.id, line) {
            outcome.problems.push(problem(
                line,
                format!("image {} is on line {first} already", image.id.0),
            ));
            continue;
        }
        let before = image.entry();
        match apply_row(&before, &fields, &record) {
            Ok(after) if after == before => outcome.unchanged += 1,
            Ok(after) => writes.push(Changed {
                id: image.id,
                before,
                after,
            }),
            Err(reason) => outcome.problems.push(problem(line, reason)),
        }
    }
    if outcome.problems.is_empty() {
        for c in &writes {
            details::write_change(conn, c)?;
        }
        outcome.changed = writes;
    }
    Ok(outcome)
}

/// The line (from 1) the byte at `offset` is on, whatever the line ends
/// (csv's own count is off by one after `\r\n`).
fn line_at(text: &[u8], offset: u64) -> u64 {
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    // After "\r\n", csv puts the next record at the "\r": its line starts after.
    while matches!(text.get(end), Some(b'\r' | b'\n')) {
        end += 1;
    }
    text[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The image a row names: by id, else content hash, else inventory number.
fn find_image(
    conn: &Connection,
    id: Option<&str>,
    hash: Option<&str>,
    inventory: Option<&str>,
) -> std::result::Result<Image, String> {
    let db = |e: Error| e.to_string();
    if let Some(id) = id {
        let n: i64 = id
            .parse()
            .map_err(|_| format!("the id \u{201c}{id}\u{201d} is not a number"))?;
        return match images::image(conn, ImageId(n)) {
            // A file from another library (or one made again) has other ids.
            Ok(img) if hash.is_some_and(|h| !h.eq_ignore_ascii_case(&img.content_hash)) => {
                Err(format!(
                    "image {n} is another picture than the row's content_hash says: is this file from another library?"
                ))
            }
            Ok(img) => Ok(img),
            Err(Error::NotFound { .. }) => Err(format!("no image has the id {n}")),
            Err(e) => Err(db(e)),
        };
    }
    if let Some(hash) = hash {
        return images::image_by_hash(conn, &hash.to_lowercase())
            .map_err(db)?
            .ok_or_else(|| format!("no image has the content hash {hash}"));
    }
    if let Some(number) = inventory {
        let ids = details::with_inventory_number(conn, number).map_err(db)?;
        return match ids.as_slice() {
            [one] => images::image(conn, *one).map_err(db),
            [] => Err(format!(
                "no work has the inventory number \u{201c}{number}\u{201d}"
            )),
            many => Err(format!(
                "{} works have the inventory number \u{201c}{number}\u{201d} (ids {}): give the id",
                many.len(),
                many.iter()
                    .map(|i| i.0.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    Err("the row names no image: give its id, content_hash or inventory_number".into())
}

/// The entry after a row's cells are written into `before`: a unit before
/// the numbers it measures (and cleared after them), the year before its
/// sort year, which a changed year brings along unless it was changed too.
fn apply_row(
    before: &Entry,
    fields: &[(Field, usize)],
    record: &csv::StringRecord,
) -> std::result::Result<Entry, String> {
    let cell = |field: Field| -> Option<&str> {
        fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, i)| record.get(i).unwrap_or("").trim())
    };
    let mut after = before.clone();
    let set = |after: &mut Entry, field: Field, text: &str| {
        after
            .set(field, text)
            .map_err(|why| format!("{}: {why}", field.column()))
    };
    let unit = cell(Field::Unit);
    if let Some(u) = unit.filter(|u| !u.is_empty()) {
        set(&mut after, Field::Unit, u)?;
    }
    for &(field, _) in fields {
        if matches!(field, Field::Unit | Field::YearSort) {
            continue;
        }
        // An unchanged year keeps a sort year that was set by hand.
        if field == Field::Year && cell(field) == Some(before.get(Field::Year).as_str()) {
            continue;
        }
        if let Some(text) = cell(field) {
            set(&mut after, field, text)?;
        }
    }
    if unit == Some("") {
        set(&mut after, Field::Unit, "")?;
    }
    after.normalize();
    if let Some(sort) = cell(Field::YearSort) {
        let year_changed = cell(Field::Year).is_some_and(|y| y != before.get(Field::Year));
        let sort_changed = sort != before.get(Field::YearSort);
        if sort_changed || !year_changed {
            set(&mut after, Field::YearSort, sort)?;
        }
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::details::set_fields;
    use crate::core::testing::{fake_image, library};

    fn csv_of(conn: &Connection) -> String {
        let mut out = Vec::new();
        export_csv(conn, &mut out, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_export_has_exactly_the_columns_and_reads_back_unchanged() {
        let (_dir, lib) = library();
        let c = lib.conn();
        let ids: Vec<ImageId> = (1..=2).map(|n| fake_image(c, n)).collect();
        set_fields(
            c,
            &ids[..1],
            &[
                (Field::Title, "Été, \"quoted\"".into()),
                (Field::Unit, "cm".into()),
                (Field::Height, "50".into()),
                (Field::Description, "Two\nlines".into()),
            ],
        )
        .unwrap();
        let text = csv_of(c);
        assert!(
            text.starts_with(&format!("{}\r\n", COLUMNS.join(","))),
            "{text}"
        );
        let back = import_csv(c, text.as_bytes()).unwrap();
        assert!(back.problems.is_empty(), "{:?}", back.problems);
        assert_eq!((back.changed.len(), back.unchanged), (0, 2));
    }

    #[test]
    fn a_changed_year_brings_its_sort_year_unless_that_changed_too() {
        let (_dir, lib) = library();
        let c = lib.conn();
        let id = fake_image(c, 1);
        set_fields(c, &[id], &[(Field::Year, "1990".into())]).unwrap();
        let run = |csv: &str| {
            let r = import_csv(c, csv.as_bytes()).unwrap();
            assert!(r.problems.is_empty(), "{:?}", r.problems);
            details::entry(c, id).unwrap().details
        };
        let d = run("id,year,year_sort\n1,c. 1985,1990\n");
        assert_eq!(
            (d.year.as_deref(), d.year_sort),
            (Some("c. 1985"), Some(1985))
        );
        let d = run("id,year,year_sort\n1,1970s,1975\n");
        assert_eq!(
            (d.year.as_deref(), d.year_sort),
            (Some("1970s"), Some(1975))
        );
        // A missing column leaves its field; an empty cell clears it.
        let d = run("\u{feff}id,medium\n1,Ink\n");
        assert_eq!(
            (d.year.as_deref(), d.medium.as_deref()),
            (Some("1970s"), Some("Ink"))
        );
        let d = run("id,medium\n1,\n");
        assert_eq!(d.medium, None);
    }

    #[test]
    fn any_unusable_row_changes_nothing_and_each_is_named_by_line() {
        let (_dir, lib) = library();
        let c = lib.conn();
        let id = fake_image(c, 1);
        let csv = "id,title,width,unit\n1,Kept?,,\n99,Nobody,,\n1,Twice,,\n,No id,,\nx,Bad id,,\n";
        let r = import_csv(c, csv.as_bytes()).unwrap();
        let lines: Vec<u64> = r.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 5, 6], "{:?}", r.problems);
        assert!(r.problems[0].reason.contains("99"));
        assert!(r.changed.is_empty());
        assert_eq!(details::entry(c, id).unwrap(), Entry::default());
        let r = import_csv(c, "id,width\n1,12\n".as_bytes()).unwrap();
        assert!(r.problems[0].reason.contains("unit"), "{:?}", r.problems);
        let r = import_csv(c, "id,titel\n1,x\n".as_bytes()).unwrap();
        assert!(r.problems[0].reason.contains("titel"), "{:?}", r.problems);
    }

    #[test]
    fn rows_match_by_hash_and_by_inventory_number_when_there_is_no_id() {
        let (_dir, lib) = library();
        let c = lib.conn();
        let ids: Vec<ImageId> = (1..=3).map(|n| fake_image(c, n)).collect();
        set_fields(c, &ids[1..2], &[(Field::InventoryNumber, "INV-7".into())]).unwrap();
        set_fields(c, &ids[2..3], &[(Field::InventoryNumber, "INV-7".into())]).unwrap();
        let hash = images::image(c, ids[0]).unwrap().content_hash;
        let csv = format!("content_hash,inventory_number,title\n{hash},,By hash\n");
        let r = import_csv(c, csv.as_bytes()).unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(images::image(c, ids[0]).unwrap().title(), Some("By hash"));
        let r = import_csv(c, "inventory_number,title\nINV-7,Which?\n".as_bytes()).unwrap();
        assert!(r.problems[0].reason.contains("2 works"), "{:?}", r.problems);
        set_fields(c, &ids[2..3], &[(Field::InventoryNumber, "INV-8".into())]).unwrap();
        let r = import_csv(c, "inventory_number,title\nINV-7,Seven\n".as_bytes()).unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(images::image(c, ids[1]).unwrap().title(), Some("Seven"));
    }
}
