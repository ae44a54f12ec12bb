//! Sparklines: a series of numbers as one line of block characters (`▁▂▅█▃`).

/// The bars, lowest first.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// The level of the highest bar.
const TOP: i128 = BARS.len() as i128 - 1;

/// One bar per value, scaled from the smallest value (`▁`) to the largest (`█`); when all
/// values are equal, every bar is half high, so that a flat series does not read as empty.
pub(crate) fn sparkline(values: &[i64]) -> String {
    let (Some(&min), Some(&max)) = (values.iter().min(), values.iter().max()) else {
        return String::new();
    };
    if min == max {
        return BARS[BARS.len() / 2 - 1].to_string().repeat(values.len());
    }
    let range = i128::from(max) - i128::from(min);
    values
        .iter()
        .map(|&value| {
            // Rounded to the nearest bar; i128 so that no difference of two i64 overflows.
            let level = ((i128::from(value) - i128::from(min)) * TOP * 2 + range) / (range * 2);
            BARS[usize::try_from(level).unwrap_or_default()]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_scale_from_the_lowest_to_the_highest_bar() {
        assert_eq!(sparkline(&[0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[10, 70, 40]), "▁█▅");
        assert_eq!(sparkline(&[1570, 2678, 2124]), "▁█▅");
        assert_eq!(sparkline(&[i64::MIN, 0, i64::MAX]), "▁▅█");
    }

    #[test]
    fn flat_and_empty_series() {
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[5]), "▄");
        assert_eq!(sparkline(&[3, 3, 3]), "▄▄▄");
    }
}
