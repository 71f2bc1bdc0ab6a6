import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";

const ADMIN_URL = process.env.ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * A throw-away database with the committed migrations applied, for a test run or a benchmark (`adminUrl`: on another
 * server). With `template` (a database on the same server that was made this way and that nobody is connected to)
 * it is a copy of that one instead: a copy takes under a second, running the migrations several. With `dumpOf` (the
 * URL of such a database on another server) it is a pg_dump of that one restored, for a server of a test's own.
 */
export async function createScratchDatabase(
  purpose: string,
  adminUrl = ADMIN_URL,
  options: { template?: string; dumpOf?: string } = {},
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `telecons_${purpose}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // A test that stops its own server breaks this connection (and cannot drop the database, nor needs to).
  admin.on("error", () => undefined);
  await admin.query(options.template ? `CREATE DATABASE ${name} TEMPLATE ${options.template}` : `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (options.dumpOf) {
    const dump = execFileSync("pg_dump", ["--no-owner", "--no-privileges", "--dbname", options.dumpOf], { maxBuffer: 64 * 1024 * 1024 });
    execFileSync("psql", ["--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--dbname", url.toString()], { input: dump, stdio: ["pipe", "ignore", "inherit"] });
  } else if (!options.template) {
    execFileSync("npm", ["run", "--silent", "db:migrate"], {
      env: { ...process.env, DATABASE_URL: url.toString() },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Removes every Redis key under a prefix (queues and markers of a finished test run or benchmark). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}
