import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../test/helpers/harness";
import { RedFlagRepository } from "./red-flag-repository";
import { RedFlagRules } from "./red-flag-rules";
import { rulesVersion } from "./red-flags";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

describe("RedFlagRules.current", () => {
  it("matches every message against the same parsed rules until an admin changes them", async () => {
    const { unitOfWork } = h.services;
    const redFlags = new RedFlagRules(new RedFlagRepository(unitOfWork.db), unitOfWork.afterCommit);
    await redFlags.current(); // the first read of a new database seeds the shipped list
    const first = await redFlags.current();
    const again = await redFlags.current();
    // The same objects: their compiled phrases are cached by object, so a message costs matching only.
    expect(again.rules).toBe(first.rules);
    expect(again.version).toBe(first.version);

    const edited = first.rules.map((rule, i) => (i === 0 ? { ...rule, guideline: `${rule.guideline} (reviewed)` } : rule));
    await redFlags.replace("00000000-0000-4000-8000-000000000000", edited);
    const changed = await redFlags.current();
    expect(changed.version).toBe(rulesVersion(edited));
    expect(changed.version).not.toBe(first.version);
    expect(changed.rules[0]!.guideline).toContain("(reviewed)");
    await redFlags.replace("00000000-0000-4000-8000-000000000000", first.rules);
  });

  it("matches an edit made in another process from at most a second later, reading the stamp once a second", async () => {
    const { unitOfWork } = h.services;
    const repo = new RedFlagRepository(unitOfWork.db);
    const [editor, worker] = [new RedFlagRules(repo, unitOfWork.afterCommit), new RedFlagRules(repo, unitOfWork.afterCommit)];
    const before = await worker.current();
    let stamps = 0;
    const stamp = repo.stamp.bind(repo);
    repo.stamp = () => (stamps++, stamp());
    const edited = before.rules.map((rule, i) => (i === 0 ? { ...rule, guideline: `${rule.guideline} (edited elsewhere)` } : rule));
    await editor.replace("00000000-0000-4000-8000-000000000000", edited);
    stamps = 0;
    expect((await worker.current()).version).toBe(before.version);
    expect(stamps).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await worker.current()).version).toBe(rulesVersion(edited));
    await worker.current();
    expect(stamps).toBe(1);
    await editor.replace("00000000-0000-4000-8000-000000000000", before.rules);
  });

  it("keeps a version written inside a step that rolled back when it is next used", async () => {
    const { unitOfWork, db } = h.services;
    const redFlags = new RedFlagRules(new RedFlagRepository(unitOfWork.db), unitOfWork.afterCommit);
    const version = rulesVersion(await redFlags.list());
    await db.redFlagRuleVersion.deleteMany({ where: { version } });
    await expect(
      unitOfWork.run(async () => {
        await redFlags.current();
        throw new Error("the step failed after triage");
      }),
    ).rejects.toThrow("the step failed after triage");
    expect(await db.redFlagRuleVersion.count({ where: { version } })).toBe(0);
    await unitOfWork.run(() => redFlags.current());
    expect(await db.redFlagRuleVersion.count({ where: { version } })).toBe(1);
  });
});
