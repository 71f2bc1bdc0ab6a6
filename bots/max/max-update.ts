import { z } from "zod";
import type { IncomingContent, IncomingEvent, IncomingFile } from "../../core/channels/channel";
import { textContent } from "../../core/channels/command-text";
import { downloadLimited } from "../../core/channels/download-limited";
import type { ParsedInbound } from "../../core/inbound/parsed-inbound";

/** The updates the bot subscribes to (webhook and long polling alike). */
export const maxUpdateTypes = ["message_created", "message_callback", "bot_started"] as const;

/** Every MAX update (the `Update` object): its type and time; the rest depends on the type. */
export const maxUpdateSchema = z.object({ update_type: z.string().min(1), timestamp: z.number() }).loose();

const userSchema = z.object({ user_id: z.number().int() }).loose();
/** MAX reports the user's interface language as a locale such as `ru` or `en-US` (core/i18n matches the base). */
const localeSchema = z.string().max(35).nullish();

const attachmentSchema = z.union([
  z.object({ type: z.literal("image"), payload: z.object({ url: z.url() }).loose() }).loose(),
  z.object({ type: z.literal("file"), payload: z.object({ url: z.url() }).loose(), filename: z.string().optional(), size: z.number().optional() }).loose(),
  z.object({ type: z.string() }).loose(),
]);

const messageSchema = z
  .object({
    sender: userSchema,
    recipient: z.object({ chat_id: z.number().int(), chat_type: z.string() }).loose(),
    body: z
      .object({
        mid: z.string().min(1).max(200),
        text: z.string().nullish(),
        attachments: z.array(attachmentSchema).nullish(),
      })
      .loose(),
  })
  .loose();

const messageCreatedSchema = z.object({ message: messageSchema, user_locale: localeSchema }).loose();
const messageCallbackSchema = z
  .object({
    callback: z.object({ callback_id: z.string().min(1).max(200), payload: z.string().optional(), user: userSchema }).loose(),
    // The message that carried the button: where the reply goes.
    message: z.object({ recipient: z.object({ chat_id: z.number().int(), chat_type: z.string() }).loose() }).loose(),
    user_locale: localeSchema,
  })
  .loose();
const botStartedSchema = z.object({ chat_id: z.number().int(), user: userSchema, payload: z.string().nullish(), user_locale: localeSchema }).loose();

/** BullMQ job ids (our event ids) may not contain ":"; MAX's ids are opaque strings. */
const idPart = (value: string) => value.replace(/[^\w.-]/g, "_");

interface Decoded {
  eventId: string;
  userId: number;
  chatId: number;
  chatType: string;
  locale?: string | null;
  content: () => IncomingContent;
}

function fileOf(attachment: z.infer<typeof attachmentSchema>): IncomingFile | undefined {
  if (attachment.type === "image" && "payload" in attachment) {
    const { url } = z.object({ url: z.url() }).parse(attachment.payload);
    return { kind: "photo", download: (maxBytes) => downloadLimited(url, maxBytes) };
  }
  if (attachment.type === "file" && "payload" in attachment) {
    const file = z.object({ payload: z.object({ url: z.url() }), filename: z.string().optional(), size: z.number().optional() }).parse(attachment);
    return { kind: "document", fileName: file.filename, declaredSize: file.size, download: (maxBytes) => downloadLimited(file.payload.url, maxBytes) };
  }
  return undefined;
}

function messageContent(body: z.infer<typeof messageSchema>["body"]): IncomingContent {
  const file = (body.attachments ?? []).map(fileOf).find((f) => f !== undefined);
  if (file) return { kind: "file", file, caption: body.text || undefined };
  if (body.text) return textContent(body.text);
  return { kind: "unsupported" };
}

/** Throws (a zod error) when an update we handle has the wrong shape; undefined for the types we do not handle. */
function decode(payload: unknown): Decoded | undefined {
  const update = maxUpdateSchema.parse(payload);
  switch (update.update_type) {
    case "message_created": {
      const { message, user_locale } = messageCreatedSchema.parse(update);
      return {
        eventId: `max-${idPart(message.body.mid)}`,
        userId: message.sender.user_id,
        chatId: message.recipient.chat_id,
        chatType: message.recipient.chat_type,
        locale: user_locale,
        content: () => messageContent(message.body),
      };
    }
    case "message_callback": {
      const { callback, message, user_locale } = messageCallbackSchema.parse(update);
      return {
        eventId: `max-cb-${idPart(callback.callback_id)}`,
        userId: callback.user.user_id,
        chatId: message.recipient.chat_id,
        chatType: message.recipient.chat_type,
        locale: user_locale,
        // Our buttons carry the dialogue's button data as the callback payload, unchanged.
        content: () => (callback.payload ? { kind: "button", data: callback.payload } : { kind: "unsupported" }),
      };
    }
    case "bot_started": {
      const started = botStartedSchema.parse(update);
      // The "Start" button has no id of its own: the chat and the moment name it.
      return {
        eventId: `max-start-${started.chat_id}-${update.timestamp}`,
        userId: started.user.user_id,
        chatId: started.chat_id,
        chatType: "dialog",
        locale: started.user_locale,
        content: () => ({ kind: "command", command: "start", args: started.payload ?? "" }),
      };
    }
    default:
      return undefined;
  }
}

/** What the webhook route (and the long poll) does with a verified update: its row key and chat, or why it is not kept. */
export function parseMaxUpdate(payload: unknown): ParsedInbound {
  let decoded: Decoded | undefined;
  try {
    decoded = decode(payload);
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    const issue = error.issues[0]!;
    return { kind: "malformed", reason: `${issue.path.join(".") || "update"}: ${issue.message}` };
  }
  // Group chats and channels are not a patient's private dialogue.
  if (!decoded || decoded.chatType !== "dialog") return { kind: "ignored" };
  return { kind: "event", id: decoded.eventId, chatKey: `max:${decoded.chatId}` };
}

/** A stored update as the channel-neutral event; undefined for updates we do not handle; throws when malformed. */
export function maxToIncomingEvent(payload: unknown): IncomingEvent | undefined {
  const decoded = decode(payload);
  if (!decoded || decoded.chatType !== "dialog") return undefined;
  return {
    eventId: decoded.eventId,
    sender: {
      channel: "max",
      externalUserId: String(decoded.userId),
      chatId: String(decoded.chatId),
      languageCode: decoded.locale ?? undefined,
    },
    content: decoded.content(),
  };
}
