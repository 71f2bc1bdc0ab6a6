import { Bot } from "grammy";
import type { IncomingEvent, OutgoingFileLoader } from "../../core/channels/channel";
import { telegramFile } from "./telegram-files";
import { TelegramChannel } from "./telegram-channel";
import { telegramContent, telegramUpdateSchema } from "./telegram-update";

export interface TelegramAdapterOptions {
  token: string;
  apiRoot: string;
  onError?: (error: unknown) => void;
  /** Reads the StoredFiles a reply carries (sendPhoto/sendDocument). */
  loadFile?: OutgoingFileLoader;
}

const POLL_STORE_RETRY_MS = 1000;

/**
 * The Telegram adapter: sends messages, turns a stored update into the channel-neutral event, and runs long
 * polling. Updates come in through core/inbound (the webhook route or `startPolling`), never straight to the dialogue.
 */
export function createTelegramAdapter(options: TelegramAdapterOptions) {
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  // The numeric bot id is the token's prefix; it scopes update ids, which are unique per bot only.
  const botId = options.token.split(":")[0]!;
  const fileUrl = (path: string) => `${options.apiRoot}/file/bot${options.token}/${path}`;

  return {
    channel: new TelegramChannel(bot.api, options.loadFile),
    botId,
    /** A stored update as the channel-neutral event (undefined when not ours to handle); throws when malformed. */
    toEvent(payload: unknown): IncomingEvent | undefined {
      const update = telegramUpdateSchema.parse(payload);
      const parts = telegramContent(update, (message) => {
        const file = telegramFile(message, bot.api, fileUrl);
        return file && { kind: "file", file, caption: message.caption };
      });
      if (!parts) return undefined;
      if (update.callback_query) {
        // Only stops the button's spinner: not worth holding the event for, nor retrying.
        bot.api.answerCallbackQuery(update.callback_query.id).catch((error) => options.onError?.(error));
      }
      return {
        eventId: `telegram-${botId}-${update.update_id}`,
        sender: {
          channel: "telegram",
          externalUserId: String(parts.sender.userId),
          chatId: String(parts.sender.chatId),
          languageCode: parts.sender.languageCode,
        },
        content: parts.content,
      };
    },
    async setWebhook(url: string, secretToken: string) {
      await bot.api.setWebhook(url, { secret_token: secretToken, allowed_updates: ["message", "callback_query"] });
    },
    /**
     * Long polling for a developer laptop without a public URL. grammY confirms an update to Telegram once
     * the handler returns, so the handler keeps trying until the update is stored.
     */
    startPolling(store: (update: unknown) => Promise<void>) {
      bot.use(async (ctx) => {
        for (;;) {
          try {
            return await store(ctx.update);
          } catch (error) {
            options.onError?.(error);
            await new Promise((resolve) => setTimeout(resolve, POLL_STORE_RETRY_MS));
          }
        }
      });
      bot.catch((error) => options.onError?.(error.error));
      void bot.start({ allowed_updates: ["message", "callback_query"], drop_pending_updates: false });
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
    },
  };
}

export type TelegramAdapter = ReturnType<typeof createTelegramAdapter>;
