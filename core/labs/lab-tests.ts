import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const loincCodeSchema = z.string().regex(/^\d{1,7}-\d$/, "a LOINC code such as 2345-7");

const catalogueSchema = z.array(z.object({ code: loincCodeSchema, ru: z.string().min(1), en: z.string().min(1) }));
export type LabTest = z.infer<typeof catalogueSchema>[number];

/** The common tests a doctor picks for a referral (lab-tests.json, LOINC codes with Russian and English names). */
export const labTestCatalogue: LabTest[] = catalogueSchema.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, "lab-tests.json"), "utf8")),
);
