import { describe, expect, it } from "vitest";
import { disposition, raisedIds as raised } from "../../test/helpers/shipped-red-flags";

/** blind-22/23's rule false alarms, each beside the emergency with the same look-alike words that must still fire. */
describe("red flags: look-alikes of blind-22 and blind-23", () => {
  it("does not read the preposition 'об' as 'обе' (both) in a small burn", () => {
    expect(disposition("ru", "обжег руку об противень, пятно размером с монету, один маленький пузырь")).toBeUndefined();
    expect(disposition("ru", "обжег обе руки кипятком, кожа пузырями")).toBe("emergency");
  });

  it("sets aside a chest-wall pain brought on by the arm or a finger and gone at rest, not a pain that radiates", () => {
    expect(disposition("uz", "ko'kragimning chap tomoni og'riyapti faqat qo'limni ko'tarsam yoki barmoq bilan bossam, tinch tursam og'rimaydi")).toBeUndefined();
    expect(disposition("en", "my chest hurts on the left only when I lift my arm or press on it, fine at rest")).toBeUndefined();
    expect(disposition("ru", "болит грудь слева, только когда поднимаю руку или нажимаю пальцем, в покое не болит")).toBeUndefined();
    expect(disposition("uz", "ko'kragim qattiq siqib og'riyapti, chap qo'limga o'tyapti, sovuq ter bosdi, qo'limni ko'tarsam battar")).toBe("emergency");
    expect(disposition("en", "crushing chest pain for an hour going into my left arm, sweating, worse when I lift my arm")).toBe("emergency");
  });

  it("does not read the Uzbek 'turish' (getting up) as a typo of 'tirish' (convulsion)", () => {
    expect(disposition("uz", "Ишдан ўлгудай чарчаяпман, эрталаб туриш қийин")).toBeUndefined();
    expect(disposition("uz", "bolam tirishib qoldi, ko'zlari tepaga ketdi")).toBe("emergency");
  });

  it("sets aside a fit or a swelling of last month, well now, asked about a next time — not one happening now", () => {
    expect(disposition("en", "last month he had a febrile convulsion, they said it was all fine. What should I do if he has another one?")).toBeUndefined();
    expect(disposition("az", "keçən ay qızdırmada qıcolma oldu, hər şey normaldır. Bir də olsa nə etməliyəm?")).toBeUndefined();
    expect(disposition("tg", "моҳи гузашта аз асал лабонаш варам кард, гузашт. Ҳозир сиҳат аст. Агар боз чунин шавад чӣ кунам?")).toBeUndefined();
    expect(disposition("en", "last month he had a febrile convulsion, all fine since, and now he is convulsing again and not responding")).toBe("emergency");
    expect(disposition("az", "keçən ay qıcolma oldu, hər şey normaldır, indi yenə qıcolur, cavab vermir")).toBe("emergency");
    expect(disposition("tg", "моҳи гузашта лабонаш варам кард, ҳозир боз лабонаш варам кард, нафас гирифта наметавонад")).toBe("emergency");
  });

  it("reads seizures 'controlled for 2 years' as a controlled epilepsy, not as having seizures", () => {
    expect(disposition("en", "his seizures have been controlled on Keppra for 2 years now, no fits at all. Could it be the Keppra?")).toBeUndefined();
    expect(disposition("en", "he is having seizures one after another and not waking up")).toBe("emergency");
  });

  it("sets aside 'I want to die' over a migraine or laughed off over a toddler's 5 am, not with a plan", () => {
    expect(disposition("en", "honestly I want to die every time my toddler wakes at 5 lol, any tips?")).toBeUndefined();
    expect(disposition("tg", "аз дасти ин мигрень мурдан мехоҳам, доруи дигар ҳаст?")).toBeUndefined();
    expect(disposition("en", "I want to die, nobody would miss me. toddler wakes at 5 lol. I've saved up pills and will take them all tonight")).toBe("emergency");
    expect(disposition("tg", "мурдан мехоҳам, мигрень ҳам дорам")).toBe("emergency");
  });

  it("reads a baby's 37.x asked 'is this a fever' as no fever, a 38 asked the same as one", () => {
    expect(disposition("uz", "Chaqalog'im 2 oylik, tanasi 37,2 - 37,4 bo'lyapti emizgandan keyin. Bu isitma hisoblanadimi?")).toBeUndefined();
    expect(disposition("uz", "o'g'lim 2 oylik, isitmasi 38,2, bu isitma hisoblanadimi?")).toBe("emergency");
    expect(disposition("en", "my baby is 6 weeks old, temp 38.1, is that a fever?")).toBe("emergency");
  });

  it("does not read the Uzbek 'qizil' (red) as 'qizib' (heating up), nor '2 oy oldin' alone as a baby's age", () => {
    expect(disposition("uz", "Қизим 3 ёшда, 2 ой олдин қўлини куйдирганди, битиб кетди, лекин ўрни қизил")).toBeUndefined();
    expect(disposition("uz", "qizim 1 oylik, tanasi qizib ketyapti, emmayapti")).toBe("emergency");
  });

  it("sets aside a paralysis of a year asked about bedsores, not a new paralysis nor new signs on top of it", () => {
    expect(disposition("uz", "Otam falaj bo'lib 1 yildan beri yotibdi. Yotoq yarasining oldini qanday olsak bo'ladi?")).toBeUndefined();
    expect(disposition("en", "my dad has been paralysed for years, how do we prevent bedsores?")).toBeUndefined();
    expect(raised("uz", "otam bugun ertalab falaj bo'lib qoldi")).toContain("paralysis_named");
    expect(disposition("uz", "otam 1 yildan beri falaj yotibdi, bugun yuzi qiyshayib qoldi, gapirolmayapti")).toBe("emergency");
  });

  it("reads the Kyrgyz 'көзүм караңгылабайт' (my sight does not go dark) as denied", () => {
    expect(disposition("ky", "26 жумалык кош бойлуумун, буттарым бир аз шишийт, башым оорубайт, көзүм караңгылабайт")).toBeUndefined();
    expect(disposition("ky", "кош бойлуумун, этек кир кечикти, ичимдин оң жагы катуу ооруйт, көзүм караңгылап кетти")).toBe("emergency");
  });
});
