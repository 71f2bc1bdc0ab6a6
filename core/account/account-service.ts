import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { documentKindSchema } from "../documents/clinical-document";
import type { AuditRepository } from "../audit/audit-repository";
import type { DocumentService } from "../documents/document-service";
import type { DocumentKind } from "../documents/render-documents";
import { AppError, notFound } from "../errors";
import type { LabOrderView } from "../labs/lab-views";
import type { IdentityLevel } from "../identity/identity-level";
import type { AccountRepository } from "./account-repository";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");

export interface AccountSettings {
  baseUrl: string;
  linkTtlSeconds: number;
  sessionTtlSeconds: number;
}

/** Where the account reads the patient's lab orders and results (core/labs). */
export interface LabResultsSource {
  listForPatient(actor: { type: "patient"; id: string }, patientId: string): Promise<LabOrderView[]>;
}

export interface AccountLabOrder {
  number: number;
  labName: string | null;
  status: string;
  results: Array<{ name: string; value: string | null; unit: string | null; referenceRange: string | null; abnormal: boolean }>;
}

export interface AccountOverview {
  language: string;
  identityLevel: IdentityLevel;
  canDownload: boolean;
  consultations: Array<{ id: string; number: number; status: string; createdAt: Date }>;
  protocols: Array<{ id: string; consultationNumber: number; version: number; signedAt: Date }>;
  documents: Array<{ id: string; kind: DocumentKind; consultationNumber: number; version: number; createdAt: Date }>;
  /** Lab orders with their results, for a verified patient only (results reach a known person only). */
  labOrders: AccountLabOrder[];
  /** How many orders an unverified patient would see once verified. */
  hiddenLabOrders: number;
}

/** `GET /account/overview.json`: what the account page shows. */
export const accountOverviewSchema = z.object({
  language: z.string(),
  identityLevel: z.enum(["anonymous", "phone_confirmed", "verified"]),
  canDownload: z.boolean(),
  consultations: z.array(z.object({ id: z.string(), number: z.number(), status: z.string(), createdAt: z.date() })),
  protocols: z.array(z.object({ id: z.string(), consultationNumber: z.number(), version: z.number(), signedAt: z.date() })),
  documents: z.array(z.object({ id: z.string(), kind: documentKindSchema, consultationNumber: z.number(), version: z.number(), createdAt: z.date() })),
  labOrders: z.array(
    z.object({
      number: z.number(),
      labName: z.string().nullable(),
      status: z.string(),
      results: z.array(z.object({ name: z.string(), value: z.string().nullable(), unit: z.string().nullable(), referenceRange: z.string().nullable(), abnormal: z.boolean() })),
    }),
  ),
  hiddenLabOrders: z.number(),
}) satisfies z.ZodType<AccountOverview>;

/**
 * The patient account: a one-time link from the bot becomes a session; documents download only for
 * patients whose identity is verified (a signed medical document goes to a known person only).
 */
