import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processPull } from "../workers/labs.worker";
import { FhirLabStandIn } from "./helpers/fhir-lab-stand-in";
import { startHarness, type Harness } from "./helpers/harness";
import { hl7 } from "./helpers/hl7-fixtures";
import { walkIntake } from "./helpers/intake-steps";
import { giveCertificate } from "./helpers/test-pki";

const LAB_TOKEN = "helix-push-token-0123456789";
let h: Harness;
let lab: FhirLabStandIn;
let doctorToken: string;
let doctorId: string;

beforeAll(async () => {
  lab = await new FhirLabStandIn().start();
  h = await startHarness({
    LABS_CONFIG: JSON.stringify([
      { id: "helix", name: "Helix", delivery: { type: "push", token: LAB_TOKEN } },
      { id: "invitro", name: "Invitro", delivery: { type: "pull", baseUrl: lab.baseUrl, intervalSeconds: 3600 } },
    ]),
  });
  const created = await h.newDoctor();
  doctorToken = created.apiToken;
  doctorId = created.doctor.id;
  // Signing a protocol needs the doctor's certificate.
  await giveCertificate(h.services.certificates, doctorId);
});
afterAll(async () => {
  await h?.close();
  await lab?.stop();
});

const staff = (method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${doctorToken}` }, payload });
const push = (labId: string, payload: unknown, token = LAB_TOKEN) =>
  h.app.inject({ method: "POST", url: `/api/v1/labs/${labId}/results`, headers: { authorization: `Bearer ${token}`, "content-type": "application/fhir+json" }, payload: JSON.stringify(payload) });
const texts = (userId: number) => h.telegram.sent(userId).map((c) => String(c.params.text));

async function patient() {
  const user = h.newPatient("en");
  await h.onboard(user);
  const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
  await h.telegram.waitFor(() => texts(user.id).length >= 6);
  await h.careOf(doctorId, account.patientId);
  return { user, patientId: account.patientId };
}

/** A doctor's order; the patient picks the lab with the button the bot sent. */
async function orderAt(p: { user: { id: number }; patientId: string }, tests: string[], labId: string) {
  const created = await staff("POST", `/patients/${p.patientId}/lab-orders`, { tests, referralId: "protocol-42" });
  expect(created.statusCode).toBe(201);
  const order = created.json();
  await h.telegram.waitFor(() => texts(p.user.id).some((t) => t.includes(`order No. ${order.number}`)));
  const ask = h.telegram.sent(p.user.id).find((c) => String(c.params.text).includes(`order No. ${order.number},`))!;
  const keyboard = (ask.params.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard;
  expect(keyboard.map((row) => row[0]!.text)).toEqual(["Helix", "Invitro"]);
  await h.press(p.user, keyboard.find((row) => row[0]!.callback_data.endsWith(`:${labId}`))![0]!.callback_data);
  await h.telegram.waitFor(() => texts(p.user.id).some((t) => t.startsWith(`Order No. ${order.number} has gone to`)));
  return order as { id: string; number: number };
}

describe("lab orders and FHIR results", () => {
  it("turns a signed protocol's lab-test referral into one order the patient is asked to place, once even after a correction", async () => {
    const p = await patient();
    await walkIntake(h.chat(p.user), "Tired for a month and thirsty at night");
    const open = { patientId: p.patientId, status: { not: "closed" as const } };
    await expect.poll(() => h.db.consultation.count({ where: open })).toBe(1);
    const consultation = await h.db.consultation.findFirstOrThrow({ where: open });
    // The protocol is its consultation's doctor's to write.
    expect((await staff("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
    const draft = (await staff("POST", `/consultations/${consultation.id}/protocol`)).json();
    const glucose = { kind: "lab_tests", target: "Glucose, HbA1c", tests: ["4548-4", "2345-7"] };
    const saved = await staff("PUT", `/protocols/${draft.id}`, { recommendations: "Fasting blood test", referrals: [glucose] });
    expect(saved.statusCode).toBe(200);
    expect((await staff("POST", `/protocols/${draft.id}/sign`)).statusCode).toBe(200);
    await h.telegram.waitFor(() => texts(p.user.id).some((t) => t.includes("order No.")));
    expect(await h.db.labOrder.findMany({ where: { patientId: p.patientId } })).toMatchObject([
      { tests: ["4548-4", "2345-7"], status: "awaiting_lab", referralId: `${consultation.id}:2345-7,4548-4` },
    ]);

    // The correction repeats the referral and adds one: only the new one becomes an order.
    const correction = (await staff("POST", `/protocols/${draft.id}/corrections`)).json();
    const thyroid = { kind: "lab_tests", target: "TSH", tests: ["3016-3"] };
    await staff("PUT", `/protocols/${correction.id}`, { recommendations: "Fasting blood test", referrals: [glucose, thyroid] });
    expect((await staff("POST", `/protocols/${correction.id}/sign`)).statusCode).toBe(200);
    await expect.poll(() => h.db.labOrder.count({ where: { patientId: p.patientId } }), { timeout: 10_000 }).toBe(2);
    const orders = await h.db.labOrder.findMany({ where: { patientId: p.patientId }, orderBy: { number: "asc" } });
    expect(orders.map((o) => o.tests)).toEqual([["4548-4", "2345-7"], ["3016-3"]]);
  });

  it("matches a pushed DiagnosticReport by basedOn, stores ranges and flags, notifies, and ignores a resend", async () => {
    const p = await patient();
    const order = await orderAt(p, ["35200-5", "35217-9", "2085-9", "13457-7"], "helix");
    expect((await h.db.labOrder.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("ordered");
    // The patient cannot choose twice.
    await h.press(p.user, `lab:${order.number}:invitro`);
    await h.telegram.waitFor(() => texts(p.user.id).some((t) => t.includes("already been chosen")));

    const report = { ...hl7("diagnosticreport-lipids"), basedOn: [{ reference: `ServiceRequest/${order.id}` }] };
    expect((await push("helix", report, "wrong-token-0123456789")).statusCode).toBe(401);
    const stored = await push("helix", report);
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toEqual({ status: "stored", orderIds: [order.id], results: 4 });
    expect((await push("helix", report)).json()).toEqual({ status: "stored", orderIds: [order.id], results: 0 });

    const view = (await staff("GET", `/lab-orders/${order.id}`)).json();
    expect(view.status).toBe("completed");
    expect(view.labName).toBe("Helix");
    expect(view.results.map((r: Record<string, unknown>) => [r.code, r.value, r.unit, r.referenceRange, r.interpretation, r.abnormal])).toEqual([
      ["13457-7", "4.6", "mmol/L", "–3", "H", true],
      ["2085-9", "1.3", "mmol/L", "1.5–", "L", true],
      ["35200-5", "6.3", "mmol/L", "–4.5", "H", true],
      ["35217-9", "1.3", "mmol/L", "–2", "N", false],
    ]);
    await h.telegram.waitFor(() => texts(p.user.id).some((t) => t.startsWith(`The results of order No. ${order.number} are ready`)));
    expect(texts(p.user.id).filter((t) => t.includes(`results of order No. ${order.number}`))).toHaveLength(1);

    // In the patient account, once the patient's identity is verified.
    const link = new URL((await h.services.accounts.createLoginLink(p.patientId)).url);
    const login = await h.app.inject({ method: "GET", url: `${link.pathname}${link.search}` });
    const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
    const account = () => h.app.inject({ method: "GET", url: "/account", headers: { cookie } }).then((r) => r.body);
    const unverified = await account();
    expect(unverified).toContain("can be shown only after your identity is verified");
    expect(unverified).not.toContain("6.3 mmol/L");
    await h.db.patient.update({ where: { id: p.patientId }, data: { identityLevel: "verified" } });
    const verified = await account();
    expect(verified).toContain(`Order No. ${order.number} — Helix <span class="muted">(ready)</span>`);
    expect(verified).toMatch(/<tr class="abnormal"><td>Cholesterol[^<]*<\/td><td>6.3 mmol\/L<\/td><td class="muted">normal: –4.5<\/td><td>out of range<\/td><\/tr>/);
    expect(verified).toMatch(/<tr><td>[^<]*<\/td><td>1.3 mmol\/L<\/td><td class="muted">normal: –2<\/td><td><\/td><\/tr>/);
    const json = (await h.app.inject({ method: "GET", url: "/account/overview.json", headers: { cookie } })).json();
    expect(json.labOrders.map((o: { number: number; status: string; results: unknown[] }) => [o.number, o.status, o.results.length])).toEqual([[order.number, "completed", 4]]);
  });

  it("matches a Bundle by patient identifier and test code when the lab does not echo the order", async () => {
    const p = await patient();
    const order = await orderAt(p, ["15074-8", "4548-4"], "helix");
    const bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        {
          fullUrl: "urn:uuid:9a1f3c4e-0000-4000-8000-000000000001",
          resource: {
            resourceType: "DiagnosticReport",
            id: `glu-${order.number}`,
            status: "final",
            code: { coding: [{ system: "http://loinc.org", code: "15074-8" }] },
            subject: { identifier: { system: "urn:telecons:patient", value: p.patientId } },
            result: [{ reference: "urn:uuid:9a1f3c4e-0000-4000-8000-000000000002" }],
          },
        },
        { fullUrl: "urn:uuid:9a1f3c4e-0000-4000-8000-000000000002", resource: hl7("observation-glucose") },
      ],
    };
    expect((await push("helix", bundle)).json()).toMatchObject({ status: "stored", results: 1 });
    const view = (await staff("GET", `/lab-orders/${order.id}`)).json();
    expect(view.status).toBe("partial");
    expect(view.results).toEqual([expect.objectContaining({ code: "15074-8", value: "6.3", referenceRange: "3.1–6.2", interpretation: "H", abnormal: true })]);
    await h.telegram.waitFor(() => texts(p.user.id).some((t) => t.startsWith(`Part of the results of order No. ${order.number}`)));
  });

  it("keeps malformed and unmatched deliveries in the review list, and an operator files one under an order", async () => {
    const malformed = await push("helix", { resourceType: "DiagnosticReport", code: { text: "no status" } });
    expect(malformed.statusCode).toBe(202);
    expect(malformed.json()).toMatchObject({ status: "review", reason: expect.stringMatching(/malformed DiagnosticReport: status/) });
    const stranger = { ...hl7("diagnosticreport-lipids"), id: `lipids-${randomUUID()}`, subject: { reference: `Patient/${randomUUID()}` } };
    const unmatched = await push("helix", stranger);
    expect(unmatched.statusCode).toBe(202);
    const reviewId = unmatched.json().reviewId;
    const items = (await staff("GET", "/labs/review")).json().items;
    expect(items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([malformed.json().reviewId, reviewId]));
    expect(items.find((i: { id: string }) => i.id === reviewId)).toMatchObject({ labId: "helix", reason: expect.stringMatching(/no lab order matches report lipids-/), payload: stranger });

    const p = await patient();
    const order = await orderAt(p, ["35200-5"], "helix");
    expect((await staff("POST", `/labs/review/${reviewId}/resolve`, { orderId: order.id })).json()).toEqual({ results: 4 });
    expect((await staff("GET", `/lab-orders/${order.id}`)).json().status).toBe("completed");
    expect((await staff("GET", "/labs/review")).json().items.map((i: { id: string }) => i.id)).not.toContain(reviewId);
    expect((await staff("POST", `/labs/review/${reviewId}/resolve`, {})).statusCode).toBe(409);
  });

  it("pulls results from a laboratory's FHIR server since the last pull", async () => {
    const p = await patient();
    const order = await orderAt(p, ["2339-0"], "invitro");
    lab.publish(
      {
        resourceType: "DiagnosticReport",
        id: `inv-${order.number}`,
        status: "final",
        basedOn: [{ identifier: { system: "urn:telecons:lab-order", value: String(order.number) } }],
        code: { coding: [{ system: "http://loinc.org", code: "2339-0" }] },
        result: [{ reference: `Observation/inv-obs-${order.number}` }],
      },
      [
        {
          resourceType: "Observation",
          id: `inv-obs-${order.number}`,
          status: "final",
          code: { coding: [{ system: "http://loinc.org", code: "2339-0", display: "Glucose [Mass/volume] in Blood" }] },
          valueQuantity: { value: 99, unit: "mg/dL", code: "mg/dL" },
          referenceRange: [{ low: { value: 70 }, high: { value: 99 } }],
        },
      ],
    );
    const deps = { db: h.db, labs: h.services.labs, directory: h.services.labDirectory, protocols: h.services.protocols, logger: h.services.logger };
    expect(await processPull({ data: { labId: "invitro" } }, deps)).toEqual({ pages: 1, reports: 1 });
    const view = (await staff("GET", `/lab-orders/${order.id}`)).json();
    expect(view.status).toBe("completed");
    expect(view.results).toEqual([expect.objectContaining({ code: "2339-0", value: "99", interpretation: "N", abnormal: false })]);
    // The next pull asks only for what changed since the newest report it stored.
    expect(await processPull({ data: { labId: "invitro" } }, deps)).toEqual({ pages: 1, reports: 0 });
    const last = lab.queries.at(-1)!;
    expect(last.get("_lastUpdated")).toMatch(/^gt\d{4}-\d\d-\d\dT/);
    expect(last.get("_include")).toBe("DiagnosticReport:result");
  });
});
