import { randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import { DateTime } from "luxon";
import { z } from "zod";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { OutgoingMessage } from "../channels/channel";
import type { Db } from "../db/prisma";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import { matchLanguage, translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";
import { afterQuietHours, localDateSchema, plannedDoses, timeOfDaySchema, timezoneSchema, type QuietHours } from "./schedule";
import { ProcessingConsent } from "../consents/processing-consent";

export const reminderKindSchema = z.enum(["medication", "appointment", "follow_up", "rating"]);
export const reminderStatusSchema = z.enum(["scheduled", "sent", "taken", "snoozed", "missed", "answered", "cancelled"]);
export type ReminderStatus = z.infer<typeof reminderStatusSchema>;

const scheduleFields = {
  medicine: z.string().trim().min(1).max(200),
  dose: z.string().trim().min(1).max(200),
  timesOfDay: z.array(timeOfDaySchema).min(1).max(12),
  startDate: localDateSchema,
  endDate: localDateSchema,
  /** IANA zone; without it the patient's own timezone is used. */
  timezone: timezoneSchema.optional(),
  missedAfterMinutes: z.number().int().min(5).max(24 * 60).default(120),
};
const datesInOrder = (s: { startDate: string; endDate: string }) => s.startDate <= s.endDate;

/** A schedule the doctor enters in the console. */
export const medicationScheduleInputSchema = z
  .object({ ...scheduleFields, consultationId: z.uuid().optional() })
  .refine(datesInOrder, { message: "endDate is before startDate", path: ["endDate"] });
export type MedicationScheduleInput = z.input<typeof medicationScheduleInputSchema>;

/** A prescription as the protocol/documents feature hands it over: one schedule per item, created once. */
export const prescriptionSchema = z.object({
  id: z.string().min(1).max(100),
  patientId: z.uuid(),
  consultationId: z.uuid().optional(),
  items: z
    .array(z.object(scheduleFields).refine(datesInOrder, { message: "endDate is before startDate", path: ["endDate"] }))
    .min(1),
});
export type Prescription = z.input<typeof prescriptionSchema>;

export const quietHoursSchema = z.object({ start: timeOfDaySchema, end: timeOfDaySchema });

export const followUpInputSchema = z
  .object({
    question: z.string().trim().min(3).max(1000),
    dueAt: z.coerce.date().optional(),
    afterHours: z.number().positive().max(24 * 365).optional(),
  })
  .refine((f) => (f.dueAt === undefined) !== (f.afterHours === undefined), { message: "give either dueAt or afterHours" });

export const appointmentRemindersSchema = z.object({
  appointmentId: z.string().min(1).max(100),
  patientId: z.uuid(),
  startsAt: z.coerce.date(),
  consultationId: z.uuid().optional(),
});

export interface MedicationSchedule {
  id: string;
  patientId: string;
  medicine: string;
  dose: string;
  timesOfDay: string[];
  timezone: string | null;
  startDate: string;
  endDate: string;
  missedAfterMinutes: number;
  prescriptionRef: string | null;
  cancelledAt: Date | null;
}

export interface ReminderOccurrence {
  id: string;
  kind: z.infer<typeof reminderKindSchema>;
  status: ReminderStatus;
  scheduleId: string | null;
  consultationId: string | null;
  refId: string | null;
  dueAt: Date;
  sendAt: Date;
  sentAt: Date | null;
  respondBy: Date | null;
  answeredAt: Date | null;
  answer: string | null;
  parentId: string | null;
  /** A follow-up's question, an appointment reminder's time. */
  payload: unknown;
}

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

export interface ReminderSettings {
  snoozeMinutes: number;
  /** how far ahead medication doses are written as occurrences */
  horizonHours: number;
  maxSnoozes: number;
}

const defaultSettings: ReminderSettings = { snoozeMinutes: 15, horizonHours: 36, maxSnoozes: 3 };

/**
 * Reminders of every kind become `ReminderOccurrence` rows with a unique idempotency key; the scheduler turns a due
 * row into exactly one outbox message in one transaction (status `scheduled` → `sent` plus the outbox row), so a
 * scheduler or worker that runs twice, or dies half-way, never sends a reminder twice or drops it.
 */
export class ReminderService {
  readonly settings: ReminderSettings;
  /** The service's clock; tests pin it. */
  clock: () => Date = () => new Date();

  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    settings: Partial<ReminderSettings> = {},
  ) {
    this.settings = { ...defaultSettings, ...settings };
  }

  // ---- what doctors and other features ask for ----

  async createSchedule(doctor: Doctor, patientId: string, input: MedicationScheduleInput): Promise<MedicationSchedule> {
    const data = medicationScheduleInputSchema.parse(input);
    await this.patientOrThrow(patientId);
    const row = await this.db.$transaction(async (tx) => {
      const row = await tx.medicationSchedule.create({ data: { ...data, patientId, doctorId: doctor.id } });
      await recordAudit(tx, {
        actor: { type: "doctor", id: doctor.id },
        action: "medication_schedule.create",
        entityType: "patient",
        entityId: patientId,
        meta: { scheduleId: row.id },
      });
      return row;
    });
    return toSchedule(row);
  }

  /**
   * One schedule per prescription item; handing the same prescription over again changes nothing. The prescribing
   * doctor is whoever hands it over (the console's credentials, the signed protocol's author), never a field.
   */
  async fromPrescription(input: Prescription, doctor: { id: string }): Promise<MedicationSchedule[]> {
    const prescription = prescriptionSchema.parse(input);
    await this.patientOrThrow(prescription.patientId);
    const schedules: MedicationSchedule[] = [];
    for (const [index, item] of prescription.items.entries()) {
      const prescriptionRef = `${prescription.id}#${index}`;
      const row = await this.db.medicationSchedule.upsert({
        where: { prescriptionRef },
        update: {},
        create: {
          ...item,
          prescriptionRef,
          patientId: prescription.patientId,
          doctorId: doctor.id,
          consultationId: prescription.consultationId,
        },
      });
      schedules.push(toSchedule(row));
    }
    await recordAudit(this.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "medication_schedule.prescribe",
      entityType: "patient",
      entityId: prescription.patientId,
      meta: { prescriptionId: prescription.id, scheduleIds: schedules.map((s) => s.id) },
    });
    return schedules;
  }

  async cancelSchedule(doctor: Doctor, scheduleId: string, now = this.clock()): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const row = await tx.medicationSchedule.findUnique({ where: { id: scheduleId } });
      if (!row) throw notFound("medication schedule");
      await tx.medicationSchedule.update({ where: { id: scheduleId }, data: { cancelledAt: row.cancelledAt ?? now } });
      await tx.reminderOccurrence.updateMany({ where: { scheduleId, status: "scheduled" }, data: { status: "cancelled" } });
      await recordAudit(tx, {
        actor: { type: "doctor", id: doctor.id },
        action: "medication_schedule.cancel",
        entityType: "patient",
        entityId: row.patientId,
        meta: { scheduleId },
      });
    });
  }

  /**
   * 24 h and 1 h before an appointment. Called again with a new time, it replaces the reminders not yet sent —
   * of this patient only: an appointment id is the caller's, and must not reach another patient's reminders.
   */
  async scheduleAppointment(input: z.input<typeof appointmentRemindersSchema>, actor: Actor, now = this.clock()): Promise<number> {
    const { appointmentId, patientId, startsAt, consultationId } = appointmentRemindersSchema.parse(input);
    await this.patientOrThrow(patientId);
    const stamp = startsAt.getTime();
    await this.db.reminderOccurrence.updateMany({
      where: { kind: "appointment", patientId, refId: appointmentId, status: "scheduled", NOT: { idempotencyKey: { contains: `-${stamp}-` } } },
      data: { status: "cancelled" },
    });
    const rows = [
      { lead: "24h", dueAt: new Date(stamp - 24 * 3600_000) },
      { lead: "1h", dueAt: new Date(stamp - 3600_000) },
    ]
      .filter((r) => r.dueAt > now)
      .map((r) => ({
        idempotencyKey: `appt-${appointmentId}-${stamp}-${r.lead}`,
        kind: "appointment" as const,
        patientId,
        consultationId,
        refId: appointmentId,
        payload: { startsAt: startsAt.toISOString(), lead: r.lead },
        dueAt: r.dueAt,
        sendAt: r.dueAt,
      }));
    const created = await this.db.reminderOccurrence.createMany({ data: rows, skipDuplicates: true });
    await recordAudit(this.db, {
      actor,
      action: "appointment_reminders.schedule",
      entityType: "patient",
      entityId: patientId,
      meta: { appointmentId, created: created.count },
    });
    return created.count;
  }

  async cancelAppointment(patientId: string, appointmentId: string): Promise<void> {
    await this.db.reminderOccurrence.updateMany({
      where: { kind: "appointment", patientId, refId: appointmentId, status: "scheduled" },
      data: { status: "cancelled" },
    });
  }

  /** "How is your blood pressure after a week?": asked at the time given, the answer joins the consultation. */
  async scheduleFollowUp(
    doctor: Doctor,
    consultationId: string,
    input: z.input<typeof followUpInputSchema>,
    now = this.clock(),
  ): Promise<ReminderOccurrence> {
    const { question, dueAt, afterHours } = followUpInputSchema.parse(input);
    const consultation = await this.db.consultation.findUnique({ where: { id: consultationId } });
    if (!consultation) throw notFound("consultation");
    const at = dueAt ?? new Date(now.getTime() + afterHours! * 3600_000);
    const refId = randomUUID();
    return this.db.$transaction(async (tx) => {
      const row = await tx.reminderOccurrence.create({
        data: {
          idempotencyKey: `fu-${refId}`,
          kind: "follow_up",
          patientId: consultation.patientId,
          consultationId,
          refId,
          payload: { question, doctorId: doctor.id },
          dueAt: at,
          sendAt: at,
        },
        select: occurrenceSelect,
      });
      await recordAudit(tx, {
        actor: { type: "doctor", id: doctor.id },
        action: "follow_up.schedule",
        entityType: "consultation",
        entityId: consultationId,
        meta: { occurrenceId: row.id },
      });
      return row;
    });
  }

  /** Asks for a 0–10 rating of a finished consultation, once per consultation. */
  async requestRating(consultationId: string, now = this.clock()): Promise<void> {
    const consultation = await this.db.consultation.findUnique({ where: { id: consultationId } });
    if (!consultation) throw notFound("consultation");
    await this.db.reminderOccurrence.createMany({
      data: [
        {
          idempotencyKey: `rating-${consultationId}`,
          kind: "rating",
          patientId: consultation.patientId,
          consultationId,
          payload: { number: consultation.number },
          dueAt: now,
          sendAt: now,
        },
      ],
      skipDuplicates: true,
    });
  }

  async setQuietHours(actor: Actor, patientId: string, quiet: QuietHours | null): Promise<void> {
    const value = quiet ? quietHoursSchema.parse(quiet) : { start: null, end: null };
    await this.patientOrThrow(patientId);
    await this.db.reminderPreference.upsert({
      where: { patientId },
      update: { quietStart: value.start, quietEnd: value.end },
      create: { patientId, quietStart: value.start, quietEnd: value.end },
    });
    await recordAudit(this.db, { actor, action: "reminders.quiet_hours", entityType: "patient", entityId: patientId });
  }

  /** What the doctor sees: the schedules and the recent occurrences with their status (missed doses included). */
  async overview(doctor: Doctor, patientId: string, limit = 200) {
    await this.patientOrThrow(patientId);
    const [schedules, occurrences, preference] = await Promise.all([
      this.db.medicationSchedule.findMany({ where: { patientId }, orderBy: { createdAt: "asc" } }),
      this.db.reminderOccurrence.findMany({
        where: { patientId },
        orderBy: { dueAt: "desc" },
        take: limit,
        select: occurrenceSelect,
      }),
      this.db.reminderPreference.findUnique({ where: { patientId } }),
    ]);
    await recordAudit(this.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "reminders.read",
      entityType: "patient",
      entityId: patientId,
    });
    const medication = occurrences.filter((o) => o.kind === "medication");
    return {
      schedules: schedules.map(toSchedule),
      quietHours: preference?.quietStart && preference.quietEnd ? { start: preference.quietStart, end: preference.quietEnd } : null,
      missedDoses: medication.filter((o) => o.status === "missed").length,
      takenDoses: medication.filter((o) => o.status === "taken").length,
      occurrences,
    };
  }

  private async patientOrThrow(patientId: string) {
    const patient = await this.db.patient.findUnique({ where: { id: patientId } });
    if (!patient) throw notFound("patient");
    return patient;
  }

  // ---- the scheduler (run by workers/reminders.worker.ts) ----

  /** Writes the medication doses of the coming hours and the rating requests of recently closed consultations. */
  async materialize(now: Date): Promise<number> {
    const today = now.toISOString().slice(0, 10);
    const schedules = await this.db.medicationSchedule.findMany({
      // A day of slack either side: the dates are local to zones up to ±14 h from UTC.
      where: { cancelledAt: null, endDate: { gte: shiftDate(today, -1) }, startDate: { lte: shiftDate(today, 2) } },
      include: { patient: { select: { timezone: true } } },
    });
    let created = 0;
    const to = new Date(now.getTime() + this.settings.horizonHours * 3600_000);
    for (const schedule of schedules) {
      // Doses due before the schedule existed, or long past (the scheduler was down), are not sent late.
      const from = new Date(Math.max(schedule.createdAt.getTime(), now.getTime() - 3600_000));
      const doses = plannedDoses({ ...schedule, timezone: schedule.timezone ?? schedule.patient.timezone }, from, to);
      if (!doses.length) continue;
      const result = await this.db.reminderOccurrence.createMany({
        data: doses.map((dose) => ({
          idempotencyKey: `med-${schedule.id}-${dose.localKey}`,
          kind: "medication" as const,
          patientId: schedule.patientId,
          scheduleId: schedule.id,
          consultationId: schedule.consultationId,
          payload: { localTime: dose.localKey.slice(11) },
          dueAt: dose.dueAt,
          sendAt: dose.dueAt,
        })),
        skipDuplicates: true,
      });
      created += result.count;
    }
    const closed = await this.db.consultation.findMany({
      where: { status: "closed", closedAt: { gte: new Date(now.getTime() - 48 * 3600_000) } },
      select: { id: true, patientId: true, number: true },
      take: 1000,
    });
    if (closed.length) {
      const result = await this.db.reminderOccurrence.createMany({
        data: closed.map((c) => ({
          idempotencyKey: `rating-${c.id}`,
          kind: "rating" as const,
          patientId: c.patientId,
          consultationId: c.id,
          payload: { number: c.number },
          dueAt: now,
          sendAt: now,
        })),
        skipDuplicates: true,
      });
      created += result.count;
    }
    return created;
  }

  /** Doses nobody confirmed within their window become missed, for the doctor to see. */
  async markMissed(now: Date): Promise<number> {
    const result = await this.db.reminderOccurrence.updateMany({
      where: { kind: "medication", status: "sent", respondBy: { lt: now } },
      data: { status: "missed" },
    });
    return result.count;
  }

  /**
   * Turns due occurrences into outbox messages, oldest first and one patient's in order. Returns how many were
   * handled (sent, postponed or cancelled) so the caller can loop while a batch comes back full.
   */
  async dispatchDue(now: Date, batch = 500): Promise<{ handled: number; sent: number }> {
    const due = await this.db.reminderOccurrence.findMany({
      where: { status: "scheduled", sendAt: { lte: now } },
      orderBy: [{ sendAt: "asc" }, { dueAt: "asc" }, { idempotencyKey: "asc" }],
      take: batch,
      include: {
        schedule: true,
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
    // A patient who withdrew consent gets no reminders: the doses due meanwhile are cancelled, later ones go out
    // again once they consent again (152-FZ art. 9).
    const stopped = await new ProcessingConsent(this.db).withdrawn(due.map((row) => row.patientId));
    if (stopped.size) {
      await this.db.reminderOccurrence.updateMany({
        where: { id: { in: due.filter((row) => stopped.has(row.patientId)).map((row) => row.id) }, status: "scheduled" },
        data: { status: "cancelled" },
      });
    }
    const byPatient = new Map<string, typeof due>();
    for (const row of due) if (!stopped.has(row.patientId)) byPatient.set(row.patientId, [...(byPatient.get(row.patientId) ?? []), row]);
    let sent = 0;
    const outboxIds: string[] = [];
    const groups = [...byPatient.values()];
    // Patients in parallel, each patient's reminders one after another so their outbox rows keep that order.
    for (let i = 0; i < groups.length; i += 8) {
      await Promise.all(
        groups.slice(i, i + 8).map(async (rows) => {
          for (const row of rows) {
            const outboxId = await this.dispatchOne(row, now);
            if (outboxId) {
              outboxIds.push(outboxId);
              sent++;
            }
          }
        }),
      );
    }
    // After the commits: a dispatch lost here is picked up by the outbox sweep, the row being pending.
    for (const id of outboxIds) await this.outbox.dispatch(id);
    return { handled: due.length, sent };
  }

  private async dispatchOne(
    row: Awaited<ReturnType<typeof this.db.reminderOccurrence.findMany>>[number] & {
      schedule: { medicine: string; dose: string; missedAfterMinutes: number; timezone: string | null } | null;
      patient: {
        timezone: string;
        language: string;
        reminderPreference: { quietStart: string | null; quietEnd: string | null } | null;
        accounts: { id: string }[];
      };
    },
    now: Date,
  ): Promise<string | undefined> {
    const timezone = row.schedule?.timezone ?? row.patient.timezone;
    const pref = row.patient.reminderPreference;
    const quiet = pref?.quietStart && pref.quietEnd ? { start: pref.quietStart, end: pref.quietEnd } : undefined;
    const payload = row.payload as Record<string, string | number>;
    const later = afterQuietHours(now, timezone, quiet);
    const startsAt = row.kind === "appointment" ? new Date(String(payload.startsAt)) : undefined;
    const cancel = async () => {
      await this.db.reminderOccurrence.updateMany({ where: { id: row.id, status: "scheduled" }, data: { status: "cancelled" } });
    };
    if (later > now) {
      // Quiet hours: an appointment reminder that would arrive after the appointment is dropped instead.
      if (startsAt && later >= startsAt) return void (await cancel());
      await this.db.reminderOccurrence.updateMany({ where: { id: row.id, status: "scheduled" }, data: { sendAt: later } });
      return undefined;
    }
    const accountId = row.patient.accounts[0]?.id;
    if (!accountId) return void (await cancel());
    const language = matchLanguage(row.patient.language) ?? "ru";
    const message = buildMessage(row, translator(language, "reminders"), language, timezone, this.settings.snoozeMinutes);
    return this.db.$transaction(async (tx) => {
      const respondBy = row.kind === "medication" ? new Date(now.getTime() + (row.schedule?.missedAfterMinutes ?? 120) * 60_000) : null;
      // The conditional update is the claim: a second scheduler run finds the row no longer `scheduled`.
      const claimed = await tx.reminderOccurrence.updateMany({
        where: { id: row.id, status: "scheduled" },
        data: { status: "sent", sentAt: now, respondBy },
      });
      if (claimed.count === 0) return undefined;
      const outboxId = await this.outbox.write(tx, accountId, message);
      await tx.reminderOccurrence.update({ where: { id: row.id }, data: { outboxId } });
      return outboxId;
    });
  }

  // ---- the patient's buttons ----

  /** "Taken": the dose counts as taken, even late (after it was marked missed). */
  async markTaken(patientId: string, occurrenceId: string, now = this.clock()) {
    const row = await this.db.reminderOccurrence.findFirst({
      where: { id: occurrenceId, patientId, kind: "medication" },
      include: { schedule: true },
    });
    if (!row) return undefined;
    const updated = await this.db.reminderOccurrence.updateMany({
      where: { id: occurrenceId, status: { in: ["sent", "missed", "snoozed"] } },
      data: { status: "taken", answeredAt: now },
    });
    if (updated.count && row.status === "snoozed") {
      // The reminder it was snoozed into is no longer needed.
      await this.db.reminderOccurrence.updateMany({ where: { parentId: row.id, status: "scheduled" }, data: { status: "cancelled" } });
    }
    return { medicine: row.schedule?.medicine ?? "", changed: updated.count > 0 };
  }

  /** "Snooze": the dose is asked again after the snooze time (quiet hours still apply). */
  async snooze(patientId: string, occurrenceId: string, now = this.clock()) {
    const row = await this.db.reminderOccurrence.findFirst({ where: { id: occurrenceId, patientId, kind: "medication" } });
    if (!row || row.status !== "sent") return { snoozed: false as const, reason: "stale" as const };
    const depth = row.idempotencyKey.split("-snooze").length - 1;
    if (depth >= this.settings.maxSnoozes) return { snoozed: false as const, reason: "limit" as const };
    const sendAt = new Date(now.getTime() + this.settings.snoozeMinutes * 60_000);
    const done = await this.db.$transaction(async (tx) => {
      const claimed = await tx.reminderOccurrence.updateMany({
        where: { id: row.id, status: "sent" },
        data: { status: "snoozed", answeredAt: now },
      });
      if (!claimed.count) return false;
      await tx.reminderOccurrence.create({
        data: {
          idempotencyKey: `${row.idempotencyKey}-snooze`,
          kind: "medication",
          patientId,
          scheduleId: row.scheduleId,
          consultationId: row.consultationId,
          payload: row.payload as object,
          dueAt: row.dueAt,
          sendAt,
          parentId: row.id,
        },
      });
      return true;
    });
    return done ? { snoozed: true as const } : { snoozed: false as const, reason: "stale" as const };
  }

  /** A follow-up answer joins the consultation as the patient's message, for the doctor to read there. */
  async answerFollowUp(patientId: string, occurrenceId: string, answerText: string, now = this.clock()): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.reminderOccurrence.findFirst({ where: { id: occurrenceId, patientId, kind: "follow_up" } });
      if (!row?.consultationId) return false;
      const claimed = await tx.reminderOccurrence.updateMany({
        where: { id: row.id, status: "sent" },
        data: { status: "answered", answer: answerText, answeredAt: now },
      });
      if (!claimed.count) return false;
      const message = await tx.message.create({
        data: { consultationId: row.consultationId, authorRole: "patient", text: answerText },
      });
      await tx.consultation.updateMany({
        where: { id: row.consultationId, status: "waiting_for_patient" },
        data: { status: "in_progress" },
      });
      await recordAudit(tx, {
        actor: { type: "patient", id: patientId },
        action: "follow_up.answer",
        entityType: "consultation",
        entityId: row.consultationId,
        meta: { occurrenceId, messageId: message.id },
      });
      return true;
    });
  }

  async rate(patientId: string, occurrenceId: string, score: number, now = this.clock()): Promise<boolean> {
    if (!Number.isInteger(score) || score < 0 || score > 10) throw new AppError("validation", "score must be 0–10");
    const claimed = await this.db.reminderOccurrence.updateMany({
      where: { id: occurrenceId, patientId, kind: "rating", status: "sent" },
      data: { status: "answered", answer: String(score), answeredAt: now },
    });
    return claimed.count > 0;
  }

  async occurrencePayload(patientId: string, occurrenceId: string) {
    const row = await this.db.reminderOccurrence.findFirst({ where: { id: occurrenceId, patientId } });
    return row ? (row.payload as Record<string, string | number>) : undefined;
  }
}

