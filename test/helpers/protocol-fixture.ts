import { randomInt } from "node:crypto";
import type { Doctor } from "../../core/doctors/doctors";
import type { Harness } from "./harness";
import { giveCertificate } from "./test-pki";

/** A doctor who can sign (a certificate uploaded as an admin does). */
export async function signingDoctor(h: Harness, name = "Ирина Соколова"): Promise<Doctor> {
  const { doctor } = await h.newDoctor(name);
  await giveCertificate(h.services.certificates, doctor.id);
  return doctor;
}

/**
 * A patient with a consultation held by `doctor` and a first protocol draft with a lab referral (so two PDFs are
 * made when it is signed). `status: "signed"` writes it signed directly, for tests that call the documents service.
 */
export async function protocolFixture(h: Harness, doctor: Doctor, status: "draft" | "signed" = "draft") {
  const patient = await h.db.patient.create({ data: { language: "ru", identityLevel: "verified" } });
  const account = await h.db.messengerAccount.create({
    data: { channel: "telegram", externalUserId: String(randomInt(10_000_000, 2 ** 40)), chatId: "1", patientId: patient.id },
  });
  const consultation = await h.db.consultation.create({
    data: { patientId: patient.id, accountId: account.id, doctorId: doctor.id, kind: "async_chat", status: "in_progress", takenAt: new Date() },
  });
  const content = {
    patient: { fullName: "Петров Пётр Петрович", birthDate: "1980-05-17" },
    complaints: "Головная боль по утрам",
    objective: "АД со слов 150/95",
    assessment: { kind: "preliminary", text: "Артериальная гипертензия?", codes: ["I10"] },
    recommendations: "Дневник давления",
    referrals: [{ kind: "lab_tests", target: "Липидограмма", tests: ["2093-3"] }],
    prescriptions: [],
  };
  const protocol = await h.db.protocol.create({
    data: {
      consultationId: consultation.id, patientId: patient.id, doctorId: doctor.id, version: 1, primary: true, content, status,
      ...(status === "signed" ? { signedAt: new Date() } : {}),
    },
  });
  return { patientId: patient.id, consultationId: consultation.id, consultationNumber: consultation.number, protocolId: protocol.id };
}
