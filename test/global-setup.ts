import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";

/** Each test run gets its own database (migrated with the committed migrations) and Redis key prefix, removed afterwards. */
export default async function setup(project: TestProject) {
  const database = await createScratchDatabase("test");
  const redisPrefix = `test-${randomUUID().slice(0, 12)}`;
  project.provide("databaseUrl", database.url);
  project.provide("redisPrefix", redisPrefix);

  return async () => {
    await database.drop();
    await deleteRedisKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", redisPrefix);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisPrefix: string;
  }
}
