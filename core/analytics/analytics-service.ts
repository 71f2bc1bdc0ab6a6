import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { AnalyticsRepository, rebuildRollups, type BookingRow, type CallRow, type CountRow, type FirstReplyRow, type RatingRow } from "./analytics-repository";
import { dimensions, type Analytics, type AnalyticsQuery, type Figures } from "./analytics-schema";
import { periodsOf } from "./periods";

export interface AnalyticsSettings {
  /** Roll-ups older than this are rebuilt in the background after the screen has been answered. */
  maxAgeMs: number;
}

/** The clinic's figures for a range: what the admin's analytics screen and its CSV show. */
export class AnalyticsService {
  private readonly repository: AnalyticsRepository;
  /** Rebuilds under way in this process, per time zone: a second caller joins the first. */
  private readonly rebuilding = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly settings: AnalyticsSettings = { maxAgeMs: 10 * 60_000 },
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.repository = new AnalyticsRepository(db);
  }

  /** Rebuilds a time zone's roll-ups now (the screen's "Refresh" button; the bench). */
  refresh(actor: Actor, timeZone: string): Promise<void> {
    return this.rebuild(timeZone).then(() =>
      recordAudit(this.db, { actor, action: "analytics.refresh", entityType: "analytics", entityId: "*", meta: { timeZone } }),
    );
  }

  /** Every read is audited: the figures are about patients even without naming one. */
  async report(actor: Actor, query: AnalyticsQuery, format: "json" | "csv" = "json"): Promise<Analytics> {
    const refreshedAt = await this.freshEnough(query.timeZone);
    const { from, to, starts } = periodsOf(query.from, query.to, query.granularity, query.timeZone);
    const window = { fromDay: query.from, toDay: query.to, from, to, granularity: query.granularity, timeZone: query.timeZone, now: this.clock() };
    const [counts, firstReply, calls, bookings, ratings] = await Promise.all([
      this.repository.counts(window),
      this.repository.firstReply(window),
      this.repository.calls(window),
      this.repository.bookings(window),
      this.repository.ratings(window),
    ]);
    await recordAudit(this.db, {
      actor,
      action: "analytics.read",
      entityType: "analytics",
      entityId: "*",
      meta: { from: query.from, to: query.to, granularity: query.granularity, timeZone: query.timeZone, format },
    });

    // A year by day is a few thousand rows: look them up by period rather than scanning per period.
    const byPeriod = <T extends { period: string }>(rows: T[]) => new Map(rows.map((r) => [r.period, r]));
    const [all, call, booking, rating] = [
      byPeriod(counts.filter((r) => r.dimension === "all")),
      byPeriod(calls),
      byPeriod(bookings),
      byPeriod(ratings.filter((r) => r.doctorId === null)),
    ] as const;
    const replies = new Map<string, FirstReplyRow[]>();
    for (const r of firstReply) replies.set(r.period, [...(replies.get(r.period) ?? []), r]);
    const figuresOf = (period: string): Figures =>
      figures(all.get(period), replies.get(period) ?? [], call.get(period), booking.get(period), rating.get(period));
    const index = new Map(starts.map((start, i) => [start, i]));
    const groups = (dimension: (typeof dimensions)[number]) => {
      const byKey = new Map<string, number[]>();
      for (const row of counts) {
        if (row.dimension !== dimension || row.period === "total") continue;
        const byPeriod = byKey.get(row.key) ?? byKey.set(row.key, starts.map(() => 0)).get(row.key)!;
        byPeriod[index.get(row.period)!] = row.consultations;
      }
      return [...byKey]
        .map(([key, byPeriod]) => ({ key, count: byPeriod.reduce((a, b) => a + b, 0), byPeriod }))
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    };
    return {
      from: query.from,
      to: query.to,
      granularity: query.granularity,
      timeZone: query.timeZone,
      refreshedAt: refreshedAt.toISOString(),
      periods: starts.map((start) => ({ start, ...figuresOf(start) })),
      total: figuresOf("total"),
      groups: Object.fromEntries(dimensions.map((d) => [d, groups(d)])) as Analytics["groups"],
      doctors: ratings
        .filter((r) => r.doctorId !== null)
        .map((r) => ({ doctorId: r.doctorId || null, name: r.name, ...nps(r) }))
        .sort((a, b) => (b.nps ?? -101) - (a.nps ?? -101) || b.ratings - a.ratings),
    };
  }

  /** A zone never built is built before answering; a stale one is answered as it is and rebuilt meanwhile. */
  private async freshEnough(timeZone: string): Promise<Date> {
    const refreshedAt = await this.repository.refreshedAt(timeZone);
    if (!refreshedAt) {
      await this.rebuild(timeZone);
      return (await this.repository.refreshedAt(timeZone))!;
    }
    if (this.clock().getTime() - refreshedAt.getTime() > this.settings.maxAgeMs) {
      // Failures surface on the next explicit refresh; a screen keeps its (older) figures meanwhile.
      this.rebuild(timeZone).catch(() => undefined);
    }
    return refreshedAt;
  }

  private rebuild(timeZone: string): Promise<void> {
    const running = this.rebuilding.get(timeZone);
    if (running) return running;
    const started = rebuildRollups(this.db, timeZone, this.clock()).finally(() => this.rebuilding.delete(timeZone));
    this.rebuilding.set(timeZone, started);
    return started;
  }
}

const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);

function nps(r: Pick<RatingRow, "ratings" | "promoters" | "detractors"> | undefined) {
  const { ratings = 0, promoters = 0, detractors = 0 } = r ?? {};
  return { ratings, promoters, passives: ratings - promoters - detractors, detractors, nps: share(promoters - detractors, ratings) };
}

/** Seconds at quantile `q`: between the ranks ⌊q(n−1)⌋ and ⌈q(n−1)⌉, interpolated as percentile_cont does. */
function quantile(bars: FirstReplyRow[], q: number): number | null {
  if (!bars.length) return null;
  // Rounded as the database's exact numeric computed it (0.9 × 70 is 63.00000000000001 in floating point).
  const pos = Math.round(q * (bars[0]!.n - 1) * 1e9) / 1e9;
  const at = (rank: number) => bars.find((b) => rank >= b.below && rank < b.upto)!.minutes;
  return (at(Math.floor(pos)) + (pos - Math.floor(pos)) * (at(Math.ceil(pos)) - at(Math.floor(pos)))) * 60;
}

function figures(c: CountRow | undefined, reply: FirstReplyRow[], v?: CallRow, b?: BookingRow, r?: RatingRow): Figures {
  const booked = b?.booked ?? 0;
  const completed = b?.completed ?? 0;
  const upcoming = b?.upcoming ?? 0;
  const started = v?.started ?? 0;
  return {
    consultations: c?.consultations ?? 0,
    firstReply: { count: reply[0]?.n ?? 0, medianSeconds: quantile(reply, 0.5), p90Seconds: quantile(reply, 0.9) },
    call: {
      requests: v?.requests ?? 0,
      count: started,
      medianSeconds: started && v?.wait ? v.wait[0] : null,
      p90Seconds: started && v?.wait ? v.wait[1] : null,
    },
    redFlags: c?.redFlags ?? 0,
    escalations: c?.escalations ?? 0,
    bookings: { booked, completed, noShows: b?.noShows ?? 0, cancelled: b?.cancelled ?? 0, upcoming, conversion: share(completed, booked - upcoming) },
    ratings: nps(r),
  };
}
