import { Queue } from "bullmq";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Metrics } from "../core/metrics/metrics";
import { startMetricsServer } from "../core/metrics/metrics-server";
import { queueNames } from "../core/redis-keys";
import { currentRequestId, runWithRequestId } from "../core/request-context";
import { createLogger } from "../core/logger";
import { enqueueDocuments } from "../workers/documents.worker";
import { runWaiting } from "../workers/inbound.worker";
import { JobQueues } from "../workers/job-queues";
import { protocolFixture } from "./helpers/protocol-fixture";
import { giveCertificate } from "./helpers/test-pki";
import { startHarness, WEBHOOK_SECRET, type Harness } from "./helpers/harness";
import { telegramUpdates } from "./helpers/telegram-stand-in";

const TOKEN = "metrics-test-token-0123456789abcdef";

/** The value of one sample line of the Prometheus text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text.split("\n").find((l) => {
    if (!l.startsWith(`${name}{`) && !l.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`));
  });
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("GET /metrics over HTTP, after real traffic", () => {
  let h: Harness;
  let base: string;
  const webhook = (update: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET, ...headers },
      body: JSON.stringify(update),
    });

  beforeAll(async () => {
    // MIS push configured, so its queue exists too (nothing is signed here: no job goes to the address)
    h = await startHarness({ METRICS_TOKEN: TOKEN, MIS_FHIR_URL: "http://127.0.0.1:9/fhir", MIS_BEARER_TOKEN: "mis-token-0123456789" });
    await h.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => h?.close());

  it("answers 401 without the token or with a wrong one", async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ code: "unauthorized", message: "metrics token required" });
  });

  it("counts requests per route pattern, inbound events by outcome, and reports queues and the outbox", async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // A call link holds its secret in the path: only the pattern may appear.
    await fetch(`${base}/call/secret-call-token-0123456789abcdef`);
    const user = h.newPatient();
    const updateId = h.nextUpdateId();
    expect((await webhook(telegramUpdates.text(updateId, user, "/start"))).status).toBe(200);
    await h.settled(`telegram-${h.telegram.token.split(":")[0]}-${updateId}`);
    expect((await webhook({ update_id: h.nextUpdateId(), message: "not a message" })).status).toBe(200);

    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();

    expect(sample(text, "telecons_http_request_duration_seconds_count", { method: "GET", route: "/healthz", status: "200" })).toBe(3);
    expect(sample(text, "telecons_http_request_duration_seconds_count", { method: "POST", route: "/webhooks/telegram", status: "200" })).toBe(2);
    expect(sample(text, "telecons_http_request_duration_seconds_bucket", { route: "/healthz", le: "+Inf" })).toBe(3);
    expect(text).toContain('route="/call/:token"');
    expect(text).not.toContain("secret-call-token");

    expect(sample(text, "telecons_inbound_events_total", { channel: "telegram", outcome: "accepted" })).toBe(1);
    expect(sample(text, "telecons_inbound_events_total", { channel: "telegram", outcome: "malformed" })).toBe(1);
    expect(sample(text, "telecons_inbound_events_total", { channel: "telegram", outcome: "handled" })).toBe(1);
    // the inbound worker handled the update: its lag from the edge is recorded
    expect(sample(text, "telecons_job_latency_seconds_count", { queue: "inbound" })).toBeGreaterThanOrEqual(1);

    for (const queue of Object.values(queueNames)) {
      expect(sample(text, "telecons_queue_jobs", { queue, state: "waiting" }), queue).toBeGreaterThanOrEqual(0);
      expect(sample(text, "telecons_queue_oldest_waiting_seconds", { queue }), queue).toBeGreaterThanOrEqual(0);
    }
    expect(sample(text, "telecons_outbox_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(text, "telecons_inbound_lag_seconds")).toBeGreaterThanOrEqual(0);
  });

  it("counts Telegram's 429s through the outbox, failed documents jobs and the alert evaluation lag", async () => {
    const scrape = async () => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const before = await scrape();
    const failuresBefore = sample(before, "telecons_job_failures_total", { queue: "documents" }) ?? 0;
    const evaluationsBefore = sample(before, "telecons_job_latency_seconds_count", { queue: "readings" }) ?? 0;
    expect(sample(before, "telecons_outbox_rate_limited_total", { channel: "telegram" })).toBeUndefined();

    // Telegram refuses the first reply with 429; the outbox waits its retry_after and delivers it
    const user = h.newPatient();
    h.telegram.failNext(user.id, 1, { status: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    await h.onboard(user);
    await h.telegram.waitFor(() => h.telegram.sent(user.id).length >= 4, 10_000);

    // a signed protocol of a doctor without a signing certificate: its documents job fails
    const { doctor } = await h.newDoctor("Без Сертификата");
    const unsignable = await protocolFixture(h, doctor, "signed");
    const documents = new Queue(queueNames.documents, { connection: h.services.redis, prefix: h.services.config.REDIS_PREFIX });
    await enqueueDocuments(documents, unsignable.protocolId);
    await documents.close();

    // a reading from the patient's device: its alert evaluation runs through the readings queue
    const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
    const device = await h.services.ingestionTokens.issue({ type: "system" }, account.patientId, "tonometer");
    const reading = await fetch(`${base}/api/v1/readings`, {
      method: "POST",
      headers: { authorization: `Bearer ${device.token}`, "content-type": "application/json" },
      body: JSON.stringify({ readings: [{ kind: "spo2", value: 97, at: new Date().toISOString() }] }),
    });
    expect(reading.status).toBe(200);

    await expect
      .poll(async () => {
        const text = await scrape();
        return {
          rateLimited: sample(text, "telecons_outbox_rate_limited_total", { channel: "telegram" }),
          documentsFailed: (sample(text, "telecons_job_failures_total", { queue: "documents" }) ?? 0) - failuresBefore >= 1,
          evaluations: (sample(text, "telecons_job_latency_seconds_count", { queue: "readings" }) ?? 0) - evaluationsBefore,
        };
      }, { timeout: 15_000 })
      .toEqual({ rateLimited: 1, documentsFailed: true, evaluations: 1 });
    const text = await scrape();
    expect(sample(text, "telecons_job_latency_seconds_bucket", { queue: "readings", le: "+Inf" })).toBe(evaluationsBefore + 1);
    expect(sample(text, "telecons_job_failures_total", { queue: "readings" }) ?? 0).toBe(0);
  }, 60_000);

  it("answers each request with its id, taking a well-formed X-Request-Id from the proxy", async () => {
    const own = await fetch(`${base}/healthz`, { headers: { "x-request-id": "caddy-0123456789abcdef" } });
    expect(own.headers.get("x-request-id")).toBe("caddy-0123456789abcdef");
    const odd = await fetch(`${base}/healthz`, { headers: { "x-request-id": "<script>" } });
    expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("request ids in jobs, and /metrics without a token", () => {
  let h: Harness;
  beforeAll(async () => {
    // No workers: the tests run the inbound worker's batches themselves.
    h = await startHarness({}, { workers: false });
  });
  afterAll(() => h?.close());

  it("keeps the webhook request's id with the stored update, for the inbound worker to run it under", async () => {
    const updateId = h.nextUpdateId();
    const response = await h.app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET, "x-request-id": "req-from-proxy-42424242" },
      payload: telegramUpdates.text(updateId, h.newPatient(), "/start"),
    });
    expect(response.statusCode).toBe(200);
    const eventId = `telegram-${h.telegram.token.split(":")[0]}-${updateId}`;
    expect((await h.db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } })).requestId).toBe("req-from-proxy-42424242");
  });

  it("carries the request id on from the dialogue to the replies' outbox jobs", async () => {
    const event = h.services.telegram!.toEvent(telegramUpdates.text(h.nextUpdateId(), h.newPatient(), "/start"))!;
    // as the inbound worker runs it for a job that carries the webhook's id
    await runWithRequestId("req-dialogue-31313131", () => h.services.dialogue.handle(event, async (accountId, replies) => {
      for (const reply of replies) await h.services.outbox.send(accountId, reply);
    }));
    const queue = new Queue("outbox", { connection: h.services.redis, prefix: h.services.config.REDIS_PREFIX });
    try {
      const jobs = await queue.getJobs(["waiting", "delayed", "prioritized"]);
      const carried = jobs.filter((job) => job.data.requestId === "req-dialogue-31313131");
      expect(carried.length).toBeGreaterThan(0);
      for (const job of carried) expect(Object.keys(job.data).sort()).toEqual(["outboxId", "requestId"]);
    } finally {
      await queue.close();
    }
  });

  it("runs each event of a batch under its own webhook's id, and its replies' jobs carry it", async () => {
    const users = [h.newPatient(), h.newPatient()];
    const updates = users.map((user) => telegramUpdates.text(h.nextUpdateId(), user, "/start"));
    for (const [i, update] of updates.entries()) {
      const headers = { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET, "x-request-id": `req-batched-${i}-8080808` };
      expect((await h.app.inject({ method: "POST", url: "/webhooks/telegram", headers, payload: update })).statusCode).toBe(200);
    }
    // Both in one transaction (with any other update still waiting), as the inbound worker takes them.
    expect(await runWaiting(h.services.inboundDeps)).toBeGreaterThanOrEqual(2);
    const queue = new Queue("outbox", { connection: h.services.redis, prefix: h.services.config.REDIS_PREFIX });
    try {
      const jobs = await queue.getJobs(["waiting", "delayed", "prioritized"]);
      for (const [i, user] of users.entries()) {
        // A reply's first message has the job (it sends the others after it).
        const first = await h.db.outboxMessage.findFirstOrThrow({ where: { account: { channel: "telegram", externalUserId: String(user.id) } }, orderBy: { createdAt: "asc" } });
        expect(jobs.find((job) => job.data.outboxId === first.id)?.data.requestId).toBe(`req-batched-${i}-8080808`);
      }
    } finally {
      await queue.close();
    }
  });

  /** The job `id` of `queue`, waited for: the api queues some of them after its answer (afterCommit). */
  const jobOf = async (queue: string, id: string) => {
    const q = new Queue(queue, { connection: h.services.redis, prefix: h.services.config.REDIS_PREFIX });
    try {
      for (let i = 0; i < 100; i++) {
        const job = await q.getJob(id);
        if (job) return job;
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    } finally {
      await q.close();
    }
  };

  it("carries the signing request's id into the jobs a signature queues: documents, lab orders, reminders, slot offers", async () => {
    const { doctor, apiToken } = await h.newDoctor("Подписант Запросов");
    await giveCertificate(h.services.certificates, doctor.id);
    const { protocolId } = await protocolFixture(h, doctor);
    const signed = await h.app.inject({
      method: "POST",
      url: `/api/v1/protocols/${protocolId}/sign`,
      headers: { authorization: `Bearer ${apiToken}`, "x-request-id": "req-signing-52525252" },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const carried = { protocolId, requestId: "req-signing-52525252" };
    expect((await jobOf(queueNames.documents, `docs-${protocolId}`))?.data).toEqual(carried);
    expect((await jobOf(queueNames.labs, `orders-${protocolId}`))?.data).toEqual(carried);
    expect((await jobOf(queueNames.reminders, `prescribed-${protocolId}`))?.data).toEqual(carried);
    expect((await jobOf(queueNames.video, `referral-slots-${protocolId}`))?.data).toEqual(carried);
  });

  it("carries a device's request id into the alert evaluation job", async () => {
    const patient = await h.db.patient.create({ data: { language: "ru" } });
    await h.db.messengerAccount.create({ data: { channel: "telegram", externalUserId: String(h.newPatient().id), chatId: "1", patientId: patient.id } });
    const consents = await h.services.consents.forPatient(patient.id, "ru");
    for (const kind of ["personal_data", "remote_care"] as const) await h.services.consents.give(patient.id, kind, consents);
    const device = await h.services.ingestionTokens.issue({ type: "system" }, patient.id, "pulse oximeter");
    const response = await h.app.inject({
      method: "POST",
      url: "/api/v1/readings",
      headers: { authorization: `Bearer ${device.token}`, "x-request-id": "req-device-63636363" },
      payload: { readings: [{ kind: "spo2", value: 96, at: new Date().toISOString() }] },
    });
    expect(response.statusCode, response.body).toBe(200);
    const reading = await h.db.reading.findFirstOrThrow({ where: { patientId: patient.id } });
    const job = await jobOf(queueNames.readings, `rd-${reading.id}`);
    expect(job?.data).toEqual({ groups: [{ patientId: patient.id, readingIds: [reading.id] }], requestId: "req-device-63636363" });
  });

  it("runs a job under the id it carries, so what its processor logs and queues names the request", async () => {
    const queues = new JobQueues(h.services.redis, `${h.services.config.REDIS_PREFIX}-ctx`, createLogger("silent"));
    const seen: Array<string | undefined> = [];
    const declaration = { name: "request-context-check", concurrency: 1, process: async () => void seen.push(currentRequestId()) };
    try {
      const queue = queues.open(declaration);
      await runWithRequestId("req-enqueued-74747474", () => queue.add("check", { n: 1 }));
      await queue.add("check", { n: 2 }); // outside any request: no id
      queues.start(declaration, {});
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(2);
      expect(seen).toEqual(["req-enqueued-74747474", undefined]);
    } finally {
      await queues.close();
    }
  });

  it("reports how long the oldest stored update has waited for the inbound worker, from Postgres", async () => {
    const lag = async () => sample((await h.app.inject({ url: "/metrics" })).body, "telecons_inbound_lag_seconds");
    await runWaiting(h.services.inboundDeps);
    expect(await lag()).toBe(0);
    expect((await h.postUpdate(telegramUpdates.text(h.nextUpdateId(), h.newPatient(), "/start"))).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await lag()).toBeGreaterThanOrEqual(1);
    expect(await runWaiting(h.services.inboundDeps)).toBe(1);
    expect(await lag()).toBe(0);
  });

  it("serves /metrics openly when METRICS_TOKEN is unset (development)", async () => {
    const response = await h.app.inject({ url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("telecons_queue_jobs");
  });
});

describe("the workers' own metrics server", () => {
  it("refuses without the token and serves the workers' registry with it", async () => {
    const metrics = new Metrics();
    metrics.outboxRateLimited.inc({ channel: "telegram" });
    const server = await startMetricsServer(metrics, { port: 0, host: "127.0.0.1", token: TOKEN });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      const text = await ok.text();
      expect(sample(text, "telecons_outbox_rate_limited_total", { channel: "telegram" })).toBe(1);
      expect(text).toContain("telecons_process_"); // heap, event loop: a real process's defaults
      expect((await fetch(url.replace("/metrics", "/other"), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe("deploy/grafana-dashboard.json", () => {
  it("queries only metrics the processes export", async () => {
    const dashboard = JSON.parse(readFileSync("deploy/grafana-dashboard.json", "utf8")) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/telecons_[a-z0-9_]+/g) ?? [])));
    const metrics = new Metrics();
    metrics.watch({ queueCounts: async () => ({}), oldestWaitingSeconds: async () => ({}), outboxLagSeconds: async () => 0, inboundLagSeconds: async () => 0 });
    const exported = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    const series = (name: string) => exported.includes(name.replace(/_(bucket|count|sum)$/, ""));
    expect([...used].filter((name) => !series(name))).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(9);
  });
});
