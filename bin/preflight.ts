import { Redis } from "ioredis";
import pg from "pg";
import type { Config } from "../core/config";

/**
 * Checked once before a process starts its work: BullMQ's Redis connection (maxRetriesPerRequest: null)
 * waits for ever on an unreachable server, so without this a wrong REDIS_URL hangs the start with no word.
 */
const TIMEOUT_MS = 5000;

/** host:port only: the URL may carry a password. */
const where = (url: string) => {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "default port"}`;
  } catch {
    return "an unparsable URL";
  }
};

const reason = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  return e.code ?? e.message ?? String(error);
};

async function checkRedis(url: string): Promise<string | undefined> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis rejects with a bare "Connection is closed."; the socket's own error says why.
  let cause: unknown;
  redis.on("error", (error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `REDIS_URL: cannot reach Redis at ${where(url)} (${reason(cause ?? error)})`;
  } finally {
    redis.disconnect();
  }
}

async function checkPostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return `DATABASE_URL: cannot reach PostgreSQL at ${where(url)} (${reason(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Exits with one line per unreachable service (naming its variable) within about 5 s. */
export async function exitUnlessReachable(config: Pick<Config, "DATABASE_URL" | "REDIS_URL">): Promise<void> {
  const failures = (await Promise.all([checkPostgres(config.DATABASE_URL), checkRedis(config.REDIS_URL)])).filter((f) => f !== undefined);
  if (failures.length === 0) return;
  process.stderr.write(`${failures.join("\n")}\n`);
  process.exit(1);
}
