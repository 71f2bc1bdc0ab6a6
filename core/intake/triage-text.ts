import snowball from "snowball-stemmers";
import { languages, type Language } from "../i18n";

/**
 * Patient text as the red-flag matcher reads it: words folded to plain letters, a stem per word, the clause
 * each word is in and the words that negate. Russian and English stems come from the Snowball stemmers; for
 * Uzbek, Kyrgyz, Azerbaijani and Tajik (no Snowball stemmer exists) a few case, possessive and verb endings are
 * stripped below — rule phrases mostly end in `*` anyway, this only lets plain words match inflected ones.
 */
export interface Token {
  word: string;
  stem: string;
  /** A number written in the text ("38,4" → 38.4), for phrases such as `{38-43}`. */
  number?: number;
  /** Clause index: a phrase matches inside one clause (punctuation ends one). */
  clause: number;
  /** Negation scope: words after a conjunction ("but", "и") are not negated by a cue before it. */
  scope: number;
}

/** Patients type without the special letters (ə→e, ү→у, o'→o…): text and rule phrases are folded the same way. */
const folds: Record<string, string> = {
  ё: "е", ә: "е", ə: "e", ı: "i", ş: "s", ç: "c", ğ: "g", ö: "o", ü: "u", â: "a", î: "i",
  ӣ: "и", ӯ: "у", ҳ: "х", қ: "к", ғ: "г", ҷ: "ч", ү: "у", ө: "о", ң: "н", ў: "у", ҫ: "с",
};
const apostrophes = /['‘’ʻʼ`´]/g;

/** Uzbek is written in Cyrillic as well as Latin: Cyrillic is read as Latin, so one list of phrases serves both. */
const uzbekLatin: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "yo", ж: "j", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m",
  н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "x", ц: "ts", ч: "ch", ш: "sh", щ: "sh",
  ъ: "", ь: "", ы: "i", э: "e", ю: "yu", я: "ya", ў: "o", қ: "q", ғ: "g", ҳ: "h",
};

/**
 * Russian, Tajik and Kyrgyz typed in Latin letters ("bol v grudi", "dardi sina", "karaxt") are read in Cyrillic,
 * after folding, so the Cyrillic phrases serve them too. Longest letter groups first.
 */
const cyrillicOf: Array<[string, string]> = [
  ["shch", "щ"], ["sch", "щ"], ["sh", "ш"], ["ch", "ч"], ["zh", "ж"], ["kh", "х"], ["ts", "ц"], ["ya", "я"], ["yu", "ю"],
  ["yo", "е"], ["ye", "е"], ["ja", "я"], ["ju", "ю"], ["a", "а"], ["b", "б"], ["v", "в"], ["w", "в"], ["g", "г"], ["d", "д"],
  ["e", "е"], ["z", "з"], ["i", "и"], ["j", "ж"], ["k", "к"], ["q", "к"], ["l", "л"], ["m", "м"], ["n", "н"], ["o", "о"],
  ["p", "п"], ["r", "р"], ["s", "с"], ["t", "т"], ["u", "у"], ["f", "ф"], ["h", "х"], ["x", "х"], ["c", "ц"],
];
const cyrillicReading = new Set<Language>(["ru", "tg", "ky"]);
function toCyrillic(word: string): string {
  let out = "";
  for (let i = 0; i < word.length; ) {
    // "je" after a consonant is ъе ("sjel", съел); after a vowel or first it stays же/е as the pairs below read it.
    if (word.startsWith("je", i) && /[bcdfghklmnpqrstvwxz]/.test(word[i - 1] ?? "")) {
      out += "ъе";
      i += 2;
      continue;
    }
    // y is й after a vowel ("boley", "moy"), ы elsewhere ("dyshat").
    if (word[i] === "y" && !/^y[aueo]/.test(word.slice(i))) {
      out += /[aeiouy]/.test(word[i - 1] ?? "") ? "й" : "ы";
      i++;
      continue;
    }
    const pair = cyrillicOf.find(([latin]) => word.startsWith(latin, i));
    out += pair ? pair[1] : word[i];
    i += pair ? pair[0].length : 1;
  }
  return out;
}

/**
 * Spellings one language's patients use for the same words, folded to one: Azerbaijani typed without ş/ç as
 * sh/ch ("ushagim" = uşağım), Uzbek x/h and q/k (hushidan = xushidan, kattik = qattiq), and the "cannot" verb
 * written apart or contracted (Uzbek "ega olmayman" = "egolmayman", Kyrgyz "ала албай" = "алалбай").
 */
const spellings: Partial<Record<Language, Array<[RegExp, string]>>> = {
  az: [[/sh/g, "s"], [/ch/g, "c"]],
  uz: [[/x/g, "h"], [/q/g, "k"], [/([a-z]{2,}?)a? olma/g, "$1olma"]],
  ky: [[/([а-я]{2,})[аео] ал(б|г)/g, "$1ал$2"]],
};

