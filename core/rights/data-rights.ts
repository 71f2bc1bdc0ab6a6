import type { AuditRepository } from "../audit/audit-repository";
import type { ButtonHandler, CommandHandler } from "../dialogue/handlers";
import { AppError, notFound } from "../errors";
import { translator } from "../i18n";
import { renderExportPdf } from "./export-pdf";
import type { PatientDataRepository } from "./patient-data-repository";
import type { PatientErasure } from "./patient-erasure";

export interface DataRightsDeps {
  patients: PatientDataRepository;
  audit: AuditRepository;
  erasure: PatientErasure;
  /** A one-time link into the patient account (core/account). */
  loginLink: (patientId: string) => Promise<{ url: string }>;
  linkTtlSeconds: number;
}

/**
 * The patient's rights over their data, from the bot (`/mydata`, `/delete`) and the account page. The export is
 * handed out only in the account and only to a verified patient: a messenger account alone does not prove who is
 * asking, and the export holds health data. Erasure may be asked by whoever holds the messenger account or the
 * account session (that is whose data it erases); it is confirmed with a button first. Every step is audited.
 */
export class DataRights {
  constructor(private readonly deps: DataRightsDeps) {}

  async export(patientId: string, format: "json" | "pdf"): Promise<{ body: Buffer | string; fileName: string }> {
    const { patients, audit } = this.deps;
    const identityLevel = await patients.identityLevel(patientId);
    if (!identityLevel) throw notFound("patient");
    const actor = { type: "patient", id: patientId } as const;
    if (identityLevel !== "verified") {
      await audit.record({ actor, action: "patient.export_refused", entityType: "patient", entityId: patientId, meta: { format, identityLevel } });
      throw new AppError("forbidden", "the data export is given after identity verification", { reason: "identity_not_verified" });
    }
    const data = await patients.collect(patientId);
    await audit.record({ actor, action: "patient.export", entityType: "patient", entityId: patientId, meta: { format } });
    const fileName = `my-data-${data.generatedAt.slice(0, 10)}.${format}`;
    return format === "json" ? { body: JSON.stringify(data, null, 2), fileName } : { body: await renderExportPdf(data), fileName };
  }

  /** `/mydata`, `/delete` and the confirmation buttons. Allowed without consent: withdrawing it must not lock a patient out of their rights. */
  handlers(): { commands: CommandHandler[]; buttons: ButtonHandler } {
    const myData: CommandHandler = {
      command: "mydata",
      beforeConsent: true,
      handle: async (account) => {
        const t = translator(account.language, "rights");
        const { url } = await this.deps.loginLink(account.patientId);
        const level = await this.deps.patients.identityLevel(account.patientId);
        await this.deps.audit.record({ actor: { type: "patient", id: account.patientId }, action: "patient.export_request", entityType: "patient", entityId: account.patientId, meta: { channel: account.channel } });
        const minutes = Math.round(this.deps.linkTtlSeconds / 60);
        return [{ text: t(level === "verified" ? "mydata.link" : "mydata.verify_first", { url, minutes }) }];
      },
    };
    const erase: CommandHandler = {
      command: "delete",
      beforeConsent: true,
      handle: async (account) => {
        const t = translator(account.language, "rights");
        return [{ text: t("delete.confirm"), buttons: [[{ label: t("delete.yes"), data: "erase:yes" }], [{ label: t("delete.no"), data: "erase:no" }]] }];
      },
    };
    const buttons: ButtonHandler = {
      prefix: "erase",
      handle: async (account, data) => {
        const t = translator(account.language, "rights");
        if (data !== "erase:yes") return [{ text: t("delete.cancelled") }];
        await this.deps.erasure.request(account.patientId, { type: "patient", id: account.patientId }, "bot");
        return [{ text: t("delete.accepted") }];
      },
    };
    return { commands: [myData, erase], buttons };
  }
}
