import { describe, expect, it } from "vitest";
import { specialtyCandidates } from "./specialty-routing";

describe("specialtyCandidates", () => {
  it("follows the area, and the answers where they change the question", () => {
    expect(specialtyCandidates("skin", [])).toEqual(["dermatology"]);
    expect(specialtyCandidates("child", [{ questionId: "child_age", answer: 4 }])).toEqual(["pediatrics"]);
    expect(specialtyCandidates("chest", [{ questionId: "chest_pain_kind", answer: "pressing" }])).toEqual(["cardiology"]);
    expect(specialtyCandidates("chest", [{ questionId: "chest_pain_kind", answer: "on_breathing" }])).toEqual([]);
    expect(specialtyCandidates("back_limbs", [{ questionId: "numbness", answer: true }])).toEqual(["neurology"]);
    expect(specialtyCandidates("back_limbs", [{ questionId: "injury", answer: true }])).toEqual([]);
  });

  it("leaves the rest, and an intake without an area, to the general practitioner", () => {
    expect(specialtyCandidates("cold", [])).toEqual([]);
    expect(specialtyCandidates("other", [])).toEqual([]);
    expect(specialtyCandidates(null, [])).toEqual([]);
  });
});
