import { z } from "zod";

/** The treating doctor's question: to a named colleague or to any doctor of a specialty (exactly one of the two). */
export const invitationInputSchema = z
  .object({
    colleagueId: z.uuid().optional(),
    specialty: z.string().trim().min(1).max(50).optional(),
    question: z.string().trim().min(1).max(4000),
  })
  .refine((v) => Boolean(v.colleagueId) !== Boolean(v.specialty), { message: "name a colleague (colleagueId) or a specialty, not both" });

export const answerInputSchema = z.object({ answer: z.string().trim().min(1).max(4000) });

export const invitationSchema = z.object({
  id: z.uuid(),
  consultationId: z.uuid(),
  consultationNumber: z.number().int(),
  patientId: z.uuid(),
  invitedById: z.uuid(),
  invitedByName: z.string(),
  colleagueId: z.uuid().nullable(),
  colleagueName: z.string().nullable(),
  specialty: z.string().nullable(),
  question: z.string(),
  answer: z.string().nullable(),
  status: z.enum(["open", "answered", "withdrawn"]),
  createdAt: z.date(),
  acceptedAt: z.date().nullable(),
  closedAt: z.date().nullable(),
});

export type ColleagueInvitation = z.infer<typeof invitationSchema>;

export const colleagueSchema = z.object({ id: z.uuid(), name: z.string(), specialties: z.array(z.string()) });
export type Colleague = z.infer<typeof colleagueSchema>;
