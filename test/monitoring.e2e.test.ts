import { createHash } from "node:crypto";
import type { ConsoleEvent } from "../core/realtime/console-events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./helpers/harness";
import { hl7 } from "./helpers/hl7-fixtures";

let h: Harness;
let doctorToken: string;
let doctorId: string;
const published: ConsoleEvent[] = [];

beforeAll(async () => {
  h = await startHarness();
  const created = await h.newDoctor();
  doctorToken = created.apiToken;
  doctorId = created.doctor.id;
  await h.services.events.subscribe((event) => void published.push(event));
});
afterAll(async () => {
  await h?.close();
});

const staff = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${doctorToken}` }, payload });

/** A patient who went through /start and both consents, with an ingestion token issued by the doctor. */
async function linkedPatient(language = "ru") {
  const user = h.newPatient(language);
  await h.onboard(user);
  const account = await h.db.messengerAccount.findUniqueOrThrow({
    where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } },
  });
  // Onboarding replies go out first, so later assertions see only what monitoring sends.
  await waitUntil(() => h.db.outboxMessage.count({ where: { accountId: account.id, status: "pending" } }), (n) => n === 0);
  await h.careOf(doctorId, account.patientId);
  const link = await staff("POST", `/patients/${account.patientId}/ingestion-tokens`, { label: "tonometer" });
  expect(link.statusCode).toBe(201);
  const { token, id, qrPayload, nightscoutUrl } = link.json();
  return { user, patientId: account.patientId, token: token as string, tokenId: id as string, qrPayload, nightscoutUrl };
}

const post = (token: string, payload: unknown, contentType = "application/json") =>
  h.app.inject({ method: "POST", url: "/api/v1/readings", headers: { authorization: `Bearer ${token}`, "content-type": contentType }, payload: JSON.stringify(payload) });

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

async function waitUntil<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("device linking", () => {
  it("issues a token as link and QR payload, stores only hashes and refuses it once revoked", async () => {
    const p = await linkedPatient();
    expect(JSON.parse(p.qrPayload)).toMatchObject({ telecons: 1, token: p.token, readingsUrl: "http://127.0.0.1:8080/api/v1/readings" });
    expect(p.nightscoutUrl).toBe(`http://${p.token}@127.0.0.1:8080/api/v1/`);
    const row = await h.db.ingestionToken.findUniqueOrThrow({ where: { id: p.tokenId } });
    expect(JSON.stringify(row)).not.toContain(p.token);

    const reading = { readings: [{ kind: "heart_rate", value: 70, at: minutesAgo(1) }] };
    expect((await post(p.token, reading)).statusCode).toBe(200);
    expect((await staff("DELETE", `/ingestion-tokens/${p.tokenId}`)).json().revokedAt).toBeTruthy();
    const refused = await post(p.token, reading);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe("unauthorized");
    expect((await post("tcr_not-a-token", reading)).statusCode).toBe(401);
  });

  it("sends a new token to the patient on /device", async () => {
    const user = h.newPatient("en");
    await h.onboard(user);
    await h.say(user, "/device");
    await h.telegram.waitFor(() => h.telegram.sent(user.id).some((c) => String(c.params.text).startsWith("Connect a device")));
    const text = String(h.telegram.sent(user.id).find((c) => String(c.params.text).startsWith("Connect a device"))!.params.text);
    const token = /Key: (tcr_\S+)/.exec(text)![1]!;
    const response = await post(token, { readings: [{ kind: "spo2", value: 97, at: minutesAgo(1) }] });
    expect(response.json()).toMatchObject({ accepted: 1 });
  });
});

