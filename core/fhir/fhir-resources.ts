import { PATIENT_IDENTIFIER_SYSTEM } from "../labs/fhir-report";
import type { ProtocolContent } from "../protocols/protocol";
import { iso, loinc, meta, patientRef, type FhirResource } from "./fhir-datatypes";
import type { Rows } from "./fhir-repository";

export type { FhirResource } from "./fhir-datatypes";
/** Readings, lab results and reports, mapped in their own module; one namespace for the callers. */
export * from "./fhir-observations";

export interface MappingContext {
  /** `<PUBLIC_URL>/fhir/R4`: Binary urls are absolute, as a MIS fetches them. */
  baseUrl: string;
  clinicName: string;
}

const ICD10 = "http://hl7.org/fhir/sid/icd-10";
/** Our own identifiers for things the MIS may want to match: the doctor, the consultation number. */
const DOCTOR_SYSTEM = "urn:telecons:doctor";
const CONSULTATION_SYSTEM = "urn:telecons:consultation";
/** A signed document's own id: what a MIS that received it (push on signing) matches it by. */
const DOCUMENT_SYSTEM = "urn:telecons:document";
/** The doctor's signature inside the PDF (PAdES, PKCS#7), described for the MIS: R4 DocumentReference has no element for it. */
export const SIGNATURE_EXTENSION = "urn:telecons:fhir:extension:pdf-signature";

const doctorRef = (doctor: { id: string; name: string }) => ({ identifier: { system: DOCTOR_SYSTEM, value: doctor.id }, display: doctor.name });
const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[c]};`);
/** Narrative (required in a Composition section): paragraphs of the doctor's text, escaped. */
const narrative = (lines: string[]) => ({
  status: "generated",
  div: `<div xmlns="http://www.w3.org/1999/xhtml">${lines.map((line) => `<p>${escapeXml(line)}</p>`).join("")}</div>`,
});

export function patientResource(row: Rows<"patients">): FhirResource {
  const confirmed = (row.protocols[0]?.content as ProtocolContent | undefined)?.patient;
  return {
    resourceType: "Patient",
    id: row.id,
    meta: {
      ...meta(row.createdAt),
      // How sure the clinic is of who this is: anonymous, phone_confirmed, verified (ESIA, staff).
      tag: [{ system: "urn:telecons:identity-level", code: row.identityLevel }],
    },
    identifier: [{ system: PATIENT_IDENTIFIER_SYSTEM, value: row.id }],
    // An erased patient (152-FZ) keeps only the medical record the law requires.
    active: row.erasedAt === null,
    ...(confirmed?.fullName ? { name: [{ use: "official", text: confirmed.fullName }] } : {}),
    ...(confirmed?.birthDate ? { birthDate: confirmed.birthDate } : {}),
    communication: [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: row.language }] }, preferred: true }],
  };
}

const encounterStatus = (row: Rows<"consultations">) =>
  row.status === "new" ? "planned" : row.status !== "closed" ? "in-progress" : row.outcome === "duplicate" || row.outcome === "spam" ? "cancelled" : "finished";

export function encounterResource(row: Rows<"consultations">): FhirResource {
  return {
    resourceType: "Encounter",
    id: row.id,
    meta: meta(row.updatedAt),
    identifier: [{ system: CONSULTATION_SYSTEM, value: String(row.number) }],
    status: encounterStatus(row),
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "VR", display: "virtual" },
    serviceType: { text: row.specialty },
    subject: patientRef(row.patientId),
    ...(row.doctor ? { participant: [{ individual: doctorRef(row.doctor) }] } : {}),
    period: { start: iso(row.createdAt), ...(row.closedAt ? { end: iso(row.closedAt) } : {}) },
  };
}

function assessmentSection(content: ProtocolContent, patientId: string) {
  const { assessment } = content;
  // ICD-10 codes as contained Conditions: a working assumption is provisional, a diagnosis confirmed.
  const conditions = assessment.codes.map((code, index) => ({
    resourceType: "Condition",
    id: `assessment-${index + 1}`,
    verificationStatus: {
      coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-ver-status", code: assessment.kind === "diagnosis" ? "confirmed" : "provisional" }],
    },
    code: { coding: [{ system: ICD10, code }] },
    subject: patientRef(patientId),
  }));
  const title = assessment.kind === "diagnosis" ? "Диагноз" : "Предварительное заключение";
  const section = {
    title,
    code: loinc("51848-0", "Evaluation note"),
    text: narrative([assessment.text || title, ...(assessment.codes.length ? [`МКБ-10: ${assessment.codes.join(", ")}`] : [])]),
    ...(conditions.length ? { entry: conditions.map((c) => ({ reference: `#${c.id}` })) } : {}),
  };
  return { section, conditions };
}

/** A protocol version as the MIS knows it: the consultation's number and the version. */
export const compositionIdentifier = (consultationNumber: number, version: number) => ({ system: CONSULTATION_SYSTEM, value: `${consultationNumber}/v${version}` });

