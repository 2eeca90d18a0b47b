//! Text as people compare and sort it: folded for Find (case and accents do
//! not matter) and keyed for sorting titles (numbers by their value).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text as Find compares it: lower-case, and without accents ("Étude" and
/// "etude" are one word; "ø" and "ß" stay as they are, letters of their own).
pub fn fold(text: &str) -> String {
    text.to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

/// One piece of a [`sort_key`]: a run of digits counts by its value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Piece {
    Number(u128),
    Text(String),
}

/// How a title sorts: folded, with each run of digits compared as a
/// number ("No. 2" before "No. 10", "Étude" beside "Etude").
pub fn sort_key(text: &str) -> Vec<Piece> {
    let folded = fold(text);
    let mut pieces = Vec::new();
    let mut run = String::new();
    let mut digits = false;
    let flush = |run: &mut String, digits: bool, pieces: &mut Vec<Piece>| {
        if run.is_empty() {
            return;
        }
        let piece = match run.parse::<u128>() {
            Ok(n) if digits => Piece::Number(n),
            _ => Piece::Text(run.clone()),
        };
        pieces.push(piece);
        run.clear();
    };
    for c in folded.chars() {
        let d = c.is_ascii_digit();
        if d != digits {
            flush(&mut run, digits, &mut pieces);
            digits = d;
        }
        run.push(c);
    }
    flush(&mut run, digits, &mut pieces);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_accents_but_keeps_letters() {
        assert_eq!(fold("Étude ÖL Ñandú"), "etude ol nandu");
        assert_eq!(fold("Ølstykke straße"), "ølstykke straße");
        assert_eq!(fold("夜の港"), "夜の港");
    }

    #[test]
    fn titles_sort_by_the_value_of_their_numbers() {
        let mut titles = vec![
            "No. 10", "no. 2", "Étude", "Etude 3", "No. 1", "Zebra", "apple",
        ];
        titles.sort_by_key(|t| sort_key(t));
        assert_eq!(
            titles,
            [
                "apple", "Étude", "Etude 3", "No. 1", "no. 2", "No. 10", "Zebra"
            ]
        );
    }
}
