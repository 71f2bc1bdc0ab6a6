import { describe, expect, it } from "vitest";
import { dispositionOf, matchingRules, matchRedFlags, rulesVersion, shippedRules } from "./red-flags";
import { disposition, raisedIds as match } from "../../test/helpers/shipped-red-flags";

const rules = shippedRules();

describe("red flags in free text", () => {
  it("catches the heart attack of issue 14 from free text alone, in Russian and Kyrgyz", () => {
    expect(match("ru", "Сильная давящая боль в груди уже час, отдаёт в левую руку, холодный пот")).toContain("chest_pain_breathless");
    expect(match("ky", "Көкүрөгүм катуу кысып ооруп жатат, бир сааттан бери, сол колума берип жатат, муздак тер басты")).toContain("chest_pain_breathless");
  });

  it("matches inflections, words in any order and spelling without special letters", () => {
    expect(match("ru", "Сильная боль в груди, и я задыхаюсь")).toContain("chest_pain_breathless");
    expect(match("ru", "В груди давит, задыхаюсь")).toContain("chest_pain_breathless");
    expect(match("en", "I have chest pain and I am short of breath")).toContain("chest_pain_breathless");
    expect(match("uz", "Ko'kragim og'riyapti, nafas qisyapti")).toContain("chest_pain_breathless");
    expect(match("uz", "Кўкрагим оғрияпти, нафас қисяпти")).toContain("chest_pain_breathless");
    expect(match("az", "Sinemde sixici agri var, sol qoluma vurur")).toContain("chest_pain_breathless");
    expect(match("ky", "Кокурогум кысып ооруп жатат, муздак тер басты")).toContain("chest_pain_breathless");
    expect(match("tg", "Дарди сина, дасти чап, араки хунук")).toContain("chest_pain_breathless");
    expect(match("ru", "Ребёнок вялый, температура 39")).toEqual(["child_fever_lethargy"]);
  });

  it("does not fire on negated symptoms", () => {
    expect(match("ru", "Нет боли в груди, одышки нет")).toEqual([]);
    expect(match("ru", "Не болит в груди, не задыхаюсь")).toEqual([]);
    expect(match("en", "No chest pain, no shortness of breath")).toEqual([]);
    expect(match("uz", "Ko'krak og'rig'i yo'q, nafas qisishi yo'q")).toEqual([]);
    expect(match("ky", "Көкүрөгүм оорубайт, дем кысылбайт")).toEqual([]);
    expect(match("az", "Sinə ağrısı yoxdur, təngnəfəslik yoxdur")).toEqual([]);
    expect(match("tg", "Дарди сина нест, нафастангӣ нест")).toEqual([]);
    expect(match("en", "He fell off the sofa but didn't pass out")).toEqual([]);
    // a negation word with a personal ending, a negated Tajik light verb — typed with or without special letters
    expect(match("ky", "жыгылдым, эсимден танган жокмун")).toEqual([]);
    expect(match("ky", "жыгылдым, esimden tangan jokmun")).toEqual([]);
    expect(match("az", "yıxıldım, huşsuz deyiləm")).toEqual([]);
    expect(match("tg", "афтодам, беҳуш нашудам")).toEqual([]);
    expect(match("tg", "aftodam, behush nashudam")).toEqual([]);
    expect(match("tg", "афтодам, беҳуш шудам")).toContain("loss_of_consciousness");
    // the light verb denies only the word before it: the bleeding does not stop
    expect(match("tg", "ҳомиладор ҳастам, хунравӣ қатъ намешавад")).toContain("pregnancy_bleeding");
    // "не знаю почему", "not sure why": the cue negates the not knowing, not the symptom
    expect(match("ru", "не понимаю почему рвет кровью")).toContain("gi_bleeding");
    expect(match("ru", "нос не дышит третий день")).toEqual([]);
    expect(match("ru", "ребенок не дышит")).toContain("cardiac_arrest");
  });

  it("reads a collapse with no answer and abnormal or absent breathing as an arrest, not sleep apnoea nor a silent doctor", () => {
    expect(match("ru", "отец упал во дворе, тормошим, не отвечает. дышит редко, с хрипом")).toContain("collapse_unresponsive");
    expect(match("en", "she collapsed in the shop and isn't responding, just gasping now and then")).toContain("loss_of_consciousness");
    expect(match("az", "qardaşım yerə yıxıldı, nəfəs almır")).toContain("cardiac_arrest");
    expect(match("tg", "модарам афтод, нафас намекашад")).toContain("cardiac_arrest");
    expect(match("en", "he snores and sometimes stops breathing in his sleep")).toEqual([]);
    expect(match("en", "the baby stopped breathing in her sleep and looks blue")).toContain("cardiac_arrest");
    expect(match("ru", "упала с самоката, колено разбито, а врач не отвечает")).toEqual([]);
    expect(match("ru", "упала с самоката, голос хрипит от простуды")).toEqual([]);
  });

  it("keeps a negation inside a phrase next to its word, and a Tajik denied pain denies its body part", () => {
    // "not short of breath" is no "not breathing", "nəfəs darlığı yoxdur" no "nəfəsi yoxdur"
    expect(match("en", "reflux after dinner, not short of breath, no pain in arm")).toEqual([]);
    expect(match("az", "sinəm yanır, nəfəs darlığı yoxdur")).toEqual([]);
    // "дастам дард намекунад": my arm does not hurt
    expect(match("tg", "синаам месӯзад, дастам дард намекунад")).toEqual([]);
    expect(match("tg", "синаам фишор медиҳад, дастам дард мекунад")).toContain("chest_pain_breathless");
    // "в обморок не падала" denies the faint
    expect(match("ru", "сердце колотится после кофе, в обморок не падала")).toEqual([]);
  });

  it("reads bootleg alcohol with failing sight, a splash into the eyes, clothes on fire, a plan to take a whole pack tonight", () => {
    expect(match("ru", "вчера пили паленую водку, сегодня всё расплывается, тошнит")).toContain("overdose_poisoning");
    expect(match("ru", "выпили самогон на свадьбе, голова болит")).toEqual([]);
    expect(match("en", "caustic soda splashed in my eye at work, I can't see")).toContain("severe_burns");
    expect(match("en", "my dress caught fire on the stove, the skin on my leg is white")).toContain("severe_burns");
    expect(match("en", "I've got a box of sleeping pills and I'll take them all tonight")).toContain("suicidal_thoughts");
    expect(match("ky", "ысыгым 39, калтырайм, басымым 80/50")).toContain("sepsis_signs");
  });

  it("reads a denial where the verb or a list carries it, and another reading keeps the patient's negation", () => {
    // the verb of radiation denies its complement, also the next noun of a list; the pain that does not pass is a pain
    expect(match("ru", "жжёт за грудиной, в руку и челюсть не отдаёт")).toEqual([]);
    expect(match("ru", "давит в груди и не отдаёт, но холодный пот")).toContain("chest_pain_breathless");
    expect(match("ru", "боль в груди не проходит, отдаёт в руку")).toContain("chest_pain_breathless");
    expect(match("tg", "синаам месӯзад, ба даст намегузарад")).toEqual([]);
    expect(match("tg", "дарди сина намегузарад, арақ мекунам")).toContain("chest_pain_breathless");
    expect(match("en", "burning in my chest, no pain in arm or jaw")).toEqual([]);
    expect(match("en", "suddenly no feeling in the left side of my face and arm")).toContain("stroke_one_side");
    // the Uzbek "emas" denies "hushsiz" in the Azerbaijani reading too
    expect(match("uz", "hushsiz emasman, boshim biroz aylanadi")).toEqual([]);
  });

  it("reads a number with an ending typed onto it, in its place next to its words", () => {
    expect(match("ky", "30дай парацетамол ичип алыптыр")).toContain("overdose_poisoning");
    expect(match("en", "took 40 paracetamol an hour ago")).toContain("overdose_poisoning");
    expect(match("ru", "выпила 2 таблетки парацетамола минут 30 назад")).toEqual([]);
    expect(match("az", "saxarı 25dir, qusur")).toContain("sugar_high_reading");
  });

  it("does not match parts of other words or one half of a pair", () => {
    expect(match("en", "My son has a rash, no fever")).toEqual([]);
    expect(match("en", "chest pain when I lift weights")).toEqual([]);
    expect(match("en", "I watched a film about a stroked cat")).toEqual([]);
    expect(match("ru", "Диабет 2 типа, продлите рецепт")).toEqual([]);
  });

  it("reads numbers: a baby under 3 months with 38 °C, a blood sugar of 2.1", () => {
    expect(match("ru", "Сыну 6 недель, 38,2")).toContain("febrile_infant");
    expect(match("ru", "Сыну 6 месяцев, 38,2")).not.toContain("febrile_infant");
    expect(match("ru", "сахар 2,1, трясёт")).toContain("diabetic_emergency");
    expect(match("ru", "сахар 6,8")).toEqual([]);
    expect(match("ru", "малышке две недели, температура 38,3")).toContain("febrile_infant");
    expect(match("ky", "Балам эки жумалык, ысыгы 38")).toContain("febrile_infant");
  });

  it("reads a concept's lay words, a body part with a symptom anywhere in the text, and a near-faint", () => {
    // @unconscious: "can't wake him" is a loss of consciousness in every language.
    expect(match("ru", "Муж лежит, не можем разбудить")).toContain("loss_of_consciousness");
    expect(match("en", "hit his head and was out cold")).toContain("loss_of_consciousness");
    // @one_side + @numb_weak (FAST arm), the two apart in the sentence.
    expect(match("ru", "у папы правая сторона как ватная, с утра")).toContain("stroke_one_side");
    expect(match("en", "Mum's left arm has gone weak out of nowhere")).toContain("stroke_one_side");
    // a pack of any medicine, swallowed, told of someone else.
    expect(match("ru", "сын выпил пачку парацетамола")).toContain("overdose_poisoning");
    expect(match("az", "Anam çoxlu dərman içib")).toContain("overdose_poisoning");
    // "чуть не упала в обморок" is a near-faint, "не упала в обморок" is not one.
    expect(match("ru", "тест положительный, боль внизу живота слева, чуть не упала в обморок")).toContain("ectopic_pregnancy");
    expect(match("ru", "Голова закружилась, но не упала в обморок")).toEqual([]);
  });

  it("reads a concept inside a phrase, and keeps look-alikes out: a sore throat, a sports injury, a fever's duration", () => {
    // @cannot: "не могу"/"не может"/"не можем" … before "опустить голову"
    expect(match("ru", "шею свело, не могу голову опустить, температура 39")).toContain("meningitis_signs");
    expect(match("ru", "болит горло, не могу глотать, температура 38")).toEqual([]);
    expect(match("en", "cant lift my arm above my shoulder since I hurt it playing tennis")).toEqual([]);
    // the injury excepts only the arm: a face droop at the gym is still a stroke
    expect(match("en", "at the gym his face drooped and he cant lift his left arm")).toEqual(["stroke_signs"]);
    expect(match("en", "my son has had a temperature for 2 weeks, 38")).toEqual([]);
    expect(match("ru", "после прививки ребенку 2 месяца температура 37,4")).toEqual([]);
    expect(match("en", "stung by a wasp, face and lips swelling, wheezing badly")).toContain("anaphylaxis");
    // what a child swallowed is the object of the verb, not a medicine asked about in the next sentence
    expect(match("en", "my son has a cold, he ate well and drank juice. what medicine can I give him?")).toEqual([]);
    expect(match("uz", "o'g'lim tumov, suv ichyapti. qaysi dori beray?")).toEqual([]);
    expect(match("ru", "сын выпил средство для мытья посуды")).toContain("child_poisoning");
    // "bosganda og'riydi" (hurts when pressed) is no pressing pain
    expect(match("uz", "штанга кўтаргандан кейин кўкрагим оғрияпти, босганда оғрийди")).toEqual([]);
    // a chemical on the face or in the eyes, a face burnt with a hoarse voice or hard breathing (airway)
    expect(match("ru", "плеснул в лицо кислотой из аккумулятора")).toContain("severe_burns");
    expect(match("ru", "изжога, кислота во рту, глаза слезятся")).toEqual([]);
    expect(match("ky", "газ жарылып бетим күйдү, үнүм кырылдап")).toContain("severe_burns");
    // a near-faint in early pregnancy
    expect(match("ru", "тест две полоски, потемнело в глазах")).toContain("ectopic_pregnancy");
  });

  it("keeps a night cramp in the calf from reading as a seizure, in any language it is read in", () => {
    expect(match("ru", "Ночью свело судорогой икру, сейчас прошло")).toEqual([]);
    expect(match("ky", "Түнкүсүн балтырым тырышып калды")).toEqual([]);
    expect(match("tg", "Шабона соқи поям рагкашӣ кард")).toEqual([]);
    expect(match("ru", "У ребенка судороги, не реагирует")).toContain("seizure");
    expect(match("ru", "У мужа судороги")).toContain("seizure_words");
    expect(match("en", "Woke up with my left arm numb, I slept on it")).toEqual([]);
  });

  it("reads Russian and English in any patient's language, and Russian words mixed into another language", () => {
    expect(match("ky", "Сильная давящая боль в груди, отдаёт в левую руку")).toContain("chest_pain_breathless");
    expect(match("uz", "Ko'kragim og'riyapti, отдает в левую руку")).toContain("chest_pain_breathless");
    expect(match("ru", "bol v grudi, otdaet v levuyu ruku")).toContain("chest_pain_breathless");
    // a Kyrgyz word read in an Uzbek text is no mix: "тошма" (rash) is not "төш" (chest)
    expect(match("uz", "Кир ювиш кукунидан кейин қўлларимда тошма чиқди")).toEqual([]);
  });

  it("forgives one mistyped letter in a long word, never in a short one or a negated Turkic verb", () => {
    expect(match("en", "her speech is slured")).toContain("stroke_signs");
    expect(match("ru", "невнятая речь")).toContain("stroke_signs");
    expect(match("uz", "Ko'kragim og'rimayapti, nafas qismayapti")).toEqual([]);
    // a short root with long endings is a short word: Tajik "мекунам" (I do) is not "мекушам" (I kill)
    expect(match("tg", "худамро хуб ҳис мекунам")).toEqual([]);
    // a wrong letter is a slip (a neighbouring key or a vowel), not another word: sat down is not turned blue
    expect(match("ru", "губы посинели, задыхается")).toContain("asthma_life_threatening");
    expect(match("ru", "встала из бани, посидела, прошло")).toEqual([]);
    expect(match("uz", "barmog'imni kesib oldim, tikish kerakmi")).toEqual([]);
  });

  it("keeps an uncomplicated faint and a controlled epilepsy out, not a faint that does not pass nor a fit now", () => {
    expect(match("en", "fainted at my blood test, came round straight away, fine since")).toEqual([]);
    expect(match("en", "fainted at his blood test and still not coming round")).toContain("loss_of_consciousness");
    expect(match("en", "hit my head fainting at the blood test, felt fine after, now vomiting")).toContain("head_injury");
    expect(match("ky", "талма оорум бар, 3 жылдан бери кармаган жок, рецепт керек")).toEqual([]);
    expect(match("en", "hes epileptic, ran out of his tablets and has been fitting for 10 minutes")).toContain("seizure");
    // a Tajik light verb denied ("варам накард", did not swell) denies the swelling
    expect(match("tg", "доғҳои сурх, лабу забон варам накард")).toEqual([]);
    expect(match("tg", "лабу забонаш варам кард")).toContain("anaphylaxis");
  });

  it("reads much blood in late pregnancy and a dehydrated toddler told in months, not a blood test", () => {
    expect(match("en", "34 weeks, woke up in a pool of blood")).toContain("pregnancy_bleeding");
    expect(match("ru", "беременность 30 недель, сдала кровь на анализ, синяк")).toEqual([]);
    expect(match("en", "18 month old, d&v, no wet nappy since last night")).toContain("child_dehydration");
  });

  it("reads a quiet baby and waters breaking by the weeks, bowel blood by shock, and keeps their look-alikes out", () => {
    expect(match("az", "34 həftəlik hamiləyəm, uşaq tərpənmir")).toContain("reduced_fetal_movements");
    // a typo never adds a negation: "tərpənir" (moves) is not "tərpənmir" (does not move)
    expect(match("az", "30 həftəlikəm, uşaq çox tərpənir")).toEqual([]);
    expect(match("en", "I'm 16 weeks pregnant and haven't felt the baby move yet, is that normal?")).toEqual([]);
    expect(match("ru", "33 недели, воды подтекают")).toContain("preterm_rupture");
    expect(match("ru", "39 недель, отошли воды, схваток нет")).toEqual([]);
    expect(match("en", "started iron tablets, my poo is black, feel fine")).toEqual([]);
    expect(match("ru", "пью сорбифер, стул чёрный, в глазах темнеет, сердце колотится")).toContain("gi_bleeding_shock");
    expect(match("az", "arxadan çoxlu qan gəlir, unitaz qıpqırmızı, başım fırlanır")).toContain("gi_bleeding_shock");
  });

  it("reads other senses of a word and a pain investigated weeks ago, not one checked today", () => {
    expect(match("en", "need a fit note for work, keep fit advice please")).toEqual([]);
    // a fit named in the past is seizure_diagnosis (set aside only when controlled), still an emergency
    expect(match("en", "my son had a fit this morning and shook all over")).toContain("seizure_diagnosis");
    // "o'zi ... ketyapti" (it goes by itself) is not "o'zidan ketdi" (fainted): the case ending is kept
    expect(match("uz", "toshma o'zi kamayib ketyapti")).toEqual([]);
    expect(match("uz", "o'zidan ketdi, yiqildi")).toContain("loss_of_consciousness");
    expect(match("en", "last month the cardiologist did an ECG, all normal, the chest pain has gone completely since")).toEqual([]);
    expect(match("en", "today the cardiologist did an ECG, all normal, the chest pain has gone completely, an hour ago it was crushing")).toContain("chest_pain_breathless");
    expect(match("en", "my 2 year old ate some of my amitriptyline")).toContain("child_poisoning");
    expect(match("ru", "у мамы пневмония, сегодня заговаривается, давление 80 на 50")).toContain("sepsis_signs");
  });

  it("reads a verb of stopping negated as going on, a Kyrgyz -тык verb negated, an unmarked Uzbek 'want to take' apart from dying", () => {
    // "to'xtamayapti" (does not stop) does not deny the waters before it; "o'tmayapti" (does not go into the arm) still denies
    expect(match("uz", "28 haftalik, suvi ketdi, oqib tushyapti to'xtamayapti")).toContain("preterm_rupture");
    expect(match("uz", "ovqatdan keyin ko'kragim achishyapti, qo'limga o'tmayapti, nafasim yaxshi")).toEqual([]);
    expect(match("ky", "спорттон кийин төшүмдүн булчуңу ооруйт, дем кыстыкпайт")).toEqual([]);
    expect(match("uz", "aptekadan krem olmoqchiman, qaysi biri yaxshi?")).toEqual([]);
    expect(match("uz", "hayotdan charchadim, o'lmoqchiman")).toContain("suicidal_thoughts");
  });

  it("reads severe asthma by a word or two at a time or the ribs sucking in, a child's dehydration by drinks coming back and hard waking", () => {
    expect(match("en", "his asthma is bad, he can only get out one or two words")).toContain("asthma_life_threatening");
    expect(match("en", "her ribs are sucking in with every breath")).toContain("asthma_life_threatening");
    expect(match("en", "my son has asthma and is a bit wheezy, the inhaler helps, he is talking in full sentences")).toEqual([]);
    expect(match("ru", "сыну 4 года, всё что пьёт сразу обратно, еле его добудилась")).toContain("child_dehydration");
    expect(match("az", "turşu sıçradı üzünə, gözlərini aça bilmir")).toContain("severe_burns");
  });

  it("reads a strip of pills, a flame or a hot drink's burn, sepsis by an ashen face and a racing heart; not a near-faint, an idiom or a typo's neighbour", () => {
    expect(match("en", "he took a strip of his mums sleeping tablets, now very sleepy")).toContain("overdose_poisoning");
    expect(match("ky", "бир пачка парацетамол ичип алды")).toContain("overdose_poisoning");
    expect(match("en", "the fire flared up at him, skin on both arms peeling off")).toContain("severe_burns");
    expect(match("en", "toddler spilled hot coffee on his tummy, blister bigger than my hand")).toContain("severe_burns");
    expect(match("ru", "после операции температура 39, сердце колотится, бледная как полотно")).toContain("sepsis_signs");
    expect(match("en", "flu, temp 39, feel like im dying lol")).toEqual([]);
    expect(match("az", "dünən növbədə az qala bayılacaqdım, indi yaxşıyam")).toEqual([]);
    expect(match("en", "he nearly fainted, then collapsed and is not responding")).toContain("collapse_unresponsive");
    expect(match("en", "my dad will have a fit when he sees the car")).toEqual([]);
    expect(match("en", "can I get my insulin on repeat")).toEqual([]);
    expect(match("tg", "духтур гуфт доруи хобро шабона хӯрам")).toEqual([]);
  });

  it("matches answers, including a number threshold, and tells emergency from urgent", () => {
    const answers = [{ questionId: "temperature", answer: 40.2 }];
    expect(matchRedFlags(rules, { language: "ru", texts: [], answers })).toEqual(["very_high_fever"]);
    expect(dispositionOf(matchingRules(rules, { language: "ru", texts: [], answers }))).toBe("urgent");
    expect(matchRedFlags(rules, { language: "ru", texts: [], answers: [{ questionId: "self_harm", answer: true }] })).toEqual(["suicidal_thoughts"]);
    expect(disposition("en", "I want to kill myself")).toBe("emergency");
    expect(disposition("en", "runny nose")).toBeUndefined();
  });

  it("sets aside a past stroke or fit and a jest or a film about suicide, not a new emergency told in the same message", () => {
    expect(match("en", "my mum had a stroke back in march, recovered really well, is a spa ok?")).toEqual([]);
    expect(match("en", "my mum had a stroke back in march and recovered well, now she is having a stroke again")).toContain("stroke_signs");
    expect(match("en", "my sister had a seizure last month, no more since, but now shes having a fit and foaming at the mouth")).toContain("seizure");
    expect(match("en", "lol ill kill myself if i fail the exam haha, anyway real question about ibuprofen")).toEqual([]);
    expect(match("en", "lol ill kill myself if i fail the exam haha. but seriously i have a rope ready and decided tonight")).toContain("suicide_plan");
    expect(match("en", "watched a film about suicide. real question: i want to kill myself tonight")).toContain("suicide_plan");
    expect(match("en", "decided to buy a shotgun for hunting tonight")).toEqual([]);
    // a gun or a bridge with "today" is hunting or a photo; a stroke asked about "again" is prevention, not a new one
    expect(match("tg", "имрӯз бо милтиқ ба шикор меравем")).toEqual([]);
    expect(match("uz", "onam 5 oy oldin insult bo'lgan, yaxshi tuzaldi. yana insult bo'lishi mumkinmi?")).toEqual([]);
    expect(match("ky", "атам 4 ай мурун инсульт болгон, азыр жакшы, бирок бүгүн кайра инсульт болду окшойт")).toContain("stroke_signs");
    expect(match("en", "i fainted once at a blood test, how do i prepare for the next one?")).toEqual([]);
    expect(match("en", "fainted last week, tests all normal, now he collapsed again and is not responding")).toContain("collapse_unresponsive");
    expect(match("en", "dad was discharged after his stroke and recovers well, but now his face is drooping")).toContain("stroke_signs");
    expect(match("en", "sugar was 3.2, had a glass of juice and i feel fine now")).toEqual([]);
    expect(match("en", "fainted last month, tests all normal, and today she fainted again")).toContain("faint_again");
    expect(match("en", "took all the pills from her pill box, drowsy")).toContain("overdose_poisoning");
    // an Azerbaijani verbal noun is no negation: "began to shake" (silkələnməyə başladı)
    expect(match("az", "qolları silkələnməyə başladı, cavab vermir")).toContain("seizure");
    // a chest pain found muscular after an ECG is set aside, the same pain back today is not
    expect(match("en", "ECG all clear last week, doc said pulled muscle, and today again crushing chest pain, sweating")).toContain("chest_pain_again");
  });

  it("names every rule's condition, disposition and guideline, and versions the set by its content", () => {
    for (const rule of rules) expect([rule.condition, rule.discriminators, rule.guideline].every((s) => s.length > 0)).toBe(true);
    expect(rulesVersion(rules)).toMatch(/^rf-[0-9a-f]{12}$/);
    expect(rulesVersion([...rules].reverse())).toBe(rulesVersion(rules));
    expect(rulesVersion(rules.slice(1))).not.toBe(rulesVersion(rules));
  });
});
