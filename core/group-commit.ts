import { AsyncResource } from "node:async_hooks";

/**
 * Group commit: calls made while a batch is in flight wait and go together into the next one, so a burst of N
 * small calls costs one database round trip instead of N (through Prisma a round trip costs about a millisecond
 * of CPU whatever its size). At low load a call waits only for the current turn of the event loop.
 * `run` answers the items in order; if it throws, every caller in that batch gets the error.
 * At most `concurrency` batches (default 1) run at a time; `max` caps a batch by the sum of `size` (an item bigger
 * than that runs alone).
 */
export function groupCommit<T, R>(
  run: (items: T[]) => Promise<R[]>,
  limit: { max: number; size?: (item: T) => number; concurrency?: number },
): (item: T) => Promise<R> {
  const waiting: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  const size = limit.size ?? (() => 1);
  const concurrency = limit.concurrency ?? 1;
  let running = 0;
  // Batches run in the context the batcher was made in, never inside the first caller's (a unit of work's
  // transaction, core/db/unit-of-work.ts, would otherwise carry the other callers' rows and could roll them back).
  const detached = new AsyncResource("group-commit");

  const drain = async () => {
    running++;
    // Calls made in the same turn of the event loop (requests read from several sockets) share the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (waiting.length) {
      let total = 0;
      const over = waiting.findIndex((w) => (total += size(w.item)) > limit.max);
      const batch = waiting.splice(0, over === -1 ? waiting.length : Math.max(over, 1));
      try {
        const results = await run(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    running--;
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (running < concurrency) void detached.runInAsyncScope(drain);
    });
}
