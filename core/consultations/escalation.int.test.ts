import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "../../test/helpers/scratch-database";
import { createPrisma, type Db } from "../db/prisma";
import { escalateOverdue } from "./escalation";
import { escalationRulesSchema } from "../specialties/escalation-rules";
import { ConsultationRepository } from "./consultation-repository";

// Its own database: the escalation workers of other test files sweep the run's shared one with the real clock, and
// would escalate these long-overdue rows before the test's own sweeps do.
let database: ScratchDatabase;
let db: Db;
beforeAll(async () => {
  database = await scratchDatabase("escalation");
  db = createPrisma(database.url);
}, 60_000);
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

async function consultation(urgent: boolean, createdAt: Date) {
  const patient = await db.patient.create({ data: { language: "ru" } });
  const account = await db.messengerAccount.create({ data: { patientId: patient.id, channel: "telegram", externalUserId: randomUUID(), chatId: randomUUID() } });
  return db.consultation.create({ data: { patientId: patient.id, accountId: account.id, kind: "async_chat", status: "new", urgent, createdAt } });
}

describe("escalation of urgent consultations", () => {
  it("tells operators of an urgent consultation after its own limit in minutes, a routine one after its specialty's", async () => {
    // Created long ago and swept "then": the sweep only reaches rows older than its clock.
    const t0 = new Date(Date.UTC(2001, 0, 1, 9, Math.floor(Math.random() * 50)));
    const rules = escalationRulesSchema.parse("*:120");
    const urgent = await consultation(true, t0);
    const routine = await consultation(false, t0);
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

    expect(await escalateOverdue(new ConsultationRepository(db), rules, at(4), 5)).not.toContain(urgent.id);
    const afterFive = await escalateOverdue(new ConsultationRepository(db), rules, at(6), 5);
    expect(afterFive).toContain(urgent.id);
    expect(afterFive).not.toContain(routine.id);
    expect(await escalateOverdue(new ConsultationRepository(db), rules, at(7), 5)).not.toContain(urgent.id);
    expect(await escalateOverdue(new ConsultationRepository(db), rules, at(121), 5)).toContain(routine.id);
    // Without an urgent limit (the worker's old deps) urgent ones wait like the rest.
    const other = await consultation(true, t0);
    expect(await escalateOverdue(new ConsultationRepository(db), rules, at(60))).not.toContain(other.id);
  });
});
