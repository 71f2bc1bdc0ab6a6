import { bodyRegions, type BodyRegion } from "./exam-result";

/** [x, y, width, height] of each selectable region on a 200×400 figure; front view mirrors the patient (their right on the left). */
const shapes: Record<BodyRegion, [number, number, number, number]> = {
  head: [80, 4, 40, 24], face: [82, 28, 36, 24], neck: [90, 54, 20, 14],
  shoulder_right: [52, 68, 26, 20], shoulder_left: [122, 68, 26, 20],
  chest_right: [78, 70, 22, 40], chest_left: [100, 70, 22, 40],
  upper_abdomen: [78, 112, 44, 30], lower_abdomen: [78, 144, 44, 30], pelvis: [78, 176, 44, 26],
  arm_right: [50, 90, 22, 90], arm_left: [128, 90, 22, 90], hand_right: [48, 182, 24, 26], hand_left: [128, 182, 24, 26],
  thigh_right: [78, 204, 21, 70], thigh_left: [101, 204, 21, 70], knee_right: [78, 276, 21, 20], knee_left: [101, 276, 21, 20],
  shin_right: [79, 298, 19, 78], shin_left: [102, 298, 19, 78], foot_right: [72, 378, 26, 18], foot_left: [102, 378, 26, 18],
  // Back view: the patient's left is on the viewer's left.
  back_of_head: [80, 4, 40, 48], back_of_neck: [90, 54, 20, 14],
  shoulder_blade_left: [78, 70, 22, 40], shoulder_blade_right: [100, 70, 22, 40],
  upper_back: [78, 112, 44, 30], lower_back: [78, 144, 44, 30], buttocks: [78, 176, 44, 30],
  calf_left: [79, 298, 19, 78], calf_right: [102, 298, 19, 78], heel_left: [80, 378, 18, 18], heel_right: [102, 378, 18, 18],
};

/** One side of the body map: every region a focusable toggle (`data-region`), the page script keeps the selection. */
export function bodyMapSvg(side: keyof typeof bodyRegions, label: string): string {
  const regions = bodyRegions[side]
    .map((region) => {
      const [x, y, width, height] = shapes[region];
      return `<rect data-region="${region}" role="checkbox" aria-checked="false" tabindex="0" x="${x}" y="${y}" width="${width}" height="${height}" rx="6"/>`;
    })
    .join("");
  return `<figure><figcaption>${label}</figcaption><svg data-side="${side}" viewBox="40 0 120 400" width="180" height="600" aria-label="${label}">${regions}</svg></figure>`;
}
