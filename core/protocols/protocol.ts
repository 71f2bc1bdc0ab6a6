import { z } from "zod";
import { icd10CodeSchema } from "../icd10/icd10";
import { loincCodeSchema } from "../labs/lab-tests";
import { timeOfDaySchema } from "../reminders/schedule";

const text = (max: number) => z.string().trim().max(max);

export const referralSchema = z.object({
  kind: z.enum(["in_person_visit", "specialist", "lab_tests"]),
  /** Whom or what: "терапевт, очный приём", "кардиолог", "общий анализ крови, ТТГ". */
  target: text(300).min(1),
  note: text(1000).optional(),
  /** For `in_person_visit`: whose in-person slots the patient is offered in the messenger (the consultation's specialty by default). */
  specialty: z.string().trim().min(1).max(50).optional(),
  /** For `lab_tests`: the LOINC codes; a signed protocol turns them into a lab order (core/labs). */
  tests: z.array(loincCodeSchema).max(50).default([]),
});

export const prescriptionSchema = z.object({
  medicine: text(200).min(1),
  dose: text(100).min(1),
  schedule: text(200).min(1),
  durationDays: z.number().int().min(1).max(365),
  /** `new` starts a medicine, `continue` renews it, `change` alters dose or schedule, `stop` ends it. */
  treatmentChange: z.enum(["new", "continue", "change", "stop"]).default("new"),
  note: text(500).optional(),
  /** Times of day (the patient's own) the patient is reminded to take it once signed; none, no reminders. */
  remindAt: z.array(timeOfDaySchema).max(12).default([]),
});

export const assessmentSchema = z.object({
  /** A preliminary assessment (working assumption) is allowed in any consultation; a diagnosis only in a follow-up. */
  kind: z.enum(["preliminary", "diagnosis"]),
  text: text(4000).default(""),
  codes: z.array(icd10CodeSchema).max(10).default([]),
});

/**
 * A colleague's answer cited in the protocol (issue 18 point 1): the invitation it comes from and the words as the
 * colleague answered them. Added only by the api from the stored answer (ProtocolService.citeColleague).
 */
export const colleagueAnswerSchema = z.object({
  invitationId: z.uuid(),
  colleagueName: text(200),
  answer: text(4000),
  answeredAt: z.iso.datetime(),
});

/** The structured protocol the doctor fills; one schema for the HTTP body, the database column and the PDFs. */
export const protocolContentSchema = z.object({
  /** As the doctor confirmed them (the messenger gives no name); printed on the documents. */
  patient: z
    .object({
      fullName: text(200).optional(),
      birthDate: z.iso.date().optional(),
    })
    .default({}),
  complaints: text(8000).default(""),
  objective: text(8000).default(""),
  assessment: assessmentSchema.default({ kind: "preliminary", text: "", codes: [] }),
  recommendations: text(8000).default(""),
  referrals: z.array(referralSchema).max(20).default([]),
  prescriptions: z.array(prescriptionSchema).max(20).default([]),
  /** A staff-linked problem: the in-person visit this consultation follows up, when the codes alone do not say so. */
  followUpOfVisitId: z.uuid().optional(),
  colleagueAnswers: z.array(colleagueAnswerSchema).max(20).default([]),
});

export type ProtocolContent = z.output<typeof protocolContentSchema>;
export type ProtocolContentInput = z.input<typeof protocolContentSchema>;
export type Referral = z.output<typeof referralSchema>;
export type ColleagueAnswer = z.output<typeof colleagueAnswerSchema>;
export type Prescription = z.output<typeof prescriptionSchema>;

export type ProtocolKind = "consultation" | "consilium";

export interface Protocol {
  id: string;
  consultationId: string;
  /** Absent: `consultation`. A `consilium` protocol is a consilium's conclusion, signed by each of its doctors. */
  kind?: ProtocolKind;
  consultationNumber: number;
  patientId: string;
  doctorId: string;
  version: number;
  previousId: string | null;
  status: "draft" | "signed";
  primary: boolean;
  content: ProtocolContent;
  signedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const inPersonVisitInputSchema = z.object({
  visitedAt: z.coerce.date(),
  icd10Code: icd10CodeSchema,
  problem: text(500).min(1),
});

export const visitImportSchema = z.object({
  visits: z
    .array(inPersonVisitInputSchema.extend({ patientId: z.uuid(), externalId: text(200).min(1) }))
    .min(1)
    .max(1000),
});

export interface InPersonVisit {
  id: string;
  patientId: string;
  visitedAt: Date;
  icd10Code: string;
  problem: string;
  /** `booking`: an in-person appointment the front desk marked attended (core/video/in-person-attendance.ts). */
  source: "staff" | "import" | "booking";
  externalId: string | null;
  recordedById: string | null;
}

export const inPersonVisitSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  visitedAt: z.date(),
  icd10Code: z.string(),
  problem: z.string(),
  source: z.enum(["staff", "import", "booking"]),
  externalId: z.string().nullable(),
  recordedById: z.string().nullable(),
}) satisfies z.ZodType<InPersonVisit>;
