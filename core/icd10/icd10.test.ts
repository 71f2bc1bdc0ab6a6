import { describe, expect, it } from "vitest";
import { Icd10Catalogue, icd10Category, icd10CodeSchema } from "./icd10";

const catalogue = Icd10Catalogue.fromShippedFile();

describe("ICD-10 catalogue", () => {
  it("finds codes by code prefix, Russian words and English words", () => {
    expect(catalogue.search("J06").map((e) => e.code)).toEqual(["J06.9"]);
    expect(catalogue.search("гипертензия").map((e) => e.code)).toContain("I10");
    expect(catalogue.search("low back").map((e) => e.code)).toEqual(["M54.5"]);
    expect(catalogue.search("головная боль").map((e) => e.code)).toEqual(expect.arrayContaining(["G44.2", "R51"]));
  });

  it("has both names for every code and codes that pass the schema", () => {
    for (const code of ["I10", "E11.9", "R51"]) {
      const entry = catalogue.get(code)!;
      expect(entry.ru).toMatch(/[а-я]/);
      expect(entry.en).toMatch(/[a-z]/);
      expect(icd10CodeSchema.parse(code)).toBe(code);
    }
    expect(icd10CodeSchema.safeParse("headache").success).toBe(false);
  });

  it("treats codes of one three-character category as one problem", () => {
    expect(icd10Category("j06.9")).toBe("J06");
    expect(icd10Category("I10")).toBe("I10");
  });
});
