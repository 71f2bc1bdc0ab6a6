import type { z } from "zod";
import { HOUR_MS } from "./moscow-time";

/** A shift ends after it starts and lasts at most 24 h, whoever plans it (a doctor's own video shift, the rota's doctor and interpreter shifts). */
export const withShiftLimits = <S extends z.ZodType<{ startsAt: Date; endsAt: Date }>>(schema: S) =>
  schema
    .refine((s) => s.endsAt > s.startsAt, { message: "endsAt must be after startsAt", path: ["endsAt"] })
    .refine((s) => s.endsAt.getTime() - s.startsAt.getTime() <= 24 * HOUR_MS, { message: "a shift lasts at most 24 h", path: ["endsAt"] });
