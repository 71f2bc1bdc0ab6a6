import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const icd10CodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]\d{2}(\.\d{1,2})?$/, "an ICD-10 code such as J06.9 or I10");

export interface Icd10Entry {
  code: string;
  en: string;
  ru: string;
}

/**
 * "The same problem" for the primary-consultation guardrail: ICD-10 codes of one three-character category
 * (J06.9 and J06.0 are the same problem; J06 and J20 are not).
 */
export const icd10Category = (code: string): string => code.trim().toUpperCase().slice(0, 3);

/** The codes the console can pick from: search by code prefix or by words of the Russian or English title. */
export class Icd10Catalogue {
  private readonly byCode: Map<string, Icd10Entry>;

  constructor(private readonly entries: Icd10Entry[]) {
    this.byCode = new Map(entries.map((entry) => [entry.code, entry]));
  }

  static fromShippedFile(): Icd10Catalogue {
    const file = JSON.parse(readFileSync(join(import.meta.dirname, "icd10-ru-en.json"), "utf8")) as { codes: Icd10Entry[] };
    return new Icd10Catalogue(file.codes);
  }

  get(code: string): Icd10Entry | undefined {
    return this.byCode.get(code.trim().toUpperCase());
  }

  search(query: string, limit = 20): Icd10Entry[] {
    const q = query.trim().toLowerCase().replace(/ё/g, "е");
    if (!q) return this.entries.slice(0, limit);
    const words = q.split(/\s+/);
    const codeMatches = this.entries.filter((entry) => entry.code.toLowerCase().startsWith(q));
    const titleMatches = this.entries.filter((entry) => {
      const text = `${entry.ru} ${entry.en}`.toLowerCase().replace(/ё/g, "е");
      return !codeMatches.includes(entry) && words.every((word) => text.includes(word));
    });
    return [...codeMatches, ...titleMatches].slice(0, limit);
  }
}
