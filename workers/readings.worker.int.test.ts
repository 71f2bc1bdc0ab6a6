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

  it("fails a malformed job for good", async () => {
    await expect(processEvaluate({ data: { groups: [] } }, { alerts: h.services.alerts })).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
