import { describe, expect, it } from "vitest";
import type { Language } from "../i18n";
import { disposition, raisedIds as raised } from "../../test/helpers/shipped-red-flags";

/** blind-24/25's rule false alarms, each beside the emergency with the same look-alike words that must still fire. */
describe("red flags: look-alikes of blind-24 and blind-25", () => {
  it("sets aside 'I want to die' laughed off with a bracket smile over a cold, not without the laugh or the cold", () => {
    expect(raised("ru", "простуда замучила, сдохнуть хочется)) сопли, горло")).not.toContain("suicidal_thoughts");
    expect(raised("az", "soyuqdəymə canımı aldı ölmək istəyirəm :) burun axır")).not.toContain("suicidal_thoughts");
    expect(raised("ru", "простуда замучила, сдохнуть хочется, сопли, горло, сил больше нет")).toContain("suicidal_thoughts");
    expect(raised("ru", "хочу умереть)) никому не нужен")).toContain("suicidal_thoughts");
    // A closing bracket or a numbered list is no smile.
    expect(raised("ru", "1) простуда 2) не хочу жить (совсем)")).toContain("suicidal_thoughts");
  });

  it("sets aside a febrile fit last year with nothing since and a well child, not a fit now", () => {
    expect(raised("ru", "в прошлом году были фебрильные судороги, с тех пор ничего. сейчас 37,9, бодрый, играет")).not.toContain("seizure_words");
    expect(raised("ky", "былтыр ысыктан талма болгон, андан бери эч нерсе жок, азыр ойноп жүрөт")).not.toContain("seizure_diagnosis");
    expect(raised("ru", "в прошлом году были фебрильные судороги, с тех пор ничего, а сейчас опять судороги, не реагирует")).toContain("seizure_words");
    expect(disposition("ky", "былтыр ысыктан талма болгон, азыр кайра тырышып жатат")).toBe("emergency");
  });

  it("keeps a daughter's epilepsy without attacks for years off, not an attack now", () => {
    expect(raised("ky", "кызымдын эпилепсиясы бар, 2 жылдан бери приступ жок, дары ичет. дене тарбияга барса болобу")).not.toContain("seizure_diagnosis");
    expect(raised("ky", "кызымдын эпилепсиясы бар, азыр талма кармап жатат, токтобой жатат")).toContain("seizure_diagnosis");
  });

  it("does not read the Azerbaijani 'qalxıram' (I go up) as a typo of 'qalxmır' (does not rise)", () => {
    expect(raised("az", "sağ tərəfi ağrıyır qabırğanı basanda. 4cü mərtəbəyə rahat qalxıram")).not.toContain("stroke_one_side");
    expect(raised("az", "sağ qolum qalxmır, sağ tərəfi keyiyib")).toContain("stroke_one_side");
  });

  it("sets aside a relative's stroke years ago, recovered, with a routine question, not new signs since this morning", () => {
    const sanatorium = "папа перенес инсульт 2 года назад, сейчас ходит с палочкой, рука левая слабая осталась. хотим в санаторий на реабилитацию";
    expect(raised("ru", sanatorium)).toEqual([]);
    expect(raised("uz", "бувим 5 йил олдин инсульт бўлган, ҳозир юради гапиради. қон босимини кунда неча марта ўлчаш керак")).toEqual([]);
    expect(raised("tg", "падарам 3 сол пеш инсулт дошт, ҳоло хуб аст, худаш роҳ меравад. кардиомагнилро хурдан лозим?")).toEqual([]);
    expect(raised("ky", "атам 4 жыл мурун инсульт болгон, азыр басып жүрөт, сүйлөйт. Москвага учак менен барса болобу")).toEqual([]);
    const emergencies: Array<[Language, string]> = [
      ["ru", "папа перенес инсульт 2 года назад, ходит с палочкой, ездил на реабилитацию, а с утра лицо перекосило и речь невнятная"],
      ["ru", "папа перенес инсульт 2 года назад, сейчас ходит с палочкой, с утра правая рука не поднимается"],
      ["uz", "бувим 5 йил олдин инсульт бўлган, ҳозир юради гапиради, бугун эрталабдан юзи қийшайиб қолди"],
      ["tg", "падарам 3 сол пеш инсулт дошт, ҳоло хуб аст, имрӯз забонаш гап намезанад, рӯяш каҷ шуд"],
      ["ky", "атам 4 жыл мурун инсульт болгон, азыр басып жүрөт, бүгүн эртең менен бети кыйшайып, сүйлөй албай калды"],
    ];
    for (const [language, text] of emergencies) expect(disposition(language, text), text).toBe("emergency");
  });
});
