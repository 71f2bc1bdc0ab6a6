import { describe, expect, it } from "vitest";
import { languages } from "../i18n";
import { shippedRules } from "./red-flags";
import { evaluate, falseAlarmRate, loadVignettes, partsOf, sensitivity, untouchedParts } from "./triage-eval";

const { scores, misses } = evaluate(shippedRules());
const parts = partsOf(languages.map(loadVignettes));

/**
 * The untouched blind parts (triage-eval.ts) are held to their first run only; every other part must reach the issue's
 * goal: 100 % of emergencies, at most 5 % false alarms. Parts measured once and tuned on since, with their first runs:
 */
// blind-3: 78/90 emergencies, 3/49 false alarms
// blind-4: 42/80 emergencies, 0/42 false alarms
// blind-5: 98/102 emergencies, 7/60 false alarms (rf-1b0be9025d53)
// blind-6: 90/102 emergencies, 3/60 false alarms (rf-4c4899b3ceef)
// blind-7: 98/108 emergencies, 4/60 false alarms (rf-95f6f255375c)
// blind-8: 106/108 emergencies, 5/60 false alarms (rf-584532ea3e58)
// blind-9: 99/108 emergencies, 3/60 false alarms (rf-ff4ef575864b)
// blind-10: 102/108 emergencies, 1/60 false alarms (rf-aad7c915f265)
// blind-11: 103/108 emergencies, 5/60 false alarms (rf-2f699c8e6f63)
// blind-12: 101/108 emergencies, 3/60 false alarms (rf-fa21912a7ff4)
// blind-13: 105/108 emergencies, 5/60 false alarms (rf-176afe39a9b7)
// blind-14: 101/108 emergencies, 4/60 false alarms (rf-e2295ba510e8)
// blind-15: 97/108 emergencies, 6/60 false alarms (rf-ae14fec317ff, rules only)
// blind-16: 108/108 emergencies, 2/60 false alarms (rf-ae14fec317ff, rules and model tm-3faac9ed6379)
// blind-17: 108/108 emergencies, 8/60 false alarms (rf-ae14fec317ff, rules and model tm-3faac9ed6379)
// blind-18: 108/108 emergencies, 7/60 false alarms (rf-27bf64f923a1, rules and model)
// blind-19: 108/108 emergencies, 4/60 false alarms (rf-27bf64f923a1, rules and model)
// blind-20: 108/108 emergencies, 5/60 false alarms (rf-d65f19ccf4cc, rules and model)
// blind-21: 108/108 emergencies, 9/60 false alarms (rf-d65f19ccf4cc, rules and model)
// blind-22: 108/108 emergencies, 3/60 false alarms (rf-ef46e81a96c6, rules and model)
// blind-23: 108/108 emergencies, 10/60 false alarms (rf-ef46e81a96c6, rules and model)
// blind-24: 108/108 emergencies, 7/60 false alarms (rf-10e895f73d1d, rules and model)
// blind-25: 108/108 emergencies, 5/60 false alarms (rf-10e895f73d1d, rules and model)
// blind-26: 107/108 emergencies, 4/60 false alarms (rf-b3418bb12009, rules and model tm-c02b1521bf28)
// blind-27: 108/108 emergencies, 6/120 false alarms (rf-1e6a3f3e6d59, rules and model tm-84aecea18332)
// blind-28: 108/108 emergencies, 12/120 false alarms (rf-5ef0c356b009, rules and model tm-14365698296b)
// blind-29: 108/108 emergencies, 13/120 false alarms (rf-4c1f67ad1f50, rules and model tm-13131ffd8f21)
// blind-30: 108/108 emergencies, 13/240 false alarms (rf-f2ad4d409d24, rules and model tm-f1cafd403f12)
// blind-31: 108/108 emergencies, 11/240 false alarms (rf-f28ab0afc3d2, rules and model tm-e4562077eff5)
// blind-32: 108/108 emergencies, 13/240 false alarms (rf-961714f0d081, rules and model tm-ff49622d2b4b)
// blind-33: 108/108 emergencies, 6/240 false alarms (rf-267fbe554187, rules and model tm-c85b1e031bed)
// blind-34: 108/108 emergencies, 10/240 false alarms (rf-267fbe554187, rules and model tm-c85b1e031bed)
// blind-35: 215/216 emergencies, 25/480 false alarms (rf-cd8f750d15e4, rules and model tm-6fed331e6ba0)
// common-blind (everyday complaints): 21/180 false alarms on the model of its first run; 2/180 when it was tuned on
// (rf-fcc0aafbb5e7, rules and model tm-3155082c79d5)

/**
 * False alarms kept on purpose on tuned parts (still counted against the 5 %): the exception that would remove them
 * could silence an emergency.
 */
