import { z } from "zod";
import type { Db } from "../db/prisma";
import { AppError } from "../errors";
import { languages, translator, type Language } from "../i18n";
import { ConsentRepository, type ConsentSnapshot } from "./consent-repository";
import { requiredConsents, type ConsentKind } from "./consent-kinds";
import { PatientConsents } from "./patient-consents";

import { consentKindSchema } from "./consent-kinds";
export { consentKindSchema, requiredConsents, type ConsentKind } from "./consent-kinds";

const shippedVersion = (kind: ConsentKind): string => requiredConsents.find((consent) => consent.kind === kind)!.version;

export const publishConsentTextSchema = z.object({
  version: z.string().trim().regex(/^[\w.-]{1,40}$/, "letters, digits, dots and dashes, e.g. 2027-01-15"),
  /** Every language a patient can choose: a consent must be read in the patient's own language. */
  texts: z.object(Object.fromEntries(languages.map((l) => [l, z.string().trim().min(50).max(8000)])) as Record<Language, z.ZodString>),
});

export interface ConsentTextView {
  kind: ConsentKind;
  version: string;
  /** false while the shipped locales/ text applies. */
  published: boolean;
  publishedAt: Date | null;
  texts: Record<Language, string>;
}

export const consentTextViewSchema = z.object({
  kind: consentKindSchema,
  version: z.string(),
  published: z.boolean(),
  publishedAt: z.date().nullable(),
  texts: z.object(Object.fromEntries(languages.map((l) => [l, z.string()])) as Record<Language, z.ZodString>),
}) satisfies z.ZodType<ConsentTextView>;

export class ConsentService {
  private readonly repository: ConsentRepository;

  constructor(db: Db) {
    this.repository = new ConsentRepository(db);
  }

  /**
   * The patient's consents and the texts asked now in `language`, read once for a dialogue step; `given`: the consents
   * in force as already read (with the patient's account), so only the published texts are wanted.
   */
  async forPatient(patientId: string, language: Language, given?: ConsentSnapshot["given"]): Promise<PatientConsents> {
    return new PatientConsents(given ? { given, published: await this.repository.published(language) } : await this.repository.snapshot(patientId, language));
  }

  /** The version each kind is asked in now: the newest published text, else the shipped one. */
  private async currentVersions(): Promise<Record<ConsentKind, string>> {
    const current = new PatientConsents(await this.repository.snapshot(undefined, ""));
    return Object.fromEntries(requiredConsents.map(({ kind }) => [kind, current.version(kind)])) as Record<ConsentKind, string>;
  }

  /** For admins: the text each kind is asked in now, in every language. */
  async texts(): Promise<ConsentTextView[]> {
    const current = await this.currentVersions();
    return Promise.all(
      requiredConsents.map(async ({ kind }) => {
        const rows = await this.repository.textRows(kind, current[kind]);
        const texts = Object.fromEntries(
          languages.map((l) => [l, rows.find((r) => r.language === l)?.text ?? translator(l)(`consent.${kind}.ask`, { version: current[kind] })]),
        ) as Record<Language, string>;
        return { kind, version: current[kind], published: rows.length > 0, publishedAt: rows[0]?.publishedAt ?? null, texts };
      }),
    );
  }

  /** A new version of a consent text: from now on patients are asked it, and must agree again. */
  async publish(kind: ConsentKind, input: z.input<typeof publishConsentTextSchema>, by: { type: "staff"; id: string }): Promise<ConsentTextView> {
    const { version, texts } = publishConsentTextSchema.parse(input);
    const exists = version === shippedVersion(kind) || (await this.repository.textPublished(kind, version));
    if (exists) throw new AppError("conflict", `version ${version} of this consent exists: publish a new version`);
    const publishedAt = new Date();
    await this.repository.publishText(kind, version, texts as Record<Language, string>, publishedAt, by);
    return { kind, version, published: true, publishedAt, texts };
  }

  /** The consents in force (not withdrawn), oldest first. */
  given(patientId: string): Promise<Array<{ kind: ConsentKind; version: string; givenAt: Date }>> {
    return this.repository.given(patientId);
  }

  /** Withdrawal (152-FZ art. 9): recorded, never deleted; processing stops until the patient consents again. */
  withdraw(patientId: string, kind: ConsentKind): Promise<boolean> {
    return this.repository.withdraw(patientId, kind);
  }

  /** `consents`: the dialogue step's snapshot, which names the version asked and learns of the new consent. */
  async give(patientId: string, kind: ConsentKind, consents: PatientConsents): Promise<void> {
    await this.repository.give(patientId, kind, consents.version(kind));
    consents.record(kind);
  }
}
