/**
 * Waiting-time estimate for the video queue.
 *
 * Model: c doctors on duty serve one FIFO queue (M/M/c-like). Each busy doctor is expected to finish after
 * the mean consultation length minus what has already elapsed (never less than a quarter of the mean,
 * because calls that overrun tend to overrun further); free doctors are available now. The k-th patient in
 * line starts when the k-th of those "doctor becomes free" moments arrives, each doctor taking the next
 * patient for one mean length again. With no information about busy doctors this reduces to the M/M/c
 * formula: wait ≈ max(0, k − free) · mean / c.
 *
 * The mean is a moving average of the most recent finished consultations of the specialty
 * (`movingAverageMinutes`), so the estimate follows the day's actual pace.
 */
export interface QueueSnapshot {
  /** 1-based position in the queue. */
  position: number;
  doctorsOnDuty: number;
  /** Minutes already spent in the current call, one entry per busy on-duty doctor. */
  busyElapsedMinutes: number[];
  meanConsultMinutes: number;
}

/** Minutes until the patient at `position` is expected to be taken, or undefined when no doctor is on duty. */
export function estimateWaitMinutes(snapshot: QueueSnapshot): number | undefined {
  const { position, doctorsOnDuty, busyElapsedMinutes, meanConsultMinutes: mean } = snapshot;
  if (doctorsOnDuty <= 0 || position < 1) return undefined;
  const busy = busyElapsedMinutes.slice(0, doctorsOnDuty).map((elapsed) => Math.max(mean - elapsed, mean / 4));
  const freeAt = [...busy, ...Array<number>(doctorsOnDuty - busy.length).fill(0)].sort((a, b) => a - b);
  let start = 0;
  for (let i = 0; i < position; i++) {
    start = freeAt.shift()!;
    insertSorted(freeAt, start + mean);
  }
  return start;
}

function insertSorted(values: number[], value: number) {
  const at = values.findIndex((v) => v > value);
  if (at === -1) values.push(value);
  else values.splice(at, 0, value);
}

/** Mean of the latest durations (minutes), or the fallback when there are too few to trust. */
export function movingAverageMinutes(recentMinutes: number[], fallback: number, minSamples = 3): number {
  if (recentMinutes.length < minSamples) return fallback;
  return recentMinutes.reduce((sum, m) => sum + m, 0) / recentMinutes.length;
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
