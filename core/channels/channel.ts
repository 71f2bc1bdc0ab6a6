import { z } from "zod";

/** The messengers a patient can reach us through. Adding one means adding an adapter in bots/, nothing here. */
export const channelNames = ["telegram"] as const;
export const channelNameSchema = z.enum(channelNames);
export type ChannelName = z.infer<typeof channelNameSchema>;

/** A channel-neutral reply. Buttons carry opaque `data` that comes back as a `button` event. */
export const outgoingMessageSchema = z.object({
  text: z.string().min(1).max(4096),
  buttons: z.array(z.array(z.object({ label: z.string().min(1), data: z.string().min(1).max(64) }))).optional(),
});
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;

/** Who wrote and where to answer, the same for every messenger. */
export interface Sender {
  channel: ChannelName;
  /** The platform's user id: one MessengerAccount per (channel, externalUserId). */
  externalUserId: string;
  /** Where replies go (a chat, a peer). */
  chatId: string;
  /** The language the messenger reports for the user, if any (e.g. Telegram's language_code). */
  languageCode?: string;
}

export type IncomingContent =
  | { kind: "command"; command: string; args: string }
  | { kind: "text"; text: string }
  | { kind: "button"; data: string }
  | { kind: "unsupported" };

export interface IncomingEvent {
  /** Unique per platform delivery, used to process a redelivered update once (e.g. `telegram-<bot>-<update_id>`). */
  eventId: string;
  sender: Sender;
  content: IncomingContent;
}

/** A messenger adapter, implemented in bots/. */
export interface Channel {
  readonly name: ChannelName;
  send(chatId: string, message: OutgoingMessage): Promise<{ externalMessageId: string }>;
}

/**
 * What can go wrong when sending, in channel-neutral terms, so the outbox knows whether to wait, retry or stop.
 * `unreachable` is a domain fact (the patient blocked the bot or deleted the chat), not a crash.
 */
export class ChannelSendError extends Error {
  constructor(
    readonly reason: "rate_limited" | "unreachable" | "rejected" | "transient",
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ChannelSendError";
  }
}
