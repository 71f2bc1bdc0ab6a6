import { Redis } from "ioredis";
import { UnrecoverableError } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { AppError } from "../core/errors";
import { createLogger } from "../core/logger";
import { JobQueues, jobErrorPolicy, type QueueDeclaration } from "./job-queues";
import { Schedulers } from "./schedulers";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
const queues = new JobQueues(redis, `${inject("redisPrefix")}-job-queues`, createLogger("silent"));
afterAll(async () => {
  await queues.close();
  redis.disconnect();
});

const tries = new Map<string, number>();
const declaration: QueueDeclaration<{ failFirst: boolean }> = {
  name: "policy-test",
  concurrency: 2,
  async process(job, deps) {
    const attempt = (tries.get(job.name) ?? 0) + 1;
    tries.set(job.name, attempt);
    if (job.name === "gone") throw new AppError("not_found", "protocol not found");
    if (job.name === "flaky" && deps.failFirst && attempt === 1) throw new Error("Postgres went away");
    return attempt;
  },
  schedulers: [{ id: "policy-test-sweep", everyMs: 3600_000, job: { name: "sweep" } }],
};

const settledState = async (queue: ReturnType<typeof queues.open>, id: string) => {
  for (let i = 0; i < 200; i++) {
    const state = await (await queue.getJob(id))?.getState();
    if (state === "completed" || state === "failed") return { state, job: (await queue.getJob(id))! };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${id} did not settle`);
};

describe("the one error policy", () => {
  it("makes a client-kind AppError unrecoverable and leaves every other error to retry", async () => {
    await expect(jobErrorPolicy(() => Promise.reject(new AppError("conflict", "no longer waiting")))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(jobErrorPolicy(() => Promise.reject(new AppError("unavailable", "later")))).rejects.toBeInstanceOf(AppError);
    await expect(jobErrorPolicy(() => Promise.reject(new Error("boom")))).rejects.not.toBeInstanceOf(UnrecoverableError);
  });

  it("runs a declaration's worker: a not_found job fails after one attempt, a transient failure is retried", async () => {
    const queue = queues.open(declaration);
    expect(queues.open(declaration)).toBe(queue);
    queues.start(declaration, { failFirst: true });
    const options = { attempts: 3, backoff: { type: "fixed", delay: 10 } };
    await queue.add("gone", {}, { ...options, jobId: "gone-1" });
    await queue.add("flaky", {}, { ...options, jobId: "flaky-1" });

    const gone = await settledState(queue, "gone-1");
    expect(gone.state).toBe("failed");
    expect(gone.job.attemptsMade).toBe(1);
    expect(gone.job.failedReason).toBe("protocol not found");
    const flaky = await settledState(queue, "flaky-1");
    expect(flaky.state).toBe("completed");
    expect(flaky.job.returnvalue).toBe(2);
  });

  it("puts a declaration's schedulers on its queue", async () => {
    const schedulers = new Schedulers(queues.schedulerSpecs(declaration));
    expect(await schedulers.missing()).toEqual(["policy-test/policy-test-sweep"]);
    await schedulers.ensure();
    expect(await schedulers.missing()).toEqual([]);
  });
});