describe("POST /api/v1/readings", () => {
  it("takes our JSON batch: stores the good ones, reports impossible values and wrong units, ignores duplicates", async () => {
    const p = await linkedPatient();
    const at = minutesAgo(5);
    const batch = {
      deviceId: "omron-m3",
      readings: [
        { kind: "blood_pressure", systolic: 128, diastolic: 82, at },
        { kind: "blood_pressure", systolic: 128, diastolic: 82, at },
        { kind: "glucose", value: 101, unit: "mg/dL", at },
        { kind: "glucose", value: 5.6, unit: "mmol/mol", at: minutesAgo(4) },
        { kind: "heart_rate", value: 900, at },
        { kind: "weight", value: 81.2, unit: "kg", at },
      ],
    };
    const first = await post(p.token, batch);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ format: "json", accepted: 3, duplicates: 1 });
    expect(first.json().rejected).toEqual([
      { index: 3, error: expect.stringMatching(/unit "mmol\/mol" is not accepted for glucose/) },
      { index: 4, error: expect.stringMatching(/heart_rate 900 \/min is outside the physiologically possible range 20–300/) },
    ]);
    // The device resends the same batch: nothing new is stored.
    expect((await post(p.token, batch)).json()).toMatchObject({ accepted: 0, duplicates: 4 });
    const rows = await h.db.reading.findMany({ where: { patientId: p.patientId }, orderBy: { kind: "asc" } });
    expect(rows.map((r) => [r.kind, r.value, r.value2, r.source])).toEqual([
      ["blood_pressure", 128, 82, "json"],
      ["glucose", 5.61, null, "json"],
      ["weight", 81.2, null, "json"],
    ]);
    const none = await post(p.token, { readings: [{ kind: "spo2", value: 20, at }] });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: "validation", accepted: 0 });
    expect((await post(p.token, { hello: "world" })).statusCode).toBe(400);
  });

  it("takes HL7 FHIR R4 Observations as a Bundle, an array and application/fhir+json", async () => {
    const p = await linkedPatient();
    const names = ["observation-blood-pressure", "observation-glucose", "observation-heart-rate", "observation-body-weight", "observation-satO2"];
    const bundle = { resourceType: "Bundle", type: "transaction", entry: names.map((n) => ({ resource: hl7(n) })) };
    const response = await post(p.token, bundle, "application/fhir+json");
    expect(response.json()).toEqual({ format: "fhir", accepted: 5, duplicates: 0, rejected: [] });
    expect((await post(p.token, [hl7("observation-glucose"), hl7("observation-glucose")])).json()).toMatchObject({ accepted: 0, duplicates: 2 });
    const weight = await h.db.reading.findFirstOrThrow({ where: { patientId: p.patientId, kind: "weight" } });
    expect(weight.value).toBe(83.9);
    // The HL7 examples are years old: stored, but too old to alert anyone.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.db.monitoringAlert.count({ where: { patientId: p.patientId } })).toBe(0);
  });

  it("takes Nightscout entries at /api/v1/readings and at Nightscout's own path with api-secret = sha1(secret)", async () => {
    const p = await linkedPatient();
    const date = Date.now() - 10 * 60_000;
    const entries = [
      { type: "sgv", sgv: 112, date, dateString: new Date(date).toISOString(), direction: "Flat", device: "xDrip-DexcomG6" },
      { type: "sgv", sgv: 118, date: date + 300_000, direction: "FortyFiveUp", device: "xDrip-DexcomG6" },
      { type: "sgv", sgv: 2000, date: date + 600_000, device: "xDrip-DexcomG6" },
    ];
    expect((await post(p.token, entries)).json()).toMatchObject({ format: "nightscout", accepted: 2, rejected: [{ index: 2 }] });
    const sha1 = createHash("sha1").update(p.token).digest("hex");
    const next = [{ type: "sgv", sgv: 125, date: date + 900_000, direction: "Flat", device: "xDrip-DexcomG6" }, entries[0]];
    const ns = await h.app.inject({ method: "POST", url: "/api/v1/entries", headers: { "api-secret": sha1 }, payload: next });
    expect(ns.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await h.app.inject({ method: "POST", url: "/api/v1/entries", headers: { "api-secret": "0".repeat(40) }, payload: next })).statusCode).toBe(401);
    const values = (await h.db.reading.findMany({ where: { patientId: p.patientId }, orderBy: { measuredAt: "asc" } })).map((r) => r.value);
    expect(values).toEqual([6.22, 6.55, 6.94]);
  });
});

