#!/usr/bin/env node
// Usage: npm run db:migrate:new -- <name>
// Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql with the SQL that takes a database
// built from the committed migrations to prisma/schema.prisma (Prisma 6.19 `migrate diff`, WASM
// engine; a throw-away shadow database is created and dropped on DATABASE_URL's server).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = (process.argv[2] ?? "").toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
if (!name) {
  console.error("usage: npm run db:migrate:new -- <name>");
  process.exit(64);
}
const root = path.resolve(import.meta.dirname, "..");
const cli = path.join(root, "node_modules/prisma-migrate/build/index.js");
const res = spawnSync(
  process.execPath,
  [
    cli, "migrate", "diff",
    "--config", path.join(root, "prisma.migrate.config.ts"),
    "--from-migrations", path.join(root, "prisma/migrations"),
    // written by prisma.migrate.config.ts: prisma/schema.prisma plus the `url` 6.19 insists on
    "--to-schema-datamodel", path.join(root, "node_modules/.prisma-migrate/schema.prisma"),
    "--script", "--exit-code",
  ],
  { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
// --exit-code: 0 = no difference, 2 = difference, anything else = error
if (res.status === 0) {
  console.error("No schema changes: no migration written.");
  process.exit(0);
}
if (res.status !== 2) process.exit(res.status ?? 1);
const sql = res.stdout.replace(/^Loaded Prisma config from .*\n/m, "").trimStart();
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(root, "prisma/migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.error(`Wrote ${path.relative(root, dir)}/migration.sql`);
