import { languages, type Language } from "../i18n";
import { fold, foldAll } from "./triage-text";

/**
 * Negation as the red-flag matcher reads it (core/intake/red-flags.ts): the words that deny what follows or precedes,
 * in six languages, with the Turkic and Tajik forms that negate inside a verb or by a personal ending.
 */
/** Words that negate what follows (`pre`) or what precedes (`post`), folded. */
const negation: Record<Language, { pre: string[]; post: string[] }> = {
  ru: { pre: ["не", "нет", "нету", "без", "ни", "никогда"], post: ["нет", "нету"] },
  en: { pre: ["no", "not", "nothing", "without", "never", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "havent", "hasnt", "denies"], post: ["free"] },
  uz: { pre: [], post: ["yoq", "emas", "yoqmi"] },
  tg: { pre: ["не", "бе", "ягон"], post: ["нест", "нестам", "надорам", "надорад", "нашуд", "не"] },
  ky: { pre: [], post: ["жок", "эмес"] },
  az: { pre: [], post: ["yox", "yoxdur", "deyil"] },
};
export const negationWindow = 3;

/** A word list as texts are folded in that language (yo'q → yok in Uzbek), folded once: these are read for every word. */
const foldedLists = new WeakMap<readonly string[], Map<Language, string[]>>();
const foldedOnce = (words: readonly string[], language: Language): string[] => {
  const byLanguage = foldedLists.get(words) ?? new Map<Language, string[]>();
  foldedLists.set(words, byLanguage);
  if (!byLanguage.has(language)) byLanguage.set(language, foldAll([...words], language));
  return byLanguage.get(language)!;
};
const none: readonly string[] = [];

/**
 * Turkic and Tajik negation words take a personal ending ("эсимден танган жок-мун" — I did not faint, "yo'q-man",
 * "deyil-əm", "нест-ам", the spoken "yox-du"): a post cue with one of these endings is a cue too. Folded spelling.
 */
const personalEndings: Partial<Record<Language, RegExp>> = {
  uz: /^(man|san|miz|siz|dir)$/,
  ky: /^(мун|мин|мын|сун|син|сын|буз|быз|биз|пуз|пыз|пиз|суз|сыз|сиз)$/,
  az: /^(am|em|san|sen|iq|ik|uq|uk|siniz|sunuz|dir|dur|di|du)$/,
  tg: /^(ам|и|ем|ед|анд)$/,
};
/**
 * A text is read in all six languages, and a word that is a symptom in one reading keeps its negation from the
 * patient's own: the Uzbek "hushsiz emasman" (I am not unconscious) read as Azerbaijani is "huşsuz" — so the post cues
 * of every language (with their personal endings) count in every reading.
 */
export const isPostNegation = (language: Language, word: string) =>
  languages.some((cueLanguage) =>
    postCuesIn(language, cueLanguage).some((cue) => word === cue || (word.startsWith(cue) && (personalEndings[cueLanguage]?.test(word.slice(cue.length)) ?? false))),
  );
const postCues = new Map<string, string[]>();
const postCuesIn = (reading: Language, cueLanguage: Language) => {
  const key = `${reading}/${cueLanguage}`;
  if (!postCues.has(key)) {
    // Another language's post cue that is a pre cue here keeps the reading's sense (the Tajik "не" read in Russian).
    const own = reading === cueLanguage ? [] : foldedOnce(negation[reading].pre, reading);
    postCues.set(key, foldedOnce(negation[cueLanguage].post, reading).filter((cue) => !own.includes(cue)));
  }
  return postCues.get(key)!;
};

/**
 * A verb that denies what precedes it as its complement, typed right after a phrase: "в руку не отдаёт", "одышки не
 * было", "в обморок не падала" (ru, "не" + the verb), "ба даст намегузарад" (tg, a negated present after "ба", to).
 * Only these verbs: "боль не проходит" denies nothing, and the Tajik verb denies only a complement — "дарди сина
 * намегузарад" (the chest pain does not pass) is a pain. Folded spelling.
 */
