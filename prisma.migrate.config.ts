// Prisma 6.19 CLI config (devDependency alias `prisma-migrate`), used ONLY for migrations:
//   node node_modules/prisma-migrate/build/index.js migrate deploy --config prisma.migrate.config.ts
// Why: Prisma 7's migrate needs a native schema engine that cannot be downloaded offline, while
// Prisma 6.19 can run its bundled WASM schema engine through a driver adapter (engine: "js").
// The adapter must be @prisma/adapter-pg 7.x (6.19's fails: "Column type 'name' could not be deserialized").
// Always pass --config: without it the 6.19 CLI loads prisma.config.ts (the Prisma 7 one) and
// tries to download the native engine.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma-migrate/config";

const root = import.meta.dirname;
process.env.DATABASE_URL ||= "postgresql://postgres@127.0.0.1:5432/telecons";
// 6.19 decides from the schema's generator which query engine to download; "client" means none.
process.env.PRISMA_CLIENT_ENGINE_TYPE = "client";

// Prisma 7 rejects `url` in the schema's datasource block; Prisma 6.19 requires it. So 6.19 gets a
// copy of prisma/schema.prisma with `url = env("DATABASE_URL")` added. The JS engine never connects
// through that url (6.19 even warns that it is unused): everything goes through the adapter below.
// The path is fixed so scripts can pass it to `migrate diff --to-schema-datamodel`.
const MIGRATE_SCHEMA = path.join(root, "node_modules/.prisma-migrate/schema.prisma");
const source = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
const derived = source.replace(
  /(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*"[^"]+")/,
  '$1\n  url      = env("DATABASE_URL")',
);
if (derived === source) {
  throw new Error("prisma.migrate.config.ts: no datasource `provider` line in prisma/schema.prisma");
}
mkdirSync(path.dirname(MIGRATE_SCHEMA), { recursive: true });
writeFileSync(MIGRATE_SCHEMA, derived);

// @prisma/adapter-pg 7.10 cannot type result columns of PostgreSQL's internal "char" type (OID 18),
// which the schema engine's catalog queries return whenever it describes a database that has tables
// (`migrate diff --from-migrations`, i.e. the shadow database): "Column type 'char' could not be
// deserialized from the database". pg already parses those values as strings; report them as text.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
function charColumnsAsText<R>(result: R): R {
  for (const res of ([] as unknown[]).concat(result)) {
    for (const field of (res as pg.QueryResult | undefined)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}
class MigrateClient extends pg.Client {
  // pg.Client#query has many overloads (promise, callback, submittable); wrap them all.
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last];
      args[last] = (err: Error | null, res: unknown) => callback(err, res && charColumnsAsText(res));
      return (super.query as any)(...args);
    }
    const out = (super.query as any)(...args);
    return out && typeof out.then === "function" ? out.then(charColumnsAsText) : out;
  }
}

// Discrete fields rather than { connectionString }: node-postgres lets a connectionString override
// `database`, which would point any per-database pool built from this config at the main database.
const url = new URL(process.env.DATABASE_URL);
const pgConfig: pg.PoolConfig = {
  host: url.hostname,
  port: Number(url.port || 5432),
  user: decodeURIComponent(url.username || "postgres"),
  password: url.password ? decodeURIComponent(url.password) : undefined,
  database: decodeURIComponent(url.pathname.slice(1) || "postgres"),
  // The 6.19 CLI never closes the adapter's pool; without this each command idles ~10 s before exit.
  allowExitOnIdle: true,
  Client: MigrateClient,
};

// @prisma/adapter-pg's executeScript splits a migration at every ";", which cuts a function body ($$ … $$, e.g.
// the audit trigger of migration audit_append_only) apart. A script with a dollar-quoted body goes to Postgres
// whole, as Prisma's native engine sends every script (one implicit transaction); the others as before.
type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
function wholeScriptsWithFunctions(adapter: Adapter): Adapter {
  const split = adapter.executeScript.bind(adapter);
  const internals = adapter as unknown as { client: pg.Pool; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    if (!script.includes("$$")) return split(script);
    try {
      await internals.client.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}

// PrismaPg.connectToShadowDb() (used by `migrate diff --from-migrations`) drops the shadow database
// while its own pool still holds a connection, so the DROP fails ("being accessed by other users").
// This one closes the shadow pool first, then drops the database.
class MigratePg extends PrismaPg {
  override async connect() {
    return wholeScriptsWithFunctions(await super.connect());
  }

  override async connectToShadowDb() {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    const admin = async (sql: string) => {
      const client = new pg.Client(pgConfig);
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    const adapter = wholeScriptsWithFunctions(await new PrismaPg({ ...pgConfig, database: name }).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose(); // ends the shadow pool
      await admin(`DROP DATABASE IF EXISTS "${name}"`);
    };
    return adapter;
  }
}

// Prisma 6.19's WASM schema engine arms a 10 s setTimeout (its advisory-lock wait limit) and never
// clears it, so every migrate command lingers ~10 s after it has finished. Unref timers created from
// WASM: they still fire while the process is alive (a really contended lock still times out after
// 10 s, the pending query keeps the process alive), but they no longer hold a finished CLI open.
const realSetTimeout = globalThis.setTimeout;
const patchedSetTimeout = function (this: unknown, ...args: Parameters<typeof setTimeout>) {
  const timer = realSetTimeout.apply(this, args);
  if (new Error().stack?.includes("wasm://")) timer.unref();
  return timer;
};
Object.assign(patchedSetTimeout, realSetTimeout);
globalThis.setTimeout = patchedSetTimeout as typeof setTimeout;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: MIGRATE_SCHEMA,
  migrations: { path: path.join(root, "prisma/migrations") },
  adapter: async () => new MigratePg(pgConfig),
});
