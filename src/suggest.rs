//! "Did you mean": the known word nearest to a misspelt one, for keys, metrics, check
//! configurations, formats and names. Words are compared as a user would read them (case,
//! `_`, `-` and spaces alike: `valid_values` is `valid values`), by edit distance with
//! adjacent swaps counted once (`paht` is one step from `path`).

/// The candidate nearest to `word`, when it is near enough to be what was meant: at most one
/// edit for short words, two for words of eight letters or more.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let typed = normal(word);
    if typed.is_empty() {
        return None;
    }
    let limit = if typed.chars().count() >= 8 { 2 } else { 1 };
    candidates
        .into_iter()
        .map(|c| (distance(&typed, &normal(c)), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A word as it reads: lower case, with `_` and `-` as spaces.
fn normal(word: &str) -> String {
    word.trim()
        .chars()
        .map(|c| match c {
            '_' | '-' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each cost one.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    rows[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_words_are_suggested_and_far_ones_are_not() {
        let keys = ["type", "path", "host", "port", "password"];
        assert_eq!(did_you_mean("paht", keys), Some("path"));
        assert_eq!(did_you_mean("pasword", keys), Some("password"));
        assert_eq!(did_you_mean("Host", keys), Some("host"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(did_you_mean("", keys), None);
        let configs = ["valid values", "invalid values", "missing values"];
        assert_eq!(did_you_mean("valid_values", configs), Some("valid values"));
        let metrics = ["missing_count", "missing_percent", "row_count"];
        assert_eq!(did_you_mean("missing_cont", metrics), Some("missing_count"));
        assert_eq!(did_you_mean("mediaan", ["avg", "median"]), Some("median"));
    }
}
