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
