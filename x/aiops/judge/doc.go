// Package judge is the canary judge shared by the shiplogd agent and the x/aiops
// module: Kayenta's NetflixACAJudge method, re-implemented so that the chain can
// re-run it on submitted samples and reach the identical result on every machine.
//
// # Method (per Kayenta's NetflixACAJudge)
//
// For each metric and each side (baseline, canary) separately: missing values
// (NaN, +-Inf) are dropped, or replaced by 0 with NaNStrategy replace; then outliers
// are removed with an IQR detector of factor 3 whose fences are widened to the 1st
// and 99th percentiles (Kayenta's reduceSensitivity), so samples under 100 values
// keep every value.
//
// An empty side makes the metric Nodata (NodataFail when it must have data, Pass
// under the replace strategy). Identical samples, or one value everywhere, pass.
// Otherwise the canary is compared with the baseline by a Mann-Whitney U test:
// the metric is High when the whole (Confidence) confidence interval of the
// canary-minus-baseline shift lies above +EffectTolerance*|HL|, HL being the
// Hodges-Lehmann estimate of the shift, and the mean ratio canary/baseline is at
// least AllowedIncrease; Low symmetrically (below -EffectTolerance*|HL|, ratio at
// most AllowedDecrease). Direction increase never yields Low, decrease never High.
// A critical metric that is High with ratio >= CriticalIncrease, Low with ratio
// <= CriticalDecrease, or Nodata fails the canary outright.
//
// Each group scores the share of passing metrics among those judged (pass, high,
// low, nodata-fail); a group with none counts as 100. The canary score is the
// weight-averaged group score, 0-100 in hundredths; score >= PassScore is PASS,
// >= MarginalScore MARGINAL, else FAIL. A critical failure, or Nodata on half of
// the metrics or more, is FAIL with score 0.
//
// The confidence interval is taken by test inversion, its definition: the interval
// lies above c exactly when the two-sided test of "canary - c" against the
// baseline rejects at level 1-Confidence with the canary ahead. R's wilcox.test
// (and Kayenta's port of it) computes the same interval from order statistics or
// by numeric root finding; here membership is decided exactly, with the test
// method (exact or asymptotic) chosen for the shifted samples as scipy's "auto"
// would choose it. Kayenta adds Gaussian noise when both sides are constant; with
// exact ranks the test needs no noise, and randomness would break determinism.
// Group weights are relative (Kayenta treats them as percents adding up to 100).
//
// # Determinism
//
// No branch depends on a floating-point result.
//
//   - Samples become int64 millionths (FixedScale) by exact rounding of the
//     float64 value (half away from zero, through a 128-bit big.Float); |v| must be
//     at most MaxAbsSample = 1e12 so every value stays below 2^60.
//   - Ranks are doubled (midranks are halves), so 2*U and the tie term
//     sum(t^3 - t) are exact integers. The test inversion shifts the canary by
//     tolerance*|HL| = whole + fraction units; the fraction becomes an
//     infinitesimal nudge in the sort key, which orders exactly like the real shift.
//   - The exact method counts arrangements with big.Int (Gaussian binomial
//     coefficients): reject iff 2*tail*10^6 <= alpha*C(n1+n2, n1). The
//     asymptotic method squares both sides of z >= z_c:
//     3n(n-1)(|2U - n1n2| - 1)^2 >= z_c^2 * n1n2 * ((n+1)n(n-1) - ties), with
//     z_c^2 an exact rational from a 256-bit big.Float bisection of the normal
//     distribution function (software arithmetic, identical everywhere).
//   - Twice the Hodges-Lehmann estimate is an exact integer (median of exact
//     pairwise differences, found by bisection and counting without building the
//     n1*n2 list); ratios are compared as big.Rat; scores are rounded half up to
//     hundredths from exact rationals.
//   - Config values are integers (Millionths, Score), never float64.
//
// Reported values: U, the effect, the mean ratio and the summaries are correctly
// rounded from exact rationals, so they are the same everywhere too. The p-value
// is computed in float64 (as scipy does) and may differ in the last bits across
// architectures; it is display only, and ExactStatistics carries the integers a
// verifier compares.
//
// The p-value and U agree with scipy.stats.mannwhitneyu(canary, baseline,
// method="auto"): exact distribution when either sample has at most 8 values and
// nothing is tied, otherwise the normal approximation with tie and continuity
// corrections. testdata/mannwhitney_vectors.json, written by
// scripts/judge-vectors/gen.py, holds the reference values.
package judge
