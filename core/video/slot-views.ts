import { z } from "zod";

/** What a slot and an appointment are to the api, the bot and the repository: a doctor's published time, by video or in person. */
export const slotKindSchema = z.enum(["video", "in_person"]);
export type SlotKind = z.output<typeof slotKindSchema>;

export const slotSchema = z
  .object({
    specialty: z.string().trim().min(1).max(50),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    kind: slotKindSchema.default("video"),
    /** Where an in-person visit takes place; a video slot has neither. */
    room: z.string().trim().min(1).max(50).optional(),
    address: z.string().trim().min(1).max(300).optional(),
  })
  .refine((s) => s.endsAt > s.startsAt, { message: "endsAt must be after startsAt", path: ["endsAt"] })
  .refine((s) => s.kind === "video" || (s.room && s.address), { message: "an in-person slot needs a room and an address", path: ["address"] })
  .refine((s) => s.kind === "in_person" || (!s.room && !s.address), { message: "a video slot has no room or address", path: ["room"] });

/** Where the patient goes: nothing for a video call, the room and address of an in-person visit. */
export interface Place {
  kind: SlotKind;
  room: string | null;
  address: string | null;
}

export interface SlotView extends Place {
  id: string;
  doctorId: string;
  specialty: string;
  startsAt: Date;
  endsAt: Date;
  booked: boolean;
  appointmentId?: string;
}

export interface AppointmentView extends Place {
  id: string;
  patientId: string;
  slotId: string;
  startsAt: Date;
  specialty: string;
  status: string;
}
