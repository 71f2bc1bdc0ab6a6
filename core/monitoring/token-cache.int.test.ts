import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../test/helpers/harness";
import { patientWithAccount } from "../../test/helpers/patient-with-account";
import { IngestionTokens } from "./ingestion-tokens";
import { MonitoringRepository } from "./monitoring-repository";
import { TOKEN_CACHE_MS, TokenCache } from "./token-cache";

let h: Harness;
let clock = Date.now();
/** A second api process: its own cache (with a clock the test moves), the same database and Redis. */
let other: { tokens: IngestionTokens; cache: TokenCache };

beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  const cache = new TokenCache(h.services.redis, h.services.config.REDIS_PREFIX, () => clock);
  cache.start();
  other = { cache, tokens: new IngestionTokens(new MonitoringRepository(h.db), h.services.config.PUBLIC_URL, cache) };
  await until(async () => (await subscribers()).length === 2);
});
afterAll(async () => {
  await other?.cache.stop();
  await h?.close();
});

const system = { type: "system" as const };

async function until(probe: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The ids of this run's two token-cache subscriptions (the api's and the second process'). */
async function subscribers(): Promise<string[]> {
  const list = String(await h.services.redis.client("LIST"));
  const name = `name=${h.services.config.REDIS_PREFIX}:token-cache `;
  return list.split("\n").filter((line) => line.includes(name)).map((line) => /id=(\d+)/.exec(line)![1]!);
}

/** A token the second process has looked up (and so cached), with a way to revoke it behind the services' back. */
async function cachedToken() {
  const { patientId } = await patientWithAccount(h.db);
  const link = await h.services.ingestionTokens.issue(system, patientId, "cgm");
  expect(await other.tokens.patientForToken(link.token)).toBe(patientId);
  const revokeInDatabaseOnly = () => h.db.ingestionToken.update({ where: { id: link.id }, data: { revokedAt: new Date() } });
  return { ...link, patientId, revokeInDatabaseOnly };
}

describe("ingestion token lookups cached per process", () => {
  it("a revocation in one process reaches the other's cache at once", async () => {
    const link = await cachedToken();
    // The cache answers (the database alone would refuse): a revocation that skipped the service would not be seen yet.
    await link.revokeInDatabaseOnly();
    expect(await other.tokens.patientForToken(link.token)).toBe(link.patientId);
    await h.db.ingestionToken.update({ where: { id: link.id }, data: { revokedAt: null } });

    const started = Date.now();
    await h.services.ingestionTokens.revoke(system, link.id);
    expect(await h.services.ingestionTokens.patientForToken(link.token)).toBeUndefined();
    await until(async () => (await other.tokens.patientForToken(link.token)) === undefined, 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Nightscout's secret names the same token.
    expect(await other.tokens.patientForNightscoutSecret(link.token)).toBeUndefined();
  });

  it("starts empty after its subscription was lost: a revocation published meanwhile is not missed", async () => {
    const link = await cachedToken();
    const ids = await subscribers();
    for (const id of ids) await h.services.redis.client("KILL", "ID", id);
    await link.revokeInDatabaseOnly();
    await until(async () => (await subscribers()).length === 2 && !ids.includes((await subscribers())[0]!));
    await until(async () => (await other.tokens.patientForToken(link.token)) === undefined, 1_000);
  });

  it(`forgets any lookup after ${TOKEN_CACHE_MS / 1000} s, the bound should a revocation's message be lost`, async () => {
    const link = await cachedToken();
    await link.revokeInDatabaseOnly();
    clock += TOKEN_CACHE_MS - 1;
    expect(await other.tokens.patientForToken(link.token)).toBe(link.patientId);
    clock += 1;
    expect(await other.tokens.patientForToken(link.token)).toBeUndefined();
  });
});
