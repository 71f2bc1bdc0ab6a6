import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loggerOptions, redactUrl } from "./logger";

describe("request urls in the log", () => {
  it("replaces the secrets of every link kind by a short fingerprint and keeps the rest", () => {
    const token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5";
    const cases = [
      `/call/${token}`,
      `/call/${token}/join`,
      `/exam/link/${token}`,
      `/account/login?token=${token}`,
      `/widget/api/events?after=0&token=${token}`,
      `/widget/api/events?ticket=${token}`,
      `/widget/files/6f1c1c8e-0b7e-4c1e-9a51-3a0f5b8e2f10?v=6f1c1c8e-0b7e-4c1e-9a51-3a0f5b8e2f10&e=1&s=${token}`,
      `/identity/oidc/callback?state=${token}&code=${token}`,
    ];
    for (const url of cases) {
      const logged = redactUrl(url);
      expect(logged, url).not.toContain(token);
      expect(logged, url).toMatch(/~[0-9a-f]{8}/);
    }
    expect(redactUrl(`/call/${token}/join`)).toMatch(/^\/call\/~[0-9a-f]{8}\/join$/);
    expect(redactUrl(`/widget/api/events?after=0&token=${token}`)).toMatch(/^\/widget\/api\/events\?after=0&token=~[0-9a-f]{8}$/);
    // The same secret gives the same fingerprint, so one link's requests can still be followed.
    expect(`${redactUrl(`/call/${token}`)}/ping`).toBe(redactUrl(`/call/${token}/ping`));
    expect(redactUrl("/api/v1/consultations?status=open")).toBe("/api/v1/consultations?status=open");
  });

  it("is what the request serializer writes", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = pino(loggerOptions("info"), sink);
    logger.info({ req: { method: "GET", url: "/account/login?token=secret-login-token-0123456789", ip: "127.0.0.1" } }, "incoming request");
    expect(lines.join("")).not.toContain("secret-login-token-0123456789");
    expect(JSON.parse(lines[0]!).req).toMatchObject({ method: "GET", url: expect.stringMatching(/^\/account\/login\?token=~/), remoteAddress: "127.0.0.1" });
  });
});
