import { sampleLength, type LengthModel } from "./consult-length";

/**
 * Waiting-time estimate for the video queue.
 *
 * The queue is played forward a few hundred times: each doctor of the specialty and language takes the next
 * patient when their call ends *and* they are on duty (the published shifts say who comes on and who goes off
 * during the wait); the current calls end after a length drawn from the specialty's recent distribution given
 * what they have lasted already; the patients ahead may give up at the recent abandonment rate. The patient is
 * told the median of their simulated waits, and the 10th–90th percentile as a range when that is wide.
 * The runs use a fixed seed: the same queue gives the same estimate, so nobody is told of noise.
 */
export interface DoctorOutlook {
  /** Minutes the doctor's current call has lasted, when they are in one. */
  busyElapsedMinutes?: number;
  /** On-duty periods in minutes from now (`from` ≤ 0: on duty now), in order. */
  shifts: Array<{ from: number; until: number }>;
}

export interface QueueOutlook {
  /** Patients waiting (positions 1…waiting). */
  waiting: number;
  doctors: DoctorOutlook[];
  lengths: LengthModel;
  /** Recent patients who left the queue per minute waited by all (0: nobody gives up). */
  abandonPerMinute: number;
}

export interface WaitEstimate {
  /** Median wait in minutes. */
  minutes: number;
  /** 10th and 90th percentiles of the wait. */
  low: number;
  high: number;
}

const RUNS = 301;
/** Beyond this no estimate is given (shifts are not published that far ahead in practice). */
export const HORIZON_MINUTES = 12 * 60;

/** The estimate for each position 1…waiting; undefined where no doctor is expected within the horizon. */
export function estimateWaits(outlook: QueueOutlook): Array<WaitEstimate | undefined> {
  const random = seededRandom(0x5eed);
  const starts = Array.from({ length: outlook.waiting }, () => new Float64Array(RUNS));
  for (let run = 0; run < RUNS; run++) {
    const runStarts = playForward(outlook, random);
    for (let i = 0; i < outlook.waiting; i++) starts[i]![run] = runStarts[i]!;
  }
  return starts.map((samples) => {
    samples.sort();
    const at = (q: number) => samples[Math.min(RUNS - 1, Math.floor(q * RUNS))]!;
    if (!Number.isFinite(at(0.5))) return undefined;
    return { minutes: at(0.5), low: at(0.1), high: Math.min(at(0.9), HORIZON_MINUTES) };
  });
}

/** One possible future: the minute each waiting patient is taken (Infinity: not within the horizon). */
function playForward(outlook: QueueOutlook, random: () => number): number[] {
  const freeAt = outlook.doctors.map((d) =>
    d.busyElapsedMinutes === undefined ? 0 : sampleLength(outlook.lengths, random(), d.busyElapsedMinutes) - d.busyElapsedMinutes,
  );
  const starts: number[] = [];
  for (let i = 0; i < outlook.waiting; i++) {
    let doctor = -1;
    let start = Infinity;
    outlook.doctors.forEach((d, index) => {
      const at = nextOnDuty(d.shifts, freeAt[index]!);
      if (at < start) [doctor, start] = [index, at];
    });
    if (doctor === -1 || start > HORIZON_MINUTES) {
      while (starts.length < outlook.waiting) starts.push(Infinity);
      break;
    }
    starts.push(start);
    // a patient ahead who gave up before their turn leaves the doctor free for the next one
    const patience = outlook.abandonPerMinute > 0 ? -Math.log(1 - random()) / outlook.abandonPerMinute : Infinity;
    if (patience >= start) freeAt[doctor] = start + sampleLength(outlook.lengths, random());
  }
  return starts;
}

/** The first minute ≥ `at` at which the doctor is on duty, Infinity if never. */
function nextOnDuty(shifts: DoctorOutlook["shifts"], at: number): number {
  for (const shift of shifts) if (shift.until > at) return Math.max(at, shift.from);
  return Infinity;
}

/** mulberry32: reproducible draws, so an unchanged queue keeps its estimate. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** What the patient is told: the median, and a range rounded to 5 minutes when the 10th–90th percentiles lie ≥ 10 minutes apart. */
export function toldWait(estimate: WaitEstimate | undefined): { minutes: number | undefined; range?: { from: number; to: number } } {
  if (!estimate) return { minutes: undefined };
  const minutes = Math.ceil(estimate.minutes);
  if (estimate.high - estimate.low < 10) return { minutes };
  const from = Math.min(Math.floor(estimate.low / 5) * 5, minutes);
  return { minutes, range: { from, to: Math.max(Math.ceil(estimate.high / 5) * 5, minutes) } };
}

/** Patients who left the queue per minute of waiting, over the recent exits; 0 while there are too few to say. */
export function abandonmentRate(exits: Array<{ left: boolean; waitedMinutes: number }>, minExits = 10): number {
  if (exits.length < minExits) return 0;
  const waited = exits.reduce((sum, e) => sum + e.waitedMinutes, 0);
  return waited > 0 ? exits.filter((e) => e.left).length / waited : 0;
}

/**
 * Whether a new estimate is worth a message: the patient is next, or the estimate moved by at least
 * `minMinutes` and by at least `fraction` of the last one told (small jitter is not news).
 */
export function changedMaterially(
  previous: { position: number; minutes: number | undefined } | undefined,
  next: { position: number; minutes: number | undefined },
  minMinutes = 3,
  fraction = 0.2,
): boolean {
  if (!previous) return true;
  if (next.position === 1 && previous.position !== 1) return true;
  if ((previous.minutes === undefined) !== (next.minutes === undefined)) return true;
  if (previous.minutes === undefined || next.minutes === undefined) return false;
  const delta = Math.abs(next.minutes - previous.minutes);
  return delta >= minMinutes && delta >= fraction * previous.minutes;
}
