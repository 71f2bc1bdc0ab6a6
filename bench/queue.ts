/**
 * Simulated days of the video queue: Poisson arrivals with a daytime peak, log-normal consultation lengths,
 * doctors on published shifts. At every arrival the estimator of core/video/wait-estimate.ts is asked for the
 * patient's wait with what the live system knows (queue length, the shifts ahead, elapsed time of the calls in
 * progress, the recent lengths, the recent abandonment — none in this simulation); the truth is the wait the
 * simulation then produces. Prints the mean absolute error in minutes next to the plain M/M/c formula with a
 * fixed 15-minute mean, on the same patients.
 *
 *   npm run bench:queue                  seeds 7, 11, 42 × 1 and 7 days
 *   npm run bench:queue -- [seed] [days] one run
 */
import { fitLengths } from "../core/video/consult-length";
import { estimateWaits, type DoctorOutlook } from "../core/video/wait-estimate";

/** Arrivals per minute by hour: quiet nights, a morning and an evening peak. */
const arrivalRate = (minuteOfDay: number) => {
  const hour = minuteOfDay / 60;
  if (hour < 7) return 0.08;
  if (hour < 12) return 0.42;
  if (hour < 17) return 0.3;
  if (hour < 22) return 0.38;
  return 0.12;
};
/** Doctors on duty by hour (the shifts of a round-the-clock GP pool): doctors 0…n−1 are on. */
const onDutyAt = (minuteOfDay: number) => {
  const hour = minuteOfDay / 60;
  if (hour < 7) return 2;
  if (hour < 9) return 4;
  if (hour < 21) return 6;
  return 3;
};
const DAY = 24 * 60;
const HOUR_BOUNDARIES = [0, 7, 9, 21].map((h) => h * 60);

/** Doctor `index`'s on-duty periods within the next 12 h, in minutes from `t`: what a published roster says. */
function shiftsAhead(index: number, t: number): DoctorOutlook["shifts"] {
  const marks = new Set<number>([t]);
  for (let day = Math.floor(t / DAY) * DAY; day <= t + 12 * 60; day += DAY) {
    for (const b of HOUR_BOUNDARIES) if (day + b > t && day + b < t + 12 * 60) marks.add(day + b);
  }
  const points = [...marks].sort((a, b) => a - b);
  const shifts: DoctorOutlook["shifts"] = [];
  points.forEach((from, i) => {
    const until = points[i + 1] ?? t + 12 * 60;
    if (index >= onDutyAt(from % DAY)) return;
    const last = shifts[shifts.length - 1];
    if (last && last.until === from - t) last.until = until - t;
    else shifts.push({ from: from - t, until: until - t });
  });
  return shifts;
}

interface Patient { arrived: number; estimate?: number; best?: number; naive: number; started?: number }
/** The simulation's own length distribution (before the 3-minute floor): an estimator knowing it is the best possible. */
const TRUE_LENGTHS = { mu: Math.log(13), sigma: 0.42 };
interface Doctor { busyUntil: number; startedAt: number }

function simulate(seed: number, days: number) {
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: reproducible runs for a given seed
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  /** Log-normal with mean ≈ 14 min, sd ≈ 6 min, at least 3 min. */
  const consultMinutes = () => Math.max(3, Math.exp(Math.log(13) + 0.42 * normal()));

  const step = 1 / 6; // 10 s
  const doctors: Doctor[] = Array.from({ length: 8 }, () => ({ busyUntil: 0, startedAt: 0 }));
  const queue: Patient[] = [];
  const served: Patient[] = [];
  const recent: number[] = [];

  for (let t = 0; t < days * DAY; t += step) {
    const minuteOfDay = t % DAY;
    const active = doctors.slice(0, onDutyAt(minuteOfDay));
    for (const doctor of doctors) {
      if (doctor.busyUntil > 0 && doctor.busyUntil <= t) {
        recent.push(doctor.busyUntil - doctor.startedAt);
        if (recent.length > 50) recent.shift();
        doctor.busyUntil = 0;
      }
    }
    if (random() < arrivalRate(minuteOfDay) * step) {
      const busy = active.filter((d) => d.busyUntil > t).map((d) => t - d.startedAt);
      const patient: Patient = { arrived: t, naive: 0 };
      queue.push(patient);
      // the plain M/M/c guess: a fixed 15-minute mean and no look at the calls in progress
      patient.naive = (Math.max(0, queue.length - (active.length - busy.length)) * 15) / active.length;
      const outlook = {
        waiting: queue.length,
        doctors: doctors.map((d, index) => ({
          busyElapsedMinutes: d.busyUntil > t ? t - d.startedAt : undefined,
          shifts: shiftsAhead(index, t),
        })),
        lengths: fitLengths(recent, 15),
        abandonPerMinute: 0,
      };
      patient.estimate = estimateWaits(outlook)[queue.length - 1]?.minutes;
      patient.best = estimateWaits({ ...outlook, lengths: TRUE_LENGTHS })[queue.length - 1]?.minutes;
    }
    for (const doctor of active) {
      if (doctor.busyUntil <= t && queue.length) {
        const patient = queue.shift()!;
        patient.started = t;
        doctor.startedAt = t;
        doctor.busyUntil = t + consultMinutes();
        served.push(patient);
      }
    }
  }

  const measured = served.filter((p) => p.estimate !== undefined);
  const mae = (pick: (p: Patient) => number) =>
    measured.reduce((sum, p) => sum + Math.abs(pick(p) - (p.started! - p.arrived)), 0) / measured.length;
  return {
    patients: measured.length,
    meanWait: measured.reduce((sum, p) => sum + (p.started! - p.arrived), 0) / measured.length,
    maxWait: Math.max(...measured.map((p) => p.started! - p.arrived)),
    estimator: mae((p) => p.estimate!),
    plain: mae((p) => p.naive),
    best: mae((p) => p.best ?? p.estimate!),
  };
}

const runs = process.argv[2] ? [[Number(process.argv[2]), Number(process.argv[3] ?? 1)]] : [7, 11, 42].flatMap((s) => [[s, 1], [s, 7]]);
for (const [seed, days] of runs as Array<[number, number]>) {
  const r = simulate(seed, days);
  console.log(`simulated ${days} day(s), seed ${seed}: ${r.patients} patients served`);
  console.log(`true wait: mean ${r.meanWait.toFixed(1)} min, max ${r.maxWait.toFixed(1)} min`);
  console.log(`estimator MAE: ${r.estimator.toFixed(2)} min`);
  console.log(`plain M/M/c (fixed 15 min mean) MAE: ${r.plain.toFixed(2)} min (estimator/plain ${(r.estimator / r.plain).toFixed(2)})`);
  // the floor: the same play-forward told the simulation's true length distribution; the rest is chance
  console.log(`best possible (true length distribution) MAE: ${r.best.toFixed(2)} min (best/plain ${(r.best / r.plain).toFixed(2)})`);
}
