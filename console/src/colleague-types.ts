import type { Attachment, Thread } from "./api";

/** A question to a colleague about a consultation (core/colleagues/colleague-invitation.ts): doctors only. */
export interface ColleagueInvitation {
  id: string;
  consultationId: string;
  consultationNumber: number;
  invitedById: string;
  invitedByName: string;
  colleagueId: string | null;
  colleagueName: string | null;
  specialty: string | null;
  question: string;
  answer: string | null;
  status: "open" | "answered" | "withdrawn";
  createdAt: string;
  closedAt: string | null;
}

export interface Colleague {
  id: string;
  name: string;
  specialties: string[];
}

/** What the invited colleague reads while the invitation is open. */
export interface ColleagueCase {
  invitation: ColleagueInvitation;
  consultation: { id: string; number: number; specialty: string; patientLanguage: string; urgent: boolean; createdAt: string };
  intake: Thread["intake"];
  messages: Array<{ id: string; authorRole: "patient" | "doctor"; text: string; attachments: Attachment[]; createdAt: string }>;
  readings: Array<{ kind: string; unit: string; points: Array<{ at: string; value: number; value2: number | null }> }>;
}

export const colleagueFileUrl = (invitationId: string, fileId: string) => `/api/v1/colleague-invitations/${invitationId}/files/${fileId}`;