const shiftDate = (date: string, days: number) => DateTime.fromISO(date, { zone: "utc" }).plus({ days }).toISODate()!;

function buildMessage(
  row: { id: string; kind: string; payload: unknown; schedule: { medicine: string; dose: string } | null },
  t: TFunction,
  language: string,
  timezone: string,
  snoozeMinutes: number,
): OutgoingMessage {
  const payload = row.payload as Record<string, string | number>;
  switch (row.kind) {
    case "medication":
      return {
        text: t("medication.due", { medicine: row.schedule?.medicine, dose: row.schedule?.dose, time: payload.localTime }),
        buttons: [
          [
            { label: t("buttons.taken"), data: `rem:t:${row.id}` },
            { label: t("buttons.snooze", { count: snoozeMinutes }), data: `rem:s:${row.id}` },
          ],
        ],
      };
    case "appointment": {
      const at = DateTime.fromISO(String(payload.startsAt), { zone: timezone }).setLocale(language);
      const values = { date: at.toLocaleString(DateTime.DATE_FULL), time: at.toFormat("HH:mm") };
      return { text: t(payload.lead === "1h" ? "appointment.in_hour" : "appointment.in_day", values) };
    }
    case "follow_up":
      return {
        text: t("follow_up.ask", { question: payload.question }),
        buttons: [
          (["better", "same", "worse"] as const).map((answer) => ({
            label: t(`follow_up.answers.${answer}`),
            data: `rem:f:${row.id}:${answer}`,
          })),
        ],
      };
    default:
      return {
        text: t("rating.ask", { number: payload.number }),
        buttons: [
          [0, 1, 2, 3, 4, 5].map((n) => ({ label: String(n), data: `rem:r:${row.id}:${n}` })),
          [6, 7, 8, 9, 10].map((n) => ({ label: String(n), data: `rem:r:${row.id}:${n}` })),
        ],
      };
  }
}
