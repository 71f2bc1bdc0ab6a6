import type { JobSchedulerTemplateOptions, Queue } from "bullmq";

/** One repeatable job: BullMQ keeps it only in Redis, so Redis losing its data loses it. */
export interface SchedulerSpec {
  queue: Queue;
  id: string;
  everyMs: number;
  job: { name: string; data?: Record<string, unknown>; opts?: JobSchedulerTemplateOptions };
}

export const schedulerName = (spec: SchedulerSpec) => `${spec.queue.name}/${spec.id}`;

/**
 * Every scheduler of the deployment in one list. Worker processes create them at start and look again every
 * `SCHEDULER_CHECK_SECONDS`, re-creating any that Redis lost (a restart without persistence, a failover to an
 * empty replica); the api's `/readyz` names the missing ones meanwhile. Upserting one that exists is harmless,
 * so several worker processes doing this at once is fine.
 */
export class Schedulers {
  constructor(readonly specs: SchedulerSpec[]) {}

  /** Names (`queue/id`) of the schedulers Redis does not hold. */
  async missing(): Promise<string[]> {
    const found = await Promise.all(this.specs.map((spec) => spec.queue.getJobScheduler(spec.id)));
    return this.specs.filter((_, i) => !found[i]).map(schedulerName);
  }

  /** Creates the missing ones (all of them when `all`); returns their names. An `every` scheduler runs at once. */
  async ensure(all = false): Promise<string[]> {
    const missing = all ? this.specs.map(schedulerName) : await this.missing();
    for (const spec of this.specs) {
      if (!missing.includes(schedulerName(spec))) continue;
      await spec.queue.upsertJobScheduler(spec.id, { every: spec.everyMs }, spec.job);
    }
    return missing;
  }

  /** Looks every `everyMs` until the returned stop is called; one look at a time (a look waits while Redis is away). */
  watch(everyMs: number, onRecreated: (names: string[]) => void, onError: (error: unknown) => void): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.ensure()
        .then((names) => names.length && onRecreated(names), onError)
        .finally(() => (running = false));
    }, everyMs);
    return () => clearInterval(timer);
  }
}
