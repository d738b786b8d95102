//! What the benchmarks print: one line per figure, `name value unit target
//! baseline ratio verdict`, and the statistics they are taken with.

pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    pub target: Option<f64>,
    pub baseline: Option<f64>,
    /// The target is a most allowed (`<=`, for counts) rather than a bound
    /// to stay under (`<`); both fail only above it.
    pub at_most: bool,
}

impl Figure {
    pub fn new(name: impl Into<String>, value: f64, unit: &'static str, target: Option<f64>) -> Figure {
        Figure {
            name: name.into(),
            value,
            unit,
            target,
            baseline: None,
            at_most: false,
        }
    }

    pub fn against(mut self, baseline: f64) -> Figure {
        self.baseline = Some(baseline);
        self
    }
}

/// Prints the table's header and one line per figure; a figure is over
/// when above its target times `tolerance`. Says whether any was.
pub fn report(figures: &[Figure], tolerance: f64) -> bool {
    println!("name value unit target baseline ratio verdict");
    let mut failed = false;
    for f in figures {
        let sign = if f.at_most { "<=" } else { "<" };
        let target = f.target.map_or("-".to_string(), |t| format!("{sign}{t}"));
        let (baseline, ratio) = match f.baseline {
            Some(b) if b > 0.0 => (format!("{b:.2}"), format!("{:.1}", f.value / b)),
            _ => ("-".to_string(), "-".to_string()),
        };
        let verdict = match f.target {
            Some(t) if f.value > t * tolerance => {
                failed = true;
                "OVER"
            }
            Some(_) => "ok",
            None => "-",
        };
        println!(
            "{} {:.2} {} {target} {baseline} {ratio} {verdict}",
            f.name, f.value, f.unit
        );
    }
    failed
}

pub fn median(v: &mut [f64]) -> f64 {
    percentile(v, 0.5)
}

pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let i = ((v.len() - 1) as f64 * p).round() as usize;
    v[i]
}
