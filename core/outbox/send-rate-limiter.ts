import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../redis-keys";

/** Per messenger: messages per second for the whole bot/group, and the gap between two messages to one chat. */
export interface ChannelRate {
  perSecond: number;
  chatIntervalMs: number;
}

export type SlotDecision =
  /** Send now: the send holds one of the channel's tokens (`ticket`) and the chat's next slot. */
  | { kind: "send"; ticket: string }
  /** This chat had a message too recently: try again in `waitMs`. */
  | { kind: "chat_busy"; waitMs: number }
  /** The channel is at its limit or paused after a 429: try again in `waitMs`. */
  | { kind: "channel_busy"; waitMs: number };

/**
 * A token bucket of `perSecond` tokens per channel, shared by every worker process through Redis and timed by
 * Redis' clock. A send takes a token; the token comes back exactly one second after the send is known to have
 * reached the messenger (its answer came back: `sent`). The messenger counts messages in any sliding second by
 * when they *arrive*, which we cannot see: a bucket refilled on a clock at exactly 30/s lets two sends decided
 * 1000 ms apart arrive 990 ms apart whenever the first one's request is slower, and that is a 429. Counting from
 * the answer makes the whole budget usable with no guess of a safety margin: the rate is perSecond per
 * (1 s + the time a send takes), about 29.4/s for Telegram's 30 with 20 ms round trips.
 * A token whose process died mid-send comes back after `maxFlightMs`.
 * KEYS: channel tokens (sorted set, score = when the token comes back), channel pause, chat next.
 * ARGV: per second, chat interval ms, ticket, max flight ms, poll ms.
 */
const TRY_SEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local chatNext = tonumber(redis.call('GET', KEYS[3]) or '0')
if chatNext > now then return {1, chatNext - now} end
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if pausedUntil > now then return {2, pausedUntil - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local back = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  -- every token still in flight: no return time is known yet, look again shortly
  if back > now + 1000 then return {2, tonumber(ARGV[5])} end
  return {2, math.max(1, back - now)}
end
redis.call('ZADD', KEYS[1], now + 1000 + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], 2000 + tonumber(ARGV[4]))
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[3], now + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]) + 1000) end
return {0, 0}
`;

/** The send is done: its token comes back one second from now, and the chat's next slot counts from now. KEYS: tokens, chat next. */
const SENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + 1000, ARGV[1])
local interval = tonumber(ARGV[2])
if interval > 0 and now + interval > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], now + interval, 'PX', interval + 1000)
end
return 1
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

/** Longer than any send's request may take (the channels' HTTP timeouts are shorter). */
const MAX_FLIGHT_MS = 30_000;
/** How soon to look again when every token is in flight: about one send's round trip. */
const IN_FLIGHT_POLL_MS = 15;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Lua script called by its hash (EVALSHA; ioredis sends the text again when Redis answers NOSCRIPT, after a restart). */
type Script = (numberOfKeys: number, ...args: Array<string | number>) => Promise<unknown>;

function script(redis: Redis, name: string, lua: string): Script {
  // Defined on the shared connection under a name of our own: BullMQ's scripts on it are named `name:version`.
  redis.defineCommand(name, { lua });
  return (...args) => (redis as unknown as Record<string, Script>)[name]!(...args);
}

export class SendRateLimiter {
  private readonly trySendScript: Script;
  private readonly sentScript: Script;
  private readonly pushBackScript: Script;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly rates: Record<string, ChannelRate>,
    /** A process holds a job at most this long waiting for the channel; longer waits go back to the queue. */
    private readonly maxHoldMs = 2000,
  ) {
    this.trySendScript = script(redis, "sendRateTrySend", TRY_SEND);
    this.sentScript = script(redis, "sendRateSent", SENT);
    this.pushBackScript = script(redis, "sendRatePushBack", PUSH_BACK);
  }

  private keys(channel: string, chatId: string): [string, string, string] {
    const base = redisKeys(this.prefix).sendRate(channel);
    return [`${base}:tokens`, `${base}:paused`, `${base}:chat:${chatId}`];
  }

  rateOf(channel: string): ChannelRate {
    return this.rates[channel] ?? { perSecond: 20, chatIntervalMs: 1000 };
  }

  async trySend(channel: string, chatId: string): Promise<SlotDecision> {
    const rate = this.rateOf(channel);
    const ticket = randomUUID();
    const [kind, waitMs] = (await this.trySendScript(
      3,
      ...this.keys(channel, chatId),
      rate.perSecond,
      rate.chatIntervalMs,
      ticket,
      MAX_FLIGHT_MS,
      IN_FLIGHT_POLL_MS,
    )) as [number, number];
    if (kind === 0) return { kind: "send", ticket };
    return { kind: kind === 1 ? "chat_busy" : "channel_busy", waitMs };
  }

  /**
   * Waits in this process for the channel while the wait is short (a token comes back every 1/perSecond s);
   * answers with the decision to hand back to the queue otherwise.
   */
  async acquire(channel: string, chatId: string): Promise<SlotDecision> {
    const started = Date.now();
    for (;;) {
      const decision = await this.trySend(channel, chatId);
      if (decision.kind !== "channel_busy" || Date.now() - started + decision.waitMs > this.maxHoldMs) return decision;
      // A little jitter so the processes waiting for the same token do not all ask at the same instant.
      await sleep(decision.waitMs + Math.random() * 5);
    }
  }

  /**
   * The messenger answered (accepted or refused: either way the request reached it): the token comes back a second
   * from now, and the chat's next slot counts from now (timers and networks run late).
   */
  async sent(channel: string, chatId: string, ticket: string): Promise<void> {
    const [tokens, , chatKey] = this.keys(channel, chatId);
    await this.sentScript(2, tokens, chatKey, ticket, this.rateOf(channel).chatIntervalMs);
  }

  /** The token was taken but nothing was sent (another attempt holds the row): it comes back at once. */
  async unused(channel: string, chatId: string, ticket: string): Promise<void> {
    await this.redis.zrem(this.keys(channel, chatId)[0], ticket);
  }

  /** The messenger said "too many requests, retry after": nobody sends on this channel (or chat) until then. */
  async pause(channel: string, chatId: string, pauseMs: number, wholeChannel: boolean): Promise<void> {
    const [, pauseKey, chatKey] = this.keys(channel, chatId);
    const keys = wholeChannel ? [pauseKey, chatKey] : [chatKey];
    await this.pushBackScript(keys.length, ...keys, Math.round(pauseMs));
  }
}
