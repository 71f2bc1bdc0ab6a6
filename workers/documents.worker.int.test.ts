import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { processDocuments } from "./documents.worker";
import { jobErrorPolicy } from "./job-queues";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

// A signed protocol's documents: test/console-signing.e2e.test.ts (it needs a doctor's certificate and a whole consultation).
describe("processDocuments", () => {
  it("is not retried for a protocol that does not exist (the error policy)", async () => {
    const deps = { documents: h.services.documents, logger: h.services.logger };
    await expect(jobErrorPolicy(() => processDocuments({ data: { protocolId: randomUUID() } }, deps))).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it("refuses a job without a protocol id", async () => {
    const deps = { documents: h.services.documents, logger: h.services.logger };
    await expect(processDocuments({ data: { protocolId: "42" } }, deps)).rejects.toThrow();
  });
});
