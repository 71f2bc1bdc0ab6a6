import { setTimeout as sleep } from "node:timers/promises";
import { Bot } from "@maxhub/max-bot-api";
import type { OutgoingFileLoader } from "../../core/channels/channel";
import { MaxChannel } from "./max-channel";
import { maxUpdateTypes } from "./max-update";

export interface MaxAdapterOptions {
  token: string;
  /** MAX's API host, or a local stand-in in tests. */
  apiUrl: string;
  loadFile?: OutgoingFileLoader;
  onError?: (error: unknown) => void;
}

const POLL_TIMEOUT_SECONDS = 30;
const RETRY_MS = 3000;

/**
 * The MAX adapter: `@maxhub/max-bot-api` for the API. Updates do not go through the package's own dispatcher
 * or webhook server: the api route and the long poll hand raw updates to `store` (core/inbound), and the
 * inbound worker decodes them with bots/max/max-update.ts.
 */
export function createMaxAdapter(options: MaxAdapterOptions) {
  // Only the Bot's api client is used; the Bot itself is never started.
  const { api } = new Bot(options.token, { clientOptions: { baseUrl: options.apiUrl } });
  let polling: AbortController | undefined;
  const pause = (signal: AbortSignal) => sleep(RETRY_MS, undefined, { signal }).catch(() => undefined);

  return {
    channel: new MaxChannel(api, options.loadFile),

    /** Webhook delivery (production): MAX sends `secret` back in X-Max-Bot-Api-Secret with every update. */
    async subscribe(url: string, secret: string) {
      const answer = await api.subscribe(url, secret, [...maxUpdateTypes]);
      if (!answer.success) throw new Error(`MAX refused the webhook subscription: ${answer.message}`);
    },

    /**
     * Long polling (GET /updates) for a laptop without a public URL; MAX limits it and refuses it while a
     * webhook subscription exists. The marker moves on only after every update of a batch is stored.
     */
    startPolling(store: (update: unknown) => Promise<void>) {
      polling = new AbortController();
      const signal = polling.signal;
      void (async () => {
        let marker: number | undefined;
        while (!signal.aborted) {
          try {
            const batch = await api.getUpdates([...maxUpdateTypes], { marker, timeout: POLL_TIMEOUT_SECONDS, signal });
            for (const update of batch.updates) {
              for (;;) {
                try {
                  await store(update);
                  break;
                } catch (error) {
                  if (signal.aborted) return;
                  options.onError?.(error);
                  await pause(signal);
                }
              }
            }
            marker = batch.marker ?? marker;
          } catch (error) {
            if (signal.aborted) return;
            options.onError?.(error);
            await pause(signal);
          }
        }
      })();
    },
    stop() {
      polling?.abort();
    },
  };
}

export type MaxAdapter = ReturnType<typeof createMaxAdapter>;
