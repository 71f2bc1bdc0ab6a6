import type { Worker } from "bullmq";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * What ops watch (README "Observability"). One registry per process: the api serves its own at /metrics, a
 * separate workers process serves its own on METRICS_PORT (core/metrics/metrics-server.ts); `npm start` runs
 * both in one process and so one registry. No label ever carries a patient, chat or message id: ids are unbounded
 * and would be patient data in Prometheus.
 */
export class Metrics {
  readonly registry = new Registry();

  /** By route pattern (`/api/v1/consultations/:id`), never the raw url: the url may hold a secret link token. */
  readonly httpDuration = new Histogram({
    name: "telecons_http_request_duration_seconds",
    help: "HTTP request duration by method, route pattern and status code",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /**
   * Messenger events by stage: at the edge `accepted` (stored), `ignored`, `malformed` (kept as a dead letter),
   * `unavailable` (Postgres refused: the messenger delivers again); in the worker `handled` or `failed` (one attempt).
   */
  readonly inboundEvents = new Counter({
    name: "telecons_inbound_events_total",
    help: "Incoming messenger events by channel and outcome",
    labelNames: ["channel", "outcome"] as const,
    registers: [this.registry],
  });

  readonly outboxRateLimited = new Counter({
    name: "telecons_outbox_rate_limited_total",
    help: "Sends a messenger refused with 429 (flood control), by channel",
    labelNames: ["channel"] as const,
    registers: [this.registry],
  });

  /** From enqueue to done: for `readings` this is the alert evaluation lag (a reading stored → its alert decided). */
  readonly jobLatency = new Histogram({
    name: "telecons_job_latency_seconds",
    help: "Time from a job's enqueue to its completion, by queue",
    labelNames: ["queue"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  /** Every failed attempt (retried or final), by queue: `documents` are the PDF and signing failures. */
  readonly jobFailures = new Counter({
    name: "telecons_job_failures_total",
    help: "Failed job attempts by queue",
    labelNames: ["queue"] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Event loop lag, heap and CPU of the process; tests build many apps in one process and skip them.
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: "telecons_process_" });
  }

  /** Latency and failures of every job a worker runs, labelled with its queue's name. */
  observeWorker(worker: Worker): void {
    const queue = worker.name;
    worker.on("completed", (job) => {
      // A job queued with a delay is due only then; a job that moved itself to delayed (waiting its turn) is lag.
      const dueAt = job.timestamp + (job.opts.delay ?? 0);
      if (job.finishedOn) this.jobLatency.observe({ queue }, Math.max(0, job.finishedOn - dueAt) / 1000);
    });
    worker.on("failed", (_job, error) => {
      // BullMQ's DelayedError is a job putting itself back to wait its turn, not a failure.
      if (error.name !== "DelayedError") this.jobFailures.inc({ queue });
    });
  }

  /**
   * Gauges computed when Prometheus scrapes, from Redis and Postgres: right whichever process did the work.
   * Registered by one process only (the api), or every replica would report the same queue.
   */
  watch(source: WatchedState): void {
    const queueDepth = new Gauge({
      name: "telecons_queue_jobs",
      help: "Jobs per queue and state (waiting, active, delayed, failed)",
      labelNames: ["queue", "state"] as const,
      registers: [this.registry],
      async collect() {
        for (const [queue, counts] of Object.entries(await source.queueCounts())) {
          for (const [state, count] of Object.entries(counts)) this.set({ queue, state }, count);
        }
      },
    });
    const oldestAge = new Gauge({
      name: "telecons_queue_oldest_waiting_seconds",
      help: "Age of the oldest job waiting in each queue (0 when none waits)",
      labelNames: ["queue"] as const,
      registers: [this.registry],
      async collect() {
        for (const [queue, seconds] of Object.entries(await source.oldestWaitingSeconds())) this.set({ queue }, seconds);
      },
    });
    const outboxLag = new Gauge({
      name: "telecons_outbox_lag_seconds",
      help: "Age of the oldest message to a patient not yet sent (0 when none waits)",
      registers: [this.registry],
      async collect() {
        this.set(await source.outboxLagSeconds());
      },
    });
    const inboundLag = new Gauge({
      name: "telecons_inbound_lag_seconds",
      help: "Age of the oldest stored messenger update the inbound worker has not handled yet (0 when none waits)",
      registers: [this.registry],
      async collect() {
        this.set(await source.inboundLagSeconds());
      },
    });
    void [queueDepth, oldestAge, outboxLag, inboundLag];
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

export interface WatchedState {
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  oldestWaitingSeconds(): Promise<Record<string, number>>;
  outboxLagSeconds(): Promise<number>;
  inboundLagSeconds(): Promise<number>;
}
