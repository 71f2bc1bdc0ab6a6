import { describe, expect, it } from "vitest";
import { disposition } from "../../test/helpers/shipped-red-flags";

/** Everyday complaints (the `common` vignettes) that a word of a rule misread, each beside the emergency it must keep. */
describe("red flags: everyday complaints read as what they are", () => {
  it("reads 'diabetes type 2' as a kind of diabetes, not a sugar of 2 mmol/L", () => {
    expect(disposition("uz", "Qandli diabet 2 tip, metformin ichaman. Ertalabki qand 8-9")).toBeUndefined();
    expect(disposition("ky", "Кант диабети 2 тип, метформин ичем. Эртең мененки кант 8-9")).toBeUndefined();
    expect(disposition("uz", "Qandli diabet 2-tip, qand 2.8, boshim aylanyapti")).toBe("emergency");
    expect(disposition("en", "type 1 diabetic, sugar 2.4 and shaky")).toBe("emergency");
    // The slang "типа" (about) before a number is no diabetes type: the reading counts.
    expect(disposition("ru", "малышу 5 недель, типа 38,5 температура")).toBe("emergency");
  });

  it("does not read the Azerbaijani fever (qızdırma) as a girl (qız)", () => {
    expect(disposition("az", "Deyəsən qrip olmuşam. Qızdırma 38.2, bütün bədənim sızıldayır, halsızam. 32 yaşım var")).toBeUndefined();
    expect(disposition("az", "qızımın qızdırması 39, çox halsızdır, oyanmır")).toBe("emergency");
  });

  it("does not read a teething baby's drooling as a drooping face, nor losing weight (ozmoq) as hanging (osmoq)", () => {
    expect(disposition("en", "My 8 month old is teething, drooling everywhere and really grumpy")).toBeUndefined();
    expect(disposition("en", "his face is drooping on one side and he can't lift his arm")).toBe("emergency");
    expect(disposition("uz", "15 kilo ozmoqchiman, parhez qildim lekin vazn qaytib keladi")).toBeUndefined();
    expect(disposition("uz", "o'zimni osmoqchiman, arqon tayyor")).toBe("emergency");
  });

  it("sends a baby under 3 months with 38 °C or more to 103/112 whatever lower reading the text gives first", () => {
    expect(disposition("ru", "малышу 2 месяца, утром было 37,2, сейчас 38,6")).toBe("emergency");
    expect(disposition("en", "my baby is 6 weeks old, temp was 37.3 this morning, now 38.4")).toBe("emergency");
    expect(disposition("en", "my baby is 6 weeks old, temp 37.3, is this a fever?")).toBeUndefined();
  });

  it("reads a temperature said to be normal as no fever: chickenpox spots are no sepsis (common-blind)", () => {
    expect(disposition("ru", "У сына 4 года ветрянка, всё тело в пятнах, чешется ужасно, расчесывает. Температура нормальная. Чем мазать?")).toBeUndefined();
    expect(disposition("uz", "o'g'limda suvchechak, butun tanasi dog', harorat normal. nima surtsa bo'ladi")).toBeUndefined();
    expect(disposition("ru", "У сына ветрянка, всё тело в пятнах, температура 39,5, вялый, пятна не бледнеют при нажатии")).toBe("emergency");
    // an infection named keeps the rule when the temperature is normal: the old are often septic without a fever
    expect(disposition("ru", "бабушка после цистита, температура нормальная, но путается, не узнает меня, кожа мраморная")).toBe("emergency");
  });
});
