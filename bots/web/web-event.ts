import { z } from "zod";
import { FileTooLargeError, type IncomingEvent } from "../../core/channels/channel";
import { textContent } from "../../core/channels/command-text";
import type { ParsedInbound } from "../../core/inbound/inbound-store";

/** A widget message as stored in the inbound table: the visitor (already verified by their token) and what they sent. */
export const webMessageSchema = z.union([
  z.object({ visitorId: z.string().regex(/^[0-9a-f-]{36}$/), id: z.uuid(), language: z.string().max(16).optional(), text: z.string().min(1).max(4000) }),
  z.object({ visitorId: z.string().regex(/^[0-9a-f-]{36}$/), id: z.uuid(), language: z.string().max(16).optional(), button: z.string().min(1).max(64) }),
  // An upload: its bytes wait in the encrypted file store (core/files), only their id is in the inbound row.
  z.object({
    visitorId: z.string().regex(/^[0-9a-f-]{36}$/),
    id: z.uuid(),
    language: z.string().max(16).optional(),
    upload: z.object({ fileId: z.uuid(), name: z.string().max(200).optional(), size: z.number().int().min(0) }),
  }),
]);
export type WebMessage = z.infer<typeof webMessageSchema>;

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
