import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, loadConfig } from "../core/config";

/** `docker compose` (v2) or `docker-compose` (v1): no engine needed for `config`. .ci/run installs one. */
const compose = [["docker", "compose"], ["docker-compose"]].find(([cmd, ...args]) => spawnSync(cmd!, [...args, "version"]).status === 0);

const generated = execFileSync("node", ["scripts/secrets-generate.mjs"], { encoding: "utf8" });
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The compose file resolved as an operator's `.env` makes it: .env.example, the generated secrets, then `extra`. */
function resolved(extra = ""): { services: Record<string, { environment?: Record<string, string>; healthcheck?: { test?: unknown; disable?: boolean }; ports?: unknown[] }> } {
  const dir = mkdtempSync(join(tmpdir(), "compose-"));
  dirs.push(dir);
  cpSync("docker-compose.yml", join(dir, "docker-compose.yml"));
  cpSync("deploy", join(dir, "deploy"), { recursive: true });
  writeFileSync(join(dir, ".env"), `${readFileSync(".env.example", "utf8")}\n${generated}${extra}`);
  const [cmd, ...args] = compose!;
  return parse(execFileSync(cmd!, [...args, "config"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
}

const problems = (env: Record<string, string | undefined>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.split(":")[0]);
    throw error;
  }
};

describe("secrets:generate", () => {
  it("prints each secret the stack needs once, as NAME=value", () => {
    const lines = generated.split("\n").filter((line) => line && !line.startsWith("#"));
    expect(lines.map((line) => line.split("=")[0])).toEqual(["POSTGRES_PASSWORD", "FILE_ENCRYPTION_KEYS", "WIDGET_SECRET", "LIVEKIT_API_SECRET", "METRICS_TOKEN", "TURN_PASSWORD"]);
    // and none of them is also set (empty) in .env.example, where the earlier line could win
    const example = readFileSync(".env.example", "utf8");
    for (const line of lines) expect(example).not.toMatch(new RegExp(`^${line.split("=")[0]}=`, "m"));
  });
});

describe.skipIf(!compose)("docker-compose.yml from .env.example + secrets:generate", () => {
  it("passes the app's production configuration once the operator has set the SMS gateway, and names only that otherwise", () => {
    const operator = "SMS_HTTP_URL=https://sms.clinic.example/send\nSMS_HTTP_TOKEN=gateway-token-0123\n";
    const ready = resolved(operator).services;
    for (const name of ["migrate", "api", "workers"]) {
      expect(ready[name]!.environment!.NODE_ENV, name).toBe("production");
      expect(problems(ready[name]!.environment!), name).toEqual([]);
    }
    expect(problems(resolved().services.api!.environment!)).toEqual(["SMS_HTTP_URL", "SMS_HTTP_TOKEN"]);
  });

  it("keeps the api on 8080 behind Caddy whatever PORT .env sets, with PUBLIC_URL and LiveKit on PUBLIC_HOST", () => {
    const { services } = resolved("PORT=9999\nPUBLIC_HOST=telecons.clinic.example\n");
    expect(services.api!.environment).toMatchObject({
      PORT: "8080",
      PUBLIC_URL: "https://telecons.clinic.example",
      LIVEKIT_URL: "wss://telecons.clinic.example",
      LIVEKIT_API_URL: "http://livekit:7880",
      DOCTOR_CERTS_DIR: "/etc/telecons/certs",
    });
    expect(services.api!.ports ?? []).toEqual([]);
    expect(Object.keys(services).sort()).toEqual(["api", "caddy", "coturn", "egress", "livekit", "migrate", "postgres", "redis", "workers"]);
  });

  it("gives every long-running service a health check", () => {
    const { services } = resolved();
    for (const [name, service] of Object.entries(services)) {
      if (name === "migrate") continue; // a one-shot job: the others wait for it to exit 0
      expect(service.healthcheck?.test, name).toBeDefined();
      expect(service.healthcheck?.disable, name).not.toBe(true);
    }
  });
});
