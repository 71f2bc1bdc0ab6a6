import { randomUUID } from "node:crypto";
import { recordAudit, type AuditEntry } from "../audit/audit-log";
import { ProcessingConsent } from "../consents/processing-consent";
import type { Db, Tx } from "../db/prisma";
import type { DueReminder, MedicationSchedule, NewOccurrence, ReminderOccurrence, ReminderStatus } from "./reminder";

const occurrenceSelect = {
  id: true,
  kind: true,
  status: true,
  scheduleId: true,
  consultationId: true,
  refId: true,
  dueAt: true,
  sendAt: true,
  sentAt: true,
  respondBy: true,
  answeredAt: true,
  answer: true,
  parentId: true,
  payload: true,
} as const;

const toSchedule = (row: MedicationSchedule & Record<string, unknown>): MedicationSchedule => ({
  id: row.id,
  patientId: row.patientId,
  medicine: row.medicine,
  dose: row.dose,
  timesOfDay: row.timesOfDay,
  timezone: row.timezone,
  startDate: row.startDate,
  endDate: row.endDate,
  missedAfterMinutes: row.missedAfterMinutes,
  prescriptionRef: row.prescriptionRef,
  cancelledAt: row.cancelledAt,
});

export interface NewSchedule {
  patientId: string;
  doctorId: string;
  consultationId?: string | null;
  medicine: string;
  dose: string;
  timesOfDay: string[];
  startDate: string;
  endDate: string;
  timezone?: string | null;
  missedAfterMinutes?: number;
}

/** Medication schedules, reminder occurrences and quiet hours in Postgres. */
export class ReminderRepository {
  constructor(private readonly db: Db | Tx) {}

  /** Runs `work` in one transaction, with a repository on it (or on the caller's transaction). */
  transaction<T>(work: (repo: ReminderRepository) => Promise<T>): Promise<T> {
    return "$transaction" in this.db ? this.db.$transaction((tx) => work(new ReminderRepository(tx))) : work(this);
  }

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  async patientExists(patientId: string): Promise<boolean> {
    return (await this.db.patient.count({ where: { id: patientId } })) > 0;
  }

  async patientTimezone(patientId: string): Promise<string> {
    return (await this.db.patient.findUniqueOrThrow({ where: { id: patientId }, select: { timezone: true } })).timezone;
  }

  async consultation(consultationId: string): Promise<{ patientId: string; number: number } | undefined> {
    return (await this.db.consultation.findUnique({ where: { id: consultationId }, select: { patientId: true, number: true } })) ?? undefined;
  }

  // ---- schedules ----

  async createSchedule(data: NewSchedule): Promise<MedicationSchedule> {
    return toSchedule(await this.db.medicationSchedule.create({ data }));
  }

  /** The schedule keyed `prescriptionRef`, created from `data` unless it exists. */
  async scheduleOnce(prescriptionRef: string, data: NewSchedule): Promise<MedicationSchedule> {
    return toSchedule(await this.db.medicationSchedule.upsert({ where: { prescriptionRef }, update: {}, create: { ...data, prescriptionRef } }));
  }

  async schedule(scheduleId: string): Promise<MedicationSchedule | undefined> {
    const row = await this.db.medicationSchedule.findUnique({ where: { id: scheduleId } });
    return row ? toSchedule(row) : undefined;
  }

  async schedulesOf(patientId: string, active = false): Promise<MedicationSchedule[]> {
    const rows = await this.db.medicationSchedule.findMany({ where: { patientId, ...(active ? { cancelledAt: null } : {}) }, orderBy: { createdAt: "asc" } });
    return rows.map(toSchedule);
  }

  /** Cancels the schedule (keeping an earlier cancellation's time) and its occurrences not yet sent. */
  async cancelSchedule(scheduleId: string, at: Date): Promise<void> {
    const row = await this.db.medicationSchedule.findUniqueOrThrow({ where: { id: scheduleId }, select: { cancelledAt: true } });
    await this.db.medicationSchedule.update({ where: { id: scheduleId }, data: { cancelledAt: row.cancelledAt ?? at } });
    await this.db.reminderOccurrence.updateMany({ where: { scheduleId, status: "scheduled" }, data: { status: "cancelled" } });
  }

