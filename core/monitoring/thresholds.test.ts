import { describe, expect, it } from "vitest";
import { classify, defaultThresholds, effectiveThresholds, levelOf, thresholdsSchema } from "./thresholds";

describe("thresholds", () => {
  it("classifies blood pressure by the worse of both numbers, with the guideline defaults", () => {
    const t = defaultThresholds;
    expect(levelOf("blood_pressure", 120, 80, t)).toBe("normal");
    expect(levelOf("blood_pressure", 140, 80, t)).toBe("high");
    expect(levelOf("blood_pressure", 130, 90, t)).toBe("high");
    expect(levelOf("blood_pressure", 150, 120, t)).toBe("critical_high");
    expect(levelOf("blood_pressure", 180, 100, t)).toBe("critical_high");
  });

  it("uses strict 'below' for low limits: glucose 3.9 is normal, 3.8 low, 2.9 critical; SpO2 91 low, 87 critical", () => {
    expect(classify(3.9, defaultThresholds.glucose)).toBe("normal");
    expect(classify(3.8, defaultThresholds.glucose)).toBe("low");
    expect(classify(2.9, defaultThresholds.glucose)).toBe("critical_low");
    expect(classify(14, defaultThresholds.glucose)).toBe("high");
    expect(classify(91, defaultThresholds.spo2)).toBe("low");
    expect(classify(87, defaultThresholds.spo2)).toBe("critical_low");
    expect(classify(95, defaultThresholds.spo2)).toBe("normal");
  });

  it("lets the doctor replace a metric's limits and keeps defaults for the rest", () => {
    const t = effectiveThresholds({ systolic: { high: 130, criticalHigh: 170 } });
    expect(levelOf("blood_pressure", 132, 70, t)).toBe("high");
    expect(t.glucose).toEqual(defaultThresholds.glucose);
    expect(effectiveThresholds("garbage")).toEqual(defaultThresholds);
  });

  it("refuses contradictory limits", () => {
    expect(thresholdsSchema.safeParse({ glucose: { low: 5, high: 4 } }).success).toBe(false);
    expect(thresholdsSchema.safeParse({ glucose: { criticalLow: 4, low: 3.9 } }).success).toBe(false);
    expect(thresholdsSchema.safeParse({ systolic: { high: 190, criticalHigh: 180 } }).success).toBe(false);
  });
});
