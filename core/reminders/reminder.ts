import { z } from "zod";

export const reminderKindSchema = z.enum(["medication", "appointment", "follow_up", "rating"]);
export type ReminderKind = z.infer<typeof reminderKindSchema>;
export const reminderStatusSchema = z.enum(["scheduled", "sent", "taken", "snoozed", "missed", "answered", "cancelled"]);
export type ReminderStatus = z.infer<typeof reminderStatusSchema>;

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
  kind: ReminderKind;
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

/** An occurrence due to go out, with what its message and its timing need. */
export interface DueReminder extends ReminderOccurrence {
  patientId: string;
  /** `prescriptionRef` set: from a signed prescription, which the patient may ask to renew. */
  schedule: { medicine: string; dose: string; missedAfterMinutes: number; timezone: string | null; prescriptionRef: string | null } | null;
  patient: {
    timezone: string;
    language: string;
    quietHours: { start: string; end: string } | undefined;
    /** The newest messenger account that still reaches the patient. */
    accountId: string | undefined;
  };
}

/** A row to write: its idempotency key makes writing it twice write it once. */
export interface NewOccurrence {
  idempotencyKey: string;
  kind: ReminderKind;
  patientId: string;
  scheduleId?: string | null;
  consultationId?: string | null;
  refId?: string;
  payload: object;
  dueAt: Date;
  sendAt: Date;
  parentId?: string;
}

export interface ReminderSettings {
  snoozeMinutes: number;
  /** how far ahead medication doses are written as occurrences */
  horizonHours: number;
  maxSnoozes: number;
}

export const defaultReminderSettings: ReminderSettings = { snoozeMinutes: 15, horizonHours: 36, maxSnoozes: 3 };

/** What the api answers of a schedule and an occurrence: each passes through its schema, so nothing else leaves. */
export const medicationScheduleSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  medicine: z.string(),
  dose: z.string(),
  timesOfDay: z.array(z.string()),
  timezone: z.string().nullable(),
  startDate: z.string(),
  endDate: z.string(),
  missedAfterMinutes: z.number(),
  prescriptionRef: z.string().nullable(),
  cancelledAt: z.date().nullable(),
}) satisfies z.ZodType<MedicationSchedule>;

export const reminderOccurrenceSchema = z.object({
  id: z.string(),
  kind: reminderKindSchema,
  status: reminderStatusSchema,
  scheduleId: z.string().nullable(),
  consultationId: z.string().nullable(),
  refId: z.string().nullable(),
  dueAt: z.date(),
  sendAt: z.date(),
  sentAt: z.date().nullable(),
  respondBy: z.date().nullable(),
  answeredAt: z.date().nullable(),
  answer: z.string().nullable(),
  parentId: z.string().nullable(),
  payload: z.unknown(),
}) satisfies z.ZodType<ReminderOccurrence>;

/** A patient's reminders as the console shows them. */
export const remindersOverviewSchema = z.object({
  schedules: z.array(medicationScheduleSchema),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  missedDoses: z.number(),
  takenDoses: z.number(),
  occurrences: z.array(reminderOccurrenceSchema),
});
