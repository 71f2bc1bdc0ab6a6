import { execFile } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FhirClients } from "../core/fhir/fhir-client-repository";
import { parsePublicKeys } from "../core/fhir/fhir-client-keys";
import { fhirSchemaErrors } from "./helpers/fhir-schema";
import { startHarness, type Harness } from "./helpers/harness";
import { giveCertificate } from "./helpers/test-pki";

/**
 * The FHIR R4 export over real HTTP (inject) and Postgres: a MIS client gets a token with a signed assertion,
 * reads every resource type of one seeded patient, searches and pages, and every answer conforms to HL7's R4 JSON
 * schema; the token endpoint and the reads refuse what SMART Backend Services says they must.
 */

let h: Harness;
let tokenUrl: string;
const ids: Record<string, string> = {};
const rsa = { clientId: `mis-${randomUUID().slice(0, 8)}`, kid: "rsa-1" } as { clientId: string; kid: string; privateKey: CryptoKey };
const ec = { clientId: `mis-ec-${randomUUID().slice(0, 8)}`, kid: "ec-1" } as { clientId: string; kid: string; privateKey: CryptoKey };
const narrow = { clientId: `mis-narrow-${randomUUID().slice(0, 8)}`, kid: "rsa-n" } as { clientId: string; kid: string; privateKey: CryptoKey };

const form = (fields: Record<string, string>) => ({
  method: "POST" as const,
  url: "/fhir/R4/auth/token",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  payload: new URLSearchParams(fields).toString(),
});

async function assertion(client: { clientId: string; kid: string; privateKey: CryptoKey }, claims: { aud?: string; exp?: number; jti?: string; iss?: string } = {}) {
  const alg = client === ec ? "ES384" : "RS384";
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: "JWT", ...(client.kid ? { kid: client.kid } : {}) })
    .setIssuer(claims.iss ?? client.clientId)
    .setSubject(client.clientId)
    .setAudience(claims.aud ?? tokenUrl)
    .setExpirationTime(claims.exp ?? now + 240)
    .setJti(claims.jti ?? randomUUID())
    .sign(client.privateKey);
}

async function requestToken(client: typeof rsa, scope: string, claims?: Parameters<typeof assertion>[1]) {
  return h.app.inject(
    form({
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: await assertion(client, claims),
      scope,
    }),
  );
}

let token: string;
const get = (url: string, bearer: string | null = token, accept = "application/fhir+json") =>
  h.app.inject({ method: "GET", url, headers: { accept, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) } });

/** Every resource in an answer conforms to the R4 schema, the answer (a Bundle, too) as a whole as well. */
function expectConformant(body: { resourceType: string; entry?: Array<{ resource: { resourceType: string } }> }) {
  const errors = [...fhirSchemaErrors(body), ...(body.entry ?? []).flatMap((e) => fhirSchemaErrors(e.resource))];
  expect(errors).toEqual([]);
}