const denyingVerbs: Partial<Record<Language, { cue?: string; verbs: RegExp; complementOf?: string[] }>> = {
  ru: { cue: "не", verbs: /^(отдает|отдавал[аои]?|было|были|беспокоит|беспокоил[аои]?|иррадиирует|падал[аи]?|падаю|падает)$/ },
  tg: { verbs: /^намегузар/, complementOf: ["ба"] },
};
/** Whether a denying verb stands at `at` for a phrase whose first word is `first`. */
export function denyingVerbAt(language: Language, tokens: Array<{ word: string }>, at: number, first: string): boolean {
  const deny = denyingVerbs[language];
  if (!deny || (deny.complementOf && !deny.complementOf.includes(first))) return false;
  if (deny.cue === undefined) return deny.verbs.test(tokens[at]?.word ?? "");
  return tokens[at]?.word === fold(deny.cue, language) && deny.verbs.test(tokens[at + 1]?.word ?? "");
}
/**
 * A temperature said to be normal right after it ("температура нормальная", "harorat normal", "hərarət normaldır")
 * is no fever: the word after the noun denies it as a denying verb does. Folded spelling.
 */
const temperature = /^(температур|temp|harorat|heraret|харорат)/;
const normal = /^(нормальн|нормал|normal)/;
export const normalTemperatureAt = (tokens: Array<{ word: string }>, at: number, first: string) =>
  temperature.test(first) && normal.test(tokens[at]?.word ?? "");
/** Words that join two nouns under one denial ("в руку и челюсть не отдаёт", "no pain in arm or jaw"). Folded. */
const listJoiners = new Set(["и", "или", "ни", "or", "nor", "and", "ва", "е", "yoki", "va", "жана", "же", "ve", "ya"]);
export const joinsList = (word: string | undefined) => word !== undefined && listJoiners.has(word);
/** English small words a negation reaches over ("nothing going into my arm"): they are not counted in its window. */
const smallWords = new Set(["my", "the", "a", "an", "his", "her", "their", "your", "into", "in", "to", "of", "down", "up", "at"]);
export const isSmallWord = (word: string) => smallWords.has(word);

/**
 * Tajik makes verbs of states with a light verb ("беҳуш шудан", to faint; "қатъ шудан", to stop; "варам кардан", to
 * swell): its negation ("беҳуш нашудам", I did not faint; "лабу забон варам накард", lips and tongue did not swell) denies
 * the word just before it, and only that one — "хунравӣ қатъ намешавад"
 * (the bleeding does not stop) denies the stopping, not the bleeding. Folded spelling, Latin-typed read in Cyrillic.
 */
const negatedLightVerb: Partial<Record<Language, RegExp>> = { tg: /^на(ме)?(шуд|шав|буд|бош|кун|кард)/ };
export const isNegatedLightVerb = (language: Language, word: string) => negatedLightVerb[language]?.test(word) ?? false;

/**
 * Tajik says "it hurts" with a light verb after the pain ("дастам дард мекунад", my arm hurts): negated ("дастам дард
 * намекунад"), it denies the body part before the pain — which is not a stopping's negation ("қатъ намешавад" above).
 * Folded spelling.
 */
const painDenial: Partial<Record<Language, { pain: string[]; verb: RegExp }>> = { tg: { pain: ["дард"], verb: /^на(ме)?кун|^накард/ } };
export const isPainDenied = (language: Language, tokens: Array<{ word: string }>, at: number) => {
  const denial = painDenial[language];
  return denial !== undefined && denial.verb.test(tokens[at]?.word ?? "") && denial.pain.includes(tokens[at - 1]?.word ?? "");
};

/** "чуть не упала в обморок" (almost fainted) is a near-faint, not a denial: a negation right after these words is none. */
const almost: Partial<Record<Language, string[]>> = { ru: ["чуть", "едва", "чуть-чуть"], tg: ["қариб", "кариб"] };
export const isAlmost = (language: Language, word: string | undefined) =>
  word !== undefined && foldedOnce(almost[language] ?? none, language).includes(word);

