/**
 * Home-device readings: how many readings per second `POST /api/v1/readings` stores, and how long a reading
 * takes from arrival to its alert, next to a raw multi-row INSERT into the same table (the ceiling).
 * Usage: npm run bench:readings -- [patients=2000] [requests=20000] [connections=50] [batch=50]
 * Api and workers run in this one process, as `npm start` runs them; with BENCH_WORKERS=process the workers run in
 * a process of their own (`npm run start:workers`), as a deployment that gives each a core would. autocannon runs
 * in a child process (bench/readings-load.ts) so it does not take this event loop, though it shares the cores.
 * A second one-reading run pauses the readings worker, to show what the endpoint alone takes. The first run goes to a
 * bare Fastify route in this same process that answers 200 with a body of the same size, through the same client
 * and connections: the most one-request-at-a-time HTTP can give here while client and server share the two cores.
 * One patient in four is hypertensive: their first evaluated reading opens an alert, so there are
 * patients/4 "arrival → alert" samples (alert.openedAt − reading.receivedAt, both Postgres clock).
 */
import { Queue } from "bullmq";
import Fastify from "fastify";
import { fork, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";
import { READINGS_QUEUE } from "../workers/readings.worker";
import type { LoadResult, LoadTask } from "./readings-load";

const patients = Number(process.argv[2] ?? 2000);
const requests = Number(process.argv[3] ?? 20000);
const connections = Number(process.argv[4] ?? 50);
const batchSize = Number(process.argv[5] ?? 50);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const workersApart = process.env.BENCH_WORKERS === "process";
const profilePath = process.env.BENCH_PROFILE;

/** With BENCH_PROFILE=<file>.cpuprofile, a CPU profile of this process (api and, unless apart, workers) during `run`. */
async function profiled<T>(run: () => Promise<T>): Promise<T> {
  if (!profilePath) return run();
  const session = new Session();
  session.connect();
  const post = promisify(session.post.bind(session)) as (method: string, params?: object) => Promise<{ profile?: object }>;
  await post("Profiler.enable");
  await post("Profiler.start");
  try {
    return await run();
  } finally {
    writeFileSync(profilePath, JSON.stringify((await post("Profiler.stop")).profile));
    session.disconnect();
  }
}
const database = await createScratchDatabase("bench");
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const env = { DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" };
const services = compose(loadConfig(env));
const evaluations = new Queue(READINGS_QUEUE, { connection: services.redis, prefix });
const workers = workersApart
  ? spawn(process.execPath, ["--import", "tsx", "bin/workers.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] })
  : undefined;
const client = new pg.Client({ connectionString: database.url });

try {
  await client.connect();
  const app = await services.startApi();
  if (!workersApart) await services.startWorkers();
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/readings`;

  const ids: string[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < patients; i++) {
    const patient = await services.db.patient.create({ data: {} });
    ids.push(patient.id);
    tokens.push((await services.ingestionTokens.issue({ type: "system" }, patient.id, "bench")).token);
  }

  let clock = Date.now() - 60 * 60_000;
  async function blast(perRequest: number, amount: number, target = url) {
    const load = fork(join(import.meta.dirname, "readings-load.ts"), { execArgv: ["--import", "tsx"] });
    const task: LoadTask = { url: target, tokens, connections, amount, perRequest, clock };
    load.send(task);
    const [{ clock: after, ...figures }] = (await once(load, "message")) as [LoadResult];
    clock = after;
    // The machine is shared: the 1-minute load average at the end of each run goes beside its figure.
    return { ...figures, "load avg": Number(loadavg()[0]!.toFixed(1)) };
  }

  async function drained() {
    const started = Date.now();
    while ((await services.db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) n FROM "Reading" r WHERE NOT EXISTS (SELECT 1 FROM "MonitoringAlert" a WHERE a."patientId" = r."patientId")` + ` AND r."value" >= 140 LIMIT 1`))[0]!.n > 0n) {
      if (Date.now() - started > 120_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const queue = `${prefix}:readings`;
    const redis = services.redis;
    for (;;) {
      const waiting = (await redis.llen(`${queue}:wait`)) + (await redis.llen(`${queue}:active`));
      if (!waiting || Date.now() - started > 120_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return Date.now() - started;
  }

  // The HTTP ceiling: Fastify parses the JSON body and answers what the endpoint answers for one new reading.
  const bare = Fastify();
  const answer = { format: "json", accepted: 1, duplicates: 0, rejected: [] };
  bare.post("/api/v1/readings", async () => answer);
  await bare.listen({ port: 0, host: "127.0.0.1" });
  // CPU this process (the server) spent per request: steadier than requests/s on a machine others share.
  const cpuPerRequest = (since: NodeJS.CpuUsage, amount: number) => {
    const used = process.cpuUsage(since);
    return { "server CPU µs/request": Math.round((used.user + used.system) / amount) };
  };
  let cpu = process.cpuUsage();
  const ceiling = { ...(await blast(1, requests, `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/api/v1/readings`)), ...cpuPerRequest(cpu, requests) };
  await bare.close();

  cpu = process.cpuUsage();
  const single = await profiled(() => blast(1, requests));
  const singleDrainMs = await drained();
  // Until the evaluation caught up: what one reading costs, stored and evaluated.
  const singleCpu = cpuPerRequest(cpu, requests);
  const latency = (await client.query<{ p50: number; p99: number; max: number; n: string }>(`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) p99, max(ms) max, count(*) n
    FROM (SELECT extract(epoch FROM a."openedAt" - r."receivedAt") * 1000 ms FROM "MonitoringAlert" a JOIN "Reading" r ON r.id = a."firstReadingId") t`)).rows[0]!;
  // The endpoint alone: the same load with the alert evaluation paused (its jobs wait in Redis until resumed).
  await evaluations.pause();
  cpu = process.cpuUsage();
  const ingestOnly = { ...(await blast(1, requests)), ...cpuPerRequest(cpu, requests) };
  await evaluations.resume();
  const ingestOnlyDrainMs = await drained();
  const batched = await blast(batchSize, Math.round(requests / batchSize) * 2);
  const batchedDrainMs = await drained();

  // The ceiling: the same rows straight into Postgres, 1000 per multi-row INSERT, no HTTP, no parsing.
  const rows = 100_000;
  const started = performance.now();
  for (let done = 0; done < rows; done += 1000) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const at = new Date(clock++);
      values.push(ids[i % patients], at);
      tuples.push(`(gen_random_uuid(), $${values.length - 1}::uuid, 'raw', 'blood_pressure', 122, 78, $${values.length}, 'json')`);
    }
    await client.query(`INSERT INTO "Reading" (id, "patientId", "deviceId", kind, value, value2, "measuredAt", source) VALUES ${tuples.join(",")} ON CONFLICT DO NOTHING`, values);
  }
  const rawPerSecond = Math.round(rows / ((performance.now() - started) / 1000));

  console.log(`${patients} patients, ${connections} connections, workers ${workersApart ? "in a process of their own" : "in the api process"}`);
  console.table({
    "raw multi-row INSERT (ceiling)": { "readings/s": rawPerSecond },
    "bare HTTP ceiling (1 per request)": ceiling,
    [`HTTP, 1 reading per request (${requests})`]: { ...single, ...singleCpu, "queue drained after ms": singleDrainMs },
    ["  the same, alert evaluation paused"]: { ...ingestOnly, "queue drained after ms": ingestOnlyDrainMs },
    [`HTTP, ${batchSize} readings per request`]: { ...batched, "queue drained after ms": batchedDrainMs },
  });
  console.log(`arrival → alert (during the 1-per-request run, ${latency.n} alerts): p50 ${Math.round(latency.p50)} ms, p99 ${Math.round(latency.p99)} ms, max ${Math.round(latency.max)} ms`);
} finally {
  workers?.kill("SIGTERM");
  await evaluations.close();
  await client.end();
  await services.close();
  await database.drop();
  await deleteRedisKeys(REDIS_URL, prefix);
}
