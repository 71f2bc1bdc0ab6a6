import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { z } from "zod";
import type { CommandHandler } from "../dialogue/handlers";
import { AppError } from "../errors";
import type { IdentityService } from "./identity-service";
import { redisKeys } from "../redis-keys";

/** An external identity provider that proves who the patient is (ESIA / Gosuslugi in Russia). */
export interface IdentityProvider {
  authorizationUrl(state: string, nonce: string): Promise<string>;
  /** Exchanges the callback's code and returns the provider's subject id, after checking the id_token's signature. */
  subjectFor(code: string, nonce: string): Promise<string>;
}

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});

/**
 * OpenID Connect authorization-code flow. The id_token is trusted only when its signature verifies against
 * the provider's published keys (JWKS) and issuer, audience, expiry and nonce match.
 */
export class OidcIdentityProvider implements IdentityProvider {
  private discovery?: Promise<z.infer<typeof discoverySchema>>;
  private keys?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: { issuer: string; clientId: string; clientSecret: string; redirectUri: string }) {}

  private metadata() {
    this.discovery ??= fetch(`${this.settings.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`)
      .then((response) => response.json())
      .then((body) => discoverySchema.parse(body))
      .catch((error: unknown) => {
        this.discovery = undefined;
        throw error;
      });
    return this.discovery;
  }

  async authorizationUrl(state: string, nonce: string): Promise<string> {
    const url = new URL((await this.metadata()).authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      scope: "openid",
      state,
      nonce,
    }).toString();
    return url.toString();
  }

  async subjectFor(code: string, nonce: string): Promise<string> {
    const metadata = await this.metadata();
    const response = await fetch(metadata.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: this.settings.redirectUri,
        client_id: this.settings.clientId,
        client_secret: this.settings.clientSecret,
      }),
    });
    if (!response.ok) throw new AppError("unauthorized", `identity provider refused the code (${response.status})`);
    const { id_token: idToken } = z.object({ id_token: z.string() }).parse(await response.json());
    this.keys ??= createRemoteJWKSet(new URL(metadata.jwks_uri));
    const { payload } = await jwtVerify(idToken, this.keys, { issuer: metadata.issuer, audience: this.settings.clientId }).catch(() => {
      throw new AppError("unauthorized", "id_token signature or claims are not valid");
    });
    if (payload.nonce !== nonce || !payload.sub) throw new AppError("unauthorized", "id_token nonce does not match");
    return payload.sub;
  }
}

const pendingSchema = z.object({ patientId: z.uuid(), nonce: z.string() });

/** `/verify` in the messenger and the api's callback: one-time state and nonce in Redis, bound to the patient. */
export class OidcVerification {
  constructor(
    private readonly deps: {
      provider: IdentityProvider;
      identity: IdentityService;
      redis: Redis;
      prefix: string;
      ttlSeconds: number;
      notify(patientId: string): Promise<unknown>;
    },
  ) {}

  private key = (state: string) => redisKeys(this.deps.prefix).oidcState(state);

  readonly command: CommandHandler = {
    command: "verify",
    handle: async (account, _args, t) => {
      const state = randomBytes(24).toString("base64url");
      const nonce = randomBytes(24).toString("base64url");
      await this.deps.redis.set(this.key(state), JSON.stringify({ patientId: account.patientId, nonce }), "EX", this.deps.ttlSeconds);
      const url = await this.deps.provider.authorizationUrl(state, nonce);
      return [{ text: t("identity.verify.ask"), buttons: [[{ label: t("identity.verify.open"), url }]] }];
    },
  };

  /** The provider's redirect: a state is used once; a forged or replayed callback changes nothing. */
  async callback(state: string, code: string): Promise<void> {
    const raw = await this.deps.redis.getdel(this.key(state));
    if (!raw) throw new AppError("unauthorized", "unknown or used state");
    const pending = pendingSchema.parse(JSON.parse(raw));
    const subject = await this.deps.provider.subjectFor(code, pending.nonce);
    await this.deps.identity.record(pending.patientId, { level: "verified", method: "oidc", subject, actor: { type: "system" } });
    await this.deps.notify(pending.patientId);
  }
}
