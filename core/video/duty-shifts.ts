import { z } from "zod";
import type { Doctor } from "../doctors/doctors";
import type { Shift, VideoRepository } from "./video-repository";

/** A shift ends after it starts and lasts at most 24 h, whoever plans it (the doctor here, the rota in core/rota). */
export const withShiftLimits = <S extends z.ZodType<{ startsAt: Date; endsAt: Date }>>(schema: S) =>
  schema
    .refine((s) => s.endsAt > s.startsAt, { message: "endsAt must be after startsAt", path: ["endsAt"] })
    .refine((s) => s.endsAt.getTime() - s.startsAt.getTime() <= 24 * 3600_000, { message: "a shift lasts at most 24 h", path: ["endsAt"] });

export const shiftSchema = withShiftLimits(z.object({ specialty: z.string().trim().min(1).max(50), startsAt: z.coerce.date(), endsAt: z.coerce.date() }));
export type ShiftInput = z.infer<typeof shiftSchema>;

/** The on-call pool: doctors publish shifts; those on duty now take the waiting queue's requests. */
export class DutyShifts {
  constructor(
    private readonly repo: VideoRepository,
    private readonly now: () => Date,
  ) {}

  publishShift(doctor: Doctor, input: ShiftInput): Promise<Shift> {
    return this.repo.createShift(doctor.id, shiftSchema.parse(input));
  }

  shiftsOf(doctor: Doctor): Promise<Shift[]> {
    return this.repo.shiftsEndingAfter(doctor.id, this.now());
  }
}
