import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import type { Doctor } from "../doctors/doctors";
import { notFound } from "../errors";
import type { Outbox } from "../outbox/outbox";
import { defaultReminderSettings, type MedicationSchedule, type ReminderOccurrence, type ReminderSettings } from "./reminder";
import { ReminderAnswers } from "./reminder-answers";
import { ReminderDispatch } from "./reminder-dispatch";
import type { ReminderRepository } from "./reminder-repository";
import { syncPrescribedReminders, type PrescribedMedicines } from "./prescribed-reminders";
import { localDateSchema, timeOfDaySchema, timezoneSchema, type QuietHours } from "./schedule";

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
/** What a booking hands over (core/video/slots.ts `AppointmentView`). */
export interface BookedAppointment {
  id: string;
  patientId: string;
  startsAt: Date;
  kind: "video" | "in_person";
  room: string | null;
  address: string | null;
}

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

/**
 * Reminders of every kind become `ReminderOccurrence` rows with a unique idempotency key; the scheduler turns a due
 * row into exactly one outbox message in one transaction (status `scheduled` → `sent` plus the outbox row), so a
 * scheduler or worker that runs twice, or dies half-way, never sends a reminder twice or drops it.
 *
 * The module's entry: what doctors and other features plan is here; the worker's `dispatch` and the patient's
 * `answers` are its parts, on the same clock.
 */
export class ReminderService {
  readonly settings: ReminderSettings;
  /** The module's clock; tests pin it. */
  clock: () => Date = () => new Date();
  readonly dispatch: ReminderDispatch;
  readonly answers: ReminderAnswers;

  constructor(
    private readonly repo: ReminderRepository,
    outbox: Outbox,
    settings: Partial<ReminderSettings> = {},
  ) {
    this.settings = { ...defaultReminderSettings, ...settings };
    this.dispatch = new ReminderDispatch(repo, outbox, this.settings);
    this.answers = new ReminderAnswers(repo, this.settings, () => this.clock());
  }