export class AccountService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly audit: AuditRepository,
    private readonly documents: DocumentService,
    private readonly labs: LabResultsSource,
    private readonly settings: AccountSettings,
  ) {}

  async createLoginLink(patientId: string, now = new Date()): Promise<{ url: string; expiresAt: Date }> {
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.settings.linkTtlSeconds * 1000);
    await this.accounts.createLink(hash(token), patientId, expiresAt);
    await this.audit.record({ actor: { type: "patient", id: patientId }, action: "account.link", entityType: "patient", entityId: patientId });
    // The language rides along: a reused or broken link is still answered in the patient's language.
    const patient = await this.accounts.patient(patientId);
    const query = new URLSearchParams({ token, lang: patient?.language ?? "ru" });
    return { url: `${this.settings.baseUrl.replace(/\/$/, "")}/account/login?${query}`, expiresAt };
  }

  /** Exchanges a link for a session. The link works once and only before it expires. */
  async redeem(token: string, now = new Date()): Promise<{ sessionToken: string; patientId: string; maxAgeSeconds: number }> {
    const patientId = await this.accounts.useLink(hash(token), now);
    if (!patientId) throw new AppError("unauthorized", "the login link is unknown, used or expired");
    const sessionToken = newToken();
    await this.accounts.createSession(hash(sessionToken), patientId, new Date(now.getTime() + this.settings.sessionTtlSeconds * 1000));
    await this.audit.record({ actor: { type: "patient", id: patientId }, action: "account.login", entityType: "patient", entityId: patientId });
    return { sessionToken, patientId, maxAgeSeconds: this.settings.sessionTtlSeconds };
  }

  async patientOfSession(sessionToken: string | undefined, now = new Date()): Promise<string> {
    const session = sessionToken ? await this.accounts.session(hash(sessionToken)) : undefined;
    if (!session || session.expiresAt <= now) throw new AppError("unauthorized", "no valid account session");
    return session.patientId;
  }

  async logout(sessionToken: string): Promise<void> {
    await this.accounts.deleteSession(hash(sessionToken));
  }

  async overviewLanguage(patientId: string): Promise<{ language: string }> {
    const patient = await this.accounts.patient(patientId);
    if (!patient) throw notFound("patient");
    return { language: patient.language };
  }

  async overview(patientId: string): Promise<AccountOverview> {
    const patient = await this.accounts.patient(patientId);
    if (!patient) throw notFound("patient");
    const verified = patient.identityLevel === "verified";
    const [consultations, protocols, documents, labOrders, hiddenLabOrders] = await Promise.all([
      this.accounts.consultations(patientId),
      this.accounts.signedProtocols(patientId),
      this.documents.forPatient(patientId),
      verified ? this.labs.listForPatient({ type: "patient", id: patientId }, patientId) : [],
      verified ? 0 : this.accounts.labOrderCount(patientId),
    ]);
    const numbers = new Map(consultations.map((c) => [c.id, c.number]));
    const protocolById = new Map(protocols.map((p) => [p.id, p]));
    await this.audit.record({ actor: { type: "patient", id: patientId }, action: "account.view", entityType: "patient", entityId: patientId });
    return {
      language: patient.language,
      identityLevel: patient.identityLevel,
      canDownload: verified,
      consultations,
      protocols: protocols.map((p) => ({ id: p.id, consultationNumber: numbers.get(p.consultationId) ?? 0, version: p.version, signedAt: p.signedAt! })),
      documents: documents.map((d) => {
        const protocol = protocolById.get(d.protocolId);
        return {
          id: d.id,
          kind: d.kind,
          consultationNumber: protocol ? (numbers.get(protocol.consultationId) ?? 0) : 0,
          version: protocol?.version ?? 0,
          createdAt: d.createdAt,
        };
      }),
      labOrders: labOrders.map(toAccountLabOrder),
      hiddenLabOrders,
    };
  }

  /** The PDF for its own patient, verified identity only; refusals are audited like downloads. */
  async download(patientId: string, documentId: string): Promise<{ bytes: Buffer; fileName: string }> {
    const patient = await this.accounts.patient(patientId);
    const document = await this.documents.find(documentId);
    if (!patient || !document || document.patientId !== patientId) throw notFound("document");
    const actor = { type: "patient", id: patientId } as const;
    if (patient.identityLevel !== "verified") {
      await this.audit.record({ actor, action: "document.download_refused", entityType: "document", entityId: documentId, meta: { identityLevel: patient.identityLevel } });
      throw new AppError("forbidden", "documents can be downloaded after identity verification", { reason: "identity_not_verified" });
    }
    const { bytes, fileName } = await this.documents.content(documentId);
    await this.audit.record({ actor, action: "document.download", entityType: "document", entityId: documentId, meta: { kind: document.kind } });
    return { bytes, fileName };
  }
}

const toAccountLabOrder = (order: LabOrderView): AccountLabOrder => ({
  number: order.number,
  labName: order.labName,
  status: order.status,
  results: order.results.map((r) => ({ name: r.display ?? r.code, value: r.value, unit: r.unit, referenceRange: r.referenceRange, abnormal: r.abnormal })),
});
