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
    const user = h.newPatient("ru");
    await h.say(user, "/start"); // no worker runs: the welcome stays pending in the outbox
    const { patientId } = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
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
