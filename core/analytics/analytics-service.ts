import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { AnalyticsRepository, type BookingRow, type CallRow, type ConsultationRow, type RatingRow } from "./analytics-repository";
import { dimensions, type Analytics, type AnalyticsQuery, type Figures } from "./analytics-schema";
import { periodsOf } from "./periods";

/** The clinic's figures for a range: what the admin's analytics screen and its CSV show. */
export class AnalyticsService {
  private readonly repository: AnalyticsRepository;

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.repository = new AnalyticsRepository(db);
  }

  /** Every read is audited: the figures are about patients even without naming one. */
  async report(actor: Actor, query: AnalyticsQuery, format: "json" | "csv" = "json"): Promise<Analytics> {
    const { from, to, starts } = periodsOf(query.from, query.to, query.granularity, query.timeZone);
    const now = this.clock();
    const window = { from, to, granularity: query.granularity, timeZone: query.timeZone, now };
    const [consultations, groups, calls, bookings, ratings] = await Promise.all([
      this.repository.consultations(window),
      this.repository.groups(window),
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

    const figuresOf = (period: string | null): Figures =>
      figures(
        consultations.find((r) => r.period === period),
        calls.find((r) => r.period === period),
        bookings.find((r) => r.period === period),
        ratings.find((r) => !r.byDoctor && r.period === period),
      );
    const index = new Map(starts.map((start, i) => [start, i]));
    const grouped = Object.fromEntries(dimensions.map((d) => [d, new Map<string, number[]>()])) as Record<
      (typeof dimensions)[number],
      Map<string, number[]>
    >;
    for (const row of groups) {
      const byPeriod = grouped[row.dimension].get(row.key) ?? grouped[row.dimension].set(row.key, starts.map(() => 0)).get(row.key)!;
      byPeriod[index.get(row.period)!] = row.count;
    }
    return {
      from: query.from,
      to: query.to,
      granularity: query.granularity,
      timeZone: query.timeZone,
      generatedAt: now.toISOString(),
      periods: starts.map((start) => ({ start, ...figuresOf(start) })),
      total: figuresOf(null),
      groups: Object.fromEntries(
        dimensions.map((d) => [
          d,
          [...grouped[d]]
            .map(([key, byPeriod]) => ({ key, count: byPeriod.reduce((a, b) => a + b, 0), byPeriod }))
            .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
        ]),
      ) as Analytics["groups"],
      doctors: ratings
        .filter((r) => r.byDoctor)
        .map((r) => ({ doctorId: r.doctorId, name: r.name, ...nps(r) }))
        .sort((a, b) => (b.nps ?? -101) - (a.nps ?? -101) || b.ratings - a.ratings),
    };
  }
}

const wait = (count: number, percentiles: [number, number] | null | undefined) => ({
  count,
  medianSeconds: count && percentiles ? percentiles[0] : null,
  p90Seconds: count && percentiles ? percentiles[1] : null,
});

const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);

function nps(r: Pick<RatingRow, "ratings" | "promoters" | "detractors"> | undefined) {
  const { ratings = 0, promoters = 0, detractors = 0 } = r ?? {};
  const score = share(promoters - detractors, ratings);
  return { ratings, promoters, passives: ratings - promoters - detractors, detractors, nps: score };
}

function figures(c?: ConsultationRow, v?: CallRow, b?: BookingRow, r?: RatingRow): Figures {
  const booked = b?.booked ?? 0;
  const completed = b?.completed ?? 0;
  const upcoming = b?.upcoming ?? 0;
  return {
    consultations: c?.consultations ?? 0,
    firstReply: wait(c?.replied ?? 0, c?.reply),
    call: { requests: v?.requests ?? 0, ...wait(v?.started ?? 0, v?.wait) },
    redFlags: c?.redFlags ?? 0,
    escalations: c?.escalations ?? 0,
    bookings: { booked, completed, noShows: b?.noShows ?? 0, cancelled: b?.cancelled ?? 0, upcoming, conversion: share(completed, booked - upcoming) },
    ratings: nps(r),
  };
}
