//! A horizontal bar chart drawn as vector shapes (filled rectangles, rules and text) into a
//! [`Composer`] page: what a printed report shows of its figures (SPEC §10), e.g. the
//! compliance and pass rates of every prefecture against the 95% line. No picture, no
//! charting library: the PDF holds rectangles, so it prints sharp at any size and its labels
//! are text (searchable, and checked against the fonts like every other string).

use crate::error::DocumentError;
use crate::layout::{Align, Composer, Rgb};
use crate::text::TextStyle;

/// A chart: groups of bars (one bar per series), on a scale from 0 to `max`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// Printed above the chart, e.g. "达标率与审核通过率".
    pub title: String,
    /// The series, in the order of each group's bars, with their colours (the legend).
    pub series: Vec<Series>,
    /// One group per row of the chart, top to bottom.
    pub groups: Vec<BarGroup>,
    /// The value of a bar across the whole width (1000 for rates in per mille).
    pub max: u64,
    /// Values marked under the axis with their text, e.g. (500, "50%").
    pub ticks: Vec<(u64, String)>,
    /// A value marked by a dashed line across the chart, e.g. (950, "95% 合格线").
    pub marker: Option<(u64, String)>,
    /// A line under the title, e.g. which rows the chart shows of how many.
    pub note: Option<String>,
}

/// A series of a chart: its name in the legend and the colour of its bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub colour: Rgb,
}

/// One group: its label and a bar per series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarGroup {
    pub label: String,
    pub bars: Vec<Bar>,
}

/// One bar: its value (none: nothing to show, printed "—") and the text printed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub value: Option<u64>,
    pub text: String,
}

const TITLE: TextStyle = TextStyle::bold(10.5);
const SMALL: TextStyle = TextStyle::regular(7.5);
const LABEL: TextStyle = TextStyle::regular(8.0);
/// A bar's value, as tall as the bar.
const VALUE: TextStyle = TextStyle::regular(6.0);
// 20 groups of two bars fit an A4 landscape page below a report's head.
const BAR: f32 = 6.0;
const BAR_GAP: f32 = 1.0;
const GROUP_PAD: f32 = 2.5;
const AXIS_GRAY: Rgb = Rgb(120, 120, 120);
const GRID_GRAY: Rgb = Rgb(215, 215, 215);
const MARKER: Rgb = Rgb(207, 19, 34);

impl BarChart {
    /// The height of one group.
    fn group_height(&self) -> f32 {
        let n = self.series.len().max(1) as f32;
        n * BAR + (n - 1.0) * BAR_GAP + 2.0 * GROUP_PAD
    }

    /// The height the chart takes: title, legend, note, the groups and the axis.
    pub fn height(&self) -> f32 {
        let note = if self.note.is_some() { SMALL.line_height() } else { 0.0 };
        TITLE.line_height() + note + 4.0 + self.groups.len().max(1) as f32 * self.group_height() + 16.0
    }

    /// Every string the chart prints, with the field it comes from (for the font check).
    pub(crate) fn strings(&self) -> Vec<(String, &str)> {
        let mut out = vec![("chart.title".to_owned(), self.title.as_str())];
        out.extend(self.series.iter().enumerate().map(|(i, s)| (format!("chart.series[{i}]"), s.name.as_str())));
        for (i, g) in self.groups.iter().enumerate() {
            out.push((format!("chart.groups[{i}].label"), g.label.as_str()));
            out.extend(
                g.bars.iter().enumerate().map(|(j, b)| (format!("chart.groups[{i}].bars[{j}]"), b.text.as_str())),
            );
        }
        out.extend(self.ticks.iter().map(|(_, t)| ("chart.ticks".to_owned(), t.as_str())));
        if let Some((_, m)) = &self.marker {
            out.push(("chart.marker".to_owned(), m.as_str()));
        }
        if let Some(n) = &self.note {
            out.push(("chart.note".to_owned(), n.as_str()));
        }
        out
    }