  /** A renewed prescription's schedule runs on to its new last day ("YYYY-MM-DD"). */
  async extendSchedule(scheduleId: string, endDate: string): Promise<void> {
    await this.db.medicationSchedule.update({ where: { id: scheduleId }, data: { endDate } });
  }

  /** Schedules running between the two dates (a day of slack is the caller's), with the patient's timezone. */
  async schedulesBetween(fromDate: string, toDate: string) {
    const rows = await this.db.medicationSchedule.findMany({
      where: { cancelledAt: null, endDate: { gte: fromDate }, startDate: { lte: toDate } },
      include: { patient: { select: { timezone: true } } },
    });
    return rows.map((row) => ({ ...toSchedule(row), createdAt: row.createdAt, consultationId: row.consultationId, patientTimezone: row.patient.timezone }));
  }

  // ---- quiet hours ----

  async setQuietHours(patientId: string, start: string | null, end: string | null): Promise<void> {
    await this.db.reminderPreference.upsert({
      where: { patientId },
      update: { quietStart: start, quietEnd: end },
      create: { patientId, quietStart: start, quietEnd: end },
    });
  }

  async quietHours(patientId: string): Promise<{ start: string; end: string } | null> {
    const row = await this.db.reminderPreference.findUnique({ where: { patientId } });
    return row?.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null;
  }

  // ---- occurrences ----

  /** Writes the rows not written yet; returns how many were new. */
  async createOccurrences(rows: NewOccurrence[]): Promise<number> {
    if (!rows.length) return 0;
    return (await this.db.reminderOccurrence.createMany({ data: rows, skipDuplicates: true })).count;
  }

  async createOccurrence(row: NewOccurrence): Promise<ReminderOccurrence> {
    return this.db.reminderOccurrence.create({ data: row, select: occurrenceSelect });
  }

  async occurrencesOf(patientId: string, limit: number): Promise<ReminderOccurrence[]> {
    return this.db.reminderOccurrence.findMany({ where: { patientId }, orderBy: { dueAt: "desc" }, take: limit, select: occurrenceSelect });
  }

  /** One of the patient's occurrences (of `kind`), with its key and its schedule's medicine. */
  async occurrence(patientId: string, occurrenceId: string, kind?: ReminderOccurrence["kind"]) {
    const row = await this.db.reminderOccurrence.findFirst({
      where: { id: occurrenceId, patientId, ...(kind ? { kind } : {}) },
      select: { ...occurrenceSelect, idempotencyKey: true, schedule: { select: { medicine: true } } },
    });
    return row ?? undefined;
  }

  /** Cancels an appointment's reminders not yet sent, except those for the time `keepStamp` (epoch ms) when given. */
  async cancelAppointmentReminders(patientId: string, appointmentId: string, keepStamp?: number): Promise<void> {
    const keep = keepStamp === undefined ? {} : { NOT: { idempotencyKey: { contains: `-${keepStamp}-` } } };
    await this.db.reminderOccurrence.updateMany({
      where: { kind: "appointment", patientId, refId: appointmentId, status: "scheduled", ...keep },
      data: { status: "cancelled" },
    });
  }

  /** Moves occurrences from one of `from` to `to` (with `data`); returns how many moved. The condition is the claim. */
  async transition(
    where: { ids: string[]; patientId?: string; kind?: ReminderOccurrence["kind"] } | { parentId: string },
    from: ReminderStatus | ReminderStatus[],
    to: ReminderStatus,
    data: { sentAt?: Date; respondBy?: Date | null; answeredAt?: Date; answer?: string } = {},
  ): Promise<number> {
    const status = Array.isArray(from) ? { in: from } : from;
    const target = "parentId" in where ? { parentId: where.parentId } : { id: { in: where.ids }, patientId: where.patientId, kind: where.kind };
    return (await this.db.reminderOccurrence.updateMany({ where: { ...target, status }, data: { ...data, status: to } })).count;
  }

  async postpone(occurrenceId: string, sendAt: Date): Promise<void> {
    await this.db.reminderOccurrence.updateMany({ where: { id: occurrenceId, status: "scheduled" }, data: { sendAt } });
  }

  async markMissed(now: Date): Promise<number> {
    const result = await this.db.reminderOccurrence.updateMany({
      where: { kind: "medication", status: "sent", respondBy: { lt: now } },
      data: { status: "missed" },
    });
    return result.count;
  }

