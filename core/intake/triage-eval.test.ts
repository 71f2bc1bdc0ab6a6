import { describe, expect, it } from "vitest";
import { languages } from "../i18n";
import { shippedRules } from "./red-flags";
import { evaluate, falseAlarmRate, loadVignettes, sensitivity } from "./triage-eval";

const { scores, misses } = evaluate(shippedRules());

describe("the shipped red-flag rules on our vignettes (npm run triage:eval)", () => {
  it("has at least 15 emergency and 10 routine vignettes per language, some of them held out", () => {
    for (const language of languages) {
      const file = loadVignettes(language);
      expect(file.emergency.tune.length + file.emergency.heldout.length).toBeGreaterThanOrEqual(15);
      expect(file.routine.tune.length + file.routine.heldout.length).toBeGreaterThanOrEqual(10);
      expect(file.emergency.heldout.length).toBeGreaterThan(0);
      expect(file.routine.heldout.length).toBeGreaterThan(0);
    }
  });

  it.each(languages.flatMap((language) => (["tune", "heldout"] as const).map((part) => [language, part] as const)))(
    "%s, %s part: 100 %% of emergencies get 103/112, at most 5 %% of routine complaints do",
    (language, part) => {
      const score = scores.get(`${language}/${part}`)!;
      expect(misses.filter((m) => m.language === language && m.part === part)).toEqual([]);
      expect(sensitivity(score)).toBe(1);
      expect(falseAlarmRate(score)).toBeLessThanOrEqual(0.05);
    },
  );
});