export function compositionResource(row: Rows<"protocols">, context: MappingContext): FhirResource {
  const { content } = row;
  const assessment = assessmentSection(content, row.patientId);
  const textSection = (title: string, code: ReturnType<typeof loinc>, lines: string[]) => (lines.some(Boolean) ? [{ title, code, text: narrative(lines.filter(Boolean)) }] : []);
  return {
    resourceType: "Composition",
    id: row.id,
    meta: meta(row.updatedAt),
    ...(assessment.conditions.length ? { contained: assessment.conditions } : {}),
    identifier: compositionIdentifier(row.consultation.number, row.version),
    // A later version corrects an earlier one (never edits it).
    status: row.previousId ? "amended" : "final",
    type: loinc("11488-4", "Consult note"),
    subject: patientRef(row.patientId),
    encounter: { reference: `Encounter/${row.consultationId}` },
    date: iso(row.signedAt),
    author: [doctorRef(row.doctor)],
    title: `Протокол телемедицинской консультации № ${row.consultation.number}, версия ${row.version}`,
    attester: [{ mode: "legal", time: iso(row.signedAt), party: doctorRef(row.doctor) }],
    custodian: { display: context.clinicName },
    ...(row.previousId ? { relatesTo: [{ code: "replaces", targetReference: { reference: `Composition/${row.previousId}` } }] } : {}),
    section: [
      ...textSection("Жалобы", loinc("10154-3", "Chief complaint Narrative"), [content.complaints]),
      ...textSection("Объективные данные", loinc("29545-1", "Physical findings Narrative"), [content.objective]),
      assessment.section,
      ...textSection("Рекомендации", loinc("18776-5", "Plan of care note"), [content.recommendations]),
      ...textSection(
        "Направления",
        loinc("57133-1", "Referral note"),
        content.referrals.map((r) => [r.target, r.note, r.tests.length ? `LOINC: ${r.tests.join(", ")}` : ""].filter(Boolean).join(" — ")),
      ),
      ...textSection(
        "Назначения",
        loinc("57828-6", "Prescription list"),
        content.prescriptions.map((p) => [p.medicine, p.dose, p.schedule, `${p.durationDays} дн.`, p.note].filter(Boolean).join(", ")),
      ),
    ],
  };
}

const consultNote = loinc("11488-4", "Consult note");
/** A second opinion (a note on the patient's own documents) and a consilium's conclusion are consult notes too. */
const documentTypes = {
  report: consultNote,
  prescription: loinc("57833-6", "Prescription for medication"),
  referral: loinc("57133-1", "Referral note"),
  second_opinion: consultNote,
  consilium: consultNote,
};

/** `pdf`: the signed file itself, embedded (a push to the MIS); without it the MIS fetches the attachment's url. */
export function documentReferenceResource(row: Rows<"documents">, context: MappingContext, pdf?: Buffer): FhirResource {
  const { protocol } = row;
  return {
    resourceType: "DocumentReference",
    id: row.id,
    meta: meta(row.createdAt),
    masterIdentifier: { system: DOCUMENT_SYSTEM, value: row.id },
    extension: [
      {
        url: SIGNATURE_EXTENSION,
        valueSignature: {
          type: [{ system: "urn:iso-astm:E1762-95:2013", code: "1.2.840.10065.1.12.1.1", display: "Author's Signature" }],
          when: iso(protocol.signedAt!),
          who: doctorRef(protocol.doctor),
          // Embedded in the PDF itself (a PKCS#7 signature over the file's byte ranges); check it with any PDF reader.
          sigFormat: "application/pkcs7-signature",
        },
      },
    ],
    status: "current",
    docStatus: "final",
    type: documentTypes[row.kind],
    subject: patientRef(row.patientId),
    date: iso(row.createdAt),
    author: [doctorRef(protocol.doctor)],
    authenticator: doctorRef(protocol.doctor),
    custodian: { display: context.clinicName },
    description: `${row.kind}, consultation ${protocol.consultation.number}, protocol version ${protocol.version}, signed by the doctor`,
    content: [
      {
        attachment: {
          contentType: row.file.mimeType,
          url: `${context.baseUrl}/Binary/${row.fileId}`,
          ...(pdf ? { data: pdf.toString("base64") } : {}),
          size: row.file.size,
          title: row.file.fileName,
          creation: iso(row.createdAt),
        },
      },
    ],
    context: {
      encounter: [{ reference: `Encounter/${protocol.consultationId}` }],
      related: [{ reference: `Composition/${protocol.id}` }],
    },
  };
}

const consentScopes = {
  // 152-FZ consent to process personal (health) data; consent to care given remotely (323-FZ art. 20, 36.2).
  personal_data: { code: "patient-privacy", display: "Privacy Consent" },
  remote_care: { code: "treatment", display: "Treatment" },
};

export function consentResource(row: Rows<"consents">): FhirResource {
  return {
    resourceType: "Consent",
    id: row.id,
    meta: meta(row.withdrawnAt ?? row.givenAt),
    // A withdrawn consent is kept, inactive: when it stopped counting is the period's end.
    status: row.withdrawnAt ? "inactive" : "active",
    scope: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/consentscope", ...consentScopes[row.kind] }] },
    category: [loinc("59284-0", "Patient Consent")],
    patient: patientRef(row.patientId),
    dateTime: iso(row.givenAt),
    // The text the patient agreed to: its kind and version (ConsentText, or the one shipped in locales/).
    policy: [{ uri: `urn:telecons:consent-text:${row.kind}:${row.version}` }],
    provision: { type: "permit", period: { start: iso(row.givenAt), ...(row.withdrawnAt ? { end: iso(row.withdrawnAt) } : {}) } },
  };
}
