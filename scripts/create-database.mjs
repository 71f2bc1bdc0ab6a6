#!/usr/bin/env node
// Creates the database named in DATABASE_URL when it does not exist yet: `prisma migrate deploy` will not.
import pg from "pg";

const example = "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/telecons";
const raw = process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/telecons";
/** One line naming the variable, as core/config.ts does for the processes: `npm start` runs this first. */
const refuse = (problem) => {
  console.error(`DATABASE_URL: ${problem} (example: ${example})`);
  process.exit(1);
};
let target;
try {
  target = new URL(raw);
} catch {
  refuse("must be a URL");
}
if (!["postgresql:", "postgres:"].includes(target.protocol)) refuse("must start with postgresql:// or postgres://");
const name = decodeURIComponent(target.pathname.slice(1));
if (!name) refuse("must name the database after the host, e.g. /telecons");
const admin = new URL(target);
admin.pathname = "/postgres";
const client = new pg.Client({ connectionString: admin.toString() });
try {
  await client.connect();
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (!rowCount) {
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    console.error(`Created database ${name}`);
  }
} catch (error) {
  // Without CREATEDB rights (a managed server) the database is made by the operator; migrate reports if it is missing.
  console.error(`Could not check or create database ${name}: ${error.message}`);
} finally {
  await client.end().catch(() => {});
}
