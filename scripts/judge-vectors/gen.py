#!/usr/bin/env python3
"""Generate Mann-Whitney test vectors for the x/aiops/judge package.

Each vector holds a canary sample (scipy's x) and a baseline sample (scipy's y)
and what scipy.stats.mannwhitneyu(canary, baseline, alternative="two-sided",
method="auto") returns for them: the U statistic of the canary and the two-sided
p-value. It also records the method scipy's "auto" picks (exact when either sample
has at most 8 values and nothing is tied, asymptotic otherwise) and the
Hodges-Lehmann estimate (median of all canary - baseline differences).

Every value has at most 6 decimals and |v| < 1e6, so the judge's fixed-point
conversion (millionths) keeps the exact order and ties that scipy sees.

The Go tests read the JSON, so running the tests never needs scipy. Regenerate with

    python3 scripts/judge-vectors/gen.py > x/aiops/judge/testdata/mannwhitney_vectors.json

(scipy from the Debian package python3-scipy). The output is deterministic for a
given scipy/numpy version.
"""

import json
import sys

import numpy as np
import scipy
from scipy import stats

SEED = 20261125
DECIMALS = 6


def rounded(values, decimals=DECIMALS):
    return [round(float(v), decimals) for v in values]


def has_ties(canary, baseline):
    pooled = canary + baseline
    return len(set(pooled)) != len(pooled)


def vector(name, canary, baseline):
    result = stats.mannwhitneyu(canary, baseline, alternative="two-sided", method="auto")
    small = len(canary) <= 8 or len(baseline) <= 8
    method = "exact" if small and not has_ties(canary, baseline) else "asymptotic"
    effect = float(np.median(np.subtract.outer(np.array(canary), np.array(baseline))))
    return {
        "name": name,
        "canary": canary,
        "baseline": baseline,
        "statistic": float(result.statistic),
        "pvalue": float(result.pvalue),
        "method": method,
        "hodges_lehmann": effect,
    }


def classification_vector(name, canary, baseline, alpha=0.02, tolerance=0.25):
    """Kayenta's rule with default settings, decided with scipy on shifted samples.

    Integer-valued samples make every quantity exact in float64: the
    Hodges-Lehmann estimate is a multiple of 1/2, the shift tolerance*|HL| a
    multiple of 1/8, and canary -+ shift is exact.
    """
    n1, n2 = len(canary), len(baseline)
    if sorted(canary) == sorted(baseline) or len(set(canary + baseline)) == 1:
        return {"name": name, "canary": canary, "baseline": baseline, "classification": "Pass",
                "p_high": 1.0, "p_low": 1.0}
    effect = float(np.median(np.subtract.outer(np.array(canary), np.array(baseline))))
    shift = tolerance * abs(effect)
    # canary mean / baseline mean compared with 1 exactly, on integer sums
    sum_c, sum_b = int(sum(canary)), int(sum(baseline))
    ratio_high = sum_b == 0 or (sum_c * n2 * (1 if sum_b > 0 else -1) >= sum_b * n1 * (1 if sum_b > 0 else -1))
    ratio_low = sum_b == 0 or (sum_c * n2 * (1 if sum_b > 0 else -1) <= sum_b * n1 * (1 if sum_b > 0 else -1))
    high = stats.mannwhitneyu([v - shift for v in canary], baseline, method="auto")
    low = stats.mannwhitneyu([v + shift for v in canary], baseline, method="auto")
    classification = "Pass"
    if high.pvalue <= alpha and high.statistic > n1 * n2 / 2 and ratio_high:
        classification = "High"
    elif low.pvalue <= alpha and low.statistic < n1 * n2 / 2 and ratio_low:
        classification = "Low"
    return {"name": name, "canary": canary, "baseline": baseline, "classification": classification,
            "p_high": float(high.pvalue), "p_low": float(low.pvalue)}


