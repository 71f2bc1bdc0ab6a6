import { z } from "zod";
import type { IncomingEvent } from "../../core/channels/channel";
import { textContent } from "../../core/channels/command-text";
import type { ParsedInbound } from "../../core/inbound/inbound-store";

/** A widget message as stored in the inbound table: the visitor (already verified by their token) and what they sent. */
export const webMessageSchema = z.union([
  z.object({ visitorId: z.string().regex(/^[0-9a-f-]{36}$/), id: z.uuid(), language: z.string().max(16).optional(), text: z.string().min(1).max(4000) }),
  z.object({ visitorId: z.string().regex(/^[0-9a-f-]{36}$/), id: z.uuid(), language: z.string().max(16).optional(), button: z.string().min(1).max(64) }),
]);
export type WebMessage = z.infer<typeof webMessageSchema>;

export const webEventId = (visitorId: string, id: string) => `web-${visitorId}-${id}`;

export function parseWebMessage(message: WebMessage): ParsedInbound {
  return { kind: "event", id: webEventId(message.visitorId, message.id), chatKey: `web:${message.visitorId}` };
}

/** A stored widget message as the channel-neutral event; throws when malformed. */
export function webToIncomingEvent(payload: unknown): IncomingEvent {
  const message = webMessageSchema.parse(payload);
  return {
    eventId: webEventId(message.visitorId, message.id),
    sender: { channel: "web", externalUserId: message.visitorId, chatId: message.visitorId, languageCode: message.language },
    content: "text" in message ? textContent(message.text) : { kind: "button", data: message.button },
  };
}
