//! "Did you mean …?": the one edit-distance suggestion, used for BuildKit's messages (unknown
//! instructions, flags and mount options) and for dfix's own names (rules, groups,
//! configuration keys).

/// The Levenshtein distance in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = diag + usize::from(ca != cb);
            diag = row[j + 1];
            row[j + 1] = sub.min(row[j] + 1).min(diag + 1);
        }
    }
    row[b.len()]
}

/// The first of `options` nearest to `value`, within distance 2 (BuildKit's `suggest`).
pub fn nearest<'a>(value: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    options
        .into_iter()
        .map(|o| (o, levenshtein(value, o)))
        .filter(|(_, d)| *d <= 2)
        .min_by_key(|(_, d)| *d)
        .map(|(o, _)| o)
}

/// `; did you mean `x`?` for the nearest option, or nothing; for dfix's own names, so only when
/// less than half of `value` changes (`nope` is not a typo of `core`).
pub fn did_you_mean<'a>(value: &str, options: impl IntoIterator<Item = &'a str>) -> String {
    nearest(value, options)
        .filter(|o| 2 * levenshtein(value, o) < value.chars().count())
        .map_or_else(String::new, |o| format!("; did you mean `{o}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("cahce", "cache"), 2);
        assert_eq!(levenshtein("", "id"), 2);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    #[test]
    fn the_first_nearest_within_two() {
        assert_eq!(nearest("cahce", ["core", "cache", "cachf"]), Some("cache"));
        assert_eq!(nearest("ab", ["ax", "ay"]), Some("ax"));
        assert_eq!(nearest("xyz", ["bind"]), None);
        assert_eq!(did_you_mean("selct", ["extend", "select"]), "; did you mean `select`?");
        assert_eq!(did_you_mean("zzzzzz", ["select"]), "");
        assert_eq!(did_you_mean("cahce", ["core", "cache"]), "; did you mean `cache`?");
        assert_eq!(did_you_mean("nope", ["core"]), "");
    }
}
