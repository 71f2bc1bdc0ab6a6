import type { BodyRegion } from "../exam/exam-result";
import { durationSchema } from "../exam/exam-result";

/**
 * The in-chat examination for patients who cannot open the body map: a region group, severity, duration.
 * The choices so far ride in the button data (`intake:sev:<group>:<n>`), so nothing half-done is stored.
 */
export const regionGroups = {
  head_neck: ["head", "face", "neck", "back_of_head", "back_of_neck"],
  chest: ["chest_left", "chest_right"],
  abdomen: ["upper_abdomen", "lower_abdomen", "pelvis"],
  back: ["upper_back", "lower_back", "shoulder_blade_left", "shoulder_blade_right", "buttocks"],
  arms: ["shoulder_left", "shoulder_right", "arm_left", "arm_right", "hand_left", "hand_right"],
  legs: [
    "thigh_left", "thigh_right", "knee_left", "knee_right", "shin_left", "shin_right", "calf_left", "calf_right",
    "foot_left", "foot_right", "heel_left", "heel_right",
  ],
} as const satisfies Record<string, readonly BodyRegion[]>;
export type RegionGroup = keyof typeof regionGroups;

export const isRegionGroup = (value: string): value is RegionGroup => Object.hasOwn(regionGroups, value);
export const durations = durationSchema.options;
