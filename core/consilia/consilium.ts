import { z } from "zod";

/** What the treating doctor fills in to call a consilium from a thread. */
export const consiliumInputSchema = z.object({
  /** The question put to the consilium, printed on its protocol. */
  question: z.string().trim().min(1).max(2000),
  /** The invited doctors, in the order they sign after the treating doctor. */
  doctorIds: z.array(z.uuid()).min(1).max(10),
  /** A time for a scheduled consilium; absent, the room opens at once. */
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
  /** Whether the patient is sent a link into the room. */
  patientJoins: z.boolean().default(false),
  /** Whether the treating doctor sits (and signs) in the consilium, or only called it. */
  treatingDoctorJoins: z.boolean().default(true),
});
export type ConsiliumInput = z.input<typeof consiliumInputSchema>;

export const consiliumStatuses = ["scheduled", "open", "signing", "signed"] as const;
export type ConsiliumStatus = (typeof consiliumStatuses)[number];

/** A consilium as the console and the api show it (dates as ISO strings: what the response schema declares). */
export const consiliumViewSchema = z.object({
  id: z.uuid(),
  consultationId: z.uuid(),
  consultationNumber: z.number().int(),
  patientId: z.uuid(),
  organizerId: z.uuid(),
  question: z.string(),
  patientJoins: z.boolean(),
  scheduledAt: z.string(),
  status: z.enum(consiliumStatuses),
  visitId: z.uuid().nullable(),
  protocolId: z.uuid().nullable(),
  participants: z.array(
    z.object({ doctorId: z.uuid(), name: z.string(), specialties: z.array(z.string()), signedAt: z.string().nullable() }),
  ),
});
export type ConsiliumView = z.infer<typeof consiliumViewSchema>;

/** A consilium as stored, with its doctors in signing order. */
export interface ConsiliumRecord {
  id: string;
  consultationId: string;
  consultationNumber: number;
  patientId: string;
  organizerId: string;
  question: string;
  patientJoins: boolean;
  scheduledAt: Date;
  status: ConsiliumStatus;
  visitId: string | null;
  protocolId: string | null;
  pdfFileId: string | null;
  participants: Array<{ doctorId: string; name: string; specialties: string[]; languages: string[]; signedAt: Date | null }>;
}

export const toView = (record: ConsiliumRecord): ConsiliumView => ({
  id: record.id,
  consultationId: record.consultationId,
  consultationNumber: record.consultationNumber,
  patientId: record.patientId,
  organizerId: record.organizerId,
  question: record.question,
  patientJoins: record.patientJoins,
  scheduledAt: record.scheduledAt.toISOString(),
  status: record.status,
  visitId: record.visitId,
  protocolId: record.protocolId,
  participants: record.participants.map((p) => ({ doctorId: p.doctorId, name: p.name, specialties: p.specialties, signedAt: p.signedAt?.toISOString() ?? null })),
});
