import { AppError } from "../errors";
import type { ReminderSettings } from "./reminder";
import type { ReminderRepository } from "./reminder-repository";

/** The patient's answers to reminders (core/reminders/reminder-buttons.ts): taken, snooze, a follow-up answer, a rating. */
export class ReminderAnswers {
  constructor(
    private readonly repo: ReminderRepository,
    private readonly settings: ReminderSettings,
    private readonly clock: () => Date,
  ) {}

  get snoozeMinutes(): number {
    return this.settings.snoozeMinutes;
  }

  /** "Taken": the dose counts as taken, even late (after it was marked missed). */
  async markTaken(patientId: string, occurrenceId: string, now = this.clock()) {
    const row = await this.repo.occurrence(patientId, occurrenceId, "medication");
    if (!row) return undefined;
    const changed = await this.repo.transition({ ids: [occurrenceId] }, ["sent", "missed", "snoozed"], "taken", { answeredAt: now });
    // The reminder it was snoozed into is no longer needed.
    if (changed && row.status === "snoozed") await this.repo.transition({ parentId: row.id }, "scheduled", "cancelled");
    return { medicine: row.schedule?.medicine ?? "", changed: changed > 0 };
  }

  /** "Snooze": the dose is asked again after the snooze time (quiet hours still apply). */
  async snooze(patientId: string, occurrenceId: string, now = this.clock()) {
    const row = await this.repo.occurrence(patientId, occurrenceId, "medication");
    if (!row || row.status !== "sent") return { snoozed: false as const, reason: "stale" as const };
    const depth = row.idempotencyKey.split("-snooze").length - 1;
    if (depth >= this.settings.maxSnoozes) return { snoozed: false as const, reason: "limit" as const };
    const sendAt = new Date(now.getTime() + this.settings.snoozeMinutes * 60_000);
    const done = await this.repo.transaction(async (repo) => {
      if (!(await repo.transition({ ids: [row.id] }, "sent", "snoozed", { answeredAt: now }))) return false;
      await repo.createOccurrence({
        idempotencyKey: `${row.idempotencyKey}-snooze`,
        kind: "medication",
        patientId,
        scheduleId: row.scheduleId,
        consultationId: row.consultationId,
        payload: row.payload as object,
        dueAt: row.dueAt,
        sendAt,
        parentId: row.id,
      });
      return true;
    });
    return done ? { snoozed: true as const } : { snoozed: false as const, reason: "stale" as const };
  }

  /** A follow-up answer joins the consultation as the patient's message, for the doctor to read there. */
  async answerFollowUp(patientId: string, occurrenceId: string, answerText: string, now = this.clock()): Promise<boolean> {
    return this.repo.transaction(async (repo) => {
      const row = await repo.occurrence(patientId, occurrenceId, "follow_up");
      if (!row?.consultationId) return false;
      if (!(await repo.transition({ ids: [row.id] }, "sent", "answered", { answer: answerText, answeredAt: now }))) return false;
      const messageId = await repo.addPatientMessage(row.consultationId, answerText);
      await repo.audit({
        actor: { type: "patient", id: patientId },
        action: "follow_up.answer",
        entityType: "consultation",
        entityId: row.consultationId,
        meta: { occurrenceId, messageId },
      });
      return true;
    });
  }

  async rate(patientId: string, occurrenceId: string, score: number, now = this.clock()): Promise<boolean> {
    if (!Number.isInteger(score) || score < 0 || score > 10) throw new AppError("validation", "score must be 0–10");
    return (await this.repo.transition({ ids: [occurrenceId], patientId, kind: "rating" }, "sent", "answered", { answer: String(score), answeredAt: now })) > 0;
  }

  async occurrencePayload(patientId: string, occurrenceId: string) {
    const row = await this.repo.occurrence(patientId, occurrenceId);
    return row ? (row.payload as Record<string, string | number>) : undefined;
  }
}