/**
 * "не знаю почему рвёт кровью", "not sure why but…": a cue before these words negates only them; "no feeling in the
 * left side" is a numbness, not a denial of the side.
 */
const unsure: Partial<Record<Language, string[]>> = {
  ru: ["знаю", "знаем", "понимаю", "понимаем", "уверен", "уверена", "понятно"],
  en: ["know", "sure", "understand", "certain", "feeling", "sensation", "strength"],
};
export const isUnsure = (language: Language, word: string | undefined) =>
  word !== undefined && foldedOnce(unsure[language] ?? none, language).includes(word);

/** The negation words of a language, folded. */
export const negationCues = (language: Language) => ({ pre: foldedOnce(negation[language].pre, language), post: foldedOnce(negation[language].post, language) });

/**
 * Turkic verbs negate inside the word (og'ri-ma-yapti, ооруба-йт, кысыл-байт, ağrı-mır): `negativeInfix` reads
 * what follows a matched stem; `negativeVerb` finds a negated verb, which also negates the words just before it
 * ("көкүрөгүм оорубайт" — my chest does not hurt).
 */
const negativeInfix: Partial<Record<Language, RegExp>> = {
  // The negative morpheme must be followed by a verb ending: sinə-m-in (of my chest) and ko'krag-im are not negations.
  uz: /^(il|in|l|n)?ma(y|d|s|g)/,
  // Kyrgyz forms verbs with -(т|д)ык ("дем кыс-тык-пайт", the breath is not squeezed): still the same negation.
  ky: /^(ыл|ил|ул|ын|ин|ун|л|н|тык|дык|ык|ик|ук)?(ба|бе|бо|па|пе|по)(й|г|д|с)/,
  az: /^(il|in|ul|un|l|n)?((ma|me)(z|d|y|s|m)|mir|mur)/,
};
const negativeVerb: Partial<Record<Language, RegExp>> = {
  uz: /.{2}ma(yapti|yapman|yapsiz|ydi|yman|ysiz|di|dim|dik|gan|s)$/,
  ky: /.{2}(ба|бе|па|пе|бо|по)(йт|йм|йбыз|ды|дым|дык|ган)$/,
  az: /.{2}(m(ir|ur|irem|uram|irik|di|edi|adi|ayib|eyib|ayir|eyir|amis|emis|amisam|emisem|amisiq|emisik))$/,
};
/**
 * A negated verb of stopping says the thing goes on ("suvi ketdi, to'xtamayapti" — the waters went and do not stop;
 * "кан токтобойт", "qan dayanmır"): it denies nothing before it. Not "pass" (o'tmoq, өтүү, keçmək): "qo'limga o'tmayapti"
 * is a pain that does not go into the arm. Folded spelling.
 */
const goesOn: Partial<Record<Language, RegExp>> = { uz: /^(tohta|bosil)ma/, ky: /^(токто|басыл)(ба|бо|па|по)/, az: /^(dayan|kesil)m/ };
/** A negated verb that denies the words just before it ("көкүрөгүм оорубайт"). */
export const deniesBefore = (language: Language, word: string) => isNegativeVerb(language, word) && !(goesOn[language]?.test(word) ?? false);
/** Not a negation: an Azerbaijani verbal noun in the dative, "silkələnməyə başladı" (began to shake). */
const verbalNoun: Partial<Record<Language, RegExp>> = { az: /^(il|in|ul|un|l|n)?(maga|maya|meye)$/ };
export const negatesVerb = (language: Language, rest: string) =>
  (negativeInfix[language]?.test(rest) ?? false) && !(verbalNoun[language]?.test(rest) ?? false);
export const isNegativeVerb = (language: Language, word: string) => negativeVerb[language]?.test(word) ?? false;
