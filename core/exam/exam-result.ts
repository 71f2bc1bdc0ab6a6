import { z } from "zod";

/**
 * The digital examination a patient fills before the doctor sees them: where it hurts on a body map
 * (front and back), how much, for how long, with what, and what they take or are allergic to.
 * One schema for the web page, the Telegram Mini App, the in-chat fallback and the console.
 */
export const bodyRegions = {
  front: [
    "head", "face", "neck", "chest_left", "chest_right", "upper_abdomen", "lower_abdomen", "pelvis",
    "shoulder_left", "shoulder_right", "arm_left", "arm_right", "hand_left", "hand_right",
    "thigh_left", "thigh_right", "knee_left", "knee_right", "shin_left", "shin_right", "foot_left", "foot_right",
  ],
  back: [
    "back_of_head", "back_of_neck", "upper_back", "lower_back", "buttocks",
    "shoulder_blade_left", "shoulder_blade_right", "calf_left", "calf_right", "heel_left", "heel_right",
  ],
} as const;

export const bodyRegionSchema = z.enum([...bodyRegions.front, ...bodyRegions.back]);
export type BodyRegion = z.infer<typeof bodyRegionSchema>;

export const durationSchema = z.enum(["hours", "days_1_3", "days_4_7", "weeks_1_4", "months"]);

export const examResultSchema = z.object({
  regions: z.array(bodyRegionSchema).max(33),
  severity: z.number().int().min(1).max(10),
  duration: durationSchema,
  symptoms: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  medicines: z.string().trim().max(2000).default(""),
  allergies: z.string().trim().max(2000).default(""),
});
export type ExamResult = z.infer<typeof examResultSchema>;
