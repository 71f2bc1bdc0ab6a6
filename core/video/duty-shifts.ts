import { z } from "zod";
import type { Doctor } from "../doctors/doctors";
import { withShiftLimits } from "../rota/shift-limits";
import type { Shift, VideoRepository } from "./video-repository";

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
