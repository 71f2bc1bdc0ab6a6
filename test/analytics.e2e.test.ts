import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { AnalyticsService } from "../core/analytics/analytics-service";
import { analyticsQuerySchema } from "../core/analytics/analytics-schema";
import { seedAnalyticsSample, seedInPersonNoShow, seedUpcomingBooking } from "./helpers/analytics-sample";
import { startHarness, type Harness } from "./helpers/harness";
import { randomUUID } from "node:crypto";

/**
 * The admin's analytics over HTTP against real Postgres: a fortnight seeded in 2021 (no other test writes there),
 * every figure worked out by hand from test/helpers/analytics-sample.ts. Waits interpolate linearly between ranks,
 * as percentile_cont (p90 of 10, 20, 30, 40, 50 min is 40 + 0.6 × 10 = 46 min).
 */
let h: Harness;
const cookies: Record<"admin" | "doctor" | "operator", string> = { admin: "", doctor: "", operator: "" };
let adminId = "";
let names: { a: string; b: string };

async function login(role: keyof typeof cookies) {
  const email = `analytics-${role}-${randomUUID().slice(0, 8)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name: `Analytics ${role}`, role, password, specialties: ["gp"], languages: ["ru"] });
  const response = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  expect(response.statusCode).toBe(200);
  cookies[role] = String(response.headers["set-cookie"]).split(";")[0]!;
  return created.staff.id;
}

const get = (url: string, who: keyof typeof cookies | null = "admin") =>
  h.app.inject({ method: "GET", url: `/api/v1${url}`, headers: who ? { cookie: cookies[who] } : {} });
const refresh = (timeZone: string, who: keyof typeof cookies | null = "admin") =>
  h.app.inject({
    method: "POST",
    url: `/api/v1/analytics/refresh?timeZone=${timeZone}`,
    headers: who ? { cookie: cookies[who], "x-requested-with": "telecons-console" } : {},
  });

beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  adminId = await login("admin");
  await login("doctor");
  await login("operator");
  const { doctorA, doctorB } = await seedAnalyticsSample(h.db, "2021-03-01");
  names = { a: doctorA.name, b: doctorB.name };
  await seedUpcomingBooking(h.db, new Date("2031-01-10T09:00:00Z"));
  // The roll-ups are rebuilt every few minutes; the figures seeded just now need a rebuild at once.
  for (const zone of ["Europe/Moscow", "UTC"]) expect((await refresh(zone)).statusCode).toBe(204);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const fortnight = "from=2021-03-01&to=2021-03-14&timeZone=Europe/Moscow";
const minutes = (m: number) => m * 60;

describe("analytics for the clinic (issue 19, point 5)", () => {
  it("gives waits, counts, bookings and NPS per week and in total", async () => {
    const response = await get(`/analytics?${fortnight}&granularity=week`);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.periods.map((p: { start: string }) => p.start)).toEqual(["2021-03-01", "2021-03-08"]);
    expect(report.total).toEqual({
      consultations: 6,
      firstReply: { count: 5, medianSeconds: minutes(30), p90Seconds: minutes(46) },
      call: { requests: 3, count: 2, medianSeconds: minutes(10), p90Seconds: minutes(14) },
      redFlags: 2,
      escalations: 1,
      bookings: { booked: 7, completed: 3, noShows: 3, cancelled: 1, upcoming: 0, conversion: 42.9 },
      ratings: { ratings: 5, promoters: 2, passives: 2, detractors: 1, nps: 20 },
    });
    const [week1, week2] = report.periods;
    expect(week1).toMatchObject({
      consultations: 3,
      firstReply: { count: 3, medianSeconds: minutes(20), p90Seconds: minutes(28) },
      call: { requests: 2, count: 2, medianSeconds: minutes(10), p90Seconds: minutes(14) },
      redFlags: 1,
      escalations: 0,
      bookings: { booked: 3, completed: 2, noShows: 1, cancelled: 0, conversion: 66.7 },
      ratings: { ratings: 3, promoters: 2, passives: 1, detractors: 0, nps: 66.7 },
    });
    expect(week2).toMatchObject({
      consultations: 3,
      firstReply: { count: 2, medianSeconds: minutes(45), p90Seconds: minutes(49) },
      call: { requests: 1, count: 0, medianSeconds: null, p90Seconds: null },
      redFlags: 1,
      escalations: 1,
      bookings: { booked: 4, completed: 1, noShows: 2, cancelled: 1, conversion: 25 },
      ratings: { ratings: 2, promoters: 0, passives: 1, detractors: 1, nps: -50 },
    });
    const totals = (d: string) => Object.fromEntries(report.groups[d].map((g: { key: string; count: number }) => [g.key, g.count]));
    expect(totals("specialty")).toEqual({ gp: 4, dermatology: 1, cardiology: 1 });
    expect(totals("language")).toEqual({ ru: 4, uz: 1, en: 1 });
    expect(totals("channel")).toEqual({ telegram: 3, vk: 2, web: 1 });
    expect(totals("outcome")).toEqual({ advice_given: 2, in_person_visit: 1, no_reply: 1, waiting_for_patient: 1, new: 1 });
    expect(report.groups.specialty[0]).toEqual({ key: "gp", count: 4, byPeriod: [2, 2] });
    expect(report.doctors).toEqual([
      { doctorId: expect.any(String), name: names.a, ratings: 3, promoters: 2, passives: 0, detractors: 1, nps: 33.3 },
      { doctorId: expect.any(String), name: names.b, ratings: 2, promoters: 0, passives: 2, detractors: 0, nps: 0 },
    ]);
  });

  it("cuts days in the requested time zone, with empty days present", async () => {
    const moscow = (await get(`/analytics?${fortnight}&granularity=day`)).json();
    expect(moscow.periods).toHaveLength(14);
    expect(moscow.periods.map((p: { consultations: number }) => p.consultations)).toEqual([2, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0]);
    // In UTC the first consultation is on the Sunday before, and the one after the fortnight falls inside it.
    const utc = (await get("/analytics?from=2021-03-01&to=2021-03-14&timeZone=UTC&granularity=day")).json();
    expect(utc.periods[0].consultations).toBe(1);
    expect(utc.periods[13].consultations).toBe(1);
    const month = (await get(`/analytics?${fortnight}&granularity=month`)).json();
    expect(month.periods).toEqual([{ start: "2021-03-01", ...month.total }]);
  });

  it("counts a booking whose slot is still ahead as upcoming, outside the conversion", async () => {
    const report = (await get("/analytics?from=2031-01-01&to=2031-01-31&granularity=month")).json();
    expect(report.total.bookings).toEqual({ booked: 1, completed: 0, noShows: 0, cancelled: 0, upcoming: 1, conversion: null });
    expect(report.total.ratings.nps).toBeNull();
    expect(report.total.firstReply).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
  });

  it("counts an in-person visit marked 'did not come' as a no-show at once, while its slot is still running", async () => {
    await seedInPersonNoShow(h.db, new Date("2032-02-03T09:00:00Z"));
    // ten minutes into the 20-minute slot, when the front desk may mark it
    const during = new AnalyticsService(h.db, { maxAgeMs: Number.MAX_SAFE_INTEGER }, () => new Date("2032-02-03T09:10:00Z"));
    const query = analyticsQuerySchema.parse({ from: "2032-02-01", to: "2032-02-29", granularity: "month", timeZone: "UTC" });
    const report = await during.report({ type: "staff", id: adminId }, query);
    expect(report.total.bookings).toEqual({ booked: 1, completed: 0, noShows: 1, cancelled: 0, upcoming: 0, conversion: 0 });
  });

  it("exports the same figures as CSV, one row per period and a total", async () => {
    const response = await get(`/analytics.csv?${fortnight}&granularity=week`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe('attachment; filename="telecons-analytics-2021-03-01-2021-03-14-week.csv"');
    expect(response.body.split("\r\n")).toEqual([
      "period_start,consultations,first_reply_count,first_reply_median_min,first_reply_p90_min,video_requests,calls_started,call_wait_median_min,call_wait_p90_min,red_flags,escalations,bookings,bookings_completed,no_shows,bookings_cancelled,bookings_upcoming,booking_conversion_pct,ratings,promoters,passives,detractors,nps",
      "2021-03-01,3,3,20,28,2,2,10,14,1,0,3,2,1,0,0,66.7,3,2,1,0,66.7",
      "2021-03-08,3,2,45,49,1,0,,,1,1,4,1,2,1,0,25,2,0,1,1,-50",
      "total,6,5,30,46,3,2,10,14,2,1,7,3,3,1,0,42.9,5,2,2,1,20",
      "",
    ]);
  });

  it("is for admins only, and every read is audited", async () => {
    for (const url of [`/analytics?${fortnight}`, `/analytics.csv?${fortnight}`]) {
      expect((await get(url, null)).statusCode).toBe(401);
      expect((await get(url, "doctor")).statusCode).toBe(403);
      expect((await get(url, "operator")).statusCode).toBe(403);
    }
    expect((await refresh("UTC", null)).statusCode).toBe(401);
    expect((await refresh("UTC", "doctor")).statusCode).toBe(403);
    expect((await refresh("UTC", "operator")).statusCode).toBe(403);
    const since = new Date();
    expect((await get(`/analytics.csv?${fortnight}&granularity=month`)).statusCode).toBe(200);
    expect((await refresh("UTC")).statusCode).toBe(204);
    const rows = await h.db.auditEvent.findMany({ where: { action: { startsWith: "analytics." }, actorId: adminId, at: { gte: since } }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.action, r.meta])).toEqual([
      ["analytics.read", { from: "2021-03-01", to: "2021-03-14", granularity: "month", timeZone: "Europe/Moscow", format: "csv" }],
      ["analytics.refresh", { timeZone: "UTC" }],
    ]);
  });

  it("answers bad parameters with 400 and says what is wrong", async () => {
    const cases: Array<[string, string]> = [
      ["from=2021-03-14&to=2021-03-01", "from must not be after to"],
      ["from=2021-03-01&to=2021-03-14&granularity=year", "granularity must be day, week or month"],
      ["from=2021-03-01&to=2021-03-14&timeZone=Mars/Olympus", "timeZone must be an IANA time zone"],
      ["from=1.3.2021&to=2021-03-14", "a date as YYYY-MM-DD"],
      ["from=2019-01-01&to=2021-03-14", "the range may span at most 731 days"],
      ["to=2021-03-14", "from"],
    ];
    for (const [query, message] of cases) {
      for (const url of [`/analytics?${query}`, `/analytics.csv?${query}`]) {
        const response = await get(url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json().code).toBe("validation");
        expect(JSON.stringify(response.json().details), url).toContain(message);
      }
    }
  });
});
