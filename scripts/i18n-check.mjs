#!/usr/bin/env node
// npm run i18n:check — fails (exit 1) when
//  * a key of any locales/<lang>/<namespace>.json is missing in another language that has the namespace,
//    or a plural key lacks a form the language needs (Intl.PluralRules), or a namespace file is missing;
//  * a key of bot.json is not used by the code: a literal "a.b.c" in the sources, or a key a
//    dynamic pattern below stands for (keys built at run time, e.g. t(`intake.q.${id}.text`)).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const localesDir = path.join(root, "locales");
const languages = ["ru", "en", "uz", "tg", "ky", "az"];
/** Staff-facing namespaces translated only into the console's languages. */
const namespaceLanguages = { console: ["ru", "en"] };
/** Keys the code builds from data (questionnaire ids, areas, formats, cities…): one pattern per template. */
const dynamicKeys = [
  /^consent\.(personal_data|remote_care)\.(ask|given)$/, // consent.${kind}.ask|given
  /^consents\.kind\.[a-z_]+$/, // consents.kind.${kind}
  /^timezone\.city\.[a-z_]+$/, // timezone.city.${city}
  /^intake\.area\.[a-z_]+$/, // intake.area.${area}
  /^intake\.q\.[a-z_]+\.(text|options\.[a-z_]+)$/, // intake.q.${id}.text / .options.${option}
  /^intake\.exam\.(group|duration)\.[a-z_0-9]+$/, // intake.exam.group.${group}, .duration.${duration}
  /^intake\.format\.(opened\.)?[a-z_]+$/, // intake.format.${format}, intake.format.opened.${format}
  /^identity\.phone\.code_(wrong|expired|locked)$/, // identity.phone.code_${reason}
];
const sourceDirs = ["core", "bots", "bin", "workers", "web-call", "web-exam"];
const pluralSuffix = /_(zero|one|two|few|many|other)$/;

const problems = [];
const flatten = (value, prefix = "") =>
  Object.entries(value).flatMap(([key, child]) =>
    child && typeof child === "object" ? flatten(child, `${prefix}${key}.`) : [`${prefix}${key}`],
  );

const namespaces = new Set(languages.flatMap((lng) => readdirSync(path.join(localesDir, lng)).filter((f) => f.endsWith(".json"))));
const keysOf = {};
for (const file of namespaces) {
  const ns = file.replace(/\.json$/, "");
  const expected = namespaceLanguages[ns] ?? languages;
  for (const lng of expected) {
    try {
      keysOf[`${lng}/${ns}`] = new Set(flatten(JSON.parse(readFileSync(path.join(localesDir, lng, file), "utf8"))));
    } catch (error) {
      problems.push(`locales/${lng}/${file}: ${error.code === "ENOENT" ? "missing" : error.message}`);
    }
  }
  const present = expected.filter((lng) => keysOf[`${lng}/${ns}`]);
  // Plural keys are compared by their base; each language must have the forms its grammar uses. A key is a plural
  // form only when its base has an `_other` form somewhere (i18next always needs it): "too_many" alone is a word.
  const isPlural = (base) => present.some((other) => keysOf[`${other}/${ns}`].has(`${base}_other`));
  const baseOf = (key) => (pluralSuffix.test(key) && isPlural(key.replace(pluralSuffix, "")) ? key.replace(pluralSuffix, "") : key);
  const bases = new Set(present.flatMap((lng) => [...keysOf[`${lng}/${ns}`]].map(baseOf)));
  for (const lng of present) {
    const keys = keysOf[`${lng}/${ns}`];
    const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
    for (const base of bases) {
      const plural = isPlural(base);
      if (!plural) {
        if (!keys.has(base)) problems.push(`locales/${lng}/${file}: missing "${base}"`);
        continue;
      }
      for (const category of categories) {
        if (category === "zero" || category === "two") continue; // optional in i18next: fall back to _other
        if (!keys.has(`${base}_${category}`)) problems.push(`locales/${lng}/${file}: missing "${base}_${category}" (plural)`);
      }
    }
  }
}

const sources = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === "node_modules" || entry === "generated" || entry === "dist") continue;
    if (statSync(full).isDirectory()) walk(full);
    else if (/\.(ts|tsx|mjs|js)$/.test(entry) && !/\.test\.ts$/.test(entry)) sources.push(readFileSync(full, "utf8"));
  }
};
for (const dir of sourceDirs) {
  try {
    walk(path.join(root, dir));
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
}
const literals = new Set(sources.join("\n").match(/(?<=["'`])(bot:)?[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(?=["'`])/g)?.map((k) => k.replace(/^bot:/, "")) ?? []);
for (const key of keysOf["ru/bot"] ?? []) {
  const base = key.replace(pluralSuffix, "");
  if (!literals.has(key) && !literals.has(base) && !dynamicKeys.some((pattern) => pattern.test(key))) {
    problems.push(`locales/*/bot.json: "${key}" is not used in the code`);
  }
}

if (problems.length > 0) {
  console.error(`i18n check failed:\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`i18n check: ${namespaces.size} namespaces in ${languages.length} languages, every key present and every bot.json key used.`);