export function fold(text: string, language: Language): string {
  let lower = text.normalize("NFC").toLowerCase();
  if (language === "uz") lower = lower.replace(/[\u0400-\u04ff]/g, (c) => uzbekLatin[c] ?? c);
  let folded = lower.replace(apostrophes, "").replace(/./gu, (c) => folds[c] ?? c);
  for (const [from, to] of spellings[language] ?? []) folded = folded.replace(from, to);
  return cyrillicReading.has(language) ? folded.replace(/[a-z]+/g, toCyrillic) : folded;
}

export const foldAll = (words: string[], language: Language) => words.map((w) => fold(w, language));

const conjunctions = new Set([
  "но", "а", "однако", "и", "but", "and", "however", "lekin", "ammo", "biroq", "va", "вале", "аммо", "ва", "лекин",
  "бирок", "жана", "amma", "ancaq", "lakin", "ve",
]);

const conjunctionSets = new Map<Language, Set<string>>();
const conjunctionsIn = (language: Language) => {
  if (!conjunctionSets.has(language)) conjunctionSets.set(language, new Set(foldAll([...conjunctions], language)));
  return conjunctionSets.get(language)!;
};

const snowballStemmers = { ru: snowball.newStemmer("russian"), en: snowball.newStemmer("english") };

/** Endings longest first; a stem keeps at least three letters. Folded spelling (no apostrophes, no ә/ү/ө). */
const turkicEndings: Partial<Record<Language, string[]>> = {
  uz: ["yapman", "yapsiz", "yapti", "moqda", "lardan", "larida", "larini", "imizda", "ingizda", "imda", "ingda", "ining", "imni", "ini", "dagi", "dan", "lar", "ning", "ni", "ga", "ka", "qa", "da", "di", "gan", "im", "ing", "ib", "si", "i"],
  ky: ["лардын", "лерден", "ларды", "лерди", "умдун", "дагы", "ымда", "имде", "умда", "ынын", "инин", "дын", "дин", "дан", "ден", "лар", "лер", "ым", "им", "ум", "ын", "ин", "ун", "ды", "ди", "га", "ге", "ка", "ке", "да", "де", "та", "те", "ы", "и", "у"],
  az: ["larimiz", "lerimiz", "imizda", "imizde", "imdan", "imden", "ndan", "nden", "lari", "leri", "imda", "imde", "nin", "nun", "dir", "dur", "dan", "den", "lar", "ler", "im", "in", "un", "da", "de", "ya", "ye", "m", "a", "e", "i", "u"],
  tg: ["ҳоям", "хоям", "ҳои", "хои", "ҳо", "хо", "ам", "ат", "аш", "ро", "и", "ям"],
};

/** A stem's last consonant softens before a vowel ending: a phrase word "tumchuk*" also reads "тумчугуп". */
const softened: Partial<Record<Language, Record<string, string>>> = {
  uz: { q: "g", k: "g" },
  ky: { к: "г" },
  az: { k: "y", q: "g" },
};
export function prefixVariants(prefix: string, language: Language): string[] {
  const soft = softened[language]?.[prefix.slice(-1)];
  return soft && prefix.length >= 4 ? [prefix, prefix.slice(0, -1) + soft] : [prefix];
}

const endingsIn = new Map<Language, string[]>();
const foldedEndings = (language: Language) => {
  if (!endingsIn.has(language)) endingsIn.set(language, [...new Set(foldAll(turkicEndings[language] ?? [], language))].sort((a, b) => b.length - a.length));
  return endingsIn.get(language)!;
};

/** Forms of the Uzbek "bo'lmoq" (to be) as folded text has them, without the apostrophe. */
const toBe = /^bol(adi|ad|adimi|aman|asiz|sa|sam|sak|gan|ganmi|ganda|ib|yapti|moq|maydi|madi|di|ar|ish|ishi)$/;

export function stem(word: string, language: Language): string {
  if (language === "ru" || language === "en") return snowballStemmers[language].stem(word);
  // "bo'ladi", "bo'lsa" (is, if it is) fold to "boladi", "bolsa": stemmed, they would be "bola" (child).
  if (language === "uz" && toBe.test(word)) return word;
  const endings = foldedEndings(language);
  let current = word;
  for (let round = 0; round < 3; round++) {
    const ending = endings.find((e) => current.endsWith(e) && current.length - e.length >= 3);
    if (!ending) break;
    current = current.slice(0, -ending.length);
  }
  // Consonants that soften before a vowel ending (og'riq → og'rig'i, көкүрөк → көкүрөгүм).
  return current.replace(/[gq]$/, "k").replace(/г$/, "к");
}

