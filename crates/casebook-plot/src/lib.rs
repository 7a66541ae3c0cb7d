//! Casebook's figures as deterministic, self-contained SVG.
//!
//! Three figures cover a case series: a swimmer plot of treatment courses and events per
//! patient ([`swimmer`]), a grid of phenotype features per patient ([`phenotype`]), and value
//! trajectories over time such as CRP or donor chimerism ([`trajectory`]). Each takes a plain
//! input struct of numbers and strings (`…Figure`) and returns a [`layout::Rendered`]: the SVG
//! text, its size, and the box of every piece of text placed in it.
//!
//! The SVG works inline in an HTML report and as a file: no external fonts or requests
//! (`font-family="Helvetica, Arial, sans-serif"`), a white background and dark text for print,
//! a `<title>` and `<desc>` for screen readers, and ids that do not collide when several figures
//! share a page. Colours come from the Okabe-Ito palette ([`palette`]), and shapes or hatching
//! carry the same distinction, so figures survive colour blindness and greyscale printing. The
//! same input always gives the same bytes, so snapshot tests work.
//!
//! Layout is computed, not guessed: [`layout::text_width`] estimates text widths conservatively
//! from Helvetica's metrics, label columns and legends size themselves from it, and
//! [`layout::check_layout`] proves afterwards that no text overlaps and none is clipped. The
//! building blocks are public for new figures: [`scale::Scale`] and [`scale::nice_ticks`],
//! [`axis::fit_axis`] and [`axis::render_axis`], [`legend::render_legend`] and the marker shapes in
//! [`shape`].
//!
//! The figure inputs, the three `render_…` functions and the layout check are re-exported at the
//! crate root, so callers need one `use`.
//!
//! ```
//! use casebook_plot::{Bar, Lane, Marker, MarkerShape, MarkerStyle, SeriesStyle, SwimmerFigure, check_layout, render_swimmer};
//!
//! let figure = SwimmerFigure {
//!     title: "Anti-IL-1 treatment courses".to_string(),
//!     subtitle: None,
//!     x_axis_title: "Age (years)".to_string(),
//!     lanes: vec![Lane {
//!         label: "WAS-01".to_string(),
//!         group: Some("Gene therapy".to_string()),
//!         bars: vec![Bar { series: 0, start: 0.2, end: 1.5, ongoing: true, row: 0 }],
//!         markers: vec![Marker { kind: 0, at: 1.1 }],
//!         follow_up_end: 1.5,
//!     }],
//!     series: vec![SeriesStyle { name: "Anakinra".to_string(), colour: 1 }],
//!     marker_kinds: vec![MarkerStyle { name: "Gene therapy".to_string(), shape: MarkerShape::Diamond }],
//!     footnote: Some("Constructed data; not real patients".to_string()),
//! };
//! let rendered = render_swimmer(&figure);
//! assert!(rendered.svg.starts_with("<svg "));
//! assert!(rendered.svg.contains("<title id="));
//! assert!(check_layout(&rendered).is_clean());
//! ```
//!
//! Not here: reading registry data (callers turn domain records into figure inputs), statistics,
//! raster output (see `scripts/render-figures.sh`), and interactivity beyond hover titles.

#![deny(missing_docs)]

pub mod axis;
pub mod layout;
pub mod legend;
pub mod palette;
pub mod phenotype;
pub mod scale;
pub mod shape;
mod svg;
pub mod swimmer;
pub mod trajectory;

pub use layout::{LayoutReport, Rendered, TextBox, check_layout, overlapping_text};
pub use phenotype::{CellState, GridRow, PhenotypeGridFigure, RowGroup, render_phenotype_grid};
pub use shape::MarkerShape;
pub use swimmer::{Bar, Lane, Marker, MarkerStyle, SeriesStyle, SwimmerFigure, render_swimmer};
pub use trajectory::{TrajectoryFigure, TrajectorySeries, render_trajectories};
