/**
 * The specialty's consultation length as a distribution, not a mean: a log-normal fitted to the recent finished
 * calls. The wait of the k-th patient depends on the spread of lengths (a call that has run 20 minutes of a
 * usually-15-minute kind still has a while to go), which a mean alone cannot say.
 */
export interface LengthModel {
  /** Mean and standard deviation of ln(minutes). */
  mu: number;
  sigma: number;
}

/** Spread assumed until enough calls have finished: a coefficient of variation of about 0.4, typical of consultations. */
const FALLBACK_SIGMA = 0.4;

/** Log-normal of the latest durations (minutes), or one of mean `fallbackMean` while there are too few to trust. */
export function fitLengths(recentMinutes: number[], fallbackMean: number, minSamples = 5): LengthModel {
  if (recentMinutes.length < minSamples) return { mu: Math.log(fallbackMean) - FALLBACK_SIGMA ** 2 / 2, sigma: FALLBACK_SIGMA };
  const logs = recentMinutes.map((m) => Math.log(Math.max(m, 0.5)));
  const mu = logs.reduce((sum, l) => sum + l, 0) / logs.length;
  const variance = logs.reduce((sum, l) => sum + (l - mu) ** 2, 0) / (logs.length - 1);
  return { mu, sigma: Math.min(Math.max(Math.sqrt(variance), 0.05), 1.5) };
}

export const meanMinutes = (model: LengthModel) => Math.exp(model.mu + model.sigma ** 2 / 2);

/** A length drawn from the model given that the call has already lasted `elapsed` minutes (inverse-CDF sampling). */
export function sampleLength(model: LengthModel, uniform: number, elapsed = 0): number {
  const floor = elapsed > 0 ? normalCdf((Math.log(elapsed) - model.mu) / model.sigma) : 0;
  const u = Math.min(floor + (1 - floor) * uniform, 1 - 1e-9);
  return Math.max(elapsed, Math.exp(model.mu + model.sigma * normalQuantile(Math.max(u, 1e-9))));
}

/** Φ(x) by the Abramowitz–Stegun 7.1.26 approximation of erf (error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
