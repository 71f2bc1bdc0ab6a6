import { FileTooLargeError, type IncomingEvent } from "../../core/channels/channel";
import { textContent } from "../../core/channels/command-text";
import type { ParsedInbound } from "../../core/inbound/parsed-inbound";
import { webMessageSchema, type WebMessage } from "../../core/channels/web-message";

export const webEventId = (visitorId: string, id: string) => `web-${visitorId}-${id}`;

export function parseWebMessage(message: WebMessage): ParsedInbound {
  return { kind: "event", id: webEventId(message.visitorId, message.id), chatKey: `web:${message.visitorId}` };
}

/** The stored upload of a widget message, if it has one (removed once the dialogue has handled it). */
export const webUploadOf = (payload: unknown): string | undefined => {
  const message = webMessageSchema.safeParse(payload);
  return message.success && "upload" in message.data ? message.data.upload.fileId : undefined;
};

/** A stored widget message as the channel-neutral event; throws when malformed. `readUpload` reads an upload's bytes. */
export function webToIncomingEvent(payload: unknown, readUpload: (fileId: string) => Promise<Buffer>): IncomingEvent {
  const message = webMessageSchema.parse(payload);
  const content = (): IncomingEvent["content"] => {
    if ("text" in message) return textContent(message.text);
    if ("button" in message) return { kind: "button", data: message.button };
    const { fileId, name, size } = message.upload;
    const download = async (maxBytes: number) => {
      if (size > maxBytes) throw new FileTooLargeError(maxBytes);
      return readUpload(fileId);
    };
    return { kind: "file", file: { kind: "document", fileName: name, declaredSize: size, download } };
  };
  return {
    eventId: webEventId(message.visitorId, message.id),
    sender: { channel: "web", externalUserId: message.visitorId, chatId: message.visitorId, languageCode: message.language },
    content: content(),
  };
}