beforeAll(async () => {
  h = await startHarness({ CLINIC_NAME: "ООО «Клиника Телеконс»" }, { workers: false });
  tokenUrl = `${h.services.config.PUBLIC_URL.replace(/\/$/, "")}/fhir/R4/auth/token`;
  const clients = new FhirClients(h.db);
  for (const [client, alg, scopes] of [[rsa, "RS384", ["system/*.read"]], [ec, "ES384", ["system/*.rs"]], [narrow, "RS384", ["system/Patient.read"]]] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    client.privateKey = pair.privateKey;
    const jwks = parsePublicKeys(JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: client.kid }] }));
    await clients.register({ id: client.clientId, name: `Test MIS ${alg}`, jwks, scopes: [...scopes] });
  }

  // One patient with a closed consultation, its signed protocol and PDFs, home readings, lab results, consents.
  const { doctor } = await h.newDoctor("Ирина Соколова");
  await giveCertificate(h.services.certificates, doctor.id);
  const patient = await h.db.patient.create({ data: { language: "ru", identityLevel: "verified" } });
  ids.patient = patient.id;
  const account = await h.db.messengerAccount.create({
    data: { channel: "telegram", externalUserId: String(randomInt(10_000_000, 2 ** 40)), chatId: "1", patientId: patient.id },
  });
  const consultation = await h.db.consultation.create({
    data: {
      patientId: patient.id, accountId: account.id, doctorId: doctor.id, kind: "async_chat", status: "closed", outcome: "advice_given",
      createdAt: new Date("2026-03-02T09:00:00Z"), takenAt: new Date("2026-03-02T09:05:00Z"), closedAt: new Date("2026-03-02T10:00:00Z"),
    },
  });
  ids.encounter = consultation.id;
  const content = {
    patient: { fullName: "Петров Пётр Петрович", birthDate: "1980-05-17" },
    complaints: "Головная боль по утрам <неделю>",
    objective: "АД со слов 150/95",
    assessment: { kind: "preliminary", text: "Артериальная гипертензия?", codes: ["I10"] },
    recommendations: "Дневник давления",
    referrals: [{ kind: "lab_tests", target: "Липидограмма", tests: ["2093-3"] }],
    prescriptions: [],
  };
  const protocol = await h.db.protocol.create({
    data: { consultationId: consultation.id, patientId: patient.id, doctorId: doctor.id, version: 1, status: "signed", primary: true, content, signedAt: new Date("2026-03-02T09:50:00Z") },
  });
  ids.composition = protocol.id;
  const documents = await h.services.documents.produce(protocol.id);
  ids.document = documents.find((d) => d.kind === "report")!.id;
  ids.file = documents.find((d) => d.kind === "report")!.fileId;
  expect(documents.map((d) => d.kind).sort()).toEqual(["referral", "report"]);

  const reading = (kind: "blood_pressure" | "glucose", value: number, measuredAt: string, value2?: number) =>
    h.db.reading.create({ data: { patientId: patient.id, deviceId: "tonometer-1", kind, value, value2, source: "json", measuredAt: new Date(measuredAt) } });
  ids.bp = (await reading("blood_pressure", 152, "2026-01-10T07:00:00Z", 96)).id;
  ids.glucose = (await reading("glucose", 6.1, "2026-02-10T07:00:00Z")).id;
  await reading("blood_pressure", 148, "2025-12-20T07:00:00Z", 92);
  const order = await h.db.labOrder.create({ data: { patientId: patient.id, doctorId: doctor.id, tests: ["2093-3"], labId: "helix", status: "completed", referralId: protocol.id } });
  ids.report = order.id;
  ids.labResult = (
    await h.db.labResult.create({
      data: {
        orderId: order.id, labId: "helix", reportId: "r1", observationKey: "o1", code: "2093-3", display: "Cholesterol [Mass/volume] in Serum or Plasma",
        valueNumber: 6.2, unit: "mmol/L", refHigh: 5.2, interpretation: "H", abnormal: true, effectiveAt: new Date("2026-03-05T08:00:00Z"), issuedAt: new Date("2026-03-05T12:00:00Z"),
      },
    })
  ).id;
  ids.consent = (await h.db.consent.create({ data: { patientId: patient.id, kind: "personal_data", version: "2026-11-01", givenAt: new Date("2026-03-01T08:00:00Z") } })).id;
  await h.db.consent.create({
    data: { patientId: patient.id, kind: "remote_care", version: "2026-11-01", givenAt: new Date("2026-03-01T08:00:00Z"), withdrawnAt: new Date("2026-04-01T08:00:00Z") },
  });

  const response = await requestToken(rsa, "system/*.read");
  expect(response.statusCode, response.body).toBe(200);
  token = response.json().access_token;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("FHIR R4 export", () => {
  it("describes itself without a token: CapabilityStatement and SMART configuration", async () => {
    const metadata = await get("/fhir/R4/metadata", null);
    expect(metadata.statusCode).toBe(200);
    expect(metadata.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    expect(metadata.json()).toMatchObject({ resourceType: "CapabilityStatement", fhirVersion: "4.0.1" });
    expectConformant(metadata.json());
    const smart = (await get("/fhir/R4/.well-known/smart-configuration", null)).json();
    expect(smart.token_endpoint).toBe(tokenUrl);
    expect(smart.token_endpoint_auth_signing_alg_values_supported).toEqual(["RS384", "ES384"]);
  });

  it("issues a short-lived token for a signed assertion (RS384 and ES384) with the granted scopes", async () => {
    const rs = await requestToken(rsa, "system/Patient.read system/Observation.rs");
    expect(rs.statusCode).toBe(200);
    expect(rs.headers["cache-control"]).toBe("no-store");
    expect(rs.json()).toMatchObject({ token_type: "bearer", expires_in: 300, scope: "system/Patient.read system/Observation.rs" });
    const es = await requestToken(ec, "system/Consent.rs system/Encounter.read");
    expect(es.statusCode, es.body).toBe(200);
    expect(es.json().scope).toBe("system/Consent.rs system/Encounter.read");
    const stored = await h.db.fhirAccessToken.findFirst({ where: { clientId: ec.clientId } });
    expect(stored?.tokenHash).not.toContain(es.json().access_token);
  });

  it("reads every resource type of the patient, each conforming to the R4 schema", async () => {
    const read = async (path: string) => {
      const response = await get(`/fhir/R4/${path}`);
      expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^application\/fhir\+json/);
      expectConformant(response.json());
      return response.json();
    };
    const patient = await read(`Patient/${ids.patient}`);
    expect(patient).toMatchObject({ name: [{ text: "Петров Пётр Петрович" }], birthDate: "1980-05-17", meta: { tag: [{ code: "verified" }] } });
    const encounter = await read(`Encounter/${ids.encounter}`);
    expect(encounter).toMatchObject({ status: "finished", class: { code: "VR" }, subject: { reference: `Patient/${ids.patient}` }, participant: [{ individual: { display: "Ирина Соколова" } }] });
    const composition = await read(`Composition/${ids.composition}`);
    expect(composition.section.map((s: { title: string }) => s.title)).toEqual(["Жалобы", "Объективные данные", "Предварительное заключение", "Рекомендации", "Направления"]);
    expect(composition.section[0].text.div).toContain("&lt;неделю&gt;");
    expect(composition.contained).toEqual([expect.objectContaining({ resourceType: "Condition", code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "I10" }] } })]);
    const document = await read(`DocumentReference/${ids.document}`);
    expect(document.content[0].attachment).toMatchObject({ contentType: "application/pdf", url: `${tokenUrl.replace("/auth/token", "")}/Binary/${ids.file}` });
    expect(document.extension[0].valueSignature).toMatchObject({ when: "2026-03-02T09:50:00.000Z", who: { display: "Ирина Соколова" } });
    const bp = await read(`Observation/${ids.bp}`);
    expect(bp.component.map((c: { valueQuantity: object }) => c.valueQuantity)).toEqual([
      { value: 152, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
      { value: 96, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
    ]);
    const glucose = await read(`Observation/${ids.glucose}`);
    expect(glucose.code.coding[0].code).toBe("15074-8");
    const lab = await read(`Observation/${ids.labResult}`);
    expect(lab).toMatchObject({ valueQuantity: { value: 6.2, unit: "mmol/L" }, interpretation: [{ coding: [{ code: "H" }] }], referenceRange: [{ high: { value: 5.2 } }] });
    const report = await read(`DiagnosticReport/${ids.report}`);
    expect(report).toMatchObject({ status: "final", encounter: { reference: `Encounter/${ids.encounter}` }, result: [{ reference: `Observation/${ids.labResult}` }] });
    const consent = await read(`Consent/${ids.consent}`);
    expect(consent).toMatchObject({ status: "active", policy: [{ uri: "urn:telecons:consent-text:personal_data:2026-11-01" }] });
  });

  it("serves the signed PDF as Binary, decrypted, and as FHIR JSON on request", async () => {
    const pdf = await get(`/fhir/R4/Binary/${ids.file}`, token, "application/pdf");
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const stored = await h.services.files.read(ids.file!);
    expect(pdf.rawPayload.equals(stored.bytes)).toBe(true);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.rawPayload.includes(Buffer.from("/ByteRange"))).toBe(true);
    const binary = await get(`/fhir/R4/Binary/${ids.file}`);
    expect(binary.json()).toMatchObject({ resourceType: "Binary", contentType: "application/pdf" });
    expectConformant(binary.json());
    expect(Buffer.from(binary.json().data, "base64").equals(stored.bytes)).toBe(true);
    // A file that is not a clinical document is not served, whatever its id.
    const other = await h.services.files.save(Buffer.from("chat photo"), { mimeType: "image/png", fileName: "a.png" });
    expect((await get(`/fhir/R4/Binary/${other}`)).statusCode).toBe(404);
  });

  it("searches by patient, date and _lastUpdated, and pages with a next link", async () => {
    const search = async (query: string) => {
      const response = await get(`/fhir/R4/${query}`);
      expect(response.statusCode, `${query}: ${response.body}`).toBe(200);
      expectConformant(response.json());
      return response.json();
    };
    const all = await search(`Observation?patient=${ids.patient}`);
    expect(all).toMatchObject({ resourceType: "Bundle", type: "searchset", total: 4 });
    const fromJanuary = await search(`Observation?patient=Patient/${ids.patient}&date=ge2026-01-01`);
    expect(fromJanuary.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.bp, ids.glucose, ids.labResult]);
    const january = await search(`Observation?patient=${ids.patient}&date=ge2026-01&date=lt2026-02`);
    expect(january.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.bp]);
    const nothingNew = await search(`Observation?patient=${ids.patient}&_lastUpdated=gt${new Date(Date.now() + 60_000).toISOString()}`);
    expect(nothingNew.total).toBe(0);
    const recent = await search(`Consent?patient=${ids.patient}&_lastUpdated=ge2026-03-15`);
    expect(recent.entry.map((e: { resource: { status: string } }) => e.resource.status)).toEqual(["inactive"]);
    expect((await search(`Encounter?patient=${ids.patient}&date=2026-03-02`)).total).toBe(1);
    expect((await search(`Composition?patient=${ids.patient}&date=lt2026-03-01`)).total).toBe(0);
    expect((await search(`DocumentReference?patient=${ids.patient}`)).total).toBe(2);
    expect((await search(`DiagnosticReport?patient=${ids.patient}&date=2026-03`)).total).toBe(1);
    expect((await search(`Patient?_id=${ids.patient}`)).entry[0].resource.id).toBe(ids.patient);

    // Paging: three at a time, following `next` (an absolute url) to the end.
    const seen: string[] = [];
    let url: string | undefined = `Observation?patient=${ids.patient}&_count=3`;
    while (url) {
      const page = await search(url.replace(/^https?:\/\/[^/]+\/fhir\/R4\//, ""));
      seen.push(...page.entry.map((e: { resource: { id: string } }) => e.resource.id));
      url = page.link.find((l: { relation: string }) => l.relation === "next")?.url;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });

  it("gives $everything for one patient, conforming, and audits every read with the client as the actor", async () => {
    const response = await get(`/fhir/R4/Patient/${ids.patient}/$everything`);
    expect(response.statusCode, response.body).toBe(200);
    const bundle = response.json();
    expectConformant(bundle);
    const types = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
    expect(new Set(types)).toEqual(new Set(["Patient", "Encounter", "Composition", "DocumentReference", "Observation", "DiagnosticReport", "Consent"]));
    expect(bundle.total).toBe(types.length);
    const audit = await h.db.auditEvent.findMany({ where: { actorType: "client", actorId: rsa.clientId, entityId: ids.patient } });
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(["fhir.read", "fhir.search", "fhir.everything"]));
    // A token limited to Patient sees only the Patient in $everything.
    const narrowToken = (await requestToken(narrow, "system/Patient.read")).json().access_token;
    const limited = (await get(`/fhir/R4/Patient/${ids.patient}/$everything`, narrowToken)).json();
    expect(limited.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toEqual(["Patient"]);
  });

  it("refuses reads without a valid token (401) or with the wrong scope (403), as OperationOutcome", async () => {
    const outcome = (response: Awaited<ReturnType<typeof get>>, status: number, code: string) => {
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json()).toMatchObject({ resourceType: "OperationOutcome", issue: [{ severity: "error", code }] });
      expectConformant(response.json());
    };
    outcome(await get(`/fhir/R4/Patient/${ids.patient}`, null), 401, "login");
    outcome(await get(`/fhir/R4/Observation?patient=${ids.patient}`, "tcf_not-a-token"), 401, "login");
    const narrowToken = (await requestToken(narrow, "system/Patient.read")).json().access_token;
    outcome(await get(`/fhir/R4/Observation?patient=${ids.patient}`, narrowToken), 403, "forbidden");
    outcome(await get(`/fhir/R4/Binary/${ids.file}`, narrowToken), 403, "forbidden");
    // An expired access token.
    const expiring = (await requestToken(rsa, "system/*.read")).json().access_token;
    await h.db.fhirAccessToken.updateMany({ where: { clientId: rsa.clientId, expiresAt: { gt: new Date() } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    outcome(await get(`/fhir/R4/Patient/${ids.patient}`, expiring), 401, "login");
    token = (await requestToken(rsa, "system/*.read")).json().access_token;
    // Bad requests.
    outcome(await get(`/fhir/R4/Observation?patient=${ids.patient}&date=2026-13-01`), 400, "invalid");
    outcome(await get(`/fhir/R4/Observation?patient=${ids.patient}&date=sa2026-01-01`), 400, "invalid");
    outcome(await get(`/fhir/R4/Observation?subject=${ids.patient}`), 400, "invalid");
    outcome(await get(`/fhir/R4/Medication?patient=${ids.patient}`), 404, "not-found");
    outcome(await get(`/fhir/R4/Patient/${randomUUID()}`), 404, "not-found");
  });

  it("refuses assertions that are expired, replayed, for another audience, from an unknown client, badly signed or out of scope", async () => {
    const refused = async (response: Awaited<ReturnType<typeof requestToken>>, status: number, error: string) => {
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().error).toBe(error);
    };
    const now = Math.floor(Date.now() / 1000);
    await refused(await requestToken(rsa, "system/*.read", { exp: now - 10 }), 401, "invalid_client");
    await refused(await requestToken(rsa, "system/*.read", { exp: now + 3600 }), 401, "invalid_client");
    const jti = randomUUID();
    expect((await requestToken(rsa, "system/*.read", { jti })).statusCode).toBe(200);
    await refused(await requestToken(rsa, "system/*.read", { jti }), 401, "invalid_client");
    await refused(await requestToken(rsa, "system/*.read", { aud: "https://elsewhere.example/token" }), 401, "invalid_client");
    await refused(await requestToken({ ...rsa, clientId: "nobody" }, "system/*.read"), 401, "invalid_client");
    // Signed with the RSA client's key but claiming to be the narrow client: the signature does not match its keys.
    await refused(await requestToken({ ...narrow, privateKey: rsa.privateKey }, "system/Patient.read"), 401, "invalid_client");
    await refused(await requestToken(narrow, "system/Observation.read"), 400, "invalid_scope");
    await refused(await requestToken(narrow, "system/Patient.write"), 400, "invalid_scope");
    const wrongGrant = await h.app.inject(form({ grant_type: "password", scope: "system/*.read" }));
    await refused(wrongGrant, 400, "unsupported_grant_type");
  });

  it("registers a client from a PEM public key with npm run fhir:client, and disabling it stops its assertions", async () => {
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "bin/fhir-client.ts", ...args], { env: { ...process.env, DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent" } });
    const pair = await generateKeyPair("RS384", { extractable: true });
    const pem = join(mkdtempSync(join(tmpdir(), "fhir-client-")), "mis-public.pem");
    writeFileSync(pem, await exportSPKI(pair.publicKey));
    const client = { clientId: `mis-cli-${randomUUID().slice(0, 8)}`, kid: "", privateKey: pair.privateKey };
    const registered = await cli("register", client.clientId, "МИС из PEM", pem, "system/Patient.read system/Consent.rs");
    expect(registered.stdout).toContain(`registered ${client.clientId}`);
    const granted = await requestToken(client, "system/Patient.read");
    expect(granted.statusCode, granted.body).toBe(200);
    expect((await get(`/fhir/R4/Patient/${ids.patient}`, granted.json().access_token)).statusCode).toBe(200);
    await expect(cli("register", `${client.clientId}-2`, "bad scope", pem, "system/Patient.write")).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("scopes must look like") });
    await cli("disable", client.clientId);
    expect((await get(`/fhir/R4/Patient/${ids.patient}`, granted.json().access_token)).statusCode).toBe(401);
    expect((await requestToken(client, "system/Patient.read")).statusCode).toBe(401);
  }, 60_000);
  it("reads the public key from stdin when the file is \"-\" (docker compose exec -T api … < mis-public.pem)", async () => {
    const cli = (input: string, ...args: string[]) => {
      const run = promisify(execFile)(process.execPath, ["--import", "tsx", "bin/fhir-client.ts", ...args], { env: { ...process.env, DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent" } });
      run.child.stdin!.end(input);
      return run;
    };
    const first = await generateKeyPair("RS384", { extractable: true });
    const client = { clientId: `mis-stdin-${randomUUID().slice(0, 8)}`, kid: "", privateKey: first.privateKey };
    expect((await cli(await exportSPKI(first.publicKey), "register", client.clientId, "МИС из stdin", "-", "system/Patient.read")).stdout).toContain(`registered ${client.clientId}`);
    expect((await requestToken(client, "system/Patient.read")).statusCode).toBe(200);
    // rotation the same way: the old key stops, the new one works
    const second = await generateKeyPair("RS384", { extractable: true });
    await cli(await exportSPKI(second.publicKey), "keys", client.clientId, "-");
    expect((await requestToken(client, "system/Patient.read")).statusCode).toBe(401);
    expect((await requestToken({ ...client, privateKey: second.privateKey }, "system/Patient.read")).statusCode).toBe(200);
  }, 60_000);
});
