import type { AfterCommit } from "../db/unit-of-work";
import type { Language } from "../i18n";
import type { RedFlagRepository } from "./red-flag-repository";
import { dispositionOf, matchingRules, redFlagRuleSchema, rulesVersion, shippedRules, type RedFlagRule } from "./red-flags";

/**
 * How long a stamp read stands for the stored list: an edit made in another process is matched from at most this
 * later (this one's own at once), and a burst of messages reads the stamp once, not once each (issue 13).
 */
const STAMP_FRESH_MS = 1000;

/**
 * The clinic's list in Postgres, seeded from red-flag-rules.json the first time it is read. Every version matched
 * is kept in RedFlagRuleVersion, so the rules behind any stored triage decision can be read back.
 */
export class RedFlagRules {
  private readonly kept = new Set<string>();
  /**
   * The last rows read, parsed, with their version: while the stored list stays the same (its stamp), every message
   * is matched against the same rule objects, whose compiled phrases are cached (compiling costs as much as matching).
   */
  private last: { stamp: string; readAt: number; version: string; rules: RedFlagRule[] } | undefined;
  constructor(
    private readonly repo: RedFlagRepository,
    /** A version is known kept once the transaction that wrote it (a dialogue step's) has committed. */
    private readonly afterCommit: AfterCommit = (work) => work().then(() => undefined),
  ) {}

  /** The rules with their version, the version recorded once. */
  async current(): Promise<{ version: string; rules: RedFlagRule[] }> {
    if (!this.last || Date.now() - this.last.readAt >= STAMP_FRESH_MS) {
      const readAt = Date.now();
      const stamp = await this.repo.stamp();
      if (this.last?.stamp === stamp) this.last.readAt = readAt;
      else {
        // Read after the stamp: a replacement in between only makes the next message read the rows again.
        const rules = await this.parsed(await this.repo.rows());
        this.last = { stamp, readAt, version: rulesVersion(rules), rules };
      }
    }
    const { version, rules } = this.last;
    if (!this.kept.has(version)) {
      await this.repo.keepVersion(version, rules);
      await this.afterCommit(async () => this.kept.add(version));
    }
    return { version, rules };
  }

  /**
   * Whether a text alone raises an emergency rule (the dialogue asks before the consents, see dialogue.ts). The rules
   * only: before the consents most texts are answers and greetings, where the text model raised false alarms.
   */
  async isEmergency(language: Language, text: string): Promise<boolean> {
    const { rules } = await this.current();
    return dispositionOf(matchingRules(rules, { language, texts: [text], answers: [] })) === "emergency";
  }

  async list(): Promise<RedFlagRule[]> {
    return this.parsed(await this.repo.rows());
  }

  /** The stored rows parsed; none stored yet: the shipped list, seeded. */
  private async parsed(rows: unknown[]): Promise<RedFlagRule[]> {
    if (rows.length === 0) {
      await this.repo.seed(shippedRules().map(toRow));
      // Read back: a version hashes the rules as stored (Postgres orders a JSON object's keys its own way).
      rows = await this.repo.rows();
    }
    return rows.map((row) => redFlagRuleSchema.parse(row));
  }

  /** Replaces the whole list (what the admin sees is what is matched), audited with the ids and versions before and after. */
  async replace(staffId: string, rules: RedFlagRule[]): Promise<RedFlagRule[]> {
    await this.repo.replace(rules.map(toRow), (rows) => {
      const before = rows.map((row) => redFlagRuleSchema.parse(row));
      return {
        actor: { type: "staff", id: staffId },
        action: "red_flags.replace",
        entityType: "red_flag_rule",
        entityId: "*",
        meta: { before: before.map((r) => r.id), after: rules.map((r) => r.id), versionBefore: rulesVersion(before), version: rulesVersion(rules) },
      };
    });
    this.last = undefined;
    return this.list();
  }
}

/** The stored columns of a rule (a rule parsed from the file may carry nothing else, but the row must not). */
const toRow = ({ id, label, condition, discriminators, disposition, guideline, phrases, answers }: RedFlagRule) =>
  ({ id, label, condition, discriminators, disposition, guideline, phrases, answers });
