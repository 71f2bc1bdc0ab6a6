import { describe, expect, it } from "vitest";
import { complaintAreas, parseAnswer, questionsFor } from "./questionnaire";

describe("the triage questionnaires", () => {
  it("define questions for every area with ids unique within the area", () => {
    for (const area of complaintAreas) {
      const ids = questionsFor(area).map((q) => q.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("parses answers by type and refuses what does not fit", () => {
    const [temperature] = questionsFor("cold");
    expect(parseAnswer(temperature!, "37,8")).toBe(37.8);
    expect(parseAnswer(temperature!, "38.5")).toBe(38.5);
    expect(parseAnswer(temperature!, "99")).toBeUndefined();
    expect(parseAnswer(temperature!, "hot")).toBeUndefined();
    const kind = questionsFor("chest")[1]!;
    expect(parseAnswer(kind, "pressing")).toBe("pressing");
    expect(parseAnswer(kind, "dull")).toBeUndefined();
    const yesNo = questionsFor("chest")[0]!;
    expect([parseAnswer(yesNo, "yes"), parseAnswer(yesNo, "no"), parseAnswer(yesNo, "maybe")]).toEqual([true, false, undefined]);
  });
});
