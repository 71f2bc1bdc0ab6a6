import { neutraliseDirection } from "./bidi";

/** The console's only way to the api: same origin, session cookie, JSON errors as { code, message }. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method: init.method ?? "GET",
    credentials: "same-origin",
    headers: {
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      // The api refuses state changes without it, so another site cannot ride the cookie.
      "x-requested-with": "telecons-console",
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (response.status === 204) return undefined as T;
  const data = neutraliseDirection(await response.json().catch(() => ({})));
  if (!response.ok) throw new ApiError(response.status, data.code ?? "error", data.message ?? response.statusText, data.details);
  return data as T;
}

export interface Staff {
  id: string;
  email: string;
  name: string;
  role: "doctor" | "operator" | "admin" | "interpreter";
  specialties: string[];
  languages: string[];
  doctorId: string | null;
}

export type Status = "new" | "in_progress" | "waiting_for_patient" | "closed";

export interface QueueItem {
  id: string;
  number: number;
  status: Status;
  specialty: string;
  patientLanguage: string;
  urgent: boolean;
  doctorId: string | null;
  doctorName: string | null;
  createdAt: string;
  updatedAt: string;
  escalatedAt: string | null;
}

export interface Attachment {
  fileId: string;
  /** `dicom`: a second opinion's scan, opened in the clinic's DICOM viewer. */
  kind: "photo" | "document" | "dicom";
  mimeType: string;
  fileName: string;
  size: number;
}

export interface Thread extends QueueItem {
  kind: "async_chat" | "second_opinion";
  patientId: string;
  identityLevel: string;
  outcome: string | null;
  inPersonVisit: "yes" | "no" | "unknown";
  consentWithdrawn: boolean;
  intake: {
    complaint: string;
    answers: Array<{ questionId: string; answer: unknown }>;
    exam: { regions: string[]; severity: number; duration: string; symptoms: string[]; medicines: string; allergies: string } | null;
    redFlags: string[];
    area: string | null;
  } | null;
  previous: Array<{ id: string; number: number; status: Status; specialty: string; createdAt: string; outcome: string | null }>;
  messages: Array<{
    id: string;
    authorRole: "patient" | "doctor";
    text: string;
    attachments: Attachment[];
    deliveryStatus: string | null;
    createdAt: string;
  }>;
}

/** A second opinion's translation request, as the doctor sees it beside the original (core/second-opinion). */
export interface ConsultationTranslation {
  id: string;
  fileId: string;
  status: "requested" | "translated";
  requestedAt: string;
  translatedAt: string | null;
  translation: string | null;
}

/** A request as the interpreter sees it: the document only. */
export interface TranslationItem {
  id: string;
  status: "requested" | "translated";
  fileName: string;
  mimeType: string;
  requestedAt: string;
  translatedAt: string | null;
}

export const fileUrl = (consultationId: string, fileId: string) => `/api/v1/consultations/${consultationId}/files/${fileId}`;

/** A colleague's answer as the protocol keeps it (core/protocols/protocol.ts). */
export interface ColleagueAnswer {
  invitationId: string;
  colleagueName: string;
  answer: string;
  answeredAt: string;
}

export interface ProtocolContent {
  patient: { fullName?: string; birthDate?: string };
  complaints: string;
  objective: string;
  assessment: { kind: "preliminary" | "diagnosis"; text: string; codes: string[] };
  recommendations: string;
  referrals: Array<{ kind: "in_person_visit" | "specialist" | "lab_tests"; target: string; note?: string; tests: string[]; specialty?: string }>;
  prescriptions: Array<{ medicine: string; dose: string; schedule: string; durationDays: number; treatmentChange: "new" | "continue" | "change" | "stop"; note?: string; remindAt?: string[] }>;
  followUpOfVisitId?: string;
  /** Colleagues' answers cited by the api (POST /protocols/:id/colleague-answers); the form may only drop one. */
  colleagueAnswers?: ColleagueAnswer[];
}

export interface Protocol {
  id: string;
  version: number;
  status: "draft" | "signed";
  content: ProtocolContent;
  signedAt: string | null;
  remoteCare: { primary: boolean; followsUp: string[]; refused: string[] };
}

/** An alert from home readings; `lastValue` comes formatted with its unit. */
export interface MonitoringAlert {
  id: string;
  patientId: string;
  metric: string;
  level: string;
  status: "open" | "acknowledged" | "resolved";
  lastValue: string;
  readingsCount: number;
  openedAt: string;
  lastAt: string;
  consultation: { id: string; number: number } | null;
}
