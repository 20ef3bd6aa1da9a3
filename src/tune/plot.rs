//! The precision/recall curve of the sweeps as an SVG document, drawn with `plotters` (SVG backend
//! only: text is written as SVG `<text>` elements, so no font or system library is needed).
//!
//! Each sweep is one series: its variants as points at (recall, precision), joined in candidate
//! order and labelled with their value; the rule's own value is drawn larger. Variants without a
//! precision (no alert) or a recall (no `detect` instance) or that failed cannot be placed and are
//! counted in the caption instead of being dropped silently.

use plotters::prelude::*;

use super::sweep::Sweep;

/// Why the plot could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("drawing the plot: {0}")]
pub struct PlotError(String);

/// Series colours, in sweep order (cycled).
const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

/// A point of a series: (recall, precision), its label, whether it is the rule's own value.
type Point = ((f64, f64), String, bool);

/// The points of `sweep` that have both a precision and a recall, and how many do not.
pub fn points(sweep: &Sweep) -> (Vec<Point>, usize) {
    let mut out = Vec::new();
    let mut unplaced = 0;
    for row in &sweep.rows {
        match &row.outcome {
            Ok(s) => match (s.recall(), s.precision()) {
                (Some(r), Some(p)) => out.push(((r, p), row.candidate.to_string(), row.own)),
                _ => unplaced += 1,
            },
            Err(_) => unplaced += 1,
        }
    }
    (out, unplaced)
}

/// Renders the sweeps of rule `name` as an SVG document.
pub fn render_svg(name: &str, sweeps: &[Sweep]) -> Result<String, PlotError> {
    let mut svg = String::new();
    draw(&mut svg, name, sweeps).map_err(PlotError)?;
    Ok(svg)
}

/// An error as text.
fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn draw(svg: &mut String, name: &str, sweeps: &[Sweep]) -> Result<(), String> {
    let root = SVGBackend::with_string(svg, (900, 640)).into_drawing_area();
    root.fill(&WHITE).map_err(text)?;
    let unplaced: usize = sweeps.iter().map(|s| points(s).1).sum();
    let caption = if unplaced == 0 {
        format!("{name}: precision / recall")
    } else {
        format!(
            "{name}: precision / recall ({unplaced} variant(s) without alerts or detect instances not shown)"
        )
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 18))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.02f64..1.05f64, -0.02f64..1.05f64)
        .map_err(text)?;
    chart
        .configure_mesh()
        .x_desc("recall (detect instances)")
        .y_desc("precision")
        .draw()
        .map_err(text)?;
    for (i, sweep) in sweeps.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let (pts, _) = points(sweep);
        let xy: Vec<(f64, f64)> = pts.iter().map(|p| p.0).collect();
        chart
            .draw_series(LineSeries::new(xy, color.stroke_width(2)))
            .map_err(text)?
            .label(sweep.axis.title())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        chart
            .draw_series(
                pts.iter()
                    .map(|(xy, _, own)| Circle::new(*xy, if *own { 6 } else { 3 }, color.filled())),
            )
            .map_err(text)?;
        chart
            .draw_series(pts.iter().map(|(xy, label, own)| {
                let text = if *own {
                    format!("{label} (rule)")
                } else {
                    label.clone()
                };
                Text::new(text, *xy, ("sans-serif", 11).into_font().color(&color))
            }))
            .map_err(text)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(text)?;
    root.present().map_err(text)?;
    Ok(())
}
