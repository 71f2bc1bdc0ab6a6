import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsultationRepository } from "../core/consultations/consultation-repository";
import { startHarness, type Harness } from "../test/helpers/harness";
import { processEscalation, type EscalationDeps } from "./escalation.worker";
import { patientWithAccount } from "../test/helpers/patient-with-account";

let h: Harness;
let deps: EscalationDeps;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  const s = h.services;
  deps = { consultations: new ConsultationRepository(s.db), desk: s.desk, rules: { fallback: 30, bySpecialty: {} }, specialties: s.specialties, logger: s.logger };
});
afterAll(async () => {
  await h?.close();
});

describe("processEscalation", () => {
  it("marks a consultation nobody took within its limit escalated, once", async () => {
    const { patientId, accountId } = await patientWithAccount(h.db);
    const createdAt = new Date(Date.now() - 3600_000);
    const waiting = await h.db.consultation.create({ data: { patientId, accountId, kind: "async_chat", status: "new", createdAt } });
    const now = new Date();
    expect(await processEscalation(deps, now)).toBeGreaterThanOrEqual(1);
    expect((await h.db.consultation.findUniqueOrThrow({ where: { id: waiting.id } })).escalatedAt).toEqual(now);
    await processEscalation(deps, new Date(now.getTime() + 60_000));
    expect((await h.db.consultation.findUniqueOrThrow({ where: { id: waiting.id } })).escalatedAt).toEqual(now);
  });
});
