import { z } from "zod";
import { slotKindSchema, type SlotView } from "./slot-views";

/** What the console api answers about video visits: each view passes through its schema, so nothing else leaves. */
const visitStatus = z.enum(["waiting", "accepted", "in_call", "ended", "left"]);

export const dutyShiftSchema = z.object({ id: z.string(), specialty: z.string(), startsAt: z.date(), endsAt: z.date() });

export const videoRequestSchema = z.object({
  visitId: z.string(),
  specialty: z.string(),
  language: z.string(),
  needsInterpreter: z.boolean(),
  requestedAt: z.date(),
  urgent: z.boolean(),
});

export const acceptedVisitSchema = z.object({ visitId: z.string(), room: z.string(), interpreterLink: z.string().optional() });

export const activeVisitSchema = z.object({ visitId: z.string(), specialty: z.string(), status: visitStatus, acceptedAt: z.date().nullable() });

export const interpreterVisitSchema = z.object({ visitId: z.string(), language: z.string(), status: visitStatus, acceptedAt: z.date().nullable() });

export const recordingSchema = z.object({
  id: z.string(),
  egressId: z.string(),
  status: z.string(),
  storedFileId: z.string().nullable(),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
});

export const visitDetailSchema = z.object({
  id: z.string(),
  status: z.string(),
  room: z.string(),
  specialty: z.string(),
  language: z.string(),
  needsInterpreter: z.boolean(),
  acceptedAt: z.date().nullable(),
  startedAt: z.date().nullable(),
  endedAt: z.date().nullable(),
  durationSeconds: z.number().nullable(),
  recordingConsent: z.boolean(),
  recordings: z.array(recordingSchema),
  events: z.array(z.object({ identity: z.string(), kind: z.string(), at: z.date() })),
});

export const slotViewSchema = z.object({
  id: z.string(),
  doctorId: z.string(),
  specialty: z.string(),
  startsAt: z.date(),
  endsAt: z.date(),
  booked: z.boolean(),
  appointmentId: z.string().optional(),
  kind: slotKindSchema,
  room: z.string().nullable(),
  address: z.string().nullable(),
}) satisfies z.ZodType<SlotView>;

export const callLinkSchema = z.object({ url: z.string() });