def main():
    rng = np.random.default_rng(SEED)
    vectors = []

    # Tiny and small tie-free samples: scipy's exact distribution.
    for i in range(120):
        n1 = int(rng.integers(1, 9))
        n2 = int(rng.integers(1, 40))
        if i % 2:
            n1, n2 = n2, n1
        shift = float(rng.choice([0.0, 0.3, 1.0, 3.0, -1.0]))
        canary = rounded(rng.normal(10 + shift, 1.0, n1))
        baseline = rounded(rng.normal(10, 1.0, n2))
        vectors.append(vector(f"small-{i}", canary, baseline))

    # Both samples larger than 8: asymptotic with continuity correction.
    for i in range(120):
        n1 = int(rng.integers(9, 250))
        n2 = int(rng.integers(9, 250))
        shift = float(rng.choice([0.0, 0.05, 0.2, 0.5, -0.3, 2.0]))
        scale = float(rng.choice([0.001, 1.0, 250.0]))
        canary = rounded(rng.normal((5 + shift) * scale, scale, n1))
        baseline = rounded(rng.normal(5 * scale, scale, n2))
        vectors.append(vector(f"large-{i}", canary, baseline))

    # Heavy ties (integer-valued counters): asymptotic with tie correction, also for
    # tiny samples, where ties rule out the exact method.
    for i in range(120):
        n1 = int(rng.integers(1, 120))
        n2 = int(rng.integers(1, 120))
        levels = int(rng.integers(2, 8))
        canary = [float(v) for v in rng.integers(0, levels, n1) + int(rng.integers(0, 2))]
        baseline = [float(v) for v in rng.integers(0, levels, n2)]
        vectors.append(vector(f"ties-{i}", canary, baseline))

    # Coarse decimals: ties between and within samples at non-integer values.
    for i in range(40):
        n1 = int(rng.integers(5, 80))
        n2 = int(rng.integers(5, 80))
        canary = rounded(rng.exponential(0.05, n1), 2)
        baseline = rounded(rng.exponential(0.04, n2), 2)
        vectors.append(vector(f"coarse-{i}", canary, baseline))

    # Identical samples: p-value 1 or close to it.
    for i in range(20):
        n = int(rng.integers(1, 60))
        values = rounded(rng.normal(100, 10, n), 3)
        vectors.append(vector(f"identical-{i}", list(values), list(values)))

    # Every value equal: no spread at all.
    for i, (n1, n2) in enumerate([(1, 1), (3, 5), (9, 9), (20, 40), (1, 30)]):
        vectors.append(vector(f"constant-{i}", [7.5] * n1, [7.5] * n2))

    # Complete separation: tiny p-values in both methods.
    for i, (n1, n2) in enumerate([(1, 1), (2, 3), (8, 8), (5, 60), (9, 9), (30, 30), (200, 150), (400, 400)]):
        canary = rounded(np.linspace(50, 60, n1))
        baseline = rounded(np.linspace(10, 20, n2))
        vectors.append(vector(f"separated-high-{i}", canary, baseline))
        vectors.append(vector(f"separated-low-{i}", baseline, canary))

    # Constant but different samples (Kayenta adds noise here; the judge does not).
    for i, (n1, n2) in enumerate([(3, 3), (10, 12), (50, 50)]):
        vectors.append(vector(f"two-constants-{i}", [2.0] * n1, [1.0] * n2))

    # Pure shifts of the same draw.
    for i in range(20):
        n = int(rng.integers(3, 100))
        base = rng.normal(0, 1, n)
        delta = float(rng.choice([0.01, 0.1, 0.5, 1.0]))
        vectors.append(vector(f"shift-{i}", rounded(base + delta), rounded(base)))

    # Whole classifications (default config, direction either) from an independent
    # implementation of the rule above; samples stay under 100 values, where the
    # outlier fences remove nothing.
    classifications = []
    for i in range(300):
        n1 = int(rng.integers(2, 99))
        n2 = int(rng.integers(2, 99))
        if i % 5 == 0:
            n1 = int(rng.integers(2, 9))
        level = float(rng.choice([5, 50, 500]))
        relative_shift = float(rng.choice([-0.4, -0.15, -0.05, 0.0, 0.05, 0.15, 0.4]))
        spread = float(rng.choice([0.02, 0.1, 0.3]))
        canary = [float(v) for v in np.round(rng.normal(level * (1 + relative_shift), level * spread, n1))]
        baseline = [float(v) for v in np.round(rng.normal(level, level * spread, n2))]
        classifications.append(classification_vector(f"classify-{i}", canary, baseline))
    # Distinct integers: tie-free small samples, where the shifted tests use the
    # exact distribution.
    for i in range(100):
        n1 = int(rng.integers(2, 9))
        n2 = int(rng.integers(2, 40))
        if i % 2:
            n1, n2 = n2, n1
        pool = rng.permutation(1000)[: n1 + n2] + 1000
        offset = int(rng.choice([-900, -300, -100, 0, 100, 300, 900]))
        canary = [float(v + offset) for v in pool[:n1]]
        baseline = [float(v) for v in pool[n1:]]
        classifications.append(classification_vector(f"classify-distinct-{i}", canary, baseline))

    critical = [
        {"alpha_millionths": a, "z": float(stats.norm.isf(a / 2e6))}
        for a in [1, 10, 1000, 10000, 20000, 50000, 100000, 250000, 500000]
    ]

    json.dump(
        {
            "generator": "scripts/judge-vectors/gen.py",
            "seed": SEED,
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "call": "scipy.stats.mannwhitneyu(canary, baseline, alternative='two-sided', method='auto')",
            "critical_values": critical,
            "vectors": vectors,
            "classifications": classifications,
        },
        sys.stdout,
        indent=None,
        separators=(",", ":"),
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
