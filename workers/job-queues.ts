import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions, type WorkerOptions } from "bullmq";
import type { Redis } from "ioredis";
import { AppError, type ErrorCode } from "../core/errors";
import type { Logger } from "../core/logger";
import { currentRequestId, runWithRequestId } from "../core/request-context";
import type { SchedulerSpec } from "./schedulers";

/**
 * One queue as data. Each worker file exports its declaration (`labsQueue`) beside its `enqueueX` and `processX`
 * functions; `JobQueues` makes the BullMQ queue, its schedulers and its worker from it. `process` picks the
 * `processX` by `job.name`; `queue` is handed in for jobs that queue more (the outbox's sweep). A
 * `DelayedError` (a job waiting its turn) passes the error policy untouched and is not logged as a failure.
 */
export interface QueueDeclaration<Deps> {
  name: string;
  concurrency: number;
  /** Runs one job. A throw retries it with the job's backoff, except what `jobErrorPolicy` makes unrecoverable. */
  process(job: Job, deps: Deps, token: string | undefined, queue: Queue): Promise<unknown>;
  /** Repeatable jobs: kept in Redis by the worker processes, named by /readyz when Redis lost them. */
  schedulers?: Array<Omit<SchedulerSpec, "queue">>;
  /** Worker settings beyond connection, prefix and concurrency (a custom backoff strategy). */
  settings?: WorkerOptions["settings"];
  /** False where `process` logs its own failures (without a message that may carry a secret). */
  logFailures?: boolean;
}

/** Errors of the request itself (the protocol is gone, the visit is not ours): trying again cannot help. */
const clientCodes = new Set<ErrorCode>(["validation", "unauthorized", "forbidden", "not_found", "conflict", "primary_consultation", "consent_withdrawn"]);

/** The one error policy of every worker: an `AppError` of a client kind fails the job at once, anything else is retried. */
export async function jobErrorPolicy<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && clientCodes.has(error.code)) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/**
 * A queue whose jobs, when queued while serving a request, carry that request's id (an id, never patient data), and
 * whose worker runs each job under it: the worker's log lines and the jobs it queues in turn name the request too
 * (README "Observability"). `addBulk` adds nothing: a batch may gather jobs of several requests, so its enqueuer
 * names each job's own (the outbox's group commit does).
 */
class RequestQueue extends Queue {
  override add(name: string, data: unknown, opts?: JobsOptions) {
    const requestId = currentRequestId();
    const carried = requestId && data && typeof data === "object" && !("requestId" in data) ? { ...data, requestId } : data;
    return super.add(name, carried, opts);
  }
}

const requestIdOf = (job: Job): string | undefined => {
  const id = (job.data as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === "string" ? id : undefined;
};

/** Test-only lock settings: shorter locks make a killed worker's jobs come back sooner (BullMQ stalled-job recovery). */
export type WorkerLocks = Pick<WorkerOptions, "lockDuration" | "stalledInterval">;

interface Closable {
  close(): Promise<unknown>;
}

/** The registry of every queue and worker of a process: opens them from declarations and closes them all, workers first. */
export class JobQueues {
  private readonly opened = new Map<QueueDeclaration<never>, Queue>();
  private readonly workers: Closable[] = [];

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** The queue of a declaration (made once; the api enqueues through it, worker processes also work it). */
  open<D>(declaration: QueueDeclaration<D>): Queue {
    let queue = this.opened.get(declaration);
    if (!queue) {
      queue = new RequestQueue(declaration.name, { connection: this.connection, prefix: this.prefix });
      this.opened.set(declaration, queue);
    }
    return queue;
  }

  /** Every queue, for /metrics. */
  queues(): Queue[] {
    return [...this.opened.values()];
  }

  /** The declaration's repeatable jobs on its queue, for the deployment's list (workers/schedulers.ts). */
  schedulerSpecs<D>(declaration: QueueDeclaration<D>): SchedulerSpec[] {
    return (declaration.schedulers ?? []).map((spec) => ({ ...spec, queue: this.open(declaration) }));
  }

  /** Starts the declaration's worker with its deps, under the one error policy. */
  start<D>(declaration: QueueDeclaration<D>, deps: D, locks: WorkerLocks = {}): Worker {
    const queue = this.open(declaration);
    const run = (job: Job, token: string | undefined) => jobErrorPolicy(() => declaration.process(job, deps, token, queue));
    const worker = new Worker(declaration.name, (job, token) => {
      const requestId = requestIdOf(job);
      return requestId ? runWithRequestId(requestId, () => run(job, token)) : run(job, token);
    }, {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: declaration.concurrency,
      settings: declaration.settings,
      ...locks,
    });
    worker.on("error", (error) => this.logger.error({ err: error, queue: declaration.name }, "worker error"));
    if (declaration.logFailures !== false) {
      worker.on("failed", (job, error) => {
        // A job that put itself back to wait its turn has not failed.
        if (!(error instanceof DelayedError)) this.logger.warn({ queue: declaration.name, job: job?.name, jobId: job?.id, err: error.message }, "job failed");
      });
    }
    this.workers.push(worker);
    return worker;
  }

  /** Workers first (each finishes its current jobs), then the queues. */
  async close(): Promise<void> {
    for (const worker of this.workers.splice(0).reverse()) await worker.close();
    for (const queue of this.opened.values()) await queue.close();
    this.opened.clear();
  }
}
