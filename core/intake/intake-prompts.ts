import type { TFunction } from "i18next";
import type { OutgoingButton, OutgoingMessage } from "../channels/channel";
import { durations, regionGroups, type RegionGroup } from "./exam-fallback";
import type { ConsultationFormat } from "./intake-consultations";
import { complaintAreas, type Question } from "./questionnaire";

/** The intake's messages and their buttons (`intake:<action>:…`, read back by IntakeFlow.buttons). */

export const emergency = (t: TFunction): OutgoingMessage => ({ text: t("intake.emergency"), alarm: "emergency" });
/** A red flag that needs a doctor today, not an ambulance: the consultation goes first in the queue. */
export const urgent = (t: TFunction): OutgoingMessage => ({ text: t("intake.urgent") });

export function askArea(t: TFunction): OutgoingMessage {
  const buttons = complaintAreas.map((area) => ({ label: t(`intake.area.${area}`), data: `intake:area:${area}` }));
  return { text: t("intake.area.ask"), buttons: rows(buttons, 2) };
}

/** `index` ties an answer button to its question, so a press under an older question is not taken for this one. */
export function askQuestion(question: Question, index: number, t: TFunction): OutgoingMessage {
  const text = t(`intake.q.${question.id}.text`);
  const skip = [{ label: t("intake.answer.skip"), data: "intake:skipq" }];
  switch (question.type) {
    case "yes_no":
      return { text, buttons: [[{ label: t("intake.answer.yes"), data: `intake:ans:${index}:yes` }, { label: t("intake.answer.no"), data: `intake:ans:${index}:no` }], skip] };
    case "choice":
      return { text, buttons: [...question.options.map((o) => [{ label: t(`intake.q.${question.id}.options.${o}`), data: `intake:ans:${index}:${o}` }]), skip] };
    case "number":
    case "text":
      return { text, buttons: [skip] };
  }
}

/** The body map (when the api serves it), the in-chat fallback, or skip. */
export function askExam(page: OutgoingButton[][], t: TFunction): OutgoingMessage {
  return {
    text: t("intake.exam.ask"),
    buttons: [...page, [{ label: t("intake.exam.chat"), data: "intake:exam:chat" }], [{ label: t("intake.exam.skip"), data: "intake:exam:skip" }]],
  };
}

export function askRegionGroup(t: TFunction): OutgoingMessage {
  const groups = Object.keys(regionGroups).map((group) => ({ label: t(`intake.exam.group.${group}`), data: `intake:sev:${group}` }));
  return { text: t("intake.exam.region_ask"), buttons: rows(groups, 2) };
}

export function askSeverity(group: RegionGroup, t: TFunction): OutgoingMessage {
  const scale = Array.from({ length: 10 }, (_, i) => ({ label: String(i + 1), data: `intake:sev:${group}:${i + 1}` }));
  return { text: t("intake.exam.severity_ask"), buttons: rows(scale, 5) };
}

export function askDuration(group: RegionGroup, severity: number, t: TFunction): OutgoingMessage {
  const choices = durations.map((d) => ({ label: t(`intake.exam.duration.${d}`), data: `intake:dur:${group}:${severity}:${d}` }));
  return { text: t("intake.exam.duration_ask"), buttons: rows(choices, 1) };
}

export function askFormat(formats: ConsultationFormat[], t: TFunction): OutgoingMessage {
  return { text: t("intake.format.ask"), buttons: formats.map((f) => [{ label: t(`intake.format.${f}`), data: `intake:fmt:${f}` }]) };
}

function rows<T>(items: T[], perRow: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += perRow) result.push(items.slice(i, i + perRow));
  return result;
}
