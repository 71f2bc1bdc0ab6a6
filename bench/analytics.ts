/**
 * The admin's analytics at scale: `npm run bench:analytics -- [consultations=1000000]`.
 * Fills a scratch database with a year of a clinic (bench/analytics-fill.ts), times the roll-up rebuild, then each
 * query of one screen load over that year by day, week and month (median of 5 runs after one warm-up), and the
 * whole report as the api answers it.
 */
import { execFileSync } from "node:child_process";
import { AnalyticsRepository } from "../core/analytics/analytics-repository";
import { AnalyticsService } from "../core/analytics/analytics-service";
import { periodsOf } from "../core/analytics/periods";
import { createPrisma } from "../core/db/prisma";
import { createScratchDatabase } from "../scripts/scratch";
import { fillClinicYear } from "./analytics-fill";

const consultations = Number(process.argv[2] ?? 1_000_000);
const until = new Date(Date.UTC(2026, 10, 30));
const range = { from: "2025-12-01", to: "2026-11-30", timeZone: "Europe/Moscow" };
const load = () => execFileSync("uptime", { encoding: "utf8" }).trim().replace(/^.*load average: /, "");

const database = await createScratchDatabase("bench");
const db = createPrisma(database.url);
const system = { type: "system" as const };

async function median(run: () => Promise<unknown>, times = 5): Promise<number> {
  await run();
  const spent: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    spent.push(performance.now() - started);
  }
  return Math.round(spent.sort((a, b) => a - b)[Math.floor(times / 2)]!);
}

try {
  console.log(`load before filling: ${load()}`);
  let started = performance.now();
  await fillClinicYear(database.url, consultations, until);
  console.log(`filled ${consultations} consultations in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const service = new AnalyticsService(db);
  started = performance.now();
  await service.refresh(system, range.timeZone);
  console.log(`roll-ups rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s (load ${load()})`);

  const repository = new AnalyticsRepository(db);
  const queries = ["counts", "firstReply", "calls", "bookings", "ratings"] as const;
  console.log(`\n| ${consultations} consultations, a year | ${queries.join(" | ")} | whole report (api) | load |`);
  console.log(`| --- |${" --- |".repeat(queries.length + 2)}`);
  for (const granularity of ["day", "week", "month"] as const) {
    const { from, to } = periodsOf(range.from, range.to, granularity, range.timeZone);
    const window = { fromDay: range.from, toDay: range.to, from, to, granularity, timeZone: range.timeZone, now: until };
    const cells: number[] = [];
    for (const query of queries) cells.push(await median(() => repository[query](window)));
    const report = await median(() => service.report(system, { ...range, granularity }));
    console.log(`| by ${granularity} | ${cells.map((ms) => `${ms} ms`).join(" | ")} | ${report} ms | ${load()} |`);
  }
} finally {
  await db.$disconnect();
  await database.drop();
}
