import { z } from "zod";
import { readingKindSchema } from "../monitoring/reading";

export const renewalStatuses = ["requested", "approved", "changed", "declined"] as const;
export type RenewalStatus = (typeof renewalStatuses)[number];

/** Where the patient asked: `/renew` in any messenger, or the button under a medication reminder. */
export type RenewalVia = "command" | "reminder";

export const declineBodySchema = z.object({ reason: z.string().trim().min(3).max(1000) });

const prescribedSchema = z.object({ medicine: z.string(), dose: z.string(), schedule: z.string(), durationDays: z.number().int() });

// Dates as ISO strings: the response schema is also the OpenAPI document's, where a Date has no JSON form.
/** One request in a doctor's renewal queue: what to decide on (prescriptions, readings, adherence, the visit). */
export const renewalItemSchema = z.object({
  id: z.uuid(),
  status: z.enum(renewalStatuses),
  via: z.enum(["command", "reminder"]),
  createdAt: z.iso.datetime(),
  patientId: z.uuid(),
  patientLanguage: z.string(),
  consultationId: z.uuid(),
  consultationNumber: z.number().int(),
  protocolId: z.uuid(),
  protocolVersion: z.number().int(),
  specialty: z.string(),
  /** The prescriber is the doctor asking; false when it reached them through the specialty. */
  mine: z.boolean(),
  prescriberName: z.string(),
  prescriptions: z.array(prescribedSchema),
  lastVisitAt: z.iso.datetime().nullable(),
  readings: z.array(z.object({ kind: readingKindSchema, value: z.number(), value2: z.number().nullable(), measuredAt: z.iso.datetime() })),
  /** Medication doses of this prescription over the last 30 days. */
  adherence: z.object({ taken: z.number().int(), missed: z.number().int(), unanswered: z.number().int() }),
});
export type RenewalItem = z.infer<typeof renewalItemSchema>;

export const decisionSchema = z.object({
  id: z.uuid(),
  status: z.enum(renewalStatuses),
  /** Approved: the new signed version; changed: the correction draft to edit and sign. */
  resultProtocolId: z.uuid().nullable(),
  consultationId: z.uuid(),
});
export type Decision = z.infer<typeof decisionSchema>;

export interface RenewalRow {
  id: string;
  patientId: string;
  protocolId: string;
  prescriberId: string;
  specialty: string;
  via: string;
  status: RenewalStatus;
  decidedById: string | null;
  declineReason: string | null;
  resultProtocolId: string | null;
  createdAt: Date;
}
