import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";

/**
 * A local OpenID Connect provider standing in for ESIA / Gosuslugi: discovery, JWKS, an authorize endpoint
 * that "logs the user in" at once and redirects with a code, and a token endpoint returning an RS256 id_token.
 * `forgeNext()` makes the next id_token signed by a key the JWKS does not publish, as an attacker's would be.
 */
export class OidcStandIn {
  readonly clientId = "telecons-test";
  readonly clientSecret = randomBytes(12).toString("hex");
  private server?: Server;
  private keys?: { publicKey: CryptoKey; privateKey: CryptoKey };
  private forged?: CryptoKey;
  private forgeNextToken = false;
  private readonly codes = new Map<string, { nonce: string; subject: string }>();
  issuer = "";

  constructor(private readonly subject = "esia-1000042") {}

  async start(): Promise<this> {
    this.keys = await generateKeyPair("RS256");
    this.forged = (await generateKeyPair("RS256")).privateKey;
    this.server = createServer((request, response) => void this.route(request.url ?? "/", request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  forgeNext(): void {
    this.forgeNextToken = true;
  }

  private async route(path: string, request: import("node:http").IncomingMessage, response: import("node:http").ServerResponse) {
    const url = new URL(path, this.issuer);
    const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
      });
    }
    if (url.pathname === "/jwks") return json(200, { keys: [{ ...(await exportJWK(this.keys!.publicKey)), kid: "k1", alg: "RS256", use: "sig" }] });
    if (url.pathname === "/authorize") {
      const code = randomBytes(16).toString("hex");
      this.codes.set(code, { nonce: url.searchParams.get("nonce") ?? "", subject: this.subject });
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      return response.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === "/token" && request.method === "POST") {
      let body = "";
      for await (const chunk of request) body += chunk;
      const form = new URLSearchParams(body);
      const grant = this.codes.get(form.get("code") ?? "");
      if (!grant || form.get("client_secret") !== this.clientSecret) return json(400, { error: "invalid_grant" });
      this.codes.delete(form.get("code")!);
      const key = this.forgeNextToken ? this.forged! : this.keys!.privateKey;
      this.forgeNextToken = false;
      const idToken = await new SignJWT({ nonce: grant.nonce })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(this.issuer)
        .setAudience(this.clientId)
        .setSubject(grant.subject)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(key);
      return json(200, { access_token: "at", token_type: "Bearer", id_token: idToken });
    }
    json(404, { error: "not_found" });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