  async createSchedule(doctor: Doctor, patientId: string, input: MedicationScheduleInput): Promise<MedicationSchedule> {
    const data = medicationScheduleInputSchema.parse(input);
    await this.patientOrThrow(patientId);
    return this.repo.transaction(async (repo) => {
      const schedule = await repo.createSchedule({ ...data, patientId, doctorId: doctor.id });
      await repo.audit({
        actor: { type: "doctor", id: doctor.id },
        action: "medication_schedule.create",
        entityType: "patient",
        entityId: patientId,
        meta: { scheduleId: schedule.id },
      });
      return schedule;
    });
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
      schedules.push(
        await this.repo.scheduleOnce(`${prescription.id}#${index}`, {
          ...item,
          patientId: prescription.patientId,
          doctorId: doctor.id,
          consultationId: prescription.consultationId,
        }),
      );
    }
    await this.repo.audit({
      actor: { type: "doctor", id: doctor.id },
      action: "medication_schedule.prescribe",
      entityType: "patient",
      entityId: prescription.patientId,
      meta: { prescriptionId: prescription.id, scheduleIds: schedules.map((s) => s.id) },
    });
    return schedules;
  }

  /** A signed protocol's prescriptions (the items given reminder times): see prescribed-reminders.ts. */
  prescribed(input: PrescribedMedicines): Promise<{ created: number; cancelled: number }> {
    return syncPrescribedReminders(this.repo, input);
  }

  async cancelSchedule(doctor: Doctor, scheduleId: string, now = this.clock()): Promise<void> {
    await this.repo.transaction(async (repo) => {
      const schedule = await repo.schedule(scheduleId);
      if (!schedule) throw notFound("medication schedule");
      await repo.cancelSchedule(scheduleId, now);
      await repo.audit({
        actor: { type: "doctor", id: doctor.id },
        action: "medication_schedule.cancel",
        entityType: "patient",
        entityId: schedule.patientId,
        meta: { scheduleId },
      });
    });
  }

  /**
   * 24 h and 1 h before a booked appointment (core/video/slots.ts calls this on booking and moving). Called again
   * with a new time, it replaces the reminders not yet sent — of this patient only.
   */
  async scheduleAppointment(appointment: BookedAppointment, actor: Actor, now = this.clock()): Promise<number> {
    const { id: appointmentId, patientId, startsAt, kind, room, address } = appointment;
    const stamp = startsAt.getTime();
    await this.repo.cancelAppointmentReminders(patientId, appointmentId, stamp);
    const created = await this.repo.createOccurrences(
      [
        { lead: "24h", dueAt: new Date(stamp - 24 * 3600_000) },
        { lead: "1h", dueAt: new Date(stamp - 3600_000) },
      ]
        .filter((r) => r.dueAt > now)
        .map((r) => ({
          idempotencyKey: `appt-${appointmentId}-${stamp}-${r.lead}`,
          kind: "appointment" as const,
          patientId,
          refId: appointmentId,
          // The place is copied in: the reminder says where to go even if the slot changes later.
          payload: { startsAt: startsAt.toISOString(), lead: r.lead, place: kind, ...(room ? { room } : {}), ...(address ? { address } : {}) },
          dueAt: r.dueAt,
          sendAt: r.dueAt,
        })),
    );
    await this.repo.audit({ actor, action: "appointment_reminders.schedule", entityType: "patient", entityId: patientId, meta: { appointmentId, created } });
    return created;
  }

  /** A cancelled appointment: its reminders not yet sent are cancelled. */
  async cancelAppointmentReminders(patientId: string, appointmentId: string): Promise<void> {
    await this.repo.cancelAppointmentReminders(patientId, appointmentId);
  }

  /** "How is your blood pressure after a week?": asked at the time given, the answer joins the consultation. */
  async scheduleFollowUp(doctor: Doctor, consultationId: string, input: z.input<typeof followUpInputSchema>, now = this.clock()): Promise<ReminderOccurrence> {
    const { question, dueAt, afterHours } = followUpInputSchema.parse(input);
    const consultation = await this.repo.consultation(consultationId);
    if (!consultation) throw notFound("consultation");
    const at = dueAt ?? new Date(now.getTime() + afterHours! * 3600_000);
    const refId = randomUUID();
    return this.repo.transaction(async (repo) => {
      const row = await repo.createOccurrence({
        idempotencyKey: `fu-${refId}`,
        kind: "follow_up",
        patientId: consultation.patientId,
        consultationId,
        refId,
        payload: { question, doctorId: doctor.id },
        dueAt: at,
        sendAt: at,
      });
      await repo.audit({
        actor: { type: "doctor", id: doctor.id },
        action: "follow_up.schedule",
        entityType: "consultation",
        entityId: consultationId,
        meta: { occurrenceId: row.id },
      });
      return row;
    });
  }

  async setQuietHours(actor: Actor, patientId: string, quiet: QuietHours | null): Promise<void> {
    const value = quiet ? quietHoursSchema.parse(quiet) : { start: null, end: null };
    await this.patientOrThrow(patientId);
    await this.repo.setQuietHours(patientId, value.start, value.end);
    await this.repo.audit({ actor, action: "reminders.quiet_hours", entityType: "patient", entityId: patientId });
  }

  /** What the doctor sees: the schedules and the recent occurrences with their status (missed doses included). */
  async overview(doctor: Doctor, patientId: string, limit = 200) {
    await this.patientOrThrow(patientId);
    const [schedules, occurrences, quietHours] = await Promise.all([
      this.repo.schedulesOf(patientId),
      this.repo.occurrencesOf(patientId, limit),
      this.repo.quietHours(patientId),
    ]);
    await this.repo.audit({ actor: { type: "doctor", id: doctor.id }, action: "reminders.read", entityType: "patient", entityId: patientId });
    const medication = occurrences.filter((o) => o.kind === "medication");
    return {
      schedules,
      quietHours,
      missedDoses: medication.filter((o) => o.status === "missed").length,
      takenDoses: medication.filter((o) => o.status === "taken").length,
      occurrences,
    };
  }

  private async patientOrThrow(patientId: string): Promise<void> {
    if (!(await this.repo.patientExists(patientId))) throw notFound("patient");
  }
}