    /// Draws the chart at the cursor between the margins (on a new page if it does not fit
    /// below the cursor) and moves the cursor below it.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming the field of a string the fonts cannot print;
    /// [`DocumentError::InvalidInput`] if the chart is taller than a page.
    pub fn draw(&self, c: &mut Composer<'_>) -> Result<(), DocumentError> {
        let height = self.height();
        if height > c.bottom() - c.cursor() {
            c.new_page();
            if height > c.remaining() {
                return Err(DocumentError::InvalidInput {
                    field: "chart.groups".to_owned(),
                    reason: format!("图表有 {} 组，一页放不下", self.groups.len()),
                });
            }
        }
        let (left, right) = (c.left(), c.right());
        let top = c.cursor();

        // Title, legend on the right.
        c.text_at("chart.title", &self.title, TITLE, left, top + TITLE.baseline_offset(), Align::Left)?;
        let mut x = right;
        let legend_base = top + TITLE.baseline_offset();
        if let Some((_, label)) = &self.marker {
            let w = c.text_at("chart.marker", label, SMALL, x, legend_base, Align::Right)?;
            x -= w + 3.0;
            c.rule((x - 12.0, legend_base - 3.0), (x, legend_base - 3.0), 1.0, MARKER, Some((2.0, 1.5)));
            x -= 22.0;
        }
        for (i, s) in self.series.iter().enumerate().rev() {
            let w = c.text_at(&format!("chart.series[{i}]"), &s.name, SMALL, x, legend_base, Align::Right)?;
            x -= w + 3.0;
            c.fill_rect_rgb(x - 8.0, legend_base - 7.0, 8.0, 8.0, s.colour);
            x -= 20.0;
        }
        let mut y = top + TITLE.line_height();
        if let Some(note) = &self.note {
            c.text_at("chart.note", note, SMALL, left, y + SMALL.baseline_offset(), Align::Left)?;
            y += SMALL.line_height();
        }
        y += 4.0;

        // The label column takes what the longest label needs, at most a quarter of the width.
        let mut label_width: f32 = 40.0;
        for (i, g) in self.groups.iter().enumerate() {
            let w = c.shaper().shape(&format!("chart.groups[{i}].label"), &g.label, LABEL)?.width();
            label_width = label_width.max(w);
        }
        let label_width = label_width.min((right - left) / 4.0);
        let area_left = left + label_width + 6.0;
        let area_width = (right - area_left - 48.0).max(10.0);
        let scale = |v: u64| area_left + area_width * (v.min(self.max) as f32 / self.max.max(1) as f32);
        let groups_top = y;
        let groups_bottom = y + self.groups.len().max(1) as f32 * self.group_height();

        // Grid lines at the ticks, under the bars.
        for &(v, _) in &self.ticks {
            let gx = scale(v);
            c.rule((gx, groups_top), (gx, groups_bottom), 0.4, GRID_GRAY, None);
        }
        for (i, g) in self.groups.iter().enumerate() {
            let gy = groups_top + i as f32 * self.group_height();
            let field = format!("chart.groups[{i}].label");
            let line = c.shaper().shape(&field, &g.label, LABEL)?;
            let line = if line.width() > label_width { truncated(c, &field, &g.label, label_width)? } else { line };
            let mid = gy + self.group_height() / 2.0;
            c.draw_line_at(line, area_left - 6.0, mid + LABEL.size * 0.35, Align::Right);
            for (j, (bar, series)) in g.bars.iter().zip(&self.series).enumerate() {
                let by = gy + GROUP_PAD + j as f32 * (BAR + BAR_GAP);
                let field = format!("chart.groups[{i}].bars[{j}]");
                let end = match bar.value {
                    Some(v) => {
                        let end = scale(v);
                        if end > area_left {
                            c.fill_rect_rgb(area_left, by, end - area_left, BAR, series.colour);
                        }
                        end
                    }
                    None => area_left,
                };
                let text = if bar.value.is_some() { bar.text.as_str() } else { "—" };
                c.text_at(&field, text, VALUE, end + 2.5, by + BAR - 0.8, Align::Left)?;
            }
        }
        if self.groups.is_empty() {
            c.text_at("chart.groups", "没有数据", LABEL, area_left + 4.0, groups_top + 12.0, Align::Left)?;
        }

        // The axis, its ticks and the marker.
        c.rule((area_left, groups_top), (area_left, groups_bottom), 0.6, AXIS_GRAY, None);
        c.rule((area_left, groups_bottom), (area_left + area_width, groups_bottom), 0.6, AXIS_GRAY, None);
        for (v, text) in &self.ticks {
            let tx = scale(*v);
            c.rule((tx, groups_bottom), (tx, groups_bottom + 2.5), 0.6, AXIS_GRAY, None);
            c.text_at("chart.ticks", text, SMALL, tx, groups_bottom + 11.0, Align::Center)?;
        }
        if let Some((v, _)) = &self.marker {
            let mx = scale(*v);
            c.rule((mx, groups_top - 2.0), (mx, groups_bottom + 2.0), 1.0, MARKER, Some((3.0, 2.0)));
        }
        c.set_cursor(top + height);
        Ok(())
    }
}

/// `text` cut to fit `width`, ending in "…".
fn truncated(c: &Composer<'_>, field: &str, text: &str, width: f32) -> Result<crate::text::ShapedLine, DocumentError> {
    let ellipsis = c.shaper().shape(field, "…", LABEL)?.width();
    let mut kept = String::new();
    for ch in text.chars() {
        let mut next = kept.clone();
        next.push(ch);
        if c.shaper().shape(field, &next, LABEL)?.width() + ellipsis > width {
            break;
        }
        kept = next;
    }
    kept.push('…');
    c.shaper().shape(field, &kept, LABEL)
}
