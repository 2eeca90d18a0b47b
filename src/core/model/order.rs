//! The order of images in a group: `image_group_relations.sort_order`, as
//! gapped integers.
//!
//! Keys ascend in the group's order and are kept distinct. New rows at the end
//! take `last + GAP`; rows placed between two neighbours take evenly spaced
//! keys in the gap between them. Only when a gap is used up is a window of
//! neighbours around the spot renumbered, the window doubling until the keys in
//! it can be spread at least `MIN_SPACING` apart. So a move writes the moved
//! rows and, now and then, a small neighbourhood — never the whole group
//! (100,000 rows) — while `ORDER BY sort_order` alone still defines the order.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};

use crate::core::error::{Error, Result};
use crate::core::ids::{GroupId, ImageId};

/// The spacing of keys appended at the end, and after a renumbering that
/// reaches the end of the group.
pub const GAP: i64 = 1 << 20;

/// A renumbered window is grown until its keys can be this far apart, so that
/// the next inserts at the same spot find room again for a while.
const MIN_SPACING: i64 = 1 << 10;

/// The first window to renumber holds this many rows on each side of the spot.
const FIRST_WINDOW: usize = 16;

/// A row of the group: its key and image.
#[derive(Clone, Copy, Debug)]
struct Row {
    key: i64,
    image: ImageId,
}

/// Number of images in the group.
pub fn len(conn: &Connection, group: GroupId) -> Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM image_group_relations WHERE image_group_id = ?1",
        [group],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The image at `index` in the group's order (the drop marker's right
/// neighbour), found by counting: O(index). Callers that know the image the
/// marker sits before pass it to [`make_room`] directly.
pub fn image_at(conn: &Connection, group: GroupId, index: usize) -> Result<Option<ImageId>> {
    Ok(row_at(conn, group, index)?.map(|r| r.image))
}

/// The sort key of an image in the group, if it is a member.
pub fn key_of(conn: &Connection, group: GroupId, image: ImageId) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT sort_order FROM image_group_relations WHERE image_group_id = ?1 AND image_id = ?2",
        )?
        .query_row(params![group, image], |r| r.get(0))
        .optional()?)
}

fn row_at(conn: &Connection, group: GroupId, index: usize) -> Result<Option<Row>> {
    Ok(conn
        .prepare_cached(
            "SELECT sort_order, image_id FROM image_group_relations
             WHERE image_group_id = ?1 ORDER BY sort_order, image_id LIMIT 1 OFFSET ?2",
        )?
        .query_row(params![group, index as i64], |r| {
            Ok(Row {
                key: r.get(0)?,
                image: r.get(1)?,
            })
        })
        .optional()?)
}

