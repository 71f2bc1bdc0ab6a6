import { z } from "zod";
import { messageAttachmentSchema } from "../channels/attachment";
import { examResultSchema } from "../exam/exam-result";
import type { Thread } from "./consultation-desk";
import type { QueueItem, ThreadMessage } from "./consultation-repository";
import { consultationStatusSchema } from "./consultation-status";

/** What the console api answers of the desk's views: each view passes through its schema, so nothing else leaves. */
export const queueItemSchema = z.object({
  id: z.string(),
  number: z.number(),
  status: consultationStatusSchema,
  specialty: z.string(),
  patientLanguage: z.string(),
  urgent: z.boolean(),
  doctorId: z.string().nullable(),
  doctorName: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  escalatedAt: z.date().nullable(),
}) satisfies z.ZodType<QueueItem>;

export const threadMessageSchema = z.object({
  id: z.string(),
  authorRole: z.enum(["patient", "doctor"]),
  doctorId: z.string().nullable(),
  text: z.string(),
  attachments: z.array(messageAttachmentSchema),
  deliveryStatus: z.enum(["pending", "sent", "failed"]).nullable(),
  createdAt: z.date(),
}) satisfies z.ZodType<ThreadMessage>;

const intakeViewSchema = z.object({
  complaint: z.string(),
  area: z.string().nullable(),
  answers: z.array(z.object({ questionId: z.string(), answer: z.unknown() })),
  exam: examResultSchema.nullable(),
  redFlags: z.array(z.string()),
  urgent: z.boolean(),
});

export const threadSchema = queueItemSchema.extend({
  kind: z.enum(["async_chat", "second_opinion"]),
  patientId: z.string(),
  identityLevel: z.string(),
  outcome: z.string().nullable(),
  intake: intakeViewSchema.nullable(),
  previous: z.array(z.object({ id: z.string(), number: z.number(), status: consultationStatusSchema, specialty: z.string(), createdAt: z.date(), outcome: z.string().nullable() })),
  inPersonVisit: z.enum(["yes", "unknown"]),
  consentWithdrawn: z.boolean(),
  messages: z.array(threadMessageSchema),
}) satisfies z.ZodType<Thread>;
