import { describe, expect, it } from "vitest";
import { disposition } from "../../test/helpers/shipped-red-flags";

/** red-flag-history.ts: a past event told as over, in every rule; blind-26's four false alarms were such texts. */
describe("red flags: an emergency long ago and over is history, one today is not", () => {
  it("sets aside blind-26's four: a febrile fit last year, a stroke and two overdoses years ago, each well now", () => {
    expect(disposition("ru", "у сына в прошлом году были фебрильные судороги на температуре, невролог посмотрел сказал ничего страшного. сейчас ему 2 года, здоров, можно делать прививку по графику?")).toBeUndefined();
    expect(disposition("en", "Hi, I had a minor stroke 2 years ago, fully recovered, on clopidogrel and a statin. Planning to fly to Thailand, 11 hrs. Is that ok and do I need compression stockings?")).toBeUndefined();
    expect(disposition("en", "my brother overdosed on heroin about 5 years ago, hes been clean since and doing well. he asked if he can get a naloxone kit to keep at home, is that something your clinic does?")).toBeUndefined();
    expect(disposition("tg", "ҷиянам 3 сол пеш бисёр ҳаб хӯрда буд, ҳоло хуб аст, мактаб мехонад. мехоҳад бо психолог гап занад, дар клиникаи шумо ҳаст?")).toBeUndefined();
  });

  it("reads blind-27's six the same way: ages in childhood, 'no fits since', 'walks about now', a text read in two languages", () => {
    expect(disposition("ru", "у деда был инсульт в 60, у отца в 65. мне 40, чувствую себя нормально. какие обследования пройти чтобы проверить риск?")).toBeUndefined();
    expect(disposition("uz", "бувим 5 йил олдин инсульт булган, хозир юриб юрибди, факат кон суюлтирадиган дори ичади. шу дорини арзонрогига алмаштирса буладими")).toBeUndefined();
    expect(disposition("tg", "бибиям 4 сол пеш инсульт шуда буд, хозир мегардад, кардиомагнил менушад. арзонтараш хаст?")).toBeUndefined();
    expect(disposition("ky", "балам 2 жашында температурадан талма болгон эле, азыр 6 жашта, андан бери болгон жок. мектепке чейин эмдоо салдырса болобу")).toBeUndefined();
    // "insult" is also read as the Russian "инсульт", a reading that finds no date of its own: the dated clause is set apart there too
    expect(disposition("az", "nenem 2 il evvel insult kecirib indi yaxsidi, kardiomaqnil icir. dis cekdirmek isteyir dermani dayandirmaq lazimdi?")).toBeUndefined();
    expect(disposition("az", "qizim 2 yasinda qizdirmadan qicolma kecirmisdi, indi 5 yasindadi o vaxtdan olmayib. peyvend vurdurmaq olar?")).toBeUndefined();
    // the same histories with today's emergency
    expect(disposition("az", "nenem 2 il evvel insult kecirib indi yaxsidi, bu gun seher uzu eyildi danisa bilmir")).toBe("emergency");
    expect(disposition("ky", "балам 2 жашында талма болгон эле, андан бери болгон жок, бүгүн кайра талмасы кармап 10 мүнөттөн бери токтобой жатат")).toBe("emergency");
  });

  it("reads six of blind-28's twelve: recovered half a year on, 'doing great now', 'nothing since', a stroke '3 il qabaq', an uncle who died", () => {
    expect(disposition("ru", "мама перенесла инсульт полгода назад, восстановилась почти полностью. хотим записаться к неврологу на плановый осмотр и продлить рецепты")).toBeUndefined();
    expect(disposition("en", "My dad had a stroke 18 months ago and he's doing great now. The travel insurance company wants a letter saying he's fit to fly. Can the GP do that?")).toBeUndefined();
    expect(disposition("uz", "oglimni 1 yoshida isitmadan tutqanoq bolgan edi xozir 5 yoshda hech narsa yoq emlash qilsak boladimi")).toBeUndefined();
    expect(disposition("tg", "бародари падарам дар 50 солаги аз сактаи дил фавтид ба ман хам хавф хаст кадом ташхисро гузарам")).toBeUndefined();
    expect(disposition("tg", "писарам дар 1 солаги аз харорат тутканок шуда буд хозир 5 сола хеч чиз нест эмкуни кунем мешавад")).toBeUndefined();
    expect(disposition("az", "nenem 3 il qabaq insult kecirib, indi ozu gezir ozu yemek yeyir. qrip peyvendi vurdurmaq olar?")).toBeUndefined();
    // today's emergency beside the same histories
    expect(disposition("ru", "мама перенесла инсульт полгода назад, восстановилась почти полностью, а сегодня утром перекосило лицо и не говорит")).toBe("emergency");
    expect(disposition("en", "My dad had a stroke 18 months ago and he's doing great, but tonight his face dropped and he can't lift his arm")).toBe("emergency");
  });

  it("reads 'nothing since' as said even with 'I take no medicine' after it, and the pills named beside 'well now' as history", () => {
    expect(disposition("ky", "5 жыл мурун бир жолу талма кармаган, андан бери эч нерсе болгон жок дары ичпейм. таксиде иштейм, права учун справка берсениздер болобу")).toBeUndefined();
    expect(disposition("az", "12 yasimda bir defe qicolma olub, ondan 15 il kecib hec ne olmayib derman icmirem. taksi surucusuyem prava ucun spravka vere bilersiz?")).toBeUndefined();
    expect(disposition("en", "took an overdose about 2 years ago, been well for a long time now on sertraline. would like to talk about coming off it slowly, no rush")).toBeUndefined();
    expect(disposition("ky", "5 жыл мурун талма кармаган, андан бери эч нерсе болгон жок, бүгүн кайра кармап, 10 мүнөттөн бери токтобой жатат")).toBe("emergency");
    expect(disposition("en", "took an overdose 2 years ago, been well since, but tonight he swallowed a whole box of sertraline and is very drowsy")).toBe("emergency");
  });

  it("keeps the emergency the rest of the text describes", () => {
    expect(disposition("ru", "Год назад был инсульт, восстановился хорошо. Перекосило лицо и не может говорить")).toBe("emergency");
    expect(disposition("en", "my dad had a heart attack 3 years ago and recovered well, now crushing chest pain going into his left arm and sweating")).toBe("emergency");
    expect(disposition("ky", "атам 2 жыл мурун инсульт болгон, азыр жакшы. бети кыйшайып, сүйлөй албай калды")).toBe("emergency");
  });

  it("keeps every rule when the rest says today or again, or the text never says the person is well", () => {
    expect(disposition("ru", "в прошлом месяце пытался покончить с собой, сейчас всё нормально, но таблетки собрал и сегодня хочу закончить")).toBe("emergency");
    expect(disposition("ru", "в прошлом месяце пытался покончить с собой, таблетки дома, снова хочу")).toBe("emergency");
    expect(disposition("ru", "родила 2 недели назад всё было хорошо а сегодня сильное кровотечение")).toBe("emergency");
    expect(disposition("en", "he overdosed 5 years ago, clean since, but tonight he took a whole pack of pills and wont wake up")).toBe("emergency");
    expect(disposition("en", "2 years ago I had a minor stroke, fully recovered. Since an hour ago my left arm is weak and my speech is slurred")).toBe("emergency");
    expect(disposition("uz", "otam 2 yil oldin insult bolgan, hozir yaxshi. bugun ertalab yuzi qiyshayib qoldi, gapirolmayapti")).toBe("emergency");
    expect(disposition("tg", "ҷиянам 3 сол пеш бисёр ҳаб хӯрда буд, ҳоло хуб аст. имрӯз боз як қуттӣ ҳаб хӯрд, бедор намешавад")).toBe("emergency");
    expect(disposition("az", "atam 2 il əvvəl insult keçirib, indi yaxşıdır. bu gün səhər üzü əyildi, danışa bilmir")).toBe("emergency");
    expect(disposition("en", "I had a minor stroke 2 years ago and want to fly to Thailand, is that ok?")).toBe("emergency");
  });
});
