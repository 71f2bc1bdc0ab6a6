import type { OutgoingMessage } from "../channels/channel";
import type { MessageAttachment } from "../channels/attachment";
import { translator, type Language } from "../i18n";

/** Button data of a translation request: `so:tr:<file id>` (45 characters, within every messenger's limit). */
export const translateButtonData = (fileId: string) => `so:tr:${fileId}`;

/**
 * What a patient is told for a document sent to a second opinion: one message (Telegram spaces a chat's messages a
 * second apart), with the DICOM note or the offer of a translation. A scan is not text, so it is not offered one.
 */
export function secondOpinionReceipt(
  language: Language,
  progress: { number: number; count: number; max: number },
  attachment: MessageAttachment,
): OutgoingMessage[] {
  const t = translator(language, "second-opinion");
  const received = t("received", progress);
  if (attachment.kind === "dicom") return [{ text: `${received}\n${t("dicom_note")}` }];
  return [
    {
      text: `${received}\n${t("translate_offer")}`,
      buttons: [[{ label: t("translate_button"), data: translateButtonData(attachment.fileId) }]],
    },
  ];
}

/**
 * A second opinion lists the documents it reviewed, so the name the patient's device gave a file is kept (the
 * doctor and the interpreter read "MRT Befund.pdf", not a number): no path, no control characters, at most 100
 * characters, and the extension of the type the bytes proved, never the one the name claims.
 */
export function reviewedFileName(given: string | undefined, extension: string): string | undefined {
  const base = given
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/\.[^.]{1,8}$/, "")
    .trim()
    .slice(0, 100);
  return base ? `${base}.${extension}` : undefined;
}
