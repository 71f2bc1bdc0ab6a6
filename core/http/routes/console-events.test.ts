import { describe, expect, it } from "vitest";
import type { ConsoleEvent } from "../../realtime/console-events";
import type { StaffMember } from "../../staff/staff-member";
import { mayHear } from "./console-events";

const member = (role: StaffMember["role"], doctor: StaffMember["doctor"] = null): StaffMember => ({
  id: `${role}-1`,
  email: "",
  name: role,
  role,
  doctor,
  interpreterId: null,
  lockedUntil: null,
  disabled: false,
});
const gp = member("doctor", { id: "11111111-1111-4111-8111-111111111111", name: "GP", specialties: ["gp"], languages: ["ru"] });
const cardiologist = member("doctor", { id: "22222222-2222-4222-8222-222222222222", name: "Card", specialties: ["cardiology"], languages: ["ru"] });
const at = new Date().toISOString();
const opened: ConsoleEvent = { type: "consultation.opened", consultationId: "33333333-3333-4333-8333-333333333333", specialty: "gp", language: "ru", urgent: false, doctorId: null, at };
const alert: ConsoleEvent = { type: "alert.opened", patientId: "44444444-4444-4444-8444-444444444444", doctorId: gp.doctor!.id, at };

describe("mayHear", () => {
  it("sends routing facts to operators and admins, consultation news to the doctors it concerns, nothing to interpreters", () => {
    expect([gp, cardiologist, member("operator"), member("admin"), member("interpreter")].map((s) => mayHear(s, opened))).toEqual([true, false, true, true, false]);
  });

  it("sends rota gaps to those who plan the rota: admins and operators", () => {
    const gaps: ConsoleEvent = { type: "coverage.gaps", count: 5, at };
    expect([gp, cardiologist, member("operator"), member("admin"), member("interpreter")].map((s) => mayHear(s, gaps))).toEqual([false, false, true, true, false]);
  });

  it("sends an urgent consultation to the specialty's doctors whatever their languages", () => {
    const englishGp = member("doctor", { id: "66666666-6666-4666-8666-666666666666", name: "GP en", specialties: ["gp"], languages: ["en"] });
    expect([gp, englishGp, cardiologist].map((s) => mayHear(s, { ...opened, language: "tg" }))).toEqual([false, false, false]);
    expect([gp, englishGp, cardiologist].map((s) => mayHear(s, { ...opened, language: "tg", urgent: true }))).toEqual([true, true, false]);
  });

  it("sends a patient's alert to the responsible doctor only", () => {
    expect([gp, cardiologist, member("operator"), member("admin"), member("interpreter")].map((s) => mayHear(s, alert))).toEqual([true, false, false, false, false]);
  });

  it("sends a question to the colleague asked (or the specialty's other doctors) and the answer to the doctor who asked", () => {
    const everyone = [gp, cardiologist, member("operator"), member("admin"), member("interpreter")];
    const byName: ConsoleEvent = { type: "colleague.invited", invitationId: "55555555-5555-4555-8555-555555555555", doctorId: cardiologist.doctor!.id, specialty: null, askedById: gp.doctor!.id, at };
    const bySpecialty: ConsoleEvent = { ...byName, doctorId: null, specialty: "gp", askedById: gp.doctor!.id };
    const answered: ConsoleEvent = { ...byName, type: "colleague.answered", doctorId: gp.doctor!.id };
    expect(everyone.map((s) => mayHear(s, byName))).toEqual([false, true, false, false, false]);
    // The gp asked the gps: not themselves.
    expect(everyone.map((s) => mayHear(s, bySpecialty))).toEqual([false, false, false, false, false]);
    expect(mayHear(cardiologist, { ...bySpecialty, specialty: "cardiology" })).toBe(true);
    expect(everyone.map((s) => mayHear(s, answered))).toEqual([true, false, false, false, false]);
  });
});
