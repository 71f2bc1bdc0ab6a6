#!/usr/bin/env node
// Builds the console (console/dist) only when one of the files it was built from changed: on a small server a
// Vite build takes a minute, and `npm start` runs this on every start.
// The inputs are recorded by the build itself (every module Rollup read), so a new import from core/ or locales/
// is followed without a list to keep up to date; dependencies are covered by package-lock.json.
// Usage: node scripts/build-console.mjs [--out DIR] [--check]   (--check: exit 1 when a build is due, build nothing)
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { out: { type: "string" }, check: { type: "boolean" } } });
const outDir = resolve(values.out ?? join(root, "console", "dist"));
const stampFile = join(outDir, ".build-inputs.json");
/** Read by the build but never a module: the configuration, the page and the exact dependency versions. */
const alwaysInputs = ["console/vite.config.ts", "console/index.html", "package-lock.json"];

const hashOf = (path) => (existsSync(join(root, path)) ? createHash("sha256").update(readFileSync(join(root, path))).digest("hex") : "missing");

/** The first recorded input whose content differs now, or a reason when there is no usable stamp. */
function staleReason() {
  if (!existsSync(stampFile)) return "no previous build";
  const stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  const changed = Object.entries(stamp.inputs ?? {}).find(([path, hash]) => hashOf(path) !== hash);
  return changed ? `${changed[0]} changed` : undefined;
}

const reason = staleReason();
if (!reason) {
  console.error(`console: up to date (${relative(root, outDir)}), not rebuilt`);
  process.exit(0);
}
if (values.check) {
  console.error(`console: build due (${reason})`);
  process.exit(1);
}
console.error(`console: building (${reason})`);
const { build } = await import("vite");
const read = new Set();
await build({
  configFile: join(root, "console", "vite.config.ts"),
  logLevel: "warn",
  build: { outDir },
  plugins: [
    {
      name: "record-build-inputs",
      buildEnd() {
        for (const id of this.getModuleIds()) {
          const path = id.split("?")[0];
          if (isAbsolute(path) && path.startsWith(root) && !path.includes("/node_modules/") && existsSync(path)) read.add(relative(root, path));
        }
      },
    },
  ],
});
const inputs = Object.fromEntries([...new Set([...alwaysInputs, ...read])].sort().map((path) => [path, hashOf(path)]));
writeFileSync(stampFile, `${JSON.stringify({ builtAt: new Date().toISOString(), inputs }, null, 1)}\n`);
console.error(`console: built from ${Object.keys(inputs).length} files into ${relative(root, outDir) || "."}`);
