import { z } from "zod";

/** The messengers a patient can reach us through. Adding one means adding an adapter in bots/, nothing here. */
export const channelNames = ["telegram", "vk", "web", "max"] as const;
export const channelNameSchema = z.enum(channelNames);
export type ChannelName = z.infer<typeof channelNameSchema>;

/**
 * A button under a reply. `data` comes back as a `button` event; `url` opens a page; `webApp` opens a page
 * inside the messenger where it can (a Telegram Mini App; elsewhere a plain link); `requestContact` asks
 * the messenger to share the patient's own phone number (Telegram; elsewhere the adapter leaves it out).
 */
export const outgoingButtonSchema = z.union([
  z.object({ label: z.string().min(1), data: z.string().min(1).max(64) }),
  z.object({ label: z.string().min(1), url: z.url() }),
  z.object({ label: z.string().min(1), webApp: z.url() }),
  z.object({ label: z.string().min(1), requestContact: z.literal(true) }),
]);
export type OutgoingButton = z.infer<typeof outgoingButtonSchema>;

/** A file sent to the patient: the bytes are a StoredFile, read by the outbox worker when it sends. */
export const outgoingFileSchema = z.object({
  fileId: z.uuid(),
  kind: z.enum(["photo", "document"]),
  fileName: z.string().min(1),
  mimeType: z.string().min(1),
});
export type OutgoingFile = z.infer<typeof outgoingFileSchema>;

/**
 * A channel-neutral reply: text, optional buttons (rows), optional files sent after the text. `alarm` marks the
 * emergency instruction (call 103/112): the web widget shows it as an alarm with tappable numbers; messengers
 * send the text as it is (Telegram and VK buttons cannot open tel: links).
 */
export const outgoingMessageSchema = z.object({
  text: z.string().min(1).max(4096),
  alarm: z.literal("emergency").optional(),
  buttons: z.array(z.array(outgoingButtonSchema)).optional(),
  files: z.array(outgoingFileSchema).max(10).optional(),
  /** Clinical content (a doctor's reply, its files, an alert): in private mode only a notice reaches Telegram/VK (core/private-mode). */
  medical: z.boolean().optional(),
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
  /** A phone number the messenger vouches for; `own` when it is the sender's own (Telegram's contact button). */
  | { kind: "contact"; phone: string; own: boolean }
  /** A photo or document; the bytes are fetched only when the dialogue decides to keep it. */
  | { kind: "file"; file: IncomingFile; caption?: string }
  | { kind: "unsupported" };

export interface IncomingFile {
  kind: "photo" | "document";
  /** The name the patient's device gave it, if any (never trusted for the type). */
  fileName?: string;
  /** The size the messenger reports, if it does: lets oversized files be refused without downloading them. */
  declaredSize?: number;
  /** Downloads the bytes from the messenger; refuses (throws) past `maxBytes`. */
  download(maxBytes: number): Promise<Buffer>;
}

export interface IncomingEvent {
  /** Unique per platform delivery, used to process a redelivered update once (e.g. `telegram-<bot>-<update_id>`). */
  eventId: string;
  sender: Sender;
  content: IncomingContent;
}

/** What the outbox knows about a send: `idempotencyKey` is stable across retries of one outbox row. */
export interface SendContext {
  idempotencyKey: string;
}

/** A messenger adapter, implemented in bots/. */
export interface Channel {
  readonly name: ChannelName;
  send(chatId: string, message: OutgoingMessage, context?: SendContext): Promise<{ externalMessageId: string }>;
}

/** The bytes of a StoredFile for an outgoing message (injected into adapters: they never read storage themselves). */
export type OutgoingFileLoader = (fileId: string) => Promise<{ bytes: Buffer; fileName: string; mimeType: string }>;

/** An incoming file is larger than the caller accepts: refused before or while downloading. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file is larger than ${maxBytes} bytes`);
    this.name = "FileTooLargeError";
  }
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