  /** Occurrences due by `now`, oldest first. */
  async due(now: Date, batch: number): Promise<DueReminder[]> {
    const rows = await this.db.reminderOccurrence.findMany({
      where: { status: "scheduled", sendAt: { lte: now } },
      orderBy: [{ sendAt: "asc" }, { dueAt: "asc" }, { idempotencyKey: "asc" }],
      take: batch,
      select: {
        ...occurrenceSelect,
        patientId: true,
        schedule: { select: { medicine: true, dose: true, missedAfterMinutes: true, timezone: true, prescriptionRef: true } },
        patient: {
          select: {
            timezone: true,
            language: true,
            reminderPreference: true,
            accounts: { where: { unreachableAt: null }, orderBy: { createdAt: "desc" }, take: 1, select: { id: true } },
          },
        },
      },
    });
    return rows.map(({ patient, ...row }) => {
      const pref = patient.reminderPreference;
      return {
        ...row,
        patient: {
          timezone: patient.timezone,
          language: patient.language,
          quietHours: pref?.quietStart && pref.quietEnd ? { start: pref.quietStart, end: pref.quietEnd } : undefined,
          accountId: patient.accounts[0]?.id,
        },
      };
    });
  }

  /** Of these patients, those who withdrew consent (core/consents/processing-consent.ts). */
  consentWithdrawn(patientIds: string[]): Promise<Set<string>> {
    return new ProcessingConsent(this.db).withdrawn(patientIds);
  }

  /** Queues the reminder's message in this repository's transaction and remembers it on the occurrence. */
  /**
   * Marks due occurrences sent and writes their outbox rows in one statement: only rows still `scheduled` are
   * claimed (a second scheduler run finds them taken), so each gets exactly one outbox row. `createdAt` steps one
   * millisecond per earlier row of the same account, so one patient's messages keep their order in the outbox.
   * Returns the ids of the outbox rows written.
   */
  async queueMessages(
    rows: Array<{ occurrenceId: string; accountId: string; payload: object; respondBy: Date | null }>,
    now: Date,
  ): Promise<string[]> {
    if (rows.length === 0) return [];
    const outboxIds = rows.map(() => randomUUID());
    const earlierOfAccount = new Map<string, number>();
    const steps = rows.map((r) => {
      const step = earlierOfAccount.get(r.accountId) ?? 0;
      earlierOfAccount.set(r.accountId, step + 1);
      return step;
    });
    const written = await this.db.$queryRaw<Array<{ id: string }>>`
      WITH input AS (
        SELECT * FROM unnest(${rows.map((r) => r.occurrenceId)}::uuid[], ${outboxIds}::uuid[], ${rows.map((r) => r.accountId)}::uuid[],
                             ${rows.map((r) => JSON.stringify(r.payload))}::jsonb[], ${rows.map((r) => r.respondBy)}::timestamp[], ${steps}::int[])
          AS t(occurrence_id, outbox_id, account_id, payload, respond_by, step)
      ), claimed AS (
        UPDATE "ReminderOccurrence" r
        SET status = 'sent', "sentAt" = ${now}::timestamp, "respondBy" = input.respond_by, "outboxId" = input.outbox_id
        FROM input WHERE r.id = input.occurrence_id AND r.status = 'scheduled'
        RETURNING input.outbox_id, input.account_id, input.payload, input.step
      )
      INSERT INTO "OutboxMessage" (id, "accountId", payload, "createdAt")
      SELECT outbox_id, account_id, payload, ${now}::timestamp + step * interval '1 millisecond' FROM claimed
      RETURNING id`;
    const ids = new Set(written.map((w) => w.id));
    return outboxIds.filter((id) => ids.has(id));
  }

  // ---- the consultation a follow-up answer joins ----

  async addPatientMessage(consultationId: string, text: string): Promise<string> {
    const message = await this.db.message.create({ data: { consultationId, authorRole: "patient", text } });
    await this.db.consultation.updateMany({ where: { id: consultationId, status: "waiting_for_patient" }, data: { status: "in_progress" } });
    return message.id;
  }

  async recentlyClosedConsultations(since: Date, limit: number): Promise<Array<{ id: string; patientId: string; number: number }>> {
    return this.db.consultation.findMany({
      where: { status: "closed", closedAt: { gte: since } },
      select: { id: true, patientId: true, number: true },
      take: limit,
    });
  }
}