/// Up to `limit` rows not in `skip`, walking away from `key`: downwards
/// (`key` excluded) when `before`, else upwards (`key` included). Also returns
/// the key of the next such row beyond them, the window's outer bound.
fn walk(
    conn: &Connection,
    group: GroupId,
    key: Option<i64>,
    before: bool,
    skip: &HashSet<ImageId>,
    limit: usize,
) -> Result<(Vec<Row>, Option<i64>)> {
    let sql = match (before, key.is_some()) {
        (true, true) => {
            "SELECT sort_order, image_id FROM image_group_relations
             WHERE image_group_id = ?1 AND sort_order < ?2 ORDER BY sort_order DESC, image_id DESC"
        }
        (true, false) => {
            "SELECT sort_order, image_id FROM image_group_relations
             WHERE image_group_id = ?1 ORDER BY sort_order DESC, image_id DESC"
        }
        (false, true) => {
            "SELECT sort_order, image_id FROM image_group_relations
             WHERE image_group_id = ?1 AND sort_order >= ?2 ORDER BY sort_order, image_id"
        }
        (false, false) => return Ok((Vec::new(), None)),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = match key {
        Some(k) => stmt.query(params![group, k])?,
        None => stmt.query(params![group])?,
    };
    let mut found = Vec::new();
    while let Some(r) = rows.next()? {
        let row = Row {
            key: r.get(0)?,
            image: r.get(1)?,
        };
        if skip.contains(&row.image) {
            continue;
        }
        if found.len() == limit {
            return Ok((found, Some(row.key)));
        }
        found.push(row);
    }
    Ok((found, None))
}

/// Finds `count` ascending keys for rows to be placed at a drop marker in the
/// group's current order: right before the row whose key is `marker`, or at
/// the end for `None`. The rows in `moving` are treated as not there (they are
/// about to get the returned keys; the marker's own row may be one of them).
/// Renumbers a window of neighbours when there is no room. Cost: index seeks
/// plus the rows skipped or renumbered, never the size of the group.
pub fn make_room(
    conn: &Connection,
    group: GroupId,
    marker: Option<i64>,
    moving: &HashSet<ImageId>,
    count: usize,
) -> Result<Vec<i64>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    // Fast path: room in the gap right at the marker; only the two neighbours
    // are read and no other row changes.
    let prev = walk(conn, group, marker, true, moving, 1)?
        .0
        .first()
        .map(|r| r.key);
    let next = walk(conn, group, marker, false, moving, 1)?
        .0
        .first()
        .map(|r| r.key);
    if let Some(keys) = spread(prev, next, count) {
        return Ok(keys);
    }
    let mut width = FIRST_WINDOW.max(count);
    loop {
        let (mut before, low) = walk(conn, group, marker, true, moving, width)?;
        let (after, high) = walk(conn, group, marker, false, moving, width)?;
        before.reverse();
        // Renumber before ++ [new] ++ after between the window's outer bounds.
        let total = before.len() + count + after.len();
        let exhausted = low.is_none() && high.is_none();
        // Keys start at 0: below the first row there is -1, or 0 for an
        // open-ended run so that appended keys are multiples of GAP.
        let low_key = low.unwrap_or(if high.is_none() { 0 } else { -1 });
        let spacing = match high {
            None => Some(GAP),
            Some(h) => {
                let s = (h - low_key) / (total as i64 + 1);
                (s >= MIN_SPACING || (low.is_none() && s >= 1)).then_some(s)
            }
        };
        if let Some(s) = spacing.filter(|&s| fits(low_key, s, total)) {
            let mut stmt = conn.prepare_cached(
                "UPDATE image_group_relations SET sort_order = ?3
                 WHERE image_group_id = ?1 AND image_id = ?2",
            )?;
            let key_of = |i: usize| low_key + s * (i as i64 + 1);
            for (i, row) in before.iter().enumerate() {
                stmt.execute(params![group, row.image, key_of(i)])?;
            }
            for (j, row) in after.iter().enumerate() {
                stmt.execute(params![group, row.image, key_of(before.len() + count + j)])?;
            }
            log::debug!("renumbered {} rows of {group}", before.len() + after.len());
            return Ok((0..count).map(|i| key_of(before.len() + i)).collect());
        }
        if exhausted {
            // The whole group, spaced by GAP from 0, still overflows i64.
            return Err(Error::invalid(
                format!("order of {group}"),
                "the group is too large to order",
            ));
        }
        width = width.saturating_mul(2);
    }
}

/// Gives every image of the group a fresh key, GAP apart, keeping the current
/// order (ties, which only a damaged database has, broken by image id). For
/// repairs; moves never need it.
pub fn renumber(conn: &Connection, group: GroupId) -> Result<()> {
    let ids: Vec<ImageId> = conn
        .prepare_cached(
            "SELECT image_id FROM image_group_relations WHERE image_group_id = ?1
             ORDER BY sort_order, image_id",
        )?
        .query_map([group], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "UPDATE image_group_relations SET sort_order = ?3 WHERE image_group_id = ?1 AND image_id = ?2",
    )?;
    for (i, id) in ids.iter().enumerate() {
        stmt.execute(params![group, id, (i as i64 + 1) * GAP])?;
    }
    Ok(())
}

/// `count` evenly spaced keys strictly between `prev` and `next` (open ends:
/// from 0, or by GAP past the end), if they fit.
fn spread(prev: Option<i64>, next: Option<i64>, count: usize) -> Option<Vec<i64>> {
    let low = prev.unwrap_or(if next.is_none() { 0 } else { -1 });
    let n = count as i64;
    let step = match next {
        None => GAP,
        Some(high) => (high - low) / (n + 1),
    };
    (step >= 1 && fits(low, step, count)).then(|| (1..=n).map(|i| low + step * i).collect())
}

/// Whether `count` keys from `low + step` on stay within i64.
fn fits(low: i64, step: i64, count: usize) -> bool {
    (count as i64)
        .checked_mul(step)
        .and_then(|span| span.checked_add(low))
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_splits_gaps_evenly_and_refuses_when_full() {
        assert_eq!(spread(Some(0), Some(10), 1), Some(vec![5]));
        assert_eq!(spread(Some(0), Some(10), 3), Some(vec![2, 4, 6]));
        assert_eq!(spread(None, Some(3), 2), Some(vec![0, 1]));
        assert_eq!(spread(None, None, 2), Some(vec![GAP, 2 * GAP]));
        assert_eq!(spread(Some(5), None, 2), Some(vec![5 + GAP, 5 + 2 * GAP]));
        assert_eq!(spread(Some(4), Some(5), 1), None);
        assert_eq!(spread(None, Some(0), 1), None);
        assert_eq!(spread(Some(i64::MAX - 10), None, 1), None);
    }
}
