import { Bot, type Api, type Context } from "grammy";
import type { IncomingContent, IncomingEvent, OutgoingFileLoader } from "../../core/channels/channel";
import { textContent } from "../../core/channels/command-text";
import { telegramFile } from "./telegram-files";
import { TelegramChannel } from "./telegram-channel";

export interface TelegramAdapterOptions {
  token: string;
  apiRoot: string;
  /** The channel-neutral handler (the dialogue); throws when the update must be redelivered. */
  onEvent: (event: IncomingEvent) => Promise<unknown>;
  onError?: (error: unknown) => void;
  /** Reads the StoredFiles a reply carries (sendPhoto/sendDocument). */
  loadFile?: OutgoingFileLoader;
}

/** Translates a Telegram update into the channel-neutral event; undefined for updates we do not handle. */
function toContent(ctx: Context, api: Api, fileUrl: (path: string) => string): IncomingContent | undefined {
  if (ctx.callbackQuery?.data !== undefined) return { kind: "button", data: ctx.callbackQuery.data };
  const message = ctx.message;
  if (!message) return undefined;
  if (message.text !== undefined) return textContent(message.text);
  if (message.contact) {
    return { kind: "contact", phone: message.contact.phone_number, own: message.contact.user_id === ctx.from?.id };
  }
  const file = telegramFile(message, api, fileUrl);
  if (file) return { kind: "file", file, caption: message.caption };
  return { kind: "unsupported" };
}

/**
 * The Telegram adapter: grammY parses updates (webhook or long polling) and sends messages.
 * It holds no domain logic and no database access.
 */
export function createTelegramAdapter(options: TelegramAdapterOptions) {
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  // The numeric bot id is the token's prefix; it scopes update ids, which are unique per bot only.
  const botId = options.token.split(":")[0];

  bot.on(["message", "callback_query:data"], async (ctx) => {
    const content = toContent(ctx, bot.api, (path) => `${options.apiRoot}/file/bot${options.token}/${path}`);
    const from = ctx.from;
    const chat = ctx.chat;
    if (!content || !from || !chat) return;
    if (ctx.callbackQuery) {
      // Only stops the button's spinner: not worth blocking the update on, nor retrying.
      ctx.answerCallbackQuery().catch((error) => options.onError?.(error));
    }
    await options.onEvent({
      eventId: `telegram-${botId}-${ctx.update.update_id}`,
      sender: {
        channel: "telegram",
        externalUserId: String(from.id),
        chatId: String(chat.id),
        languageCode: from.language_code,
      },
      content,
    });
  });

  // Used by long polling only; in webhook mode handleUpdate throws, the api answers 500 and Telegram redelivers.
  bot.catch((error) => options.onError?.(error.error));

  return {
    channel: new TelegramChannel(bot.api, options.loadFile),
    async handleUpdate(update: unknown) {
      if (!bot.isInited()) await bot.init();
      await bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]);
    },
    async setWebhook(url: string, secretToken: string) {
      await bot.api.setWebhook(url, { secret_token: secretToken, allowed_updates: ["message", "callback_query"] });
    },
    /** Long polling for a developer laptop without a public URL. */
    startPolling() {
      void bot.start({ allowed_updates: ["message", "callback_query"], drop_pending_updates: false });
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
    },
  };
}

export type TelegramAdapter = ReturnType<typeof createTelegramAdapter>;
