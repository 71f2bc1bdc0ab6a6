import type { Channel } from "../core/channels/channel";
import type { Logger } from "../core/logger";
import type { ConsoleEvents } from "../core/realtime/console-events";
import { queueNames } from "../core/redis-keys";
import { coverageDigestText } from "../core/rota/coverage-digest";
import { HOUR_MS, moscowDay, moscowMinuteOfDay, startOfHour } from "../core/rota/moscow-time";
import type { RotaRepository } from "../core/rota/rota-repository";
import type { Rota } from "../core/rota/rota-service";
import type { QueueDeclaration } from "./job-queues";

/** The check looks a week ahead; the console is told about gaps this close (issue 22: 48 hours ahead at the latest). */
const WEEK_HOURS = 7 * 24;
const ALERT_HOURS = 48;
const CHECK_EVERY_MS = HOUR_MS;

export interface CoverageDeps {
  rota: Rota;
  /** Where the day's digest is marked taken, so a second run (two workers, a retried job) does not send it again. */
  digests: Pick<RotaRepository, "claimDigest" | "releaseDigest">;
  events: ConsoleEvents;
  /** Specialty codes to their Russian names, for the digest. */
  specialtyNames: () => Promise<ReadonlyMap<string, string>>;
  /** The clinic's Telegram chat (COVERAGE_DIGEST_CHAT_ID) through the bot's channel; absent: no digest. */
  digest?: { chatId: string; channel: Channel; fromHour: number };
  logger: Logger;
}

/**
 * One check: the gaps of the coming week; a console event when any falls within 48 hours; the day's digest to the
 * clinic's chat at the first check from `fromHour` (Moscow). Returns the uncovered hours within 48 hours.
 */
export async function processCoverageCheck(deps: CoverageDeps, now = new Date()): Promise<number> {
  const gaps = await deps.rota.gaps(WEEK_HOURS, now);
  const alertUntil = startOfHour(now).getTime() + ALERT_HOURS * HOUR_MS;
  const soon = gaps.reduce((hours, gap) => hours + Math.max(0, (Math.min(gap.to.getTime(), alertUntil) - gap.from.getTime()) / HOUR_MS), 0);
  if (soon) await deps.events.publish({ type: "coverage.gaps", count: soon });
  if (deps.digest && moscowMinuteOfDay(now) >= deps.digest.fromHour * 60) await sendDigest(deps, deps.digest, gaps, moscowDay(now));
  return soon;
}

async function sendDigest(deps: CoverageDeps, digest: NonNullable<CoverageDeps["digest"]>, gaps: Awaited<ReturnType<Rota["gaps"]>>, day: string) {
  if (!(await deps.digests.claimDigest(day))) return;
  try {
    const text = coverageDigestText(gaps, await deps.specialtyNames());
    await digest.channel.send(digest.chatId, { text }, { idempotencyKey: `coverage-digest-${day}` });
  } catch (error) {
    // Not sent: the next check (or this job's retry) takes the day again.
    await deps.digests.releaseDigest(day);
    throw error;
  }
  deps.logger.info({ day, gaps: gaps.length }, "coverage digest sent");
}

/** A repeatable job every hour (one scheduler, whatever the number of worker processes); no job data. */
export const coverageQueue: QueueDeclaration<CoverageDeps> = {
  name: queueNames.coverage,
  concurrency: 1,
  process: (_job, deps) => processCoverageCheck(deps),
  schedulers: [{ id: "coverage-check", everyMs: CHECK_EVERY_MS, job: { name: "check", opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, removeOnComplete: true, removeOnFail: 100 } } }],
};
