import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it, inject } from "vitest";
import { loadConfig } from "../core/config";
import { createPrisma } from "../core/db/prisma";
import { DoctorDirectory } from "../core/doctors/doctor-directory";
import { DoctorRepository } from "../core/doctors/doctor-repository";
import { staffRoleSchema } from "../core/staff/staff-member";

/** Runs a shell command line exactly as a person types it in the repository root. */
function sh(line: string, env: Record<string, string> = {}, limitMs = 60_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("bash", ["-c", line], { env: { ...process.env, LOG_LEVEL: "silent", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The `npm run <script> -- …` lines of README.md's sh blocks, comments removed. */
function readmeCommands(script: string): string[] {
  const blocks = [...readFileSync("README.md", "utf8").matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((block) => block.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line.startsWith(`npm run ${script} --`));
}

describe("npm start and README's commands, run as written", () => {
  it("README names every installed package that wants a newer Node than engines' floor, and states engines", () => {
    const engines = (JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } }).engines.node;
    const floor = semver.minVersion(engines)!.version;
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
      packages: Record<string, { version?: string; optional?: boolean; engines?: { node?: string } }>;
    };
    // optional packages whose engines do not match are skipped by npm, not warned about
    const wantNewer = Object.entries(lock.packages)
      .filter(([path, pkg]) => path && !pkg.optional && pkg.engines?.node && !semver.satisfies(floor, pkg.engines.node))
      .map(([path, pkg]) => `${path.split("node_modules/").at(-1)}@${semver.major(pkg.version!)}`);
    const section = readFileSync("README.md", "utf8").split("## Run it on this machine")[1]!.split("```sh")[0]!;
    expect(section).toContain(`\`engines\`: \`${engines}\``);
    const named = (name: string) => section.includes(`\`${name}`) || section.includes(`\`${name.replace(/@\d+$/, "")}\``);
    expect(wantNewer.filter((name) => !named(name))).toEqual([]);
    expect(section).toContain(`about ${["no", "one", "two", "three", "four", "five", "six", "seven"][wantNewer.length]} packages`);
  });

  it("DATABASE_URL=not-a-url npm start stops with one line naming the variable", async () => {
    const result = await sh("DATABASE_URL=not-a-url npm start");
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("DATABASE_URL: must be a URL (example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/telecons)");
  });

  it("staff:create and db:seed from README work, and db:seed --staff gives the console doctor's own token", async () => {
    const env = { DATABASE_URL: inject("databaseUrl"), STAFF_PASSWORD: "readme-password-1234" };
    const staffLines = readmeCommands("staff:create");
    expect(staffLines.some((line) => line.includes(" doctor "))).toBe(true);
    for (const line of staffLines) {
      const result = await sh(line, env);
      expect({ line, code: result.code, stderr: result.stderr }).toEqual({ line, code: 0, stderr: "" });
    }
    const seedLines = readmeCommands("db:seed");
    expect(seedLines).toContain("npm run db:seed -- --staff doctor@clinic.example");
    let token = "";
    for (const line of seedLines) {
      const result = await sh(line, env);
      expect({ line, code: result.code }).toEqual({ line, code: 0 });
      if (line.includes("--staff")) token = /Console API token \(shown once\): (\S+)/.exec(result.stdout)![1]!;
    }
    const db = createPrisma(inject("databaseUrl"));
    try {
      const staff = await db.staffMember.findUniqueOrThrow({ where: { email: "doctor@clinic.example" } });
      expect((await new DoctorDirectory(new DoctorRepository(db)).byApiToken(token))?.id).toBe(staff.doctorId);
    } finally {
      await db.$disconnect();
    }
  });

  it("README's tables describe every variable core/config.ts reads and every one .env.example sets", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = (title: string) => readme.split(`\n## ${title}\n`)[1]!.split("\n## ")[0]!;
    /** Variables named in the first cell of a table row, e.g. "| `PORT`, `HOST` | …" or "| `X=https://…` | …". */
    const described = (text: string) =>
      new Set(text.split("\n").filter((line) => line.startsWith("| `")).flatMap((line) => [...line.split("|")[1]!.matchAll(/`([A-Z][A-Z0-9_]+)[`=]/g)].map((m) => m[1]!)));
    const configuration = described(section("Configuration"));
    const deploy = described(section("Deploy with Docker (ops)"));
    const read = Object.keys(loadConfig({}));
    expect(read.length).toBeGreaterThan(100);
    expect(read.filter((name) => !configuration.has(name))).toEqual([]);
    // the rest of .env.example is docker-compose.yml's own (PUBLIC_HOST, the generated passwords…)
    const example = [...readFileSync(".env.example", "utf8").matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(example.filter((name) => !configuration.has(name) && !deploy.has(name))).toEqual([]);
    expect(["MAX_WEBHOOK_URL", "MIS_FHIR_URL", "MIS_BEARER_TOKEN", "POSTGRES_PASSWORD", "TURN_PASSWORD"].filter((name) => !deploy.has(name))).toEqual([]);
  });

  it("staff:create's usage names every role, and an interpreter is created as it says", async () => {
    const usage = await sh("npm run --silent staff:create");
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain(`[${staffRoleSchema.options.join("|")}]`);
    expect(staffRoleSchema.options).toContain("interpreter");
    const created = await sh('npm run --silent staff:create -- interpreter@clinic.example "Dilnoza Interpreter" interpreter "" uz,tg', {
      DATABASE_URL: inject("databaseUrl"),
    });
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: "" });
    expect(created.stdout).toContain("interpreter Dilnoza Interpreter <interpreter@clinic.example>");
  }, 90_000);

  it("a mistyped specialty is one line, not a stack trace", async () => {
    const result = await sh('npm run --silent staff:create -- typo@clinic.example "Typo Doctor" doctor gp,derm ru', { DATABASE_URL: inject("databaseUrl") });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("staff:create: unknown or retired specialty: derm");
  });

  it("the console is built only when a file it was built from changed", async () => {
    const out = mkdtempSync(join(tmpdir(), "console-dist-"));
    const first = await sh(`node scripts/build-console.mjs --out ${out}`);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("console: building (no previous build)");
    const stamp = JSON.parse(readFileSync(join(out, ".build-inputs.json"), "utf8")) as { inputs: Record<string, string> };
    // what the build read, beyond console/: the texts and the shared exam type
    expect(Object.keys(stamp.inputs)).toEqual(expect.arrayContaining(["console/src/main.tsx", "locales/ru/console.json", "core/exam/exam-result.ts", "package-lock.json"]));

    const second = await sh(`node scripts/build-console.mjs --out ${out}`);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("not rebuilt");

    // as if locales/ru/console.json had been edited since the build
    stamp.inputs["locales/ru/console.json"] = "0".repeat(64);
    writeFileSync(join(out, ".build-inputs.json"), JSON.stringify(stamp));
    const due = await sh(`node scripts/build-console.mjs --out ${out} --check`);
    expect(due.code).toBe(1);
    expect(due.stderr.trim()).toBe("console: build due (locales/ru/console.json changed)");
  }, 90_000);
});
