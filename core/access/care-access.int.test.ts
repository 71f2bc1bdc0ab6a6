import { randomInt } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPrisma } from "../db/prisma";
import type { StaffMember } from "../staff/staff-member";
import { CareAccess, careSources, type CareSource } from "./care-access";
import { CareAccessRepository } from "./care-access-repository";

const db = createPrisma(inject("databaseUrl"));
afterAll(() => db.$disconnect());

const doctorStaff = (doctor: { id: string; name: string }): StaffMember => ({
  id: doctor.id,
  email: "",
  name: doctor.name,
  role: "doctor",
  doctor: { ...doctor, specialties: ["gp"], languages: ["ru"] },
  interpreterId: null,
  lockedUntil: null,
  disabled: false,
});
const staffOf = (role: "operator" | "admin" | "interpreter"): StaffMember => ({ ...doctorStaff({ id: "x", name: role }), role, doctor: null });

async function seed() {
  const [treating, responsible, stranger] = await Promise.all(
    ["Treating", "Responsible", "Stranger"].map((name) => db.doctor.create({ data: { name, specialties: ["gp"], languages: ["ru"] } })),
  );
  const patient = await db.patient.create({ data: {} });
  const account = await db.messengerAccount.create({ data: { channel: "telegram", externalUserId: String(randomInt(1e9, 2 ** 40)), chatId: "1", patientId: patient.id } });
  await db.consultation.create({ data: { patientId: patient.id, accountId: account.id, kind: "async_chat", doctorId: treating!.id, status: "closed" } });
  await db.monitoringPlan.create({ data: { patientId: patient.id, doctorId: responsible!.id, thresholds: {} } });
  return { treating: treating!, responsible: responsible!, stranger: stranger!, patient };
}

describe("CareAccess", () => {
  it("lets a doctor who held a consultation or is responsible in; others get one 403 whether or not the patient exists", async () => {
    const { treating, responsible, stranger, patient } = await seed();
    const access = new CareAccess(new CareAccessRepository(db));
    await expect(access.patient(doctorStaff(treating), patient.id)).resolves.toMatchObject({ id: treating.id });
    await expect(access.patient(doctorStaff(responsible), patient.id)).resolves.toMatchObject({ id: responsible.id });
    await expect(access.patient(doctorStaff(stranger), patient.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(access.patient(doctorStaff(stranger), "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "forbidden" });
    for (const role of ["operator", "admin", "interpreter"] as const) {
      await expect(access.patient(staffOf(role), patient.id)).rejects.toMatchObject({ code: "forbidden" });
    }
    // Identity: the treating doctor or an admin at the front desk.
    await expect(access.identityVerifier(staffOf("admin"), patient.id)).resolves.toBeUndefined();
    await expect(access.identityVerifier(staffOf("operator"), patient.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(access.identityVerifier(doctorStaff(stranger), patient.id)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("takes a new source of care (an invitation) in one place", async () => {
    const { stranger, patient } = await seed();
    const invited: CareSource = async (_db, doctorId, patientId) => doctorId === stranger.id && patientId === patient.id;
    await expect(new CareAccess(new CareAccessRepository(db), [...careSources, invited]).patient(doctorStaff(stranger), patient.id)).resolves.toMatchObject({ id: stranger.id });
  });

  it("opens a case to an invited colleague for reading while the invitation is open, and to nobody else", async () => {
    const { treating, stranger, responsible, patient } = await seed();
    const consultation = await db.consultation.findFirstOrThrow({ where: { patientId: patient.id } });
    const invitation = await db.colleagueInvitation.create({
      data: { consultationId: consultation.id, patientId: patient.id, invitedById: treating.id, colleagueId: stranger.id, question: "?" },
    });
    const access = new CareAccess(new CareAccessRepository(db));
    await expect(access.invitedColleague(doctorStaff(stranger), invitation.id)).resolves.toMatchObject({ patientId: patient.id, consultationId: consultation.id });
    // Reading this case only: the invitation is no care relationship for the patient's other routes.
    await expect(access.patient(doctorStaff(stranger), patient.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(access.invitedColleague(doctorStaff(responsible), invitation.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(access.invitedColleague(staffOf("admin"), invitation.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(access.invitedColleague(doctorStaff(stranger), "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
    await db.colleagueInvitation.update({ where: { id: invitation.id }, data: { status: "answered", answer: "!", closedAt: new Date() } });
    await expect(access.invitedColleague(doctorStaff(stranger), invitation.id)).rejects.toMatchObject({ code: "forbidden", details: { reason: "invitation_closed" } });
  });
});
