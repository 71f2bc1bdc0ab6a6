import { bodyRegions, type BodyRegion } from "../../core/exam/exam-result";
import { useT } from "./i18n";

type Box = [x: number, y: number, w: number, h: number];

// Front view: the patient faces the doctor, so the patient's right is on the viewer's left.
const front: Record<(typeof bodyRegions.front)[number], Box> = {
  head: [46, 4, 28, 14],
  face: [48, 18, 24, 16],
  neck: [52, 34, 16, 10],
  shoulder_right: [24, 44, 18, 14],
  shoulder_left: [78, 44, 18, 14],
  chest_right: [42, 44, 18, 28],
  chest_left: [60, 44, 18, 28],
  upper_abdomen: [42, 72, 36, 20],
  lower_abdomen: [42, 92, 36, 20],
  pelvis: [42, 112, 36, 18],
  arm_right: [22, 58, 16, 60],
  arm_left: [82, 58, 16, 60],
  hand_right: [20, 118, 18, 18],
  hand_left: [82, 118, 18, 18],
  thigh_right: [42, 130, 17, 44],
  thigh_left: [61, 130, 17, 44],
  knee_right: [42, 174, 17, 14],
  knee_left: [61, 174, 17, 14],
  shin_right: [42, 188, 17, 44],
  shin_left: [61, 188, 17, 44],
  foot_right: [38, 232, 21, 12],
  foot_left: [61, 232, 21, 12],
};

// Back view: the patient's left is on the viewer's left.
const back: Record<(typeof bodyRegions.back)[number], Box> = {
  back_of_head: [46, 4, 28, 30],
  back_of_neck: [52, 34, 16, 10],
  shoulder_blade_left: [42, 44, 18, 24],
  shoulder_blade_right: [60, 44, 18, 24],
  upper_back: [42, 68, 36, 24],
  lower_back: [42, 92, 36, 20],
  buttocks: [42, 112, 36, 24],
  calf_left: [42, 176, 17, 50],
  calf_right: [61, 176, 17, 50],
  heel_left: [42, 226, 17, 14],
  heel_right: [61, 226, 17, 14],
};

// Parts of the back view that are not regions of their own, drawn only for the silhouette.
const backSilhouette: Box[] = [
  [24, 44, 18, 14], [78, 44, 18, 14], [22, 58, 16, 60], [82, 58, 16, 60], [20, 118, 18, 18], [82, 118, 18, 18],
  [42, 136, 17, 40], [61, 136, 17, 40],
];

function Part({ id, box, marked, label }: { id?: string; box: Box; marked: boolean; label?: string }) {
  const [x, y, w, h] = box;
  return (
    <rect x={x} y={y} width={w} height={h} rx={5} className={marked ? "region marked" : id ? "region" : "silhouette"} data-region={id}>
      {label && <title>{label}</title>}
    </rect>
  );
}

/** The patient's marks from the digital examination, on a front and a back figure. */
export function BodyMap({ regions }: { regions: string[] }) {
  const { t } = useT();
  const marked = new Set(regions as BodyRegion[]);
  return (
    <svg viewBox="0 0 260 270" className="body-map" role="img" aria-label={t("thread.bodyMap")} data-testid="body-map">
      <g>
        <text x={60} y={262} textAnchor="middle" className="caption">
          {t("thread.front")}
        </text>
        {Object.entries(front).map(([id, box]) => (
          <Part key={id} id={id} box={box} marked={marked.has(id as BodyRegion)} label={t(`region.${id}`)} />
        ))}
      </g>
      <g transform="translate(140 0)">
        <text x={60} y={262} textAnchor="middle" className="caption">
          {t("thread.back")}
        </text>
        {backSilhouette.map((box, i) => (
          <Part key={i} box={box} marked={false} />
        ))}
        {Object.entries(back).map(([id, box]) => (
          <Part key={id} id={id} box={box} marked={marked.has(id as BodyRegion)} label={t(`region.${id}`)} />
        ))}
      </g>
    </svg>
  );
}