const acceptedFalseAlarms = new Set([
  // "түнү ойгонбой калдым", I no longer wake at night: "ойгонбой калды", he did not wake, is one letter away.
  "ky/chatter-2/followup_cough_less",
  // Heartburn after meals "rising to the throat": read as chest pain that spreads; an exception for indigestion could
  // silence a heart attack felt as indigestion, which telephone triage does not rule out by words.
  "ky/common/heartburn",
  // Anaphylaxis years ago with no word that the person is well now: the history reading needs one (red-flag-history.ts),
  // or a recent event with the danger still there would be set aside too.
  "en/blind-28/past_anaphylaxis_booster",
  "en/blind-32/past_anaphylaxis_penicillin",
  "en/blind-34/past_anaphylaxis_flu_jab",
  "tg/blind-33/past_anaphylaxis_antibiotic",
  "ru/blind-35/anaphylaxis_history_record",
  "ky/blind-35/past_anaphylaxis_summer_pasture",
  // A stroke 8 months ago, "made a full recovery", "wants to start driving again": "start … again" is read as "started
  // again", which must keep every rule in a history ("a stroke last year, fine, now it started again").
  "en/blind-33/past_stroke_driving",
  // A stroke recovered, told with "опять"/"yenidən" (again) in a wish to work or drive, or with a hand still a bit weak:
  // a wish is not leave asked, and "wants to … again" also tells a suicide attempt to be repeated.
  "ru/blind-35/father_post_stroke_driving",
  "az/blind-35/past_stroke_driving_b",
  // Febrile fits asked about with no word that it is asked ahead: read as today (as tg/blind-33 above).
  "en/blind-35/fit_again_plan",
  "az/blind-35/febrile_fit_plan_ahead",
  "ru/blind-35/ahead_epilepsy_grandfather",
  // Chest-wall pain told with "when I press on it" (a phrase that also reads "it is pressing on my chest") or with the
  // arm raised on the left (az, read as one side weak).
  "en/blind-35/chest_muscle_strain_b",
  "az/blind-35/chest_muscle_strain",
  // A low sugar treated, "сүйлөшүп отурат, жакшы" (sits talking, fine) in a clause of its own.
  "ky/blind-35/low_sugar_corrected",
  // A fit "at 3" ("3 yoshida", "3 жашында", "3 yaşında") with nothing since: these words also tell how old a child is
  // now ("o'g'lim 3 yoshida, bobosining dorisini yebdi, hozir o'ynab yuribdi" must stay a poisoning), so they date nothing.
  "uz/blind-28/past_febrile_seizure",
  "az/blind-27/past_febrile_seizure_vaccine",
  "az/blind-33/past_seizure_sport",
  "az/blind-35/past_febrile_fit_football",
  "ky/blind-27/past_febrile_seizure_vaccine",
  "ky/blind-29/past_febrile_seizure_vaccine",
  "ky/blind-33/past_febrile_seizure_sport",
  "ky/blind-34/febrile_fit_what_if_again",
  "ky/blind-35/past_seizure_sport_clearance",
  // "no temperature" in English read in Russian letters is "но температуре", but a temperature: the Russian reading of
  // Latin text is there for Russian typed in Latin letters, and an English "no" is no Russian negation.
  "en/blind-30/baby_jabs_cold",
  // An overdose years ago told in a clause of its own between the date and "well now" ("Лет 10 назад, в юности,
  // наглоталась таблеток, откачали. Сейчас всё хорошо"): taking such clauses into the history would also take "a heart
  // attack a year ago, pressing in the chest now, otherwise all fine".
  "ru/blind-31/past_overdose_meds",
  "tg/blind-31/past_overdose_liver",
  // A neighbour's child who had a febrile fit, told before a question asked ahead: the fit is told as it happened.
  "az/blind-31/febrile_fit_advance",
  // A febrile fit last year, what the doctors called it told in a clause of its own ("фебрильные судороги гуфтанд"): as
  // the overdose clauses above.
  "tg/blind-32/febrile_fit_plan",
  // A febrile fit last month, "what do I do if he fits again?" without a word that it is asked ahead or that he is well:
  // read as today, as "что делать если ребёнок выпил отбеливатель" must be.
  "tg/blind-33/ahead_febrile_fit_again",
  // "can't lift my arm above my head" is how a stroke's weak arm is told too; a wrecked shoulder beside it is a cause the
  // words cannot weigh.
  "en/blind-34/job_killing_shoulder",
  // "бўғилиб йўталаман" (I cough choking) at night: choking is a breathing emergency's word.
  "uz/blind-34/dry_cough_two_weeks",
]);

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

  it.each(languages.flatMap((language) => parts.filter((part) => !untouchedParts[part]).map((part) => [language, part] as const)))(
    "%s, %s part: 100 %% of emergencies get 103/112, at most 5 %% of routine complaints do",
    (language, part) => {
      const score = scores.get(`${language}/${part}`)!;
      expect(misses.filter((m) => m.language === language && m.part === part && !acceptedFalseAlarms.has(`${m.language}/${m.part}/${m.condition}`))).toEqual([]);
      expect(sensitivity(score)).toBe(1);
      expect(falseAlarmRate(score)).toBeLessThanOrEqual(0.05);
    },
  );

  it.each(Object.entries(untouchedParts).flatMap(([part, byLanguage]) => languages.map((language) => [language, part, byLanguage[language]] as const)))(
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
