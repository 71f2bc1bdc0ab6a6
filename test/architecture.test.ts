import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The house plan of README's Layout, checked on the source text (issue 17): Prisma only in repositories and
 * core/db, arrows pointing inward, no import loops (between files, nor between core's modules), small files,
 * a test beside every worker.
 */
const root = resolve(import.meta.dirname, "..");
const productionFolders = ["bots", "core", "workers", "bin", "web-call", "widget", "console/src"];
const isTest = (file: string) => /\.test\.tsx?$/.test(file);

function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === "node_modules" || name === "dist" || name === "generated") continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(relative(root, path));
    }
  };
  walk(join(root, folder));
  return out;
}

const production = productionFolders.flatMap(sources).filter((file) => !isTest(file));
const text = new Map(production.map((file) => [file, readFileSync(join(root, file), "utf8")]));

interface Import {
  target: string;
  typeOnly: boolean;
  names: string;
}

/** Relative imports of a file, resolved to files of the tree. */
function importsOf(file: string): Import[] {
  const out: Import[] = [];
  for (const match of text.get(file)!.matchAll(/^import\s+(type\s+)?([^"';]*?)\s*from\s+"(\.[^"]+)";/gms)) {
    const base = resolve(root, dirname(file), match[3]!);
    const target = [`${base}.ts`, `${base}.tsx`, join(base, "index.ts"), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (target) out.push({ target: relative(root, target), typeOnly: Boolean(match[1]), names: match[2]! });
  }
  return out;
}
const imports = new Map(production.map((file) => [file, importsOf(file)]));

const isRepository = (file: string) => file.endsWith("-repository.ts") || file.startsWith("core/db/");
const modelCall = /\b(?:db|tx|prisma|client)\.[a-z]\w*\.(?:findMany|findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|create|createMany|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)\(|\$(?:queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)\b/;

describe("the house plan (README: Layout)", () => {
  it("keeps Prisma in repositories and core/db: elsewhere no model call and no client import, only the Db/Tx handle type", () => {
    const offenders: string[] = [];
    for (const file of production.filter((f) => !isRepository(f))) {
      if (modelCall.test(text.get(file)!)) offenders.push(`${file}: calls the database`);
      for (const i of imports.get(file)!) {
        if (!i.target.startsWith("core/db/")) continue;
        if (i.target.startsWith("core/db/generated/")) offenders.push(`${file}: imports the generated client`);
        // The composition roots create the client; everyone else may only hand a Db/Tx on to repositories.
        const handlesOnly = i.typeOnly && /^\{\s*(?:Db|Tx)(?:\s*,\s*(?:Db|Tx))?\s*\}$/.test(i.names.trim());
        const isRoot = file.startsWith("bin/");
        if (!handlesOnly && !isRoot && i.target === "core/db/prisma.ts") offenders.push(`${file}: imports ${i.names.trim()} from core/db/prisma`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("points arrows inward: bots know no http or workers, core knows no bots, workers or bin, workers know no bots", () => {
    const forbidden: Array<[string, string[]]> = [
      ["bots/", ["core/http/", "workers/", "bin/"]],
      ["core/", ["bots/", "workers/", "bin/"]],
      ["workers/", ["bots/", "core/http/", "bin/"]],
      ["console/src/", ["core/http/", "bots/", "workers/", "bin/"]],
    ];
    const offenders = production.flatMap((file) =>
      forbidden
        .filter(([from]) => file.startsWith(from))
        .flatMap(([, targets]) => imports.get(file)!.filter((i) => targets.some((t) => i.target.startsWith(t))).map((i) => `${file} -> ${i.target}`)),
    );
    expect(offenders).toEqual([]);
  });

  it("has no import loop between files", () => {
    const loops: string[] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      path.push(file);
      for (const { target } of imports.get(file) ?? []) {
        if (state.get(target) === "open") loops.push([...path.slice(path.indexOf(target)), target].join(" -> "));
        else if (!state.has(target) && imports.has(target)) visit(target);
      }
      path.pop();
      state.set(file, "done");
    };
    for (const file of production) if (!state.has(file)) visit(file);
    expect(loops).toEqual([]);
  });

  it("has no loop between core's modules (folders)", () => {
    const moduleOf = (file: string) => (file.startsWith("core/") && file.split("/").length > 2 ? file.split("/")[1]! : undefined);
    const edges = new Map<string, Set<string>>();
    for (const file of production) {
      const from = moduleOf(file);
      if (!from) continue;
      for (const { target } of imports.get(file)!) {
        const to = moduleOf(target);
        if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...(edges.get(from) ?? [])].some((next) => next === to || (!seen.has(next) && seen.add(next) && reaches(next, to, seen)));
    const loops = [...edges].flatMap(([from, tos]) => [...tos].filter((to) => reaches(to, from)).map((to) => `${from} -> ${to}`));
    expect(loops).toEqual([]);
  });

  it("keeps every production file under 300 lines", () => {
    const long = production.map((file) => [file, text.get(file)!.split("\n").length - 1] as const).filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });

  it("has a test beside every worker", () => {
    const workers = production.filter((file) => /^workers\/[\w-]+\.worker\.ts$/.test(file));
    expect(workers.length).toBeGreaterThan(5);
    expect(workers.filter((file) => !existsSync(join(root, file.replace(/\.ts$/, ".int.test.ts"))))).toEqual([]);
  });
});
