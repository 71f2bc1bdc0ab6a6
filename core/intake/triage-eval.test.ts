import { describe, expect, it } from "vitest";
import { languages } from "../i18n";
import { shippedRules } from "./red-flags";
import { evaluate, falseAlarmRate, loadVignettes, partsOf, sensitivity } from "./triage-eval";

const { scores, misses } = evaluate(shippedRules());
const parts = partsOf(languages.map(loadVignettes));

/**
 * A part kept as the honest blind figure (written without looking at the rules, never tuned on) is asserted at the
 * level it measured on its first run only — so the build stays green while `npm run triage:eval` shows the truth.
 * Every other part must reach the goal: 100 % of emergencies, at most 5 % false alarms.
 * [caught, emergencies, false alarms, routine] per language, as first measured.
 */
const measuredOnly: Record<string, Partial<Record<string, [number, number, number, number]>>> = {
  // blind-3 measured 78/90 and 3/49 on its first run (README); it has been tuned on since, so it is held to the goal.
  // blind-4 measured 42/80 and 0/42 on its first run (README); tuned on since, so held to the goal as well.
  // blind-5 measured 98/102 and 7/60 on its first run (rf-1b0be9025d53, README); tuned on since, so held to the goal.
  // blind-6 measured 90/102 and 3/60 on its first run (rf-4c4899b3ceef, README); tuned on since, so held to the goal.
  // blind-7 measured 98/108 and 4/60 on its first run (rf-95f6f255375c, README); tuned on since, so held to the goal.
  // blind-8 measured 106/108 and 5/60 on its first run (rf-584532ea3e58, README); tuned on since, so held to the goal.
  // blind-9 measured 99/108 and 3/60 on its first run (rf-ff4ef575864b, README); tuned on since, so held to the goal.
  // blind-10 measured 102/108 and 1/60 on its first run (rf-aad7c915f265, README); tuned on since, so held to the goal.
  // blind-11 measured 103/108 and 5/60 on its first run (rf-2f699c8e6f63, README); tuned on since, so held to the goal.
  // blind-12 measured 101/108 and 3/60 on its first run (rf-fa21912a7ff4, README); tuned on since, so held to the goal.
  // blind-13 measured 105/108 and 5/60 on its first run (rf-176afe39a9b7, README); tuned on since, so held to the goal.
  // blind-14 measured 101/108 and 4/60 on its first run (rf-e2295ba510e8, README); tuned on since, so held to the goal.
  // blind-15: written by someone who never opened the repository, run once on rf-ae14fec317ff (README), untouched since.
  "blind-15": { ru: [16, 18, 0, 10], en: [17, 18, 2, 10], uz: [16, 18, 0, 10], tg: [18, 18, 0, 10], ky: [13, 18, 2, 10], az: [17, 18, 2, 10] },
};

describe("the shipped red-flag rules on our vignettes (npm run triage:eval)", () => {
  it("has at least 15 emergency and 10 routine vignettes per language, some of them held out", () => {
    for (const language of languages) {
      const file = loadVignettes(language);
      const count = (kind: "emergency" | "routine", part?: string) =>
        Object.entries(file[kind]).reduce((n, [name, list]) => n + (part === undefined || name === part ? list.length : 0), 0);
      expect(count("emergency")).toBeGreaterThanOrEqual(15);
      expect(count("routine")).toBeGreaterThanOrEqual(10);
      expect(count("emergency", "heldout")).toBeGreaterThan(0);
      expect(count("routine", "heldout")).toBeGreaterThan(0);
    }
  });

  it.each(languages.flatMap((language) => parts.filter((part) => !measuredOnly[part]).map((part) => [language, part] as const)))(
    "%s, %s part: 100 %% of emergencies get 103/112, at most 5 %% of routine complaints do",
    (language, part) => {
      const score = scores.get(`${language}/${part}`)!;
      expect(misses.filter((m) => m.language === language && m.part === part)).toEqual([]);
      expect(sensitivity(score)).toBe(1);
      expect(falseAlarmRate(score)).toBeLessThanOrEqual(0.05);
    },
  );

  it.each(Object.entries(measuredOnly).flatMap(([part, byLanguage]) => languages.map((language) => [language, part, byLanguage[language]] as const)))(
    "%s, %s part (the honest blind figure): no worse than its first run",
    (language, part, measured) => {
      const score = scores.get(`${language}/${part}`)!;
      const [caught, emergencies, falseAlarms, routine] = measured!;
      expect([score.emergencies, score.routine]).toEqual([emergencies, routine]);
      expect(score.caught).toBeGreaterThanOrEqual(caught);
      expect(score.falseAlarms).toBeLessThanOrEqual(falseAlarms);
    },
  );
});
