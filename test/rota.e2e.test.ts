import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./helpers/harness";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { staffLogin } from "./helpers/staff-login";

/**
 * The rota api (issue 22) over real HTTP and Postgres: rules, shifts planned for others,
 * the week grid in Moscow hours with its gaps, and the coverage analytics. A database of its own: the grid's rows and
 * gaps are this file's rules only.
 */
let database: ScratchDatabase;
let h: Harness;
let base = "";
type Headers = Record<string, string>;
let admin: Headers;
let operator: Headers;
let doctor: Headers;
const ids: Record<string, string> = {};

const call = async (who: Headers, method: string, path: string, body?: unknown) => {
  const json = body === undefined ? {} : { headers: { ...who, "content-type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(`${base}/api/v1${path}`, { method, headers: who, ...json });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

beforeAll(async () => {
  database = await scratchDatabase("rota");
  h = await startHarness({ DATABASE_URL: database.url }, { workers: false });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  admin = (await staffLogin(h, "admin")).headers;
  operator = (await staffLogin(h, "operator")).headers;
  const tajik = await staffLogin(h, "doctor", { specialties: ["gp"], languages: ["tg", "ru"] });
  doctor = tajik.headers;
  ids.tajik = tajik.staff.doctor!.id;
  ids.russian = (await h.services.doctors.create({ name: "Иван Петров", specialties: ["gp", "pediatrics"], languages: ["ru"] })).doctor.id;
  ids.interpreter = (await h.db.interpreter.create({ data: { name: "Фарангис Рахимова", languages: ["tg"] } })).id;
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

// 7 December 2026 in Moscow begins at 6 December 21:00 UTC.
const moscow = (day: number, hour: number) => new Date(Date.UTC(2026, 11, day, hour - 3)).toISOString();

describe("rota api", () => {
  it("keeps coverage rules: admins write them, operators read them, nobody else", async () => {
    const created = await call(admin, "POST", "/coverage-rules", { specialty: "gp", language: "tg", from: "00:00", to: "24:00" });
    expect(created).toMatchObject({ status: 201, body: { rule: { specialty: "gp", language: "tg", from: "00:00", to: "24:00" } } });
    ids.rule = created.body.rule.id;
    expect((await call(admin, "POST", "/coverage-rules", { specialty: "gp", language: "az", from: "22:00", to: "06:00" })).status).toBe(201);
    expect((await call(operator, "POST", "/coverage-rules", { specialty: "gp", language: "ky", from: "08:00", to: "22:00" })).status).toBe(403);
    expect((await call(admin, "POST", "/coverage-rules", { specialty: "gp", language: "ky", from: "08:00", to: "08:00" })).status).toBe(400);
    expect((await call(admin, "POST", "/coverage-rules", { specialty: "astrology", language: "ky", from: "08:00", to: "22:00" })).status).toBe(400);
    const read = await call(operator, "GET", "/coverage-rules");
    expect(read.body.rules.map((r: { language: string; from: string; to: string }) => `${r.language} ${r.from}-${r.to}`)).toEqual(["az 22:00-06:00", "tg 00:00-24:00"]);
    expect((await call(doctor, "GET", "/coverage-rules")).status).toBe(403);
    const audited = await h.db.auditEvent.count({ where: { action: "coverage_rule.create", entityId: ids.rule } });
    expect(audited).toBe(1);
  });

  it("lets operators plan anyone's shifts, within the limits, and shows the week in Moscow hours with its gaps", async () => {
    // The Tajik doctor works the night of 7→8 December, 22:00–06:00 Moscow.
    const night = await call(operator, "POST", "/rota/shifts", { kind: "doctor", doctorId: ids.tajik, specialty: "gp", startsAt: moscow(7, 22), endsAt: moscow(8, 6) });
    expect(night).toMatchObject({ status: 201, body: { shift: { kind: "doctor", personId: ids.tajik, specialty: "gp", languages: ["tg", "ru"], startsAt: moscow(7, 22) } } });
    // The Russian-speaking doctor 09:00–13:00 on the 8th, with the Tajik interpreter 10:00–12:00.
    expect((await call(operator, "POST", "/rota/shifts", { kind: "doctor", doctorId: ids.russian, specialty: "gp", startsAt: moscow(8, 9), endsAt: moscow(8, 13) })).status).toBe(201);
    const interpreting = await call(operator, "POST", "/rota/shifts", { kind: "interpreter", interpreterId: ids.interpreter, startsAt: moscow(8, 10), endsAt: moscow(8, 11) });
    expect(interpreting.body.shift).toMatchObject({ kind: "interpreter", specialty: null, languages: ["tg"] });
    const moved = await call(admin, "PATCH", `/rota/shifts/${interpreting.body.shift.id}`, { kind: "interpreter", startsAt: moscow(8, 10), endsAt: moscow(8, 12) });
    expect(moved).toMatchObject({ status: 200, body: { shift: { endsAt: moscow(8, 12) } } });

    const refused = [
      await call(operator, "POST", "/rota/shifts", { kind: "doctor", doctorId: ids.tajik, specialty: "pediatrics", startsAt: moscow(9, 8), endsAt: moscow(9, 12) }),
      await call(operator, "POST", "/rota/shifts", { kind: "doctor", doctorId: ids.tajik, specialty: "gp", startsAt: moscow(9, 8), endsAt: moscow(10, 9) }),
      await call(operator, "POST", "/rota/shifts", { kind: "doctor", doctorId: ids.tajik, specialty: "gp", startsAt: moscow(9, 8), endsAt: moscow(9, 8) }),
      await call(operator, "PATCH", `/rota/shifts/${night.body.shift.id}`, { kind: "doctor", startsAt: moscow(9, 8), endsAt: moscow(9, 7) }),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect((await call(doctor, "POST", "/rota/shifts", { kind: "doctor", doctorId: ids.russian, specialty: "gp", startsAt: moscow(9, 8), endsAt: moscow(9, 12) })).status).toBe(403);

    const week = await call(operator, "GET", "/rota?from=2026-12-07&days=2");
    expect(week.body).toMatchObject({ from: moscow(7, 0), to: moscow(9, 0), timeZone: "Europe/Moscow" });
    expect(week.body.shifts).toHaveLength(3);
    const rows = week.body.rows as Array<{ specialty: string; language: string; hours: Array<{ at: string; doctors: number; interpreters: number; cover: string; required: boolean; gap: boolean }> }>;
    // gp and pediatrics in every language (the az and tg rules are gp's).
    expect(rows.map((r) => `${r.specialty}/${r.language}`)).toEqual(["gp/ru", "gp/en", "gp/uz", "gp/tg", "gp/ky", "gp/az", "pediatrics/ru", "pediatrics/en", "pediatrics/uz", "pediatrics/tg", "pediatrics/ky", "pediatrics/az"]);
    const tg = rows.find((r) => r.specialty === "gp" && r.language === "tg")!.hours;
    expect(tg).toHaveLength(48);
    expect(tg[22]).toEqual({ at: moscow(7, 22), doctors: 1, interpreters: 0, cover: "doctor", required: true, gap: false });
    expect(tg.filter((h) => !h.gap).map((h) => h.at)).toEqual([22, 23, 24, 25, 26, 27, 28, 29].map((i) => tg[i]!.at));
    expect(tg.filter((h) => h.cover === "interpreter").map((h) => h.at)).toEqual([moscow(8, 10), moscow(8, 11)]);
    // The az rule crosses midnight: 00:00–06:00 and 22:00–24:00 of each day are asked for.
    const az = rows.find((r) => r.specialty === "gp" && r.language === "az")!.hours;
    expect(az.filter((h) => h.required).length).toBe(16);

    const gaps = await call(operator, "GET", "/coverage/gaps?hours=168");
    expect(gaps.status).toBe(200);
    expect(gaps.body.gaps.every((g: { specialty: string; language: string }) => g.specialty === "gp" && ["tg", "az"].includes(g.language))).toBe(true);
    expect((await call(doctor, "GET", "/rota?from=2026-12-07")).status).toBe(403);
  });

  it("removes a shift and lists the people who can be planned", async () => {
    const people = await call(admin, "GET", "/rota/people");
    expect(people.body.doctors.map((d: { id: string }) => d.id).sort()).toEqual([ids.tajik, ids.russian].sort());
    expect(people.body.interpreters).toEqual([{ id: ids.interpreter, name: "Фарангис Рахимова", languages: ["tg"] }]);
    const week = await call(admin, "GET", "/rota?from=2026-12-08&days=1");
    const interpreting = week.body.shifts.find((s: { kind: string }) => s.kind === "interpreter");
    expect((await call(operator, "DELETE", `/rota/shifts/${interpreting.id}?kind=doctor`)).status).toBe(404);
    expect((await call(operator, "DELETE", `/rota/shifts/${interpreting.id}?kind=interpreter`)).status).toBe(204);
    expect((await call(admin, "GET", "/rota?from=2026-12-08&days=1")).body.shifts).toHaveLength(2);
    expect(await h.db.auditEvent.count({ where: { action: "rota.shift.remove", entityId: interpreting.id } })).toBe(1);
  });

  it("reports covered hours per specialty and language and waits by Moscow hour of day", async () => {
    // Two consultations opened at 03:10 Moscow on 8 December, answered after 20 and 40 minutes; one at 14:00 unanswered.
    const patient = await h.db.patient.create({ data: { language: "tg" } });
    const account = await h.db.messengerAccount.create({ data: { channel: "telegram", externalUserId: "rota-1", chatId: "1", patientId: patient.id } });
    const open = async (at: string, replyAfterMinutes?: number) => {
      const c = await h.db.consultation.create({ data: { patientId: patient.id, accountId: account.id, kind: "async_chat", status: "closed", createdAt: new Date(at) } });
      if (replyAfterMinutes !== undefined) {
        await h.db.message.create({ data: { consultationId: c.id, authorRole: "doctor", doctorId: ids.tajik, text: "…", createdAt: new Date(Date.parse(at) + replyAfterMinutes * 60_000) } });
      }
    };
    const tenPastThree = new Date(Date.parse(moscow(8, 3)) + 10 * 60_000).toISOString();
    await open(tenPastThree, 20);
    await open(tenPastThree, 40);
    await open(moscow(8, 14));

    const report = await call(operator, "GET", "/coverage?from=2026-12-07&to=2026-12-08");
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ from: "2026-12-07", to: "2026-12-08", timeZone: "Europe/Moscow" });
    const tg = report.body.covered.find((c: { specialty: string; language: string }) => c.specialty === "gp" && c.language === "tg");
    expect(tg).toEqual({ specialty: "gp", language: "tg", requiredHours: 48, coveredHours: 8, interpreterHours: 0 });
    const ru = report.body.covered.find((c: { specialty: string; language: string }) => c.specialty === "gp" && c.language === "ru");
    expect(ru).toEqual({ specialty: "gp", language: "ru", requiredHours: 0, coveredHours: 12, interpreterHours: 0 });
    expect(report.body.waitsByHour).toHaveLength(24);
    expect(report.body.waitsByHour[3]).toEqual({ hour: 3, consultations: 2, medianFirstReplyMinutes: 30 });
    expect(report.body.waitsByHour[14]).toEqual({ hour: 14, consultations: 1, medianFirstReplyMinutes: null });
    expect(report.body.waitsByHour[5]).toEqual({ hour: 5, consultations: 0, medianFirstReplyMinutes: null });
    expect((await call(doctor, "GET", "/coverage?from=2026-12-07&to=2026-12-08")).status).toBe(403);
  });
});
