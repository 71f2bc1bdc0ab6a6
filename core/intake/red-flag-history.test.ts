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
