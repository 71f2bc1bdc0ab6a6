import type { TFunction } from "i18next";
import type { OutgoingMessage } from "../channels/channel";

/** What a patient is told when their text went to a consultation: a new one opened, or added to the open one. */
export function acceptedReply(t: TFunction, accepted: { consultationNumber: number; opened: boolean }): OutgoingMessage {
  const key = accepted.opened ? "consultation.created" : "consultation.message_added";
  return { text: t(key, { number: accepted.consultationNumber }) };
}
