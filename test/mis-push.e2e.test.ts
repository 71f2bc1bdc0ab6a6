import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Doctor } from "../core/doctors/doctors";
import { createStaff, launchChromium, loginConsole, staffPassword, type StaffLogin } from "./helpers/browser";
import { fhirSchemaErrors } from "./helpers/fhir-schema";
import { startHarness, type Harness } from "./helpers/harness";
import { MisStandIn, type TransactionBundle } from "./helpers/mis-stand-in";
import { protocolFixture, signingDoctor } from "./helpers/protocol-fixture";
import { freshTotpCode } from "./helpers/totp";

/**
 * Push on signing, end to end: a doctor signs, the real workers make the signed PDFs and send the protocol version to
 * a MIS stand-in (an HTTP server that takes transaction Bundles and can fail the first requests). It arrives once and
 * conforms to the R4 schema; a MIS that keeps failing puts the push on the admin's review list, where "retry now" in
 * the console sends it; a deployment without MIS_FHIR_URL sends nothing.
 */

let h: Harness;
let mis: MisStandIn;
let doctor: Doctor;
let admin: StaffLogin;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mis = await new MisStandIn().start();
  h = await startHarness({ MIS_FHIR_URL: mis.baseUrl, MIS_BEARER_TOKEN: mis.token, MIS_PUSH_ATTEMPTS: "3", MIS_PUSH_BACKOFF_MS: "100" });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  doctor = await signingDoctor(h);
  admin = await createStaff(h, "mis-admin", "admin");
  // The R4 schema compiles once, in seconds: not inside a test's time.
  fhirSchemaErrors({ resourceType: "Bundle" });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
  await mis?.stop();
});

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const stop = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const pushOf = (target: Harness, protocolId: string) => target.db.misPush.findUnique({ where: { protocolId } });
const settled = (protocolId: string, status: "sent" | "failed") => until(`push ${status}`, () => pushOf(h, protocolId), (row) => row?.status === status);
const failedStatuses = (from: number) => mis.requests.slice(from).filter((r) => r.status !== 200).map((r) => r.status);

function expectConformant(bundle: TransactionBundle) {
  expect([...fhirSchemaErrors(bundle), ...bundle.entry.flatMap((e) => fhirSchemaErrors(e.resource))]).toEqual([]);
}

describe("push on signing", { timeout: 120_000 }, () => {
  it("sends a signed protocol once, schema-valid, through two failed requests; its correction replaces it by identifier", async () => {
    const { protocolId, consultationNumber } = await protocolFixture(h, doctor);
    const from = mis.requests.length;
    mis.failNext(2);
    await h.services.protocols.sign(doctor, protocolId);
    expect(await settled(protocolId, "sent")).toMatchObject({ attempts: 3, lastError: null });
    expect(failedStatuses(from)).toEqual([503, 503]);
    const [bundle, ...more] = mis.bundlesFor(`${consultationNumber}/v1`);
    expect(more).toEqual([]);
    expectConformant(bundle!);
    expect(bundle!.entry.map((e) => e.resource.resourceType)).toEqual(["Patient", "Encounter", "Composition", "DocumentReference", "DocumentReference"]);

    // Queued again (a second signing call, a re-run): nothing more is sent.
    await h.services.mis!.misPush.queue(protocolId);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mis.bundlesFor(`${consultationNumber}/v1`)).toHaveLength(1);

    // A correction is its own version, sent once, pointing at the version it replaces by that version's identifier.
    const stored = mis.stored.size;
    const correction = await h.services.protocols.correct(doctor, protocolId);
    await h.services.protocols.sign(doctor, correction.id);
    await settled(correction.id, "sent");
    const [amended, ...again] = mis.bundlesFor(`${consultationNumber}/v2`);
    expect(again).toEqual([]);
    expectConformant(amended!);
    const composition = amended!.entry.find((e) => e.resource.resourceType === "Composition")!.resource;
    expect(composition.status).toBe("amended");
    expect(composition.relatesTo).toEqual([
      { code: "replaces", targetReference: { reference: `Composition?identifier=${encodeURIComponent(`urn:telecons:consultation|${consultationNumber}/v1`)}` } },
    ]);
    // The same patient and visit (conditional updates), a new Composition and its PDFs.
    expect(mis.stored.size - stored).toBe(1 + amended!.entry.filter((e) => e.resource.resourceType === "DocumentReference").length);
  });

  it("lists a push the MIS kept failing for review, with its error, and sends it when an admin retries from the console", async () => {
    const { protocolId, consultationNumber } = await protocolFixture(h, doctor);
    const from = mis.requests.length;
    mis.failNext(50);
    await h.services.protocols.sign(doctor, protocolId);
    expect(await settled(protocolId, "failed")).toMatchObject({ attempts: 3, lastError: "MIS answered 503: the MIS is being updated, try later" });
    expect(failedStatuses(from)).toEqual([503, 503, 503]);
    expect(mis.bundlesFor(`${consultationNumber}/v1`)).toEqual([]);

    const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: admin.email, password: staffPassword, code: await freshTotpCode(admin.secret) } });
    const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
    const listed = await h.app.inject({ method: "GET", url: "/api/v1/mis-pushes/failed", headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().configured).toBe(true);
    expect(listed.json().failures).toContainEqual(
      expect.objectContaining({ protocolId, consultationNumber, version: 1, attempts: 3, lastError: "MIS answered 503: the MIS is being updated, try later" }),
    );

    mis.recover();
    browser = await launchChromium();
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, admin);
    await page.getByRole("button", { name: "Admin" }).click();
    const row = page.getByTestId("mis-push-row").filter({ hasText: `Consultation ${consultationNumber}, version 1` });
    await expect(row.getByText("MIS answered 503").textContent()).resolves.toContain("try later");
    await row.getByRole("button", { name: "Retry now" }).click();
    await row.getByText("Queued").waitFor();
    await context.close();

    expect(await settled(protocolId, "sent")).toMatchObject({ attempts: 4, lastError: null });
    const [bundle, ...more] = mis.bundlesFor(`${consultationNumber}/v1`);
    expect(more).toEqual([]);
    expectConformant(bundle!);
    expect(await h.db.auditEvent.count({ where: { action: "mis.retry", entityId: protocolId } })).toBe(1);
    // Sent: no longer on the list, and not retried again.
    expect((await h.app.inject({ method: "GET", url: "/api/v1/mis-pushes/failed", headers })).json().failures.map((f: { protocolId: string }) => f.protocolId)).not.toContain(protocolId);
    expect((await h.app.inject({ method: "POST", url: `/api/v1/mis-pushes/${protocolId}/retry`, headers })).statusCode).toBe(409);
  });

  it("sends nothing when no MIS is configured", async () => {
    const plain = await startHarness();
    try {
      expect(plain.services.mis).toBeUndefined();
      const own = await signingDoctor(plain);
      const { protocolId } = await protocolFixture(plain, own);
      const from = mis.requests.length;
      await plain.services.protocols.sign(own, protocolId);
      // The signed PDFs are made as always; no push is recorded or queued.
      await until("the signed PDFs", () => plain.db.protocol.findUniqueOrThrow({ where: { id: protocolId } }), (p) => p.notifiedAt !== null);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await pushOf(plain, protocolId)).toBeNull();
      expect(mis.requests.length).toBe(from);
    } finally {
      await plain.close();
    }
  });
});
