/**
 * A simulated day of the video queue: Poisson arrivals with a daytime peak, log-normal consultation
 * lengths, doctors on shifts. At every arrival the estimator of core/video/wait-estimate.ts is asked for the
 * patient's wait with what the live system knows (queue position, doctors on duty, elapsed time of the
 * calls in progress, moving average of the last finished calls); the truth is the wait the simulation
 * then produces. Prints the mean absolute error in minutes, next to the plain M/M/c formula with a fixed 15-minute mean.
 *
 *   npm run bench:queue -- [seed] [days]
 */
import { estimateWaitMinutes, movingAverageMinutes } from "../core/video/wait-estimate";

const seed = Number(process.argv[2] ?? 7);
const days = Number(process.argv[3] ?? 1);

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

/** Arrivals per minute by hour: quiet nights, a morning and an evening peak. */
const arrivalRate = (minuteOfDay: number) => {
  const hour = minuteOfDay / 60;
  if (hour < 7) return 0.08;
  if (hour < 12) return 0.42;
  if (hour < 17) return 0.3;
  if (hour < 22) return 0.38;
  return 0.12;
};
/** Doctors on duty by hour (the shifts of a round-the-clock GP pool). */
const onDutyAt = (minuteOfDay: number) => {
  const hour = minuteOfDay / 60;
  if (hour < 7) return 2;
  if (hour < 9) return 4;
  if (hour < 21) return 6;
  return 3;
};

interface Patient { arrived: number; estimate?: number; naive: number; started?: number }
interface Doctor { busyUntil: number; startedAt: number }

const step = 1 / 6; // 10 s
const doctors: Doctor[] = Array.from({ length: 8 }, () => ({ busyUntil: 0, startedAt: 0 }));
const queue: Patient[] = [];
const served: Patient[] = [];
const recent: number[] = [];

for (let t = 0; t < days * 24 * 60; t += step) {
  const minuteOfDay = t % (24 * 60);
  const active = doctors.slice(0, onDutyAt(minuteOfDay));
  for (const doctor of doctors) {
    if (doctor.busyUntil > 0 && doctor.busyUntil <= t) {
      recent.push(doctor.busyUntil - doctor.startedAt);
      if (recent.length > 20) recent.shift();
      doctor.busyUntil = 0;
    }
  }
  if (random() < arrivalRate(minuteOfDay) * step) {
    const busy = active.filter((d) => d.busyUntil > t).map((d) => t - d.startedAt);
    const patient: Patient = { arrived: t, naive: 0 };
    queue.push(patient);
    // the plain M/M/c guess: a fixed 15-minute mean and no look at the calls in progress
    patient.naive = (Math.max(0, queue.length - (active.length - busy.length)) * 15) / active.length;
    patient.estimate = estimateWaitMinutes({
      position: queue.length,
      doctorsOnDuty: active.length,
      busyElapsedMinutes: busy,
      meanConsultMinutes: movingAverageMinutes(recent, 15),
    });
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
const meanWait = measured.reduce((sum, p) => sum + (p.started! - p.arrived), 0) / measured.length;
const maxWait = Math.max(...measured.map((p) => p.started! - p.arrived));

console.log(`simulated ${days} day(s), seed ${seed}: ${measured.length} patients served`);
console.log(`true wait: mean ${meanWait.toFixed(1)} min, max ${maxWait.toFixed(1)} min`);
console.log(`estimator MAE: ${mae((p) => p.estimate!).toFixed(2)} min`);
console.log(`plain M/M/c (fixed 15 min mean) MAE: ${mae((p) => p.naive).toFixed(2)} min`);
