import { describe, expect, it } from "vitest";
import { changedMaterially, estimateWaitMinutes, movingAverageMinutes } from "./wait-estimate";

describe("wait estimate", () => {
  it("is zero when a doctor is free and the patient is first", () => {
    expect(estimateWaitMinutes({ position: 1, doctorsOnDuty: 2, busyElapsedMinutes: [5], meanConsultMinutes: 15 })).toBe(0);
  });

  it("reduces to the M/M/c formula when every doctor just started a call", () => {
    for (const c of [1, 2, 4]) {
      for (const k of [1, 3, 8]) {
        const estimate = estimateWaitMinutes({ position: k, doctorsOnDuty: c, busyElapsedMinutes: Array(c).fill(0), meanConsultMinutes: 12 })!;
        // k departures are needed; with c doctors they come every mean/c minutes on average
        expect(estimate).toBeGreaterThanOrEqual(Math.floor((k - 1) / c) * 12);
        expect(estimate).toBeLessThanOrEqual(Math.ceil(k / c) * 12);
      }
    }
  });

  it("grows with the position and shrinks with more doctors", () => {
    const at = (position: number, doctors: number) =>
      estimateWaitMinutes({ position, doctorsOnDuty: doctors, busyElapsedMinutes: Array(doctors).fill(4), meanConsultMinutes: 15 })!;
    for (let k = 1; k < 10; k++) expect(at(k + 1, 2)).toBeGreaterThanOrEqual(at(k, 2));
    expect(at(6, 3)).toBeLessThan(at(6, 1));
  });

  it("counts on calls that have run long ending soon, but not instantly", () => {
    const overrun = estimateWaitMinutes({ position: 1, doctorsOnDuty: 1, busyElapsedMinutes: [40], meanConsultMinutes: 16 })!;
    expect(overrun).toBe(4);
  });

  it("is unknown without doctors on duty", () => {
    expect(estimateWaitMinutes({ position: 1, doctorsOnDuty: 0, busyElapsedMinutes: [], meanConsultMinutes: 15 })).toBeUndefined();
  });

  it("averages recent durations, falling back while there are too few", () => {
    expect(movingAverageMinutes([10, 20], 15)).toBe(15);
    expect(movingAverageMinutes([10, 20, 30], 15)).toBe(20);
  });

  it("tells the patient only about material changes", () => {
    expect(changedMaterially(undefined, { position: 3, minutes: 20 })).toBe(true);
    expect(changedMaterially({ position: 3, minutes: 20 }, { position: 3, minutes: 21 })).toBe(false);
    expect(changedMaterially({ position: 3, minutes: 20 }, { position: 2, minutes: 12 })).toBe(true);
    expect(changedMaterially({ position: 2, minutes: 4 }, { position: 1, minutes: 3 })).toBe(true);
    expect(changedMaterially({ position: 2, minutes: 60 }, { position: 2, minutes: 64 })).toBe(false);
  });
});
