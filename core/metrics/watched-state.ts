import type { Queue } from "bullmq";
import type { InboundStore } from "../inbound/inbound-repository";
import type { Outbox } from "../outbox/outbox";
import type { WatchedState } from "./metrics";

const states = ["waiting", "active", "delayed", "failed"] as const;

/** Queue depths and ages from Redis (BullMQ), the outbox and inbound lags from Postgres: read at each scrape. */
export function watchedState(
  queues: Queue[],
  outbox: Pick<Outbox, "oldestPendingAt">,
  inbound: Pick<InboundStore, "oldestPendingAt">,
  now = () => Date.now(),
): WatchedState {
  const ageOf = (oldest: Date | undefined) => (oldest ? Math.max(0, (now() - oldest.getTime()) / 1000) : 0);
  return {
    async queueCounts() {
      const entries = await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts(...states)] as const));
      return Object.fromEntries(entries);
    },
    async oldestWaitingSeconds() {
      const entries = await Promise.all(
        queues.map(async (q) => {
          const [oldest] = await q.getJobs(["waiting", "prioritized"], 0, 0, true);
          return [q.name, oldest ? Math.max(0, (now() - oldest.timestamp) / 1000) : 0] as const;
        }),
      );
      return Object.fromEntries(entries);
    },
    outboxLagSeconds: async () => ageOf(await outbox.oldestPendingAt()),
    inboundLagSeconds: async () => ageOf(await inbound.oldestPendingAt()),
  };
}
