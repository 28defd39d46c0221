"""Reference cases for average precision (the evaluation lab, issue 13), in the golden format of
cases_seed1.json (see ../shared/golden/README.md): sklearn.metrics.precision_recall_curve and
average_precision_score on float32 scores quantised to a few levels (many ties), as the roc_auc
cases are. Run at development time in a venv with scikit-learn:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-learn
    /tmp/venv/bin/python tests/golden/gen_metrics_sklearn.py > tests/golden/cases_metrics_sklearn.json
"""
import json, sys
import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

SEED = 13
rng = np.random.default_rng(SEED)


def tensor(a, dtype):
    a = np.asarray(a)
    data = [int(v) for v in a.ravel()] if dtype in ("int64", "uint8") else [float(str(np.float32(v))) for v in a.ravel()]
    return {"shape": list(a.shape), "dtype": dtype, "data": data}


cases = []
specs = []
for levels in (2, 3, 5, 10, 50, 0):  # 0 = continuous (no ties)
    for pos_rate in (0.5, 0.2, 0.05):
        specs.append((levels, pos_rate))
for i, (levels, pos_rate) in enumerate(specs):
    n = int(rng.integers(30, 160))
    y = (rng.random(n) < pos_rate).astype(np.int64)
    y[0], y[1] = 1, 0
    raw = rng.normal(size=n) + 1.2 * y  # positives score higher on average
    p = 1 / (1 + np.exp(-raw))
    s = (np.round(p * (levels - 1)) / (levels - 1)) if levels else np.round(p, 4)
    s = s.astype(np.float32)
    s64 = s.astype(np.float64)
    prec, rec, thr = precision_recall_curve(y, s64)
    ap = average_precision_score(y, s64)
    cases.append({
        "id": f"average_precision-{i:04d}",
        "op": "average_precision",
        "kind": "exact",
        "params": {"pos_label": 1, "score_levels": levels, "positive_rate": pos_rate,
                   "note": "precision_recall_curve: increasing thresholds, last point (precision 1, recall 0) has none"},
        "inputs": {"y_true": tensor(y, "int64"), "y_score": tensor(s, "float32")},
        "expected": {"shape": [], "dtype": "float32", "data": [float(str(np.float32(ap)))]},
        "tol": 1e-6,
        "tol_mode": "mixed",
        "expected_aux": {
            "precision": tensor(prec, "float32"),
            "recall": tensor(rec, "float32"),
            "thresholds": tensor(thr, "float32"),
            "roc_auc": {"shape": [], "dtype": "float32", "data": [float(str(np.float32(roc_auc_score(y, s64))))]},
        },
    })

header = {
    "format": "dl-oracle-cases/1",
    "generator": "tests/golden/gen_metrics_sklearn.py",
    "seed": SEED,
    "layout": "y_true int64 0/1, y_score float32, both [n].",
    "numbers": "float32 values are written in shortest round-trip form; parse as f32 (or f64 then cast).",
    "reference_precision": "expected = scikit-learn evaluated in float64 on the float32 scores, rounded to float32",
    "tolerance": "tol_mode 'mixed': element passes iff |got-exp| <= tol*(1+|exp|); applies to expected and every expected_aux entry.",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scikit-learn": sklearn.__version__},
    "count": len(cases),
    "ops": {"average_precision": len(cases)},
}
json.dump({"header": header, "cases": cases}, sys.stdout, separators=(",", ":"))
