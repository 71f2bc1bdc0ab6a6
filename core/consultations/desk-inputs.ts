import { z } from "zod";
import { consultationStatusSchema } from "./consultation-status";

export const queueFilterSchema = z.object({
  view: consultationStatusSchema.optional(),
  specialty: z.string().trim().min(1).max(50).optional(),
  language: z.string().trim().length(2).optional(),
  urgent: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  /** Only questions waiting at least this long (the "age of the question" filter). */
  minAgeMinutes: z.coerce.number().int().min(0).max(100_000).optional(),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

/** What a doctor's file is, declared on upload (kept in the `file.upload` audit row, which is append-only). */
export const fileKindSchema = z.enum(["medical", "leaflet"]);

export const answerSchema = z.object({
  text: z.string().trim().min(1).max(4000),
  /** A follow-up question: the consultation then waits for the patient. */
  followUp: z.boolean().default(false),
  fileIds: z.array(z.uuid()).max(5).default([]),
});

/** Outcomes that say medical care was given: closing with one needs a signed protocol (Order 965n: care is documented). */
export const medicalOutcomes = ["advice_given", "in_person_visit", "emergency_referral"] as const;
/** "No medical care given": spam, the patient left (no reply), a duplicate, consent withdrawn. Audited as such. */
export const noCareOutcomes = ["no_reply", "duplicate", "spam", "consent_withdrawn"] as const;

export const closeSchema = z.object({
  outcome: z.enum([...medicalOutcomes, ...noCareOutcomes]),
  note: z.string().trim().max(2000).optional(),
});