/**
 * Small numbers written as words count as numbers before a unit of age ("две недели", "ikki haftalik", "one month
 * old") — only there: "qand bir oz ko'tarildi" (sugar went up a bit) is no sugar of 1.
 */
const numberWords: Record<Language, string> = {
  ru: "один|одна|одну|одного:1 два|две|двух:2 три|трех:3 четыре:4 пять:5 шесть:6 семь:7 восемь:8 девять:9 десять:10 полтора|полторы:1.5",
  en: "one:1 two:2 three:3 four:4 five:5 six:6 seven:7 eight:8 nine:9 ten:10",
  uz: "bir:1 ikki:2 uch:3 tort:4 besh:5 olti:6 yetti:7 sakkiz:8 toqqiz:9 on:10",
  tg: "як:1 ду:2 се:3 чор:4 панҷ:5 шаш:6 ҳафт:7 ҳашт:8 нӯҳ:9 даҳ:10",
  ky: "бир:1 эки:2 үч:3 төрт:4 беш:5 алты:6 жети:7 сегиз:8 тогуз:9 он:10",
  az: "bir:1 iki:2 üç:3 dörd:4 beş:5 altı:6 yeddi:7 səkkiz:8 doqquz:9 on:10",
};
const ageUnits = ["недел", "месяц", "мес", "дн", "дне", "week", "month", "day", "hafta", "oy", "kun", "хафта", "мох", "руз", "жума", "ай", "кун", "hefte", "ay", "gun"];
const numbersIn = new Map<Language, Map<string, number>>();
function spelledNumber(word: string, next: string | undefined, language: Language): number | undefined {
  if (!next || !ageUnits.some((unit) => next.startsWith(unit))) return undefined;
  if (!numbersIn.has(language)) {
    const entries = numberWords[language].split(" ").flatMap((group) => {
      const [forms, value] = group.split(":") as [string, string];
      return forms.split("|").map((w) => [fold(w, language), Number(value)] as const);
    });
    numbersIn.set(language, new Map(entries));
  }
  return numbersIn.get(language)!.get(word);
}

/**
 * "Diabetes type 2" names a kind, not a reading: a number before "типа", "tip", "type" or after "type", "навъи" is no
 * sugar of 2 mmol/L. Exact words only: the slang "типа 38" (about 38) stays a temperature.
 */
const typeAfter = /^(тип|типа|tip|tipli|tipdagi|type|nov|novlu)$/u;
const typeBefore = /^(type|тип|навъи|навъ)$/u;

const smile = "\u263a";
/**
 * A smile typed as ")", "))" or ":)" reads as one word, the smile (written ")" in the lexicon's `@laughing`):
 * Russian-speaking chat laughs with brackets. A ")" that closes an open "(" or follows a number ("1)", "37,4)") stays
 * a bracket.
 */
export function markSmiles(folded: string): string {
  let open = 0;
  return folded.replace(/[:;]-?\)+|\)+|\(/g, (bracket, at: number) => {
    if (bracket === "(") open++;
    else if (bracket.length === 1 && open > 0) open--;
    else if (bracket.length > 1 || !/\p{N}/u.test(folded[at - 1] ?? "")) return ` ${smile} `;
    return bracket;
  });
}

/** The words of a text with their clause and scope, numbers kept whole ("38,4"). */
export function tokenize(text: string, language: Language): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  let scope = 0;
  const folded = markSmiles(fold(text, language)).replace(/(\d)[,.](\d)/g, "$1·$2");
  const pieces = folded.match(/[\p{L}\p{N}·]+|\u263a|[.,;:!?()\n]/gu) ?? [];
  pieces.forEach((piece, i) => {
    if (piece === smile) {
      // A clause of its own: a laugh, not a word of the phrase around it.
      tokens.push({ word: smile, stem: smile, clause: ++clause, scope: ++scope });
      clause++;
      scope++;
      return;
    }
    // A bracket does not end the clause: "a mini stroke (TIA) 2 years ago" is one clause, its date included.
    if (piece === "(" || piece === ")") return;
    if (/^[.,;:!?\n]$/.test(piece)) {
      clause++;
      scope++;
      return;
    }
    if (conjunctionsIn(language).has(piece)) scope++;
    // A number keeps a case ending typed onto it ("30дай", "25dir", "40тай" — about 30, is 25).
    const digits = /^(\d+(?:·\d+)?)\p{L}*$/u.exec(piece);
    const number = typeAfter.test(pieces[i + 1] ?? "") || typeBefore.test(pieces[i - 1] ?? "")
      ? undefined
      : digits ? Number(digits[1]!.replace("·", ".")) : spelledNumber(piece, pieces[i + 1], language);
    tokens.push({ word: piece, stem: stem(piece, language), clause, scope, ...(number === undefined ? {} : { number }) });
  });
  return tokens;
}
