//! A figure over time in one line: ratatui's `Sparkline` drawn into a
//! one-row buffer and read back as spans, so that it scrolls with the
//! lines around it (the customer detail is one scrolling paragraph).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Sparkline, Widget};

/// Columns a trend takes.
pub const WIDTH: usize = 24;

/// The value at the end of each of `width` equal slices of the time from
/// `from` to `to`: the last of `points` (oldest first) at or before it,
/// `None` where there is none or it was cleared.
pub fn sample(points: &[(i64, Option<u64>)], from: i64, to: i64, width: usize) -> Vec<Option<u64>> {
    let span = (to - from).max(1) as i128;
    (1..=width)
        .map(|col| {
            let end = from as i128 + span * col as i128 / width.max(1) as i128;
            points
                .iter()
                .take_while(|(at, _)| i128::from(*at) <= end)
                .last()
                .and_then(|(_, v)| *v)
        })
        .collect()
}

/// `values` (each up to `max`) as one row of bars in `style`; a value of
/// zero still shows as the lowest bar, a missing one as a blank.
pub fn spans(values: &[Option<u64>], max: u64, style: Style) -> Vec<Span<'static>> {
    let width = u16::try_from(values.len()).unwrap_or(u16::MAX);
    let area = Rect::new(0, 0, width, 1);
    let mut buf = Buffer::empty(area);
    // One more than the value, so that zero is a bar and not a gap.
    let data: Vec<Option<u64>> = values.iter().map(|v| v.map(|v| v.min(max) + 1)).collect();
    Sparkline::default()
        .data(&data)
        .max(max + 1)
        .absent_value_symbol(" ")
        .style(style)
        .render(area, &mut buf);
    let text: String = (0..width)
        .map(|x| buf.cell((x, 0)).map_or(" ", |c| c.symbol()).to_string())
        .collect();
    vec![Span::styled(text, style)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_hold_the_last_value_until_the_next() {
        let points = [(0, Some(1)), (50, Some(5)), (80, None)];
        assert_eq!(
            sample(&points, 0, 100, 4),
            vec![Some(1), Some(5), Some(5), None],
            "ends at 25, 50, 75, 100"
        );
        assert_eq!(sample(&points, 0, 0, 2), vec![Some(1), Some(1)], "no time at all");
    }

    #[test]
    fn bars_rise_with_the_values_and_zero_is_a_bar() {
        let line = &spans(&[Some(0), Some(5), None, Some(2)], 5, Style::default())[0];
        let bars: Vec<char> = line.content.chars().collect();
        assert_eq!(bars.len(), 4);
        assert_ne!(bars[0], ' ', "zero shows");
        assert_eq!(bars[1], '█');
        assert_eq!(bars[2], ' ', "missing");
        assert!(bars[0] < bars[3] && bars[3] < bars[1], "{bars:?}");
    }
}
