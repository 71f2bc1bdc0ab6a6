import { z } from "zod";
import type { CareAccess } from "../access/care-access";
import type { AuditRepository } from "../audit/audit-repository";
import type { ConsultationRepository } from "../consultations/consultation-repository";
import type { IntakeReader } from "../consultations/intake-reader";
import { AppError, notFound } from "../errors";
import type { ReadingService } from "../monitoring/reading-service";
import type { StaffMember } from "../staff/staff-member";
import type { ColleagueInvitationRepository } from "./colleague-invitation-repository";
import { invitationSchema } from "./colleague-invitation";

/** What an invited colleague reads: the question, and the case as the treating doctor sees it (no actions). */
export const colleagueCaseSchema = z.object({
  invitation: invitationSchema,
  consultation: z.object({
    id: z.uuid(),
    number: z.number().int(),
    status: z.string(),
    specialty: z.string(),
    patientLanguage: z.string(),
    urgent: z.boolean(),
    createdAt: z.date(),
  }),
  intake: z.unknown().nullable(),
  messages: z.array(
    z.object({
      id: z.uuid(),
      authorRole: z.enum(["patient", "doctor"]),
      text: z.string(),
      attachments: z.array(z.object({ fileId: z.uuid(), kind: z.string(), fileName: z.string().optional(), mimeType: z.string().optional() })),
      createdAt: z.date(),
    }),
  ),
  /** The last month of home readings. */
  readings: z.array(z.object({ kind: z.string(), unit: z.string(), points: z.array(z.object({ at: z.date(), value: z.number(), value2: z.number().nullable() })) })),
});
export type ColleagueCase = z.infer<typeof colleagueCaseSchema>;

export interface ColleagueCaseDeps {
  access: CareAccess;
  invitations: ColleagueInvitationRepository;
  consultations: ConsultationRepository;
  intake: IntakeReader;
  readings: ReadingService;
  audit: AuditRepository;
}

/**
 * The invited colleague's window on the case, open only while the invitation is (CareAccess.invitedColleague).
 * Every read is audited, and so is a refused one: who tried to read a case after their invitation closed is a fact
 * the clinic wants to have.
 */
export class ColleagueCaseReader {
  constructor(private readonly deps: ColleagueCaseDeps) {}

  async read(staff: StaffMember, invitationId: string, now = new Date()): Promise<ColleagueCase> {
    const { doctor, patientId, consultationId } = await this.allowed(staff, invitationId);
    const [head, messages, intake, chart, invitation] = await Promise.all([
      this.deps.consultations.head(consultationId),
      this.deps.consultations.messages(consultationId),
      this.deps.intake.forConsultation(consultationId),
      // Audited by the reading service as this colleague's `readings.read`.
      this.deps.readings.chart(doctor.id, patientId, "month", now),
      this.deps.invitations.byId(invitationId),
    ]);
    await this.deps.audit.record({ actor: { type: "doctor", id: doctor.id }, action: "colleague.case_read", entityType: "consultation", entityId: consultationId, meta: { invitationId } });
    return {
      invitation: invitation!,
      consultation: head,
      intake,
      messages,
      readings: chart.series.map((s) => ({ kind: s.kind, unit: s.unit, points: s.points.map((p) => ({ at: p.at, value: p.value, value2: p.value2 ?? null })) })),
    };
  }

  /** A file of the case's messages; the download is audited like the treating doctor's. */
  async authorizeFile(staff: StaffMember, invitationId: string, fileId: string): Promise<void> {
    const { doctor, consultationId } = await this.allowed(staff, invitationId);
    const messages = await this.deps.consultations.messages(consultationId);
    if (!messages.some((m) => m.attachments.some((a) => a.fileId === fileId))) throw notFound("file");
    await this.deps.audit.record({ actor: { type: "doctor", id: doctor.id }, action: "file.download", entityType: "file", entityId: fileId, meta: { consultationId, invitationId } });
  }

  private async allowed(staff: StaffMember, invitationId: string) {
    try {
      return await this.deps.access.invitedColleague(staff, invitationId);
    } catch (error) {
      if (error instanceof AppError && error.code === "forbidden" && staff.doctor) {
        await this.deps.audit.record({ actor: { type: "doctor", id: staff.doctor.id }, action: "colleague.case_refused", entityType: "colleague_invitation", entityId: invitationId, meta: { reason: error.message } });
      }
      throw error;
    }
  }
}
