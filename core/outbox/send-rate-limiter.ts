import type { Redis } from "ioredis";

/** Per messenger: messages per second for the whole bot/group, and the gap between two messages to one chat. */
export interface ChannelRate {
  perSecond: number;
  chatIntervalMs: number;
}

export type SlotDecision =
  /** Send after `waitMs` (a slot is reserved for it: all processes share the same schedule). */
  | { kind: "send"; waitMs: number }
  /** This chat had a message too recently: try again in `waitMs`. */
  | { kind: "chat_busy"; waitMs: number }
  /** The channel is paused (a 429 told us to wait) or booked too far ahead: try again in `waitMs`. */
  | { kind: "channel_busy"; waitMs: number };

/**
 * Reserves sending slots in Redis with GCRA ("theoretical arrival time") so that every worker process on every
 * machine shares one schedule per channel and per chat. Redis' own clock is used so process clocks may differ.
 * KEYS: channel tat, chat tat. ARGV: channel interval µs, chat interval µs, max wait µs.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local chatTat = tonumber(redis.call('GET', KEYS[2]) or '0')
if chatTat > now then return {1, chatTat - now} end
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if tat - now > tonumber(ARGV[3]) then return {2, tat - now} end
redis.call('SET', KEYS[1], string.format('%.0f', tat + tonumber(ARGV[1])), 'PX', math.ceil((tat - now + tonumber(ARGV[1])) / 1000) + 1000)
redis.call('SET', KEYS[2], string.format('%.0f', tat + tonumber(ARGV[2])), 'PX', math.ceil((tat - now + tonumber(ARGV[2])) / 1000) + 1000)
return {0, tat - now}
`;

/** Pushes the channel's (and the chat's) next free slot to at least now + pauseMs, e.g. after a 429. */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key) or '0')
  if until_ > tat then redis.call('SET', key, string.format('%.0f', until_), 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000) end
end
return 1
`;

export class SendRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly rates: Record<string, ChannelRate>,
    /** A process holds a job at most this long waiting for its slot; longer waits go back to the queue. */
    private readonly maxHoldMs = 2000,
  ) {}

  private keys(channel: string, chatId: string): [string, string] {
    return [`${this.prefix}:rate:${channel}`, `${this.prefix}:rate:${channel}:chat:${chatId}`];
  }

  rateOf(channel: string): ChannelRate {
    return this.rates[channel] ?? { perSecond: 20, chatIntervalMs: 1000 };
  }

  async reserve(channel: string, chatId: string): Promise<SlotDecision> {
    const rate = this.rateOf(channel);
    const [kind, waitUs] = (await this.redis.eval(
      RESERVE,
      2,
      ...this.keys(channel, chatId),
      Math.round(1_000_000 / rate.perSecond),
      rate.chatIntervalMs * 1000,
      this.maxHoldMs * 1000,
    )) as [number, number];
    const waitMs = Math.ceil(waitUs / 1000);
    return { kind: kind === 0 ? "send" : kind === 1 ? "chat_busy" : "channel_busy", waitMs };
  }

  /** The messenger said "too many requests, retry after": nobody sends on this channel (or chat) until then. */
  async pause(channel: string, chatId: string | undefined, pauseMs: number, wholeChannel: boolean): Promise<void> {
    const [channelKey, chatKey] = this.keys(channel, chatId ?? "-");
    const keys = wholeChannel ? [channelKey, chatKey] : [chatKey];
    await this.redis.eval(PAUSE, keys.length, ...keys, Math.round(pauseMs * 1000));
  }
}
