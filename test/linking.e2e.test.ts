import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxDriver, onboard, telegramDriver, vkDriver, webDriver, type ChannelDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const patientOf = async (driver: ChannelDriver) =>
  (await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: driver.channel, externalUserId: driver.externalUserId } } })).patientId;

async function codeFrom(driver: ChannelDriver, prefix: string): Promise<string> {
  await driver.say("/link");
  return /(\d{6})/.exec(await driver.waitForText(prefix))![1]!;
}

describe("linking a second messenger by a one-time code", () => {
  it("attaches a brand-new VK account to the Telegram patient, keeping consents and the open consultation (ru)", async () => {
    const telegram = telegramDriver(h, "ru");
    await onboard(telegram);
    await walkIntake(telegram, "Болит голова");
    await telegram.waitForText("Обращение №");
    const patientId = await patientOf(telegram);
    const code = await codeFrom(telegram, "Код для привязки другого мессенджера");

    const vk = vkDriver(h, 0);
    await vk.say(`/link ${code}`);
    await vk.waitForText("Готово: этот мессенджер привязан к вашей карте.");
    expect(await patientOf(vk)).toBe(patientId);
    const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: "patient.link_account", entityId: patientId } });
    expect(audit.meta).toMatchObject({ channel: "vk" });
    // The empty patient the VK account got on its first message is merged away.
    const merged = (audit.meta as { mergedPatientId: string }).mergedPatientId;
    expect(await h.db.patient.findUnique({ where: { id: merged } })).toBeNull();

    // No consent asked again: the first patient's consents hold; the text joins the same consultation.
    await vk.say("И ещё тошнит");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId } });
    await vk.waitForText(`Добавлено к обращению № ${consultation.number}.`);
    expect(await h.db.consultation.count({ where: { patientId } })).toBe(1);
    expect(await h.db.message.count({ where: { consultationId: consultation.id, authorRole: "patient" } })).toBe(2);

    // A code works once.
    const other = vkDriver(h, 0);
    await other.say(`/link ${code}`);
    await other.waitForText("Код неверный или устарел.");
  });

  it("links MAX both ways: a new MAX account joins the VK patient, then a Telegram account joins with a code from MAX (ru)", async () => {
    const vk = vkDriver(h, 0);
    await onboard(vk);
    await walkIntake(vk, "Кашель неделю");
    await vk.waitForText("Обращение №");
    const patientId = await patientOf(vk);

    const max = maxDriver(h, "ru");
    await max.say(`/link ${await codeFrom(vk, "Код для привязки другого мессенджера")}`);
    await max.waitForText("Готово: этот мессенджер привязан к вашей карте.");
    expect(await patientOf(max)).toBe(patientId);
    const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: "patient.link_account", entityId: patientId } });
    expect(audit.meta).toMatchObject({ channel: "max" });
    // The consents hold on MAX too: the text joins the open consultation.
    await max.say("И температура");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId } });
    await max.waitForText(`Добавлено к обращению № ${consultation.number}.`);

    const telegram = telegramDriver(h, "ru");
    await telegram.say(`/link ${await codeFrom(max, "Код для привязки другого мессенджера")}`);
    await telegram.waitForText("Готово: этот мессенджер привязан к вашей карте.");
    expect(await patientOf(telegram)).toBe(patientId);
    expect(await h.db.messengerAccount.count({ where: { patientId } })).toBe(3);
  });

  it("limits wrong attempts and refuses to merge an account that has its own consultations (en)", async () => {
    const web = await webDriver(h, "en");
    for (let i = 0; i < 5; i++) await web.say("/link 000000");
    await web.waitForText("The code is wrong or has expired.");
    await web.say("/link 000001");
    await web.waitForText("Too many wrong attempts. Please try again in 15 min.");

    const telegram = telegramDriver(h, "en");
    await onboard(telegram);
    const code = await codeFrom(telegram, "Code to link another messenger");
    const busy = vkDriver(h, 3);
    await onboard(busy);
    await walkIntake(busy, "My own complaint");
    await busy.waitForText("Consultation No.");
    await busy.say(`/link ${code}`);
    await busy.waitForText("This messenger already has consultations");
    expect(await patientOf(busy)).not.toBe(await patientOf(telegram));
    // Nothing was changed, so the code still works for a fresh account.
    const fresh = await webDriver(h, "en");
    await fresh.say(`/link ${code}`);
    await fresh.waitForText("Done: this messenger is linked to your record.");
    expect(await patientOf(fresh)).toBe(await patientOf(telegram));
  });
});
