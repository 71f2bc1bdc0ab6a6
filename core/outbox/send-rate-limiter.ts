import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../redis-keys";

/** Per messenger: messages per second for the whole bot/group, and the gap between two messages to one chat. */
export interface ChannelRate {
  perSecond: number;
  chatIntervalMs: number;
}

export type SlotDecision =
  /** Send now: the send is already counted against both limits. */
  | { kind: "send" }
  /** This chat had a message too recently: try again in `waitMs`. */
  | { kind: "chat_busy"; waitMs: number }
  /** The channel is at its limit or paused after a 429: try again in `waitMs`. */
  | { kind: "channel_busy"; waitMs: number };

/**
 * One atomic check for a send, shared by every worker process through Redis and timed by Redis' clock.
 * The channel limit is a sliding one-second log of sends (what the messenger itself counts), so a process that
 * stalls and wakes late cannot burst over it; the chat limit is the time of that chat's next allowed message.
 * KEYS: channel log, channel pause, chat next. ARGV: per second, chat interval ms, unique member, window ms.
 * The window is a little over a second: a message checked here reaches the messenger some milliseconds later,
 * and uneven delays would otherwise squeeze more than the limit into the messenger's own second.
 */
const TRY_SEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local chatNext = tonumber(redis.call('GET', KEYS[3]) or '0')
if chatNext > now then return {1, chatNext - now} end
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if pausedUntil > now then return {2, pausedUntil - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[4]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {2, math.max(1, tonumber(oldest[2]) + tonumber(ARGV[4]) - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + 1000)
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[3], now + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]) + 1000) end
return {0, 0}
`;

/** Moves a "not before" key to at least now + ARGV[1] ms. */
const PUSH_BACK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  if until_ > tonumber(redis.call('GET', key) or '0') then redis.call('SET', key, until_, 'PX', tonumber(ARGV[1]) + 1000) end
end
return 1
`;

const WINDOW_SLACK_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SendRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly rates: Record<string, ChannelRate>,
    /** A process holds a job at most this long waiting for the channel; longer waits go back to the queue. */
    private readonly maxHoldMs = 2000,
  ) {}

  private keys(channel: string, chatId: string): [string, string, string] {
    const base = redisKeys(this.prefix).sendRate(channel);
    return [`${base}:log`, `${base}:paused`, `${base}:chat:${chatId}`];
  }

  rateOf(channel: string): ChannelRate {
    return this.rates[channel] ?? { perSecond: 20, chatIntervalMs: 1000 };
  }

  async trySend(channel: string, chatId: string): Promise<SlotDecision> {
    const rate = this.rateOf(channel);
    const [kind, waitMs] = (await this.redis.eval(
      TRY_SEND,
      3,
      ...this.keys(channel, chatId),
      rate.perSecond,
      rate.chatIntervalMs,
      randomUUID(),
      1000 + WINDOW_SLACK_MS,
    )) as [number, number];
    if (kind === 0) return { kind: "send" };
    return { kind: kind === 1 ? "chat_busy" : "channel_busy", waitMs };
  }

  /**
   * Waits in this process for the channel while the wait is short (a slot frees every 1/perSecond s);
   * answers with the decision to hand back to the queue otherwise.
   */
  async acquire(channel: string, chatId: string): Promise<SlotDecision> {
    const started = Date.now();
    for (;;) {
      const decision = await this.trySend(channel, chatId);
      if (decision.kind !== "channel_busy" || Date.now() - started + decision.waitMs > this.maxHoldMs) return decision;
      // A little jitter so the processes waiting for the same freed slot do not all ask at the same instant.
      await sleep(decision.waitMs + Math.random() * 10);
    }
  }

  /** After a send: the chat's next slot counts from when the message really left (timers and networks run late). */
  async sent(channel: string, chatId: string): Promise<void> {
    const interval = this.rateOf(channel).chatIntervalMs;
    if (interval > 0) await this.redis.eval(PUSH_BACK, 1, this.keys(channel, chatId)[2], interval);
  }

  /** The messenger said "too many requests, retry after": nobody sends on this channel (or chat) until then. */
  async pause(channel: string, chatId: string, pauseMs: number, wholeChannel: boolean): Promise<void> {
    const [, pauseKey, chatKey] = this.keys(channel, chatId);
    const keys = wholeChannel ? [pauseKey, chatKey] : [chatKey];
    await this.redis.eval(PUSH_BACK, keys.length, ...keys, Math.round(pauseMs));
  }
}
