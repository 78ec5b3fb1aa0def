//! The valid name nearest to a misspelt one, for the message that refuses it.

/// The name of `valid` nearest to `name`, if it is close enough to be a typo of it.
pub fn nearest<'a>(name: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    valid
        .into_iter()
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= candidate.len() / 3 + 1)
        .min()
        .map(|(_, candidate)| candidate)
}

/// The Levenshtein distance between `a` and `b`: how many characters to insert, delete or
/// replace to turn one into the other.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn typos_find_their_name_and_others_none() {
        let valid = ["threshold", "timeout", "fallback"];
        assert_eq!(nearest("thresold", valid), Some("threshold"));
        assert_eq!(nearest("timout", valid), Some("timeout"));
        assert_eq!(nearest("colour", valid), None);
    }
}
