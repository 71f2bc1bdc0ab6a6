import { createHash, randomBytes } from "node:crypto";
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { AppError } from "../errors";
import type { FhirClients } from "./fhir-client-repository";
import { grantScopes } from "./scopes";

export const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const ASSERTION_ALGORITHMS = ["RS384", "ES384"];
/** SMART Backend Services: an assertion's `exp` is at most five minutes ahead; a minute more for clock skew. */
const MAX_ASSERTION_SECONDS = 5 * 60 + 60;

/** An OAuth 2.0 error answer of the token endpoint (RFC 6749 §5.2); `invalid_client` is 401, the others 400. */
export class OAuthError extends Error {
  constructor(
    readonly error: "invalid_request" | "invalid_client" | "invalid_scope" | "unsupported_grant_type",
    message: string,
  ) {
    super(message);
    this.name = "OAuthError";
  }

  get httpStatus(): number {
    return this.error === "invalid_client" ? 401 : 400;
  }
}

export interface GrantedAccess {
  clientId: string;
  scopes: string[];
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * SMART Backend Services (client credentials with a signed JWT): the token endpoint's checks and the bearer tokens
 * it issues. Tokens are opaque, short-lived and kept only as hashes, so a database dump opens nothing.
 */
export class SmartAuth {
  constructor(
    private readonly db: Db,
    private readonly clients: FhirClients,
    private readonly settings: { tokenUrl: string; tokenTtlSeconds: number },
  ) {}

  async issueToken(form: Record<string, string | undefined>, now = new Date()) {
    if (form.grant_type !== "client_credentials") throw new OAuthError("unsupported_grant_type", "grant_type must be client_credentials");
    if (form.client_assertion_type !== ASSERTION_TYPE) throw new OAuthError("invalid_request", `client_assertion_type must be ${ASSERTION_TYPE}`);
    if (!form.client_assertion) throw new OAuthError("invalid_request", "client_assertion is required");
    if (!form.scope?.trim()) throw new OAuthError("invalid_request", "scope is required");
    const client = await this.verifyAssertion(form.client_assertion, now);
    const scopes = grantScopes(form.scope.trim().split(/\s+/), client.scopes);
    if (scopes.length === 0) throw new OAuthError("invalid_scope", `none of the requested scopes is allowed to ${client.id}`);
    await this.clients.purgeExpired(now);
    const token = `tcf_${randomBytes(32).toString("base64url")}`;
    await this.clients.saveToken({
      tokenHash: sha256(token),
      clientId: client.id,
      scopes,
      expiresAt: new Date(now.getTime() + this.settings.tokenTtlSeconds * 1000),
    });
    await recordAudit(this.db, { actor: { type: "client", id: client.id }, action: "fhir.token", entityType: "fhir_client", entityId: client.id, meta: { scopes } });
    return { access_token: token, token_type: "bearer" as const, expires_in: this.settings.tokenTtlSeconds, scope: scopes.join(" ") };
  }

  /** The client and scopes behind `Authorization: Bearer …`; 401 when missing, unknown or expired. */
  async authenticate(authorization: string | undefined, now = new Date()): Promise<GrantedAccess> {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) throw new AppError("unauthorized", "a bearer token from the token endpoint is required");
    const found = await this.clients.findToken(sha256(token));
    if (!found) throw new AppError("unauthorized", "the access token is not valid");
    if (found.expiresAt <= now) throw new AppError("unauthorized", "the access token has expired");
    return { clientId: found.clientId, scopes: found.scopes };
  }

  private async verifyAssertion(assertion: string, now: Date) {
    let clientId: string | undefined;
    try {
      clientId = decodeJwt(assertion).iss;
    } catch {
      throw new OAuthError("invalid_client", "client_assertion is not a JWT");
    }
    const client = clientId ? await this.clients.find(clientId) : null;
    if (!client || client.disabledAt) throw new OAuthError("invalid_client", "unknown or disabled client");
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks), {
        algorithms: ASSERTION_ALGORITHMS,
        issuer: client.id,
        subject: client.id,
        audience: this.settings.tokenUrl,
        currentDate: now,
        requiredClaims: ["exp", "jti"],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw new OAuthError("invalid_client", assertionProblem(error));
      throw error;
    }
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (payload.exp! > nowSeconds + MAX_ASSERTION_SECONDS) throw new OAuthError("invalid_client", "the assertion's exp must be at most 5 minutes ahead");
    if (!(await this.clients.useAssertion(client.id, payload.jti!, new Date(payload.exp! * 1000)))) {
      throw new OAuthError("invalid_client", "the assertion's jti was already used");
    }
    return client;
  }
}

function assertionProblem(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JWTExpired) return "the assertion has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the assertion's ${error.claim} claim is not accepted (${error.reason})`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) return "the assertion's signature does not match the client's keys";
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return `the assertion must be signed with ${ASSERTION_ALGORITHMS.join(" or ")}`;
  return `the assertion is not valid (${error.code})`;
}
