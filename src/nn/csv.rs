//! CSV points for the custom dataset: `x1,x2,label` lines (optional header, `#` comments) with
//! errors that name the line, and what the labels mean (classes or a regression).

use super::data::{MAX_CLASSES, MAX_POINTS};
use crate::{arg_err, Error, Result};

/// Parses CSV text of `x1,x2,label` lines into points and their number of classes (0 for a
/// regression, see `infer_classes`). Blank lines and lines starting with `#` are skipped; a first
/// line whose three fields are all non-numeric is a header. Errors name the line (1-based).
pub fn parse_csv(text: &str) -> Result<(Vec<[f32; 3]>, usize)> {
    let mut out = Vec::new();
    let mut lines = Vec::new();
    let mut seen_data = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if !seen_data && fields.len() == 3 && fields.iter().all(|f| f.parse::<f64>().is_err()) {
            seen_data = true; // a header such as "x1,x2,label"
            continue;
        }
        seen_data = true;
        let shown: String = line.chars().take(60).collect();
        if fields.len() != 3 {
            return Err(Error::csv_fields(line_no, &shown));
        }
        let mut v = [0.0f32; 3];
        for (k, f) in fields.iter().enumerate() {
            let x: f64 = f
                .parse()
                .map_err(|_| Error::csv_not_number(line_no, &shown, f))?;
            if !x.is_finite() || x.abs() > 1e6 {
                return Err(Error::csv_value(line_no, ["x1", "x2", "label"][k], f));
            }
            v[k] = x as f32;
        }
        out.push(v);
        lines.push(line_no);
        if out.len() > MAX_POINTS {
            return Err(Error::TooLarge(format!(
                "line {line_no}: more than {MAX_POINTS} points; the limit is {MAX_POINTS}"
            )));
        }
    }
    if out.len() < 4 {
        return Err(Error::Parse(format!(
            "the CSV has {} data lines; at least 4 points (x1,x2,label) are needed",
            out.len()
        )));
    }
    let classes = infer(&mut out, |i| format!("line {}", lines[i]))?;
    Ok((out, classes))
}

/// What labels mean: all integers in 0..6 (or all -1/+1, the Playground's convention, mapped to
/// 0/1) make a classification with `max + 1` (at least 2) classes; otherwise it is a regression
/// (returns 0). The labels are rewritten to class indices where needed.
pub fn infer_classes(points: &mut [[f32; 3]]) -> Result<usize> {
    infer(points, |i| format!("point {}", i + 1))
}

fn infer(points: &mut [[f32; 3]], at: impl Fn(usize) -> String) -> Result<usize> {
    let ints = points.iter().all(|p| p[2].fract() == 0.0);
    if !ints {
        return Ok(0);
    }
    if points.iter().all(|p| p[2] == -1.0 || p[2] == 1.0) {
        for p in points.iter_mut() {
            p[2] = if p[2] > 0.0 { 1.0 } else { 0.0 };
        }
        return Ok(2);
    }
    if let Some((i, p)) = points
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..MAX_CLASSES as f32).contains(&p[2]))
    {
        return arg_err!(
            "{}: class label {} is out of range; class labels are 0..{} (or use decimal values for a regression)",
            at(i),
            p[2],
            MAX_CLASSES - 1
        );
    }
    let max = points.iter().fold(0.0f32, |a, p| a.max(p[2])) as usize;
    Ok((max + 1).max(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_errors_name_the_line() {
        let e = parse_csv("x1,x2,label\n1,2,0\n\n# note\n3,4,1\n5,6,0\na,b\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "parse error: line 7: expected 3 comma-separated numbers x1,x2,label, got 'a,b'"
        );
        let e = parse_csv("1,2,0\n1,2,x\n").unwrap_err().to_string();
        assert!(
            e.contains("line 2") && e.contains("'x' is not a number"),
            "{e}"
        );
        let e = parse_csv("1,2,0\n1,nan,1\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("finite"), "{e}");
        assert!(parse_csv("1,2,0\n")
            .unwrap_err()
            .to_string()
            .contains("at least 4"));
        let (pts, k) = parse_csv("x,y,c\n1,2,-1\n3,4,1\n0,0,1\n1,1,-1\n").unwrap();
        assert_eq!((k, pts[0][2]), (2, 0.0));
        assert_eq!(parse_csv("1,2,0\n3,4,2\n0,0,1\n1,1,0.5\n").unwrap().1, 0);
        assert_eq!(parse_csv("1,2,0\n3,4,2\n0,0,1\n1,1,0\n").unwrap().1, 3);
        let e = parse_csv("1,2,0\n\n3,4,9\n0,0,1\n1,1,0\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3: class label 9"), "{e}");
        let mut pts = [[0.0, 0.0, 1.0], [0.0, 0.0, -3.0]];
        assert!(infer_classes(&mut pts)
            .unwrap_err()
            .to_string()
            .contains("point 2"));
    }
}
