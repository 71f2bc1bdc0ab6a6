import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { processErase } from "./retention.worker";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

const job = (patientId: string, attemptsMade: number) => ({ data: { patientId }, attemptsMade, opts: { attempts: 3 } });

describe("processErase", () => {
  it("waits while a message to the patient is still queued, erases on the last attempt regardless, and once", async () => {
    // No worker runs: a message written to the outbox stays pending.
    const user = h.newPatient("ru");
    const { id: patientId } = await h.db.patient.create({ data: { language: "ru" } });
    const account = await h.db.messengerAccount.create({ data: { channel: "telegram", externalUserId: String(user.id), chatId: String(user.id), patientId } });
    await h.services.outbox.write(h.db, account.id, { text: "Здравствуйте" });
    const deps = { erasure: h.services.erasure, sweep: h.services.retentionSweep, logger: h.services.logger };
    expect(await processErase(job(patientId, 0), deps)).toBe("not_requested");

    await h.services.erasure.request(patientId, { type: "patient", id: patientId }, "bot");
    await expect(processErase(job(patientId, 0), deps)).rejects.toThrow(/last messages/);
    expect((await h.db.patient.findUniqueOrThrow({ where: { id: patientId } })).erasedAt).toBeNull();

    expect(await processErase(job(patientId, 2), deps)).toBe("erased");
    // The message that never went out will not go out to an erased account.
    expect(await h.db.outboxMessage.count({ where: { account: { patientId }, status: "pending" } })).toBe(0);
    expect(await processErase(job(patientId, 2), deps)).toBe("already_erased");
  });
});
