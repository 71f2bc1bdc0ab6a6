import { fitLengths } from "./consult-length";
import type { VideoRepository } from "./video-repository";
import { abandonmentRate, HORIZON_MINUTES, type DoctorOutlook, type QueueOutlook } from "./wait-estimate";

/** How many recent finished calls shape the length distribution, and how many recent exits the abandonment rate. */
const RECENT_CALLS = 50;
const RECENT_EXITS = 200;

/**
 * What the live system knows about a queue's future: the published shifts of the doctors who may serve it
 * (within the estimate's horizon), their calls in progress, the specialty's recent call lengths and how often
 * its waiting patients have given up lately.
 */
export async function readQueueOutlook(
  deps: { repo: VideoRepository; now: () => Date; defaultConsultMinutes: number },
  queue: { specialty: string; language: string; waiting: number },
): Promise<QueueOutlook> {
  const now = deps.now().getTime();
  const minutesFromNow = (at: Date) => (at.getTime() - now) / 60_000;
  const shifts = await deps.repo.shiftsOverlapping(queue.specialty, queue.language, new Date(now), new Date(now + HORIZON_MINUTES * 60_000));
  const doctors = new Map<string, DoctorOutlook>();
  for (const shift of shifts) {
    const doctor = doctors.get(shift.doctorId) ?? { shifts: [] };
    doctor.shifts.push({ from: minutesFromNow(shift.startsAt), until: minutesFromNow(shift.endsAt) });
    doctors.set(shift.doctorId, doctor);
  }
  for (const call of await deps.repo.openCallsByDoctor([...doctors.keys()])) {
    doctors.get(call.doctorId)!.busyElapsedMinutes = call.acceptedAt ? -minutesFromNow(call.acceptedAt) : 0;
  }
  const recent = await deps.repo.recentDurationsSeconds(queue.specialty, RECENT_CALLS);
  const exits = await deps.repo.recentQueueExits(queue.specialty, RECENT_EXITS);
  return {
    waiting: queue.waiting,
    doctors: [...doctors.values()],
    lengths: fitLengths(recent.map((seconds) => seconds / 60), deps.defaultConsultMinutes),
    abandonPerMinute: abandonmentRate(exits.map((e) => ({ left: e.left, waitedMinutes: e.waitedSeconds / 60 }))),
  };
}
