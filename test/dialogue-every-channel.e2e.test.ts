import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxDriver, onboard, telegramDriver, vkDriver, webDriver, type ChannelDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The patient texts as shipped, so the test reads what each language says rather than repeating it. */
const bot = (language: string) => JSON.parse(readFileSync(join(import.meta.dirname, "..", "locales", language, "bot.json"), "utf8"));
const opening = (text: string) => text.split("{{")[0]!.trim();

const channels: Array<[string, string, () => Promise<ChannelDriver>]> = [
  ["Telegram", "uz", async () => telegramDriver(h, "uz")],
  ["VK", "en", async () => vkDriver(h, 3)],
  ["the web widget", "ru", () => webDriver(h, "ru")],
  ["MAX", "az", async () => maxDriver(h, "az")],
];

describe("the whole dialogue on every channel", () => {
  it.each(channels)(
    "%s (%s): consents, a red flag mid-triage answered first, the rest of the intake, one urgent consultation, then a withdrawn consent",
    async (_channel, language, open) => {
      const texts = bot(language);
      const patient = await open();
      await onboard(patient);
      await patient.say("Болит в груди / chest pain / ko'krak og'rig'i");
      await patient.press("intake:area:chest");
      await patient.waitForText(texts.intake.q.chest_breathless.text);
      const before = patient.texts().length;
      await patient.press("intake:ans:0:yes");
      // The emergency instructions come before anything else the bot says next.
      await patient.waitForText(opening(texts.intake.emergency));
      expect(patient.texts().slice(before)[0]).toBe(texts.intake.emergency);
      await patient.press("intake:ans:1:pressing");
      await patient.press("intake:exam:skip");
      await patient.press("intake:fmt:async");
      await patient.waitForText(opening(texts.intake.format.opened.async));

      const account = await h.db.messengerAccount.findFirstOrThrow({ where: { channel: patient.channel, externalUserId: patient.externalUserId } });
      const consultations = await h.db.consultation.findMany({ where: { patientId: account.patientId } });
      expect(consultations).toMatchObject([{ urgent: true, status: "new" }]);
      expect(await h.db.intake.findFirstOrThrow({ where: { patientId: account.patientId } })).toMatchObject({ redFlags: ["chest_pain_breathless"], step: "done" });

      // Withdrawing the data-processing consent stops processing: the next message is not stored.
      await patient.say("/consents");
      await patient.press("consents:withdraw:personal_data");
      await patient.press("consents:confirm:personal_data");
      await patient.waitForText(opening(texts.consents.withdrawn));
      const messages = await h.db.message.count({ where: { consultationId: consultations[0]!.id } });
      await patient.say("Ещё болит рука / my arm hurts too");
      await patient.waitForText(opening(texts.consent.required));
      expect(await h.db.message.count({ where: { consultationId: consultations[0]!.id } })).toBe(messages);
      expect(await h.db.consent.count({ where: { patientId: account.patientId, kind: "personal_data", withdrawnAt: { not: null } } })).toBe(1);
    },
  );
});
