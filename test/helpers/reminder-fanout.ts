import { randomUUID } from "node:crypto";
import type { Db } from "../../core/db/prisma";
import type { DeliveredMessage } from "./telegram-stand-in";

/**
 * Writes `patients` × `perPatient` medication reminders due at `dueAt` straight into the database, each patient
 * with a Telegram chat of their own. Returns what every chat must receive, in order.
 */
export async function seedDueReminders(
  db: Db,
  options: { patients: number; perPatient: number; dueAt: Date; chatIdBase: number },
): Promise<Map<string, string[]>> {
  const expected = new Map<string, string[]>();
  const chunk = 2000;
  for (let start = 0; start < options.patients; start += chunk) {
    const count = Math.min(chunk, options.patients - start);
    const patients = Array.from({ length: count }, () => ({ id: randomUUID(), language: "en", timezone: "UTC" }));
    await db.patient.createMany({ data: patients });
    await db.messengerAccount.createMany({
      data: patients.map((p, i) => {
        const chatId = String(options.chatIdBase + start + i);
        return { channel: "telegram" as const, externalUserId: chatId, chatId, patientId: p.id };
      }),
    });
    const schedules = patients.flatMap((p, i) =>
      Array.from({ length: options.perPatient }, (_, n) => ({
        id: randomUUID(),
        patientId: p.id,
        chatId: String(options.chatIdBase + start + i),
        n,
      })),
    );
    await db.medicationSchedule.createMany({
      data: schedules.map((s) => ({
        id: s.id,
        patientId: s.patientId,
        medicine: `Med-${s.n + 1}`,
        dose: "1 tablet",
        timesOfDay: ["08:00"],
        startDate: "2020-01-01",
        endDate: "2020-01-01",
      })),
    });
    await db.reminderOccurrence.createMany({
      data: schedules.map((s) => ({
        idempotencyKey: `fanout-${s.id}`,
        kind: "medication" as const,
        patientId: s.patientId,
        scheduleId: s.id,
        payload: { localTime: "08:00" },
        // One patient's reminders a second apart, as a morning's doses would be.
        dueAt: new Date(options.dueAt.getTime() - (options.perPatient - s.n) * 1000),
        sendAt: new Date(options.dueAt.getTime() - (options.perPatient - s.n) * 1000),
      })),
    });
    for (const s of schedules) {
      expected.set(s.chatId, [...(expected.get(s.chatId) ?? []), `💊 Time to take Med-${s.n + 1}: 1 tablet (your 08:00 dose).`]);
    }
  }
  return expected;
}

export interface FanoutReport {
  expected: number;
  delivered: number;
  duplicates: number;
  lost: number;
  outOfOrderChats: number;
  /** delivered messages per second between the first and the last delivery */
  ratePerSecond: number;
  /** the most messages accepted in any one-second window */
  peakPerSecond: number;
}

/** Compares what the Telegram stand-in accepted with what every chat had to receive. */
export function checkDeliveries(delivered: DeliveredMessage[], expected: Map<string, string[]>): FanoutReport {
  const byChat = new Map<string, string[]>();
  for (const m of delivered) if (expected.has(m.chatId)) byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), m.text]);
  let expectedCount = 0;
  let duplicates = 0;
  let lost = 0;
  let outOfOrderChats = 0;
  for (const [chatId, texts] of expected) {
    expectedCount += texts.length;
    const got = byChat.get(chatId) ?? [];
    const unique = [...new Set(got)];
    duplicates += got.length - unique.length;
    lost += texts.filter((text) => !got.includes(text)).length;
    const order = unique.filter((text) => texts.includes(text));
    if (order.join("\n") !== texts.filter((text) => got.includes(text)).join("\n")) outOfOrderChats++;
  }
  const mine = delivered.filter((m) => expected.has(m.chatId)).map((m) => m.at).sort((a, b) => a - b);
  const span = mine.length > 1 ? (mine.at(-1)! - mine[0]!) / 1000 : 0;
  let peak = 0;
  for (let i = 0, j = 0; j < mine.length; j++) {
    while (mine[j]! - mine[i]! >= 1000) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return {
    expected: expectedCount,
    delivered: mine.length,
    duplicates,
    lost,
    outOfOrderChats,
    ratePerSecond: span ? (mine.length - 1) / span : 0,
    peakPerSecond: peak,
  };
}
