import type { TFunction } from "i18next";
import { formatDateTime } from "../dialogue/format-date";
import { patientTimezones } from "../dialogue/timezone";
import type { Language } from "../i18n";
import type { Uncovered } from "./duty-now";

/** What the patient is offered instead: a written question, the video choices, or (urgent) the first free doctor. */
export type UncoveredOffer = "written" | "video" | "urgent_written" | "urgent_video";

/**
 * The honest answer when no doctor who speaks the patient's language is on duty (`t` in the `bot` namespace):
 * says so, says when the next such shift begins in the patient's own zone, named (Moscow, the default zone, with a
 * pointer to /timezone, since a default is not a choice), and what happens now. One message, in paragraphs.
 */
export function uncoveredText(t: TFunction, duty: Uncovered, offer: UncoveredOffer, patient: { timezone: string; language: Language }): string {
  const paragraphs = [t("duty.none_now")];
  if (offer === "urgent_written") return [...paragraphs, t("duty.urgent_written")].join("\n\n");
  if (offer === "urgent_video") return [...paragraphs, t(duty.interpreterOnDuty ? "duty.urgent_video_interpreter" : "duty.urgent_video")].join("\n\n");
  if (duty.withInterpreter) paragraphs.push(t("duty.interpreter_now"));
  const city = Object.entries(patientTimezones).find(([, zone]) => zone === patient.timezone)?.[0];
  if (duty.nextShift) {
    const when = formatDateTime(duty.nextShift, patient.timezone, patient.language);
    const moscow = patient.timezone === patientTimezones.moscow;
    paragraphs.push(moscow ? t("duty.next_shift_moscow", { when }) : t("duty.next_shift", { when, zone: city ? t(`timezone.city.${city}`) : patient.timezone }));
    paragraphs.push(t(offer === "written" ? "duty.written" : "duty.video_choice"));
  } else {
    paragraphs.push(t("duty.no_shift"), t(offer === "written" ? "duty.written_no_shift" : "duty.video_choice_no_shift"));
  }
  return paragraphs.join("\n\n");
}
