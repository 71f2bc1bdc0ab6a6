import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { AppError } from "../errors";
import type { CallRole } from "./livekit";
import { redisKeys } from "../redis-keys";

const linkSchema = z.object({
  visitId: z.uuid(),
  role: z.enum(["patient", "doctor", "interpreter"]),
  identity: z.string(),
  name: z.string(),
  language: z.string(),
});
export type CallLink = z.infer<typeof linkSchema>;

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Links to the call page, kept in Redis (only the sha256 of the token is a key).
 * - A link expires after `ttlSeconds` and works for one device only: the first device that opens it binds it;
 *   the same link from any other device (a forwarded or stolen link) is refused.
 * - The bound device may open it again (a reload, a reconnect) until it expires.
 * - A newer link for the same person and visit (asked for in the bot, e.g. to switch devices) replaces it:
 *   the older link stops working and its device is removed from the room.
 */
export class CallLinks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private linkKey(tokenHash: string) {
    return redisKeys(this.prefix).callLink(tokenHash);
  }

  private currentKey(visitId: string, identity: string) {
    return redisKeys(this.prefix).currentCallLink(visitId, identity);
  }

  async issue(link: CallLink): Promise<string> {
    const token = randomBytes(24).toString("base64url");
    const tokenHash = hash(token);
    const previous = await this.redis.getset(this.currentKey(link.visitId, link.identity), tokenHash);
    await this.redis.expire(this.currentKey(link.visitId, link.identity), this.ttlSeconds * 4);
    if (previous) await this.redis.del(this.linkKey(previous));
    await this.redis.hset(this.linkKey(tokenHash), { link: JSON.stringify(linkSchema.parse(link)) });
    await this.redis.expire(this.linkKey(tokenHash), this.ttlSeconds);
    return token;
  }

  /** What a link is for, without using it (to render the page in the right language). */
  async peek(token: string): Promise<CallLink | undefined> {
    const raw = await this.redis.hget(this.linkKey(hash(token)), "link");
    return raw ? linkSchema.parse(JSON.parse(raw)) : undefined;
  }

  /**
   * Binds the link to `device` on first use (atomically: two devices racing, one wins) and returns what
   * it grants; refuses an unknown, expired, replaced or someone else's link.
   */
  async open(token: string, device: string): Promise<CallLink & { role: CallRole }> {
    const key = this.linkKey(hash(token));
    const result = (await this.redis.eval(
      `local link = redis.call('HGET', KEYS[1], 'link')
       if not link then return {'gone'} end
       local bound = redis.call('HGET', KEYS[1], 'device')
       if not bound then redis.call('HSET', KEYS[1], 'device', ARGV[1]); return {'ok', link} end
       if bound == ARGV[1] then return {'ok', link} end
       return {'used'}`,
      1,
      key,
      device,
    )) as [string, string?];
    if (result[0] === "gone") throw new AppError("not_found", "this call link has expired or was replaced");
    if (result[0] === "used") throw new AppError("forbidden", "this call link was already opened on another device");
    return linkSchema.parse(JSON.parse(result[1]!));
  }
}
