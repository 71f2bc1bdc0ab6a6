import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("configuration was accepted");
};

describe("configuration", () => {
  it("works on this machine with no variables set", () => {
    expect(loadConfig({})).toMatchObject({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/telecons",
      REDIS_URL: "redis://127.0.0.1:6379",
      PORT: 8080,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_API_ROOT: "https://api.telegram.org",
    });
  });

  it("trusts X-Forwarded-For only when told, and has rate limits by default", () => {
    expect(loadConfig({})).toMatchObject({ TRUST_PROXY: false, RATE_LIMIT_LOGIN_PER_MINUTE: 10, RATE_LIMIT_WIDGET_MESSAGES_PER_MINUTE: 30 });
    expect(loadConfig({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: "127.0.0.1,10.0.0.0/8" }).TRUST_PROXY).toBe("127.0.0.1,10.0.0.0/8");
    expect(problemsOf({ TRUST_PROXY: "yes please" })[0]).toMatch(/^TRUST_PROXY: /);
  });

  it("treats an empty value as unset", () => {
    expect(loadConfig({ PORT: "", TELEGRAM_BOT_TOKEN: "" })).toMatchObject({ PORT: 8080, TELEGRAM_BOT_TOKEN: undefined });
  });

  it("names every problem on its own line, with an example", () => {
    const problems = problemsOf({
      DATABASE_URL: "mysql://root@localhost/telecons",
      PORT: "eighty",
      TELEGRAM_MODE: "carrier-pigeon",
      TELEGRAM_BOT_TOKEN: "not-a-token",
    });
    expect(problems).toHaveLength(4);
    expect(problems).toContain(
      "DATABASE_URL: must start with postgresql:// or postgres:// (example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/telecons)",
    );
    expect(problems.find((p) => p.startsWith("PORT: "))).toMatch(/\(example: PORT=8080\)$/);
    expect(problems.find((p) => p.startsWith("TELEGRAM_MODE: "))).toMatch(/webhook.*polling.*\(example: TELEGRAM_MODE=webhook\)$/);
    expect(problems.find((p) => p.startsWith("TELEGRAM_BOT_TOKEN: "))).toContain("@BotFather");
  });

  it("says one line per bad URL: what is wrong, not also 'Invalid URL'", () => {
    const problems = problemsOf({ REDIS_URL: "nope", DATABASE_URL: "nope", PUBLIC_URL: "nope", LIVEKIT_URL: "http://livekit:7880", MIS_FHIR_URL: "nope", MIS_BEARER_TOKEN: "mis-token-0123456789" });
    expect(problems).toEqual([
      "DATABASE_URL: must be a URL starting with postgresql:// or postgres:// (example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/telecons)",
      "REDIS_URL: must be a URL starting with redis:// or rediss:// (example: REDIS_URL=redis://127.0.0.1:6379)",
      expect.stringMatching(/^PUBLIC_URL: must be a URL starting with http:\/\/ or https:\/\/ \(example: /),
      expect.stringMatching(/^LIVEKIT_URL: must start with ws:\/\/ or wss:\/\/ \(example: /),
      expect.stringMatching(/^MIS_FHIR_URL: must be a URL starting with https:\/\/ or http:\/\/ \(example: /),
    ]);
  });

  it("never gives one variable two lines, whatever every variable of .env.example is set to", () => {
    const names = [...readFileSync(".env.example", "utf8").matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(30);
    for (const value of ["nope", "-1", "http://"]) {
      const problems = problemsOf(Object.fromEntries(names.map((name) => [name, value])));
      const named = problems.map((line) => line.split(":")[0]);
      expect(named).toEqual([...new Set(named)]);
    }
  });

  it("requires a webhook secret for a bot in webhook mode but not in polling mode", () => {
    const token = "123456789:AAE-example-token-from-BotFather";
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: token })).toEqual([
      "TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_BOT_TOKEN is set and TELEGRAM_MODE is webhook (example: TELEGRAM_WEBHOOK_SECRET=a-long-random-secret-0123456789)",
    ]);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODE: "polling" }).TELEGRAM_MODE).toBe("polling");
  });

  it("reads the widget's frame ancestors as CSP sources, 'self' by default", () => {
    expect(loadConfig({}).WIDGET_FRAME_ANCESTORS).toEqual(["'self'"]);
    expect(loadConfig({ WIDGET_FRAME_ANCESTORS: "self https://clinic.example, https://*.clinic.example:8443" }).WIDGET_FRAME_ANCESTORS).toEqual([
      "'self'",
      "https://clinic.example",
      "https://*.clinic.example:8443",
    ]);
    // Anything else could smuggle another directive into the policy.
    expect(problemsOf({ WIDGET_FRAME_ANCESTORS: "https://clinic.example; script-src *" })).toEqual([
      expect.stringMatching(/^WIDGET_FRAME_ANCESTORS: must be 'self' or origins/),
    ]);
  });

  it("refuses the development SMS provider in production and needs a gateway's credentials for http and smsru", () => {
    const production = {
      NODE_ENV: "production",
      FILE_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
      LIVEKIT_API_SECRET: "a-production-livekit-secret-of-32-chars",
      WIDGET_SECRET: "a-production-widget-secret-of-32-chars",
      METRICS_TOKEN: "a-production-metrics-token-of-32-chars",
    };
    expect(problemsOf(production)).toEqual([expect.stringMatching(/^SMS_PROVIDER: log sends nothing and is refused in production.*\(example: SMS_PROVIDER=smsru\)$/)]);
    expect(problemsOf({ ...production, SMS_PROVIDER: "http" }).map((p) => p.split(":")[0])).toEqual(["SMS_HTTP_URL", "SMS_HTTP_TOKEN"]);
    const config = loadConfig({ ...production, SMS_PROVIDER: "http", SMS_HTTP_URL: "https://sms.example/send", SMS_HTTP_TOKEN: "gateway-token-123" });
    expect(config.SMS_PROVIDER).toBe("http");
    expect(problemsOf({ ...production, SMS_PROVIDER: "smsru" }).map((p) => p.split(":")[0])).toEqual(["SMS_RU_API_ID"]);
    expect(loadConfig({ ...production, SMS_PROVIDER: "smsru", SMS_RU_API_ID: "api-id-0123456789" }).SMS_RU_API_ROOT).toBe("https://sms.ru");
    expect(loadConfig({}).SMS_PROVIDER).toBe("log");
  });

  it("requires a metrics token in production, of at least 32 characters", () => {
    const production = {
      NODE_ENV: "production",
      FILE_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
      LIVEKIT_API_SECRET: "a-production-livekit-secret-of-32-chars",
      WIDGET_SECRET: "a-production-widget-secret-of-32-chars",
      SMS_PROVIDER: "http",
      SMS_HTTP_URL: "https://sms.example/send",
      SMS_HTTP_TOKEN: "gateway-token-123",
    };
    expect(problemsOf(production)).toEqual([expect.stringMatching(/^METRICS_TOKEN: is required in production/)]);
    expect(problemsOf({ ...production, METRICS_TOKEN: "short" })).toEqual([expect.stringMatching(/^METRICS_TOKEN: must be at least 32 characters/)]);
    expect(loadConfig({ ...production, METRICS_TOKEN: "x".repeat(32) }).METRICS_TOKEN).toBe("x".repeat(32));
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
  });

  it("stops a process started with bad configuration, one line per problem", async () => {
    const run = promisify(execFile)("node", ["--import", "tsx", "bin/api.ts"], {
      env: { PATH: process.env.PATH, REDIS_URL: "localhost:6379", PORT: "99999" },
    });
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split("\n")).toEqual([
      "Invalid configuration:",
      expect.stringMatching(/^PORT: .*\(example: PORT=8080\)$/),
      expect.stringMatching(/^REDIS_URL: .*\(example: REDIS_URL=redis:\/\/127\.0\.0\.1:6379\)$/),
    ]);
  });
});
