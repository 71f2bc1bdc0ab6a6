import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent, globalAgent } from "node:https";
import { VK } from "vk-io";
import type { OutgoingFileLoader } from "../../core/channels/channel";
import { vkEnvelopeSchema, type VkEnvelope } from "../../core/channels/vk-envelope";
import { VkChannel } from "./vk-channel";

export interface VkAdapterOptions {
  token: string;
  groupId: number;
  /** vk-io's apiBaseUrl: VK itself, or a local stand-in in tests. */
  apiRoot: string;
  loadFile?: OutgoingFileLoader;
  onError?: (error: unknown) => void;
}

const httpAgent = new HttpAgent({ keepAlive: true });

/**
 * The VK adapter: vk-io for the API and uploads. Incoming events do not go through vk-io's own callback
 * handler (it answers `ok` before handling, losing the event on a crash): the api route and the long poll
 * loop hand raw events to `onEnvelope`, which stores and queues them.
 */
export function createVkAdapter(options: VkAdapterOptions) {
  const vk = new VK({
    token: options.token,
    apiBaseUrl: options.apiRoot,
    // node-fetch takes an agent per URL: the stand-in speaks plain http.
    agent: ((url: URL) => (url.protocol === "http:" ? httpAgent : globalAgent)) as unknown as HttpsAgent,
    // The outbox and its Redis limiter pace and retry sends (about 20 requests/s for a community token).
    apiLimit: 20,
    apiRetryLimit: 0,
  });
  let polling: AbortController | undefined;

  return {
    groupId: options.groupId,
    channel: new VkChannel(vk, options.loadFile),

    /** Bots Long Poll for development without a public URL: the same events as the Callback API. */
    startLongPoll(onEnvelope: (envelope: VkEnvelope) => Promise<unknown>) {
      polling = new AbortController();
      const signal = polling.signal;
      void (async () => {
        let server: { key: string; server: string; ts: string } | undefined;
        while (!signal.aborted) {
          try {
            server ??= (await vk.api.groups.getLongPollServer({ group_id: options.groupId })) as { key: string; server: string; ts: string };
            const url = `${server.server}?act=a_check&key=${encodeURIComponent(server.key)}&ts=${encodeURIComponent(server.ts)}&wait=25`;
            const answer = (await (await fetch(url, { signal })).json()) as { ts?: string; updates?: unknown[]; failed?: number };
            if (answer.failed === 1 && answer.ts) server.ts = answer.ts;
            else if (answer.failed) server = undefined;
            else {
              for (const update of answer.updates ?? []) {
                const envelope = vkEnvelopeSchema.safeParse(update);
                if (envelope.success) await onEnvelope(envelope.data);
              }
              if (answer.ts) server.ts = answer.ts;
            }
          } catch (error) {
            if (signal.aborted) return;
            options.onError?.(error);
            await new Promise((resolve) => setTimeout(resolve, 3000));
          }
        }
      })();
    },
    stop() {
      polling?.abort();
    },
  };
}

export type VkAdapter = ReturnType<typeof createVkAdapter>;
