import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { processEvaluate } from "./readings.worker";
import { patientWithAccount } from "../test/helpers/patient-with-account";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe("processEvaluate", () => {
  it("opens one alert for a run of high readings, and joins it when the job runs again", async () => {
    const { patientId } = await patientWithAccount(h.db);
    const readings = Array.from({ length: 6 }, (_, i) => ({ kind: "blood_pressure", systolic: 150 + i, diastolic: 95, at: minutesAgo(30 - i) }));
    await h.services.readings.ingest(patientId, { deviceId: "omron", readings });
    const readingIds = (await h.db.reading.findMany({ where: { patientId }, select: { id: true } })).map((r) => r.id);
    expect(readingIds).toHaveLength(6);
    const job = { data: { groups: [{ patientId, readingIds }] } };

    await processEvaluate(job, { alerts: h.services.alerts });
    await processEvaluate(job, { alerts: h.services.alerts });
    const alerts = await h.db.monitoringAlert.findMany({ where: { patientId } });
    expect(alerts.map((a) => [a.metric, a.level, a.status])).toEqual([["blood_pressure", "high", "open"]]);
  });

  /** One job with all these readings of a new patient, as one write of several requests hands it over. */
  async function evaluateAtOnce(readings: object[], patientId?: string) {
    const patient = patientId ?? (await patientWithAccount(h.db)).patientId;
    const before = new Set((await h.db.reading.findMany({ where: { patientId: patient }, select: { id: true } })).map((r) => r.id));
    await h.services.readings.ingest(patient, { deviceId: "dev", readings });
    const readingIds = (await h.db.reading.findMany({ where: { patientId: patient }, select: { id: true } })).map((r) => r.id).filter((id) => !before.has(id));
    await processEvaluate({ data: { groups: [{ patientId: patient, readingIds }] } }, { alerts: h.services.alerts });
    return { patientId: patient, alerts: await h.db.monitoringAlert.findMany({ where: { patientId: patient }, orderBy: { openedAt: "asc" } }) };
  }

  it("in one job, closes an alert after a normal stretch and opens the next one (the closed one frees its key first)", async () => {
    const glucose = (value: number, minutes: number) => ({ kind: "glucose", value, unit: "mmol/L", at: minutesAgo(minutes) });
    const { alerts } = await evaluateAtOnce([glucose(3.5, 120), glucose(3.6, 115), glucose(6, 110), glucose(3.7, 100), glucose(6, 90), glucose(6.2, 50), glucose(2.8, 10)]);
    expect(alerts.map((a) => [a.level, a.status, a.readingsCount, a.lastValue, a.openKey === null])).toEqual([
      ["low", "resolved", 3, 3.7, true],
      ["critical_low", "open", 1, 2.8, false],
    ]);
    expect(alerts[0]!.resolvedAt?.toISOString().slice(0, 16)).toBe(minutesAgo(50).slice(0, 16));
    expect(alerts[0]!.normalSince?.toISOString().slice(0, 16)).toBe(minutesAgo(90).slice(0, 16));
  });

  it("in one job, joins readings to an acknowledged alert and re-opens it at the critical level, with the count and the last value", async () => {
    const bp = (systolic: number, minutes: number) => ({ kind: "blood_pressure", systolic, diastolic: systolic < 140 ? 78 : 95, at: minutesAgo(minutes) });
    const first = await evaluateAtOnce([bp(150, 40)]);
    await h.db.monitoringAlert.update({ where: { id: first.alerts[0]!.id }, data: { status: "acknowledged", acknowledgedAt: new Date() } });
    const { alerts } = await evaluateAtOnce([bp(152, 30), bp(120, 25), bp(186, 20), bp(160, 15)], first.patientId);
    expect(alerts.map((a) => [a.level, a.status, a.readingsCount, a.lastValue, a.acknowledgedAt, a.normalSince])).toEqual([["critical_high", "open", 4, 160, null, null]]);
  });

  it("fails a malformed job for good", async () => {
    await expect(processEvaluate({ data: { groups: [] } }, { alerts: h.services.alerts })).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
