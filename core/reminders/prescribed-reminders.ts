import { DateTime } from "luxon";
import type { ReminderRepository } from "./reminder-repository";

/** A signed protocol's prescriptions, as far as reminders care. */
export interface PrescribedMedicines {
  consultationId: string;
  patientId: string;
  doctorId: string;
  version: number;
  signedAt: Date;
  items: Array<{ medicine: string; dose: string; durationDays: number; treatmentChange: "new" | "continue" | "change" | "stop"; remindAt: string[] }>;
}

const sameMedicine = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/**
 * Medication reminders from a consultation's signed prescriptions (the items the doctor gave reminder times).
 * The newest signed version is what the patient takes: a correction keeps the reminders it repeats unchanged,
 * cancels those it no longer prescribes, and a `stop` item cancels that medicine's reminders whatever set them.
 * A `continue` item of a renewal extends the schedule it repeats instead of leaving it to end.
 * Running it again for the same version changes nothing (each schedule is keyed by consultation, version and item).
 */
export async function syncPrescribedReminders(
  reminders: ReminderRepository,
  input: PrescribedMedicines,
  now = new Date(),
): Promise<{ created: number; cancelled: number }> {
  const prefix = `rx:${input.consultationId}:`;
  return reminders.transaction(async (repo) => {
    const timezone = await repo.patientTimezone(input.patientId);
    const active = await repo.schedulesOf(input.patientId, true);
    const ours = active.filter((s) => s.prescriptionRef?.startsWith(prefix));
    const kept = new Set<string>();
    let created = 0;
    const extended: string[] = [];
    const start = DateTime.fromJSDate(input.signedAt, { zone: timezone }).startOf("day");
    for (const [index, item] of input.items.entries()) {
      if (item.treatmentChange === "stop" || !item.remindAt.length) continue;
      const same = ours.find(
        (s) => !kept.has(s.id) && sameMedicine(s.medicine, item.medicine) && s.dose === item.dose && s.timesOfDay.join() === item.remindAt.join(),
      );
      if (same) {
        kept.add(same.id);
        // `continue` renews the course (core/renewals): it runs for its days from this version's signing, as a new
        // schedule would. Only ever later, so running the same version again changes nothing.
        if (item.treatmentChange === "continue") {
          const endDate = start.plus({ days: item.durationDays - 1 }).toISODate()!;
          if (endDate > same.endDate) {
            await repo.extendSchedule(same.id, endDate);
            extended.push(same.id);
          }
        }
        continue;
      }
      const row = await repo.scheduleOnce(`${prefix}v${input.version}#${index}`, {
        patientId: input.patientId,
        doctorId: input.doctorId,
        consultationId: input.consultationId,
        medicine: item.medicine,
        dose: item.dose,
        timesOfDay: item.remindAt,
        startDate: start.toISODate()!,
        endDate: start.plus({ days: item.durationDays - 1 }).toISODate()!,
      });
      kept.add(row.id);
      created++;
    }
    const stopped = input.items.filter((i) => i.treatmentChange === "stop").map((i) => i.medicine);
    const cancel = active.filter((s) => !kept.has(s.id) && (ours.includes(s) || stopped.some((m) => sameMedicine(m, s.medicine))));
    for (const schedule of cancel) await repo.cancelSchedule(schedule.id, now);
    if (created || cancel.length || extended.length) {
      await repo.audit({
        actor: { type: "doctor", id: input.doctorId },
        action: "medication_schedule.prescribed",
        entityType: "patient",
        entityId: input.patientId,
        meta: { consultationId: input.consultationId, version: input.version, created, cancelled: cancel.map((s) => s.id), extended },
      });
    }
    return { created, cancelled: cancel.length };
  });
}
