import type { Language } from "../i18n";
import { isNegativeVerb } from "./triage-negation";
import type { Token } from "./triage-text";

/**
 * Patients mistype ("тепература", "невнятая", "slured"): a typed word and a phrase word of at least `typoMinLength`
 * letters also match with one letter wrong, missing, extra or swapped, the first letter right. Shorter words are left
 * exact — one letter turns "боли" into "были", "болит" into the Tajik "болишт" (pillow). A Turkic negated verb is
 * never read as a typo of the positive one (og'ri-ma-yapti is not og'riyapti).
 */
export const typoMinLength = 6;

/**
 * Common words one letter from a phrase word, read as themselves, never as its typo (folded): the Tajik "духтур"
 * (doctor) is not "духтар" (daughter), which made a doctor's prescription a child's poisoning.
 */
const ownWords = ["духтур"];

/**
 * How long a word is for the typo rule: Uzbek, Kyrgyz, Azerbaijani and Tajik endings make a long word of a short
 * root, and one letter in the root is another verb (Tajik "мекунам", I do, is not "мекушам", I kill) — their
 * stem is measured. Russian and English keep the word: Snowball stems are short ("slured" → "slure").
 */
export const typoLength = (token: Token, language: Language) =>
  ownWords.some((word) => token.word.startsWith(word)) ? 0 : language === "ru" || language === "en" ? token.word.length : token.stem.length;

/**
 * How many letters of the typed word stand for a prefix typed with one mistake, if they do. Those letters are at
 * least `typoMinLength` too, and the prefix's last letter is not the one changed: the word goes on past a prefix, so
 * five letters of it or a changed last letter start another word ("insulin", "инсулин" are not "insult*", "инсулт*";
 * the Azerbaijani "vərəqəsi" read in Russian is not "веревк*" less its "в").
 */
export function typoPrefixLength(token: Token, prefix: string, language: Language): number | undefined {
  if (prefix.length < typoMinLength || typoLength(token, language) < typoMinLength || token.word[0] !== prefix[0] || isNegativeVerb(language, token.word)) return undefined;
  return [prefix.length, prefix.length - 1, prefix.length + 1].find(
    (n) => n >= typoMinLength && n <= token.word.length && (n !== prefix.length || sameLetter(token.word[n - 1]!, prefix.at(-1)!)) && withinOneEdit(token.word.slice(0, n), prefix),
  );
}

/** "й" typed without its mark is "и" ("бербеит" for "бербейт", the Latin-typed Kyrgyz "berbeit"). */
const sameLetter = (a: string, b: string) => a === b || a + b === "йи" || a + b === "ий";

/**
 * A wrong letter is a slip of the finger or of the ear: a key next to the right one or another vowel. Any other letter
 * makes another word more often than a typo — "посидела" (sat down) is not "посинела" (turned blue), the Uzbek
 * "tikish" (stitching) is not "tirish" (convulsion). Rows of the ЙЦУКЕН and QWERTY keyboards, folded letters.
 */
const rows = ["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
const vowels = new Set("аеиоуыэюяaeiouy");
const neighbours = new Map<string, Set<string>>();
rows.forEach((row, r) => {
  // A key touches its row's neighbours and the two keys under it (rows 0–2 and 3–5 are one keyboard each).
  const below = r % 3 < 2 ? rows[r + 1]! : "";
  [...row].forEach((key, i) => {
    const near = [row[i - 1], row[i + 1], below[i - 1], below[i]].filter((k): k is string => k !== undefined);
    for (const other of near) {
      if (!neighbours.has(key)) neighbours.set(key, new Set());
      if (!neighbours.has(other)) neighbours.set(other, new Set());
      neighbours.get(key)!.add(other);
      neighbours.get(other)!.add(key);
    }
  });
});
const slipOf = (a: string, b: string) => (vowels.has(a) && vowels.has(b)) || (neighbours.get(a)?.has(b) ?? false) || sameLetter(a, b);

/** Damerau–Levenshtein distance at most 1, first letters equal, a wrong letter a slip (above). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1 || a[0] !== b[0]) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return (a.slice(i + 1) === b.slice(i + 1) && slipOf(a[i]!, b[i]!)) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
