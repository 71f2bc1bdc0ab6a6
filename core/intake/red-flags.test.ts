import { describe, expect, it } from "vitest";
import { matchRedFlags, shippedRules } from "./red-flags";

const rules = shippedRules();
const match = (language: "ru" | "en" | "uz", text: string) => matchRedFlags(rules, { language, texts: [text], answers: [] });

describe("red flags in free text", () => {
  it("matches phrases with word endings and words in between", () => {
    expect(match("ru", "Сильная боль в груди, и я задыхаюсь")).toEqual(["chest_pain_breathless"]);
    expect(match("en", "I have chest pain and I am short of breath")).toEqual(["chest_pain_breathless"]);
    expect(match("uz", "Ko'kragim og'riyapti, nafas qisyapti")).toEqual(["chest_pain_breathless"]);
    expect(match("ru", "Ребёнок вялый, температура 39")).toEqual(["child_fever_lethargy"]);
  });

  it("does not match parts of other words or one half of a pair", () => {
    expect(match("en", "My son has a rash, no fever")).toEqual([]);
    expect(match("en", "chest pain when I lift weights")).toEqual([]);
    expect(match("en", "I watched a film about a stroked cat")).toEqual([]);
  });

  it("matches answers, including a number threshold", () => {
    const answers = [{ questionId: "temperature", answer: 40.2 }];
    expect(matchRedFlags(rules, { language: "ru", texts: [], answers })).toEqual(["very_high_fever"]);
    expect(matchRedFlags(rules, { language: "ru", texts: [], answers: [{ questionId: "self_harm", answer: true }] })).toEqual(["suicidal_thoughts"]);
  });
});