describe("alerts", () => {
  it("a run of high readings gives one alert and one message; a critical one escalates with emergency numbers", async () => {
    const p = await linkedPatient("ru");
    const before = h.telegram.sent(p.user.id).length;
    for (let i = 0; i < 6; i++) {
      const response = await post(p.token, { deviceId: "omron", readings: [{ kind: "blood_pressure", systolic: 150 + i, diastolic: 95, at: minutesAgo(30 - i) }] });
      expect(response.json().accepted).toBe(1);
    }
    const alerts = await waitUntil(
      () => h.db.monitoringAlert.findMany({ where: { patientId: p.patientId } }),
      (rows) => rows.length === 1 && rows[0]!.readingsCount === 6,
    );
    expect(alerts.map((a) => [a.metric, a.level, a.status, a.readingsCount])).toEqual([["blood_pressure", "high", "open", 6]]);
    await h.telegram.waitFor(() => h.telegram.sent(p.user.id).length > before);
    const messages = () => h.telegram.sent(p.user.id).slice(before).map((c) => String(c.params.text));
    expect(messages()).toHaveLength(1);
    expect(messages()[0]).toMatch(/^Давление: 150\/95 mmHg — выше цели/);

    // Listed for the doctor and pushed to the console channel.
    const listed = (await staff("GET", `/monitoring/alerts?status=open&patientId=${p.patientId}`)).json().alerts;
    expect(listed).toHaveLength(1);
    const ofPatient = () => published.filter((e) => "patientId" in e && e.patientId === p.patientId).map((e) => e.type);
    await waitUntil(async () => ofPatient(), (types) => types.length > 0);
    expect(ofPatient()).toEqual(["alert.opened"]);

    // Acknowledged: further high readings join it silently; a critical one re-opens it and tells the patient what to do.
    expect((await staff("POST", `/monitoring/alerts/${alerts[0]!.id}/acknowledge`)).json().status).toBe("acknowledged");
    await post(p.token, { deviceId: "omron", readings: [{ kind: "blood_pressure", systolic: 158, diastolic: 96, at: minutesAgo(20) }] });
    await post(p.token, { deviceId: "omron", readings: [{ kind: "blood_pressure", systolic: 186, diastolic: 124, at: minutesAgo(19) }] });
    const escalated = await waitUntil(
      () => h.db.monitoringAlert.findUniqueOrThrow({ where: { id: alerts[0]!.id } }),
      (a) => a.level === "critical_high",
    );
    expect([escalated.status, escalated.readingsCount]).toEqual(["open", 8]);
    await h.telegram.waitFor(() => messages().length === 2);
    expect(messages()[1]).toMatch(/186\/124 mmHg — опасно высокое.*103 или 112/s);
    expect(await waitUntil(async () => ofPatient(), (types) => types.length === 2)).toEqual(["alert.opened", "alert.escalated"]);
    expect(await h.db.monitoringAlert.count({ where: { patientId: p.patientId } })).toBe(1);
  });

  it("closes the alert after the metric is normal for a while; the next low opens a new one", async () => {
    const p = await linkedPatient("en");
    const send = (value: number, minutes: number) => post(p.token, { deviceId: "cgm", readings: [{ kind: "glucose", value, unit: "mmol/L", at: minutesAgo(minutes) }] });
    await send(3.5, 120);
    await send(3.6, 115);
    await send(6, 110);
    await send(3.7, 100); // back low before the normal stretch lasted 30 minutes: same alert
    await send(6, 90);
    await send(6.2, 50); // 40 minutes normal: resolved
    await send(2.8, 10); // a new, critical alert
    const alerts = await waitUntil(
      () => h.db.monitoringAlert.findMany({ where: { patientId: p.patientId }, orderBy: { openedAt: "asc" } }),
      (rows) => rows.length === 2,
    );
    expect(alerts.map((a) => [a.level, a.status, a.readingsCount])).toEqual([
      ["low", "resolved", 3],
      ["critical_low", "open", 1],
    ]);
    await h.telegram.waitFor(() => h.telegram.sent(p.user.id).filter((c) => /Glucose/.test(String(c.params.text))).length === 2);
    expect(h.telegram.sent(p.user.id).map((c) => String(c.params.text)).filter((t) => t.includes("Glucose"))[1]).toMatch(/2\.8 mmol\/L is dangerously low.*103 or 112/s);
  });

  it("evaluates readings of several patients arriving at the same moment (one shared job), each on its own", async () => {
    const [a, b] = await Promise.all([linkedPatient(), linkedPatient()]);
    await Promise.all([
      post(a!.token, { readings: [{ kind: "spo2", value: 90, at: minutesAgo(3) }] }),
      post(b!.token, { readings: [{ kind: "spo2", value: 97, at: minutesAgo(3) }, { kind: "glucose", value: 2.5, at: minutesAgo(2) }] }),
    ]);
    const alerts = await waitUntil(
      () => h.db.monitoringAlert.findMany({ where: { patientId: { in: [a!.patientId, b!.patientId] } } }),
      (rows) => rows.length === 2,
    );
    expect(alerts.map((x) => [x.patientId, x.metric, x.level]).sort()).toEqual(
      [
        [a!.patientId, "spo2", "low"],
        [b!.patientId, "glucose", "critical_low"],
      ].sort(),
    );
    expect(await h.db.auditEvent.count({ where: { action: "ingestion_token.issue", entityId: a!.patientId } })).toBe(1);
  });

  it("uses the doctor's thresholds, who then gets the patient's alerts", async () => {
    const p = await linkedPatient();
    const put = await staff("PUT", `/patients/${p.patientId}/thresholds`, { spo2: { low: 95, criticalLow: 90 } });
    expect(put.json().thresholds.spo2).toEqual({ low: 95, criticalLow: 90 });
    expect(put.json().thresholds.glucose).toEqual({ criticalLow: 3, low: 3.9, high: 13.9 });
    expect((await staff("PUT", `/patients/${p.patientId}/thresholds`, { spo2: { low: 80, criticalLow: 90 } })).statusCode).toBe(400);
    await post(p.token, { readings: [{ kind: "spo2", value: 94, at: minutesAgo(2) }] });
    const [alert] = await waitUntil(() => h.db.monitoringAlert.findMany({ where: { patientId: p.patientId } }), (rows) => rows.length === 1);
    expect(alert!.level).toBe("low");
    expect(alert!.doctorId).toBe((await h.db.monitoringPlan.findUniqueOrThrow({ where: { patientId: p.patientId } })).doctorId);
  });
});

