// npm run triage:eval — sensitivity and false-alarm rate of the shipped red-flag rules on our vignettes,
// per language and overall, for each part of the vignettes (tune, heldout, blind-3, …) and all together.
// `--misses` lists what went wrong; `--part <name>` prints only that part (and its misses).
import { languages } from "../core/i18n";
import { evaluate, falseAlarmRate, loadVignettes, partsOf, sensitivity, type Score } from "../core/intake/triage-eval";
import { rulesVersion, shippedRules } from "../core/intake/red-flags";

const rules = shippedRules();
const { scores, misses } = evaluate(rules);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`.padStart(8);
const line = (name: string, s: Score) =>
  `${name.padEnd(12)} ${pct(sensitivity(s))} (${s.caught}/${s.emergencies})  ${pct(falseAlarmRate(s))} (${s.falseAlarms}/${s.routine})`;

console.log(`red-flag rules ${rulesVersion(rules)}: ${rules.length} rules`);
console.log(`${"".padEnd(12)} sensitivity          false alarms`);
const only = process.argv.includes("--part") ? process.argv[process.argv.indexOf("--part") + 1] : undefined;
const parts = [...partsOf(languages.map(loadVignettes)), "all"].filter((part) => !only || part === only);
for (const part of parts) {
  console.log(`-- ${part}`);
  for (const language of [...languages, "all"]) console.log(line(language, scores.get(`${language}/${part}`) ?? { emergencies: 0, caught: 0, routine: 0, falseAlarms: 0 }));
}
if (process.argv.includes("--misses")) for (const m of misses.filter((m) => !only || m.part === only)) console.log(`MISS ${m.language}/${m.part} ${m.expected} ${m.condition}: ${m.text}${m.raised.length ? ` [${m.raised.join(", ")}]` : ""}`);
const failed = [...scores.values()].some((s) => sensitivity(s) < 1 || falseAlarmRate(s) > 0.05);
console.log(failed ? "FAIL: below 100 % sensitivity or above 5 % false alarms somewhere" : "OK: 100 % sensitivity and at most 5 % false alarms everywhere");
process.exitCode = failed ? 1 : 0;
