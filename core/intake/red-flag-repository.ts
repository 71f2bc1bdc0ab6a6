import type { AuditEntry } from "../audit/audit-entry";
import { recordAudit } from "../audit/audit-repository";
import type { Db } from "../db/prisma";
import type { Prisma } from "../db/generated/client";

type RuleRow = Prisma.RedFlagRuleCreateManyInput;

/** The red-flag rules as stored (what the admin edits), the rule sets ever matched, and their replacement. */
export class RedFlagRepository {
  constructor(private readonly db: Db) {}

  /** The stored rows, unparsed (the rules' schema parses them). */
  rows(): Promise<unknown[]> {
    return this.db.redFlagRule.findMany({ orderBy: { id: "asc" } });
  }

  /**
   * Changes whenever the list does (a replacement writes every row anew, so `updatedAt` moves): a few bytes to
   * read before each message, where the rows themselves are about 75 kB.
   */
  async stamp(): Promise<string> {
    const { _count, _max } = await this.db.redFlagRule.aggregate({ _count: true, _max: { updatedAt: true } });
    return `${_count}:${_max.updatedAt?.toISOString() ?? "-"}`;
  }

  async seed(rows: RuleRow[]): Promise<void> {
    await this.db.redFlagRule.createMany({ data: rows, skipDuplicates: true });
  }

  /** Keeps a rule set by its version, so a triage decision's version can always be looked up. */
  async keepVersion(version: string, rules: object[]): Promise<void> {
    // ON CONFLICT DO NOTHING: two steps meeting a new version at once must not fail on the key (an upsert reads, then inserts).
    await this.db.redFlagRuleVersion.createMany({ data: [{ version, rules: rules as Prisma.InputJsonValue }], skipDuplicates: true });
  }

  /** Replaces the whole list in one transaction with its audit row, made by `audit` from the rows before. */
  async replace(rows: RuleRow[], audit: (before: unknown[]) => AuditEntry): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const before = await tx.redFlagRule.findMany();
      await tx.redFlagRule.deleteMany({});
      await tx.redFlagRule.createMany({ data: rows });
      await recordAudit(tx, audit(before));
    });
  }
}
