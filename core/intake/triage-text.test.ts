import { describe, expect, it } from "vitest";
import { fold, stem, tokenize } from "./triage-text";

describe("patient text as the matcher reads it", () => {
  it("folds the special letters patients often leave out", () => {
    expect(fold("Ko‘kragim og'riyapti", "uz")).toBe(fold("Kokragim ogriyapti", "uz"));
    expect(fold("Көкүрөгүм", "ky")).toBe(fold("Кокурогум", "ky"));
    expect(fold("sinəmdə ağrı", "az")).toBe("sinemde agri");
    expect(fold("ҳарорат ва дарди сина ӣ", "tg")).toBe("харорат ва дарди сина и");
    expect(fold("Отдаёт", "ru")).toBe("отдает");
  });

  it("folds a language's spelling variants and reads Russian, Tajik and Kyrgyz typed in Latin letters as Cyrillic", () => {
    expect(fold("bol v grudi, zadyhayus, ne mogu dyshat", "ru")).toBe("бол в груди, задыхаюс, не могу дышат");
    expect(fold("litso perekosilo, serdce", "ru")).toBe("лицо перекосило, сердце");
    expect(fold("dardi sina, karaxt", "tg")).toBe(fold("дарди сина, карахт", "tg"));
    expect(fold("ushagim", "az")).toBe(fold("uşağım", "az"));
    expect(fold("xushidan ketdi, kattik", "uz")).toBe(fold("hushidan ketdi, qattiq", "uz"));
    expect(fold("bo'ynimni ega olmayman", "uz")).toBe(fold("bo'ynimni egolmayman", "uz"));
    expect(fold("дем ала албай", "ky")).toBe(fold("дем алалбай", "ky"));
    // "je" after a consonant is the hard sign: "sjel" is съел, "uje" stays уже
    expect(fold("sjel, uje", "ru")).toBe("съел, уже");
  });

  it("reads Uzbek Cyrillic as Uzbek Latin", () => {
    expect(fold("Кўкрагим оғрияпти", "uz")).toBe(fold("Ko'kragim og'riyapti", "uz"));
  });

  it("stems Russian and English with Snowball and strips Turkic endings to a shared stem", () => {
    expect(new Set(["боль", "боли"].map((w) => stem(w, "ru")))).toEqual(new Set(["бол"]));
    expect(stem("breathing", "en")).toBe(stem("breathe", "en"));
    expect(stem(fold("og'rig'i", "uz"), "uz")).toBe(stem(fold("og'riq", "uz"), "uz"));
    expect(stem(fold("көкүрөгүм", "ky"), "ky")).toBe(stem(fold("көкүрөк", "ky"), "ky"));
    expect(stem(fold("sinəmdə", "az"), "az")).toBe(stem(fold("sinə", "az"), "az"));
  });

  it("keeps decimal numbers whole, reads small numbers written as words before an age unit, and counts clauses", () => {
    const tokens = tokenize("Температура 38,4, сахар 2.1", "ru");
    expect(tokens.filter((t) => t.number !== undefined).map((t) => t.number)).toEqual([38.4, 2.1]);
    expect(new Set(tokens.map((t) => t.clause)).size).toBe(2);
    // a number written as a word counts before a unit of age only
    expect(tokenize("малышке две недели", "ru").map((t) => t.number)).toEqual([undefined, 2, undefined]);
    expect(tokenize("qizim ikki haftalik", "uz").map((t) => t.number)).toEqual([undefined, 2, undefined]);
    expect(tokenize("qand bir oz ko'tarildi", "uz").some((t) => t.number !== undefined)).toBe(false);
    // a case ending typed onto a number keeps the number
    expect(tokenize("30дай парацетамол", "ky")[0]!.number).toBe(30);
  });
});
