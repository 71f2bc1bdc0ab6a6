import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";

/**
 * Each test run gets its own database (a copy of a template migrated once with the committed migrations) and Redis
 * key prefix, removed afterwards. Suites that need a database of their own copy the same template
 * (test/helpers/scratch-database.ts) instead of running the migrations again.
 */
export default async function setup(project: TestProject) {
  const template = await createScratchDatabase("template");
  const database = await createScratchDatabase("test", undefined, { template: template.name });
  // Another copy, for pg_dump onto a test's own server: a template may have no connection while it is copied.
  const dumpSource = await createScratchDatabase("dumpsource", undefined, { template: template.name });
  const redisPrefix = `test-${randomUUID().slice(0, 12)}`;
  project.provide("databaseUrl", database.url);
  project.provide("templateDatabase", template.name);
  project.provide("dumpSourceUrl", dumpSource.url);
  project.provide("redisPrefix", redisPrefix);

  return async () => {
    await database.drop();
    await dumpSource.drop();
    await template.drop();
    await deleteRedisKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", redisPrefix);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    templateDatabase: string;
    dumpSourceUrl: string;
    redisPrefix: string;
  }
}
