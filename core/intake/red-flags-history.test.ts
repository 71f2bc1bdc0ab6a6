import { describe, expect, it } from "vitest";
import { dispositionOf, matchingRules, shippedRules } from "./red-flags";
import type { Language } from "../i18n";

const rules = shippedRules();
const disposition = (language: Language, text: string) => dispositionOf(matchingRules(rules, { language, texts: [text], answers: [] }));

describe("red flags: past history and small things set aside, the emergency kept", () => {
  it("sets aside a relative's stroke years ago when the patient asks about their own check-up", () => {
    expect(disposition("ru", "у мамы был инсульт 10 лет назад, мне 45, меня ничего не беспокоит. какие анализы сдать, чтобы проверить себя?")).toBeUndefined();
    expect(disposition("en", "my dad had a stroke years ago, so I want to check my own blood pressure, no symptoms")).toBeUndefined();
    expect(disposition("az", "atam 5 il əvvəl insult keçirib, mənim heç bir şikayətim yoxdur, özümü yoxlatmaq istəyirəm")).toBeUndefined();
    // the relative's stroke today is no history, and a new stroke is read by its signs
    expect(disposition("ru", "у мамы инсульт прямо сейчас, что делать?")).toBe("emergency");
    expect(disposition("ru", "у отца был инсульт 10 лет назад, мне 40, хочу проверить себя, а сейчас у меня перекосило лицо")).toBe("emergency");
  });

  it("sets aside a stroke recovering at home asked about exercises, not a stroke again", () => {
    expect(disposition("ru", "папа после инсульта идет на поправку, какие упражнения для руки?")).toBeUndefined();
    expect(disposition("ky", "чоң атам инсульттан кийин жакшырып жатат, кандай көнүгүүлөр керек")).toBeUndefined();
    expect(disposition("en", "my grandad is much better after his stroke, any exercises for his hand? today his face is drooping")).toBe("emergency");
  });

  it("sets aside an old faint told years or last year ago and investigated, not a faint today", () => {
    expect(disposition("en", "passed out once 2 yrs ago in the heat, got checked, all normal. do I put it on my licence form?")).toBeUndefined();
    expect(disposition("az", "ötən il huşumu itirmişdim, yoxladılar, hər şey normal idi")).toBeUndefined();
    expect(disposition("az", "ötən il huşumu itirmişdim, bu gün yenə huşumu itirdi")).toBe("emergency");
  });

  it("reads a childhood anaphylaxis asked about for a new prescription as history, the signs as anaphylaxis", () => {
    expect(disposition("en", "had anaphylaxis to nuts as a child, fine since, need a new epipen prescription")).toBeUndefined();
    expect(disposition("ru", "в детстве был отек Квинке, сейчас всё хорошо, нужен рецепт на адреналин")).toBeUndefined();
    expect(disposition("en", "had anaphylaxis as a child, fine since, just ate a peanut and my lips are swelling")).toBe("emergency");
    expect(disposition("en", "I think this is anaphylaxis, he was stung by a bee")).toBe("emergency");
  });

  it("does not read 'сдохнуть хочу' from hay fever as a wish to die, nor a small blister as a large burn", () => {
    expect(disposition("ru", "сдохнуть хочу от этого пуха, чихаю весь день")).toBeUndefined();
    expect(disposition("ru", "хочу сдохнуть, всё надоело")).toBe("emergency");
    expect(disposition("ky", "ысык май чачырап кетти, кичинекей ыйлаакча бар")).toBeUndefined();
    expect(disposition("ky", "кайнак суу төгүлүп кетти, бүт буту ыйлаакчалар")).toBe("emergency");
    expect(disposition("en", "burnt my finger, blister the size of a pea, should i pop it")).toBeUndefined();
    expect(disposition("en", "she swallowed a blister of pills an hour ago")).toBe("emergency");
  });

  it("catches lay words the rules lacked: heads clashed, a fit with no coming round, barely answering, hidden tablets", () => {
    expect(disposition("ru", "столкнулся головами на тренировке, вырвал, спрашивает одно и то же")).toBe("emergency");
    expect(disposition("ru", "маму трясёт, не очнулась")).toBe("emergency");
    expect(disposition("en", "on insulin, really drowsy and barely answering me")).toBe("emergency");
    expect(disposition("en", "ive decided tonight is it, letters are written")).toBe("emergency");
    expect(disposition("ky", "баарын бүтүрөм, таблеткаларды жашырып койдум")).toBe("emergency");
    expect(disposition("uz", "yashashdan manosi yo'q")).toBe("emergency");
    expect(disposition("ky", "аары чакты, эрди шишип кетти")).toBe("emergency");
  });
});
