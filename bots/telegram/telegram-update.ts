import type { Message } from "grammy/types";
import { z } from "zod";
import type { IncomingContent } from "../../core/channels/channel";
import { textContent } from "../../core/channels/command-text";
import type { ParsedInbound } from "../../core/inbound/parsed-inbound";

/** The part of a Telegram Update we read; the rest is kept as it came. */
const chatSchema = z.object({ id: z.number().int() }).loose();
const userSchema = z.object({ id: z.number().int(), language_code: z.string().optional() }).loose();
const messageSchema = z
  .object({
    message_id: z.number().int(),
    chat: chatSchema,
    from: userSchema.optional(),
    text: z.string().optional(),
    caption: z.string().optional(),
    contact: z.object({ phone_number: z.string(), user_id: z.number().int().optional() }).loose().optional(),
    photo: z.array(z.object({ file_id: z.string(), file_size: z.number().optional() }).loose()).optional(),
    document: z.object({ file_id: z.string() }).loose().optional(),
  })
  .loose();
export const telegramUpdateSchema = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: messageSchema.optional(),
    callback_query: z
      .object({ id: z.string(), from: userSchema, data: z.string().optional(), message: z.object({ chat: chatSchema }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();
export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;

/** The update's patient and chat, or undefined for updates we do not handle (channel posts, a game's button). */
function senderOf(update: TelegramUpdate) {
  const query = update.callback_query;
  if (query?.data !== undefined) return { from: query.from, chatId: query.message?.chat.id ?? query.from.id };
  if (update.message?.from) return { from: update.message.from, chatId: update.message.chat.id };
  return undefined;
}

/** What the webhook (and the long poll) does with a verified update: its row key and chat, or why it is not kept. */
export function parseTelegramUpdate(raw: unknown, botId: string): ParsedInbound {
  const parsed = telegramUpdateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: "malformed", reason: `${issue.path.join(".") || "body"}: ${issue.message}` };
  }
  const sender = senderOf(parsed.data);
  if (!sender) return { kind: "ignored" };
  return { kind: "event", id: `telegram-${botId}-${parsed.data.update_id}`, chatKey: `telegram:${sender.chatId}` };
}

/** The channel-neutral parts of a stored update; `file` builds the download of a photo or document. */
export function telegramContent(
  update: TelegramUpdate,
  file: (message: Message) => IncomingContent | undefined,
): { sender: { userId: number; chatId: number; languageCode?: string }; content: IncomingContent } | undefined {
  const who = senderOf(update);
  if (!who) return undefined;
  const sender = { userId: who.from.id, chatId: who.chatId, languageCode: who.from.language_code };
  if (update.callback_query?.data !== undefined) return { sender, content: { kind: "button", data: update.callback_query.data } };
  const message = update.message!;
  if (message.text !== undefined) return { sender, content: textContent(message.text) };
  if (message.contact) {
    return { sender, content: { kind: "contact", phone: message.contact.phone_number, own: message.contact.user_id === who.from.id } };
  }
  return { sender, content: file(message as unknown as Message) ?? { kind: "unsupported" } };
}
