import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sender } from "../channels/channel";
import { startHarness, type Harness } from "../../test/helpers/harness";
import { accountKey, PatientRepository } from "./patient-repository";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

const sender = (languageCode?: string): Sender => {
  const id = randomUUID();
  return { channel: "telegram", externalUserId: id, chatId: id, ...(languageCode ? { languageCode } : {}) };
};

describe("PatientRepository.findOrCreateAccounts (an inbound batch's senders)", () => {
  it("reads the known accounts and creates the missing ones, each with its own patient, in two statements", async () => {
    const patients = new PatientRepository(h.db);
    const known = sender("en");
    const existing = await patients.findOrCreateAccount(known, "ru");
    const [uzbek, unknownLanguage] = [sender("uz"), sender()];

    const statements: string[] = [];
    const counting = h.db.$extends({ query: { $allOperations: ({ operation, args, query }) => (statements.push(operation), query(args)) } });
    // The same new user twice (two chats of one user in a batch) is one account.
    const found = await new PatientRepository(counting as typeof h.db).findOrCreateAccounts([known, uzbek, unknownLanguage, uzbek], "ky");

    expect(statements).toEqual(["$queryRaw", "$executeRaw"]);
    expect(found.get(accountKey(known))).toMatchObject({ accountId: existing.accountId, patientId: existing.patientId, language: "en" });
    expect(found.get(accountKey(uzbek))).toMatchObject({ language: "uz", chatId: uzbek.chatId, consents: [] });
    expect(found.get(accountKey(unknownLanguage))).toMatchObject({ language: "ky" });
    for (const created of [uzbek, unknownLanguage]) {
      const account = found.get(accountKey(created))!;
      expect(await patients.findAccount(created)).toEqual({ ...account, consents: [] });
    }
    expect(new Set([...found.values()].map((account) => account.patientId)).size).toBe(3);
  });

  it("gives two first updates of one user racing the same account", async () => {
    const patients = new PatientRepository(h.db);
    const first = sender("en");
    const [a, b] = await Promise.all([patients.findOrCreateAccount(first, "ru"), patients.findOrCreateAccount(first, "ru")]);
    expect(a.accountId).toBe(b.accountId);
    expect(await h.db.messengerAccount.count({ where: { externalUserId: first.externalUserId } })).toBe(1);
  });
});
