import { z } from "zod";

export const specialtyCodeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "2-40 characters of a-z, 0-9 and _, e.g. dermatology");

export const specialtyInputSchema = z.object({
  nameRu: z.string().trim().min(2).max(100),
  nameEn: z.string().trim().min(2).max(100),
  escalateAfterMinutes: z.number().int().min(1).max(7 * 24 * 60).nullable().default(null),
  active: z.boolean().default(true),
});

export interface Specialty extends z.output<typeof specialtyInputSchema> {
  code: string;
}

export const specialtySchema = z.object({
  code: z.string(),
  nameRu: z.string(),
  nameEn: z.string(),
  escalateAfterMinutes: z.number().nullable(),
  active: z.boolean(),
}) satisfies z.ZodType<Specialty>;
