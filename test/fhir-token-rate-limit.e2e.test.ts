import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKeys } from "../core/fhir/fhir-client-keys";
import { FhirClients } from "../core/fhir/fhir-client-repository";
import { startHarness, type Harness } from "./helpers/harness";

/**
 * The SMART Backend Services token endpoint is limited per client address like the staff login: each request checks
 * a signature and stores the assertion's `jti`, so a flood from one address is answered 429 before any of that,
 * while a MIS calling from elsewhere still gets its token.
 */

const TOKENS_PER_MINUTE = 4;
let h: Harness;

beforeAll(async () => {
  // As behind the clinic's reverse proxy: the client's address comes from X-Forwarded-For.
  h = await startHarness({ TRUST_PROXY: "true", RATE_LIMIT_FHIR_TOKEN_PER_MINUTE: String(TOKENS_PER_MINUTE) }, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

const tokenRequest = (from: string, assertion: string) =>
  h.app.inject({
    method: "POST",
    url: "/fhir/R4/auth/token",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": from },
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      scope: "system/Patient.read",
    }).toString(),
  });

describe("POST /fhir/R4/auth/token", () => {
  it(`answers ${TOKENS_PER_MINUTE} requests a minute per address, then 429 with Retry-After; another address is not affected`, async () => {
    const flood = await Promise.all(Array.from({ length: 20 }, () => tokenRequest("198.51.100.7", "not.a.jwt")));
    expect(flood.filter((r) => r.statusCode === 401)).toHaveLength(TOKENS_PER_MINUTE);
    const limited = flood.filter((r) => r.statusCode === 429);
    expect(limited).toHaveLength(20 - TOKENS_PER_MINUTE);
    expect(limited[0]!.headers["retry-after"]).toBeDefined();
    expect(limited[0]!.json()).toMatchObject({ resourceType: "OperationOutcome", issue: [{ severity: "error", diagnostics: expect.stringMatching(/too many requests/) }] });

    // A registered MIS at its own address gets its token as usual.
    const clientId = `mis-limit-${randomUUID().slice(0, 8)}`;
    const tokenUrl = `${h.services.config.PUBLIC_URL.replace(/\/$/, "")}/fhir/R4/auth/token`;
    const pair = await generateKeyPair("RS384", { extractable: true });
    const jwks = parsePublicKeys(JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1" }] }));
    await new FhirClients(h.db).register({ id: clientId, name: "Rate-limit MIS", jwks, scopes: ["system/Patient.read"] });
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "RS384", typ: "JWT", kid: "k1" })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 240)
      .setJti(randomUUID())
      .sign(pair.privateKey);
    const granted = await tokenRequest("203.0.113.9", assertion);
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toMatchObject({ token_type: "bearer", scope: "system/Patient.read" });
  });
});