describe("readings for charts", () => {
  it("returns a window of readings with thresholds, and the same as an SVG chart", async () => {
    const p = await linkedPatient();
    await post(p.token, {
      readings: [
        { kind: "glucose", value: 5.1, at: minutesAgo(60 * 30) },
        { kind: "glucose", value: 7.4, at: minutesAgo(60 * 3) },
        { kind: "glucose", value: 6.2, at: minutesAgo(60) },
        { kind: "glucose", value: 6.0, at: minutesAgo(60 * 24 * 10) },
      ],
    });
    const day = (await staff("GET", `/patients/${p.patientId}/readings?window=day&kind=glucose`)).json();
    expect(day.series).toHaveLength(1);
    expect(day.series[0].points.map((pt: { value: number }) => pt.value)).toEqual([7.4, 6.2]);
    expect(day.thresholds.glucose.low).toBe(3.9);
    const week = (await staff("GET", `/patients/${p.patientId}/readings?window=week`)).json();
    expect(week.series[0].points).toHaveLength(3);
    const month = (await staff("GET", `/patients/${p.patientId}/readings?window=month`)).json();
    expect(month.series[0].points).toHaveLength(4);
    const svg = await staff("GET", `/patients/${p.patientId}/readings/chart.svg?window=week&kind=glucose`);
    expect(svg.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(svg.body.match(/<circle /g)).toHaveLength(3);
    expect(svg.body).toContain('data-value="3.9"');
    expect(await h.db.auditEvent.count({ where: { action: "readings.read", entityId: p.patientId } })).toBe(4);
    expect((await h.app.inject({ method: "GET", url: `/api/v1/patients/${p.patientId}/readings` })).statusCode).toBe(401);
  });
});

describe("many devices at once", () => {
  it("answers each of many concurrent one-reading requests over HTTP with its own counts; duplicates across requests are stored once, all evaluated", async () => {
    const [calm, high] = await Promise.all([linkedPatient(), linkedPatient()]);
    const address = await h.app.listen({ port: 0, host: "127.0.0.1" });
    const send = (token: string, readings: object[]) =>
      fetch(`${address}/api/v1/readings`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ deviceId: "watch", readings }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { accepted: number } }));
    // One clock for all requests, so the same minute is the same reading.
    const now = Date.now();
    const at = (minute: number) => new Date(now - minute * 60_000).toISOString();
    const pulse = (minute: number) => ({ kind: "heart_rate", value: 60 + (minute % 30), at: at(minute) });
    const pressure = (minute: number) => ({ kind: "blood_pressure", systolic: 150, diastolic: 95, at: at(minute) });

    const [unique, twiceA, twiceB, sameTwice, bad, ...highs] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, (_, i) => send(calm!.token, [pulse(100 + i)]))),
      // The same reading sent by two requests at once (a device retrying): one stores it, the other is told it is a duplicate.
      Promise.all(Array.from({ length: 10 }, (_, i) => send(calm!.token, [pulse(200 + i)]))),
      Promise.all(Array.from({ length: 10 }, (_, i) => send(calm!.token, [pulse(200 + i)]))),
      send(calm!.token, [pulse(300), pulse(300)]),
      send(calm!.token, [{ kind: "heart_rate", value: 900, at: at(301) }]),
      ...Array.from({ length: 5 }, (_, i) => send(high!.token, [pressure(50 - i)])),
    ]);

    const ok = { status: 200, body: { format: "json", accepted: 1, duplicates: 0, rejected: [] } };
    const dup = { status: 200, body: { format: "json", accepted: 0, duplicates: 1, rejected: [] } };
    expect(unique).toEqual(Array.from({ length: 40 }, () => ok));
    twiceA.forEach((a, i) => expect([a, twiceB[i]!].sort((x, y) => y.body.accepted - x.body.accepted)).toEqual([ok, dup]));
    expect(sameTwice).toEqual({ status: 200, body: { format: "json", accepted: 1, duplicates: 1, rejected: [] } });
    expect(bad).toMatchObject({ status: 400, body: { code: "validation", accepted: 0, duplicates: 0, rejected: [{ index: 0 }] } });
    expect(highs).toEqual(Array.from({ length: 5 }, () => ok));

    const stored = await h.db.reading.findMany({ where: { patientId: calm!.patientId }, orderBy: { measuredAt: "asc" } });
    expect(stored).toHaveLength(40 + 10 + 1);
    expect(new Set(stored.map((r) => `${r.kind}/${r.measuredAt.getTime()}`)).size).toBe(51);
    expect(stored.every((r) => r.kind === "heart_rate" && r.deviceId === "watch" && r.value >= 60 && r.value < 90)).toBe(true);
    expect(await h.db.reading.count({ where: { patientId: high!.patientId } })).toBe(5);

    // Every high reading was evaluated, whichever write and job carried it: one alert counting all five.
    const alerts = await waitUntil(
      () => h.db.monitoringAlert.findMany({ where: { patientId: { in: [calm!.patientId, high!.patientId] } } }),
      (rows) => rows.length === 1 && rows[0]!.readingsCount === 5,
    );
    expect(alerts.map((a) => [a.patientId, a.metric, a.level, a.readingsCount])).toEqual([[high!.patientId, "blood_pressure", "high", 5]]);
  });
});
