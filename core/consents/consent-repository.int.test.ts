import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { languages, type Language } from "../i18n";
import { startHarness, type Harness } from "../../test/helpers/harness";
import { ConsentRepository } from "./consent-repository";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

const texts = (word: string) => Object.fromEntries(languages.map((l) => [l, `${word} `.repeat(20)])) as Record<Language, string>;
const admin = { type: "staff" as const, id: randomUUID() };

describe("ConsentRepository.published", () => {
  it("reads the texts asked now at most once a second, a text published by this process at once and another's within the second", async () => {
    const [ours, theirs] = [new ConsentRepository(h.db), new ConsentRepository(h.db)];
    const before = await ours.published("en");
    expect(await ours.published("en")).toBe(before);

    await theirs.publishText("personal_data", "2031-01-01", texts("other"), new Date(), admin);
    expect(await ours.published("en")).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await ours.published("en")).find((p) => p.kind === "personal_data")).toMatchObject({ version: "2031-01-01", text: expect.stringContaining("other") });

    await ours.publishText("personal_data", "2031-02-01", texts("ours"), new Date(Date.now() + 1000), admin);
    expect((await ours.published("en")).find((p) => p.kind === "personal_data")).toMatchObject({ version: "2031-02-01" });
  });
});
