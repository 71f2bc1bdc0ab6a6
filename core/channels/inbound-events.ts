import type { ChannelName } from "./channel";
import { isUniqueViolation, type Db } from "../db/prisma";

/**
 * Webhook events kept in Postgres between "accepted" (the messenger got its `ok`) and "handled" by a worker,
 * so a crash between the two loses nothing and the queue job needs only the id.
 */
export class InboundEvents {
  /** `source`: the deployment's queue namespace, so a database shared with another deployment is swept apart. */
  constructor(
    private readonly db: Db,
    private readonly source: string,
  ) {}

  /** False when this event id was already accepted (the messenger redelivered it). */
  async accept(channel: ChannelName, id: string, payload: object): Promise<boolean> {
    try {
      await this.db.inboundEvent.create({ data: { id, channel, payload, source: this.source } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async payload(id: string): Promise<unknown | undefined> {
    return (await this.db.inboundEvent.findUnique({ where: { id } }))?.payload ?? undefined;
  }

  async done(id: string): Promise<void> {
    await this.db.inboundEvent.deleteMany({ where: { id } });
  }

  /** Accepted but not handled for longer than `olderThanMs` (their job was lost): to queue again. */
  async stale(olderThanMs: number, now = new Date()): Promise<string[]> {
    const rows = await this.db.inboundEvent.findMany({
      where: { source: this.source, receivedAt: { lt: new Date(now.getTime() - olderThanMs) } },
      select: { id: true },
      take: 500,
    });
    return rows.map((row) => row.id);
  }
}
