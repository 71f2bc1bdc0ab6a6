import { describe, expect, it } from "vitest";
import { fitLengths, meanMinutes, sampleLength } from "./consult-length";
import { abandonmentRate, changedMaterially, estimateWaits, toldWait, type DoctorOutlook, type QueueOutlook } from "./wait-estimate";

const ALL_DAY = [{ from: -60, until: 600 }];
/** Lengths of mean ≈ 15 min with a small spread, so expectations can be read off by hand. */
const steady = fitLengths([14, 15, 16, 15, 14, 16, 15], 15);
const outlook = (waiting: number, doctors: DoctorOutlook[], more: Partial<QueueOutlook> = {}): QueueOutlook => ({
  waiting,
  doctors,
  lengths: steady,
  abandonPerMinute: 0,
  ...more,
});
const median = (o: QueueOutlook, position: number) => estimateWaits(o)[position - 1]?.minutes;

describe("wait estimate", () => {
  it("is zero when a doctor is free and the patient is first", () => {
    expect(median(outlook(1, [{ shifts: ALL_DAY }, { busyElapsedMinutes: 5, shifts: ALL_DAY }]), 1)).toBe(0);
  });

  it("waits for a doctor who comes on shift, and not for one who goes off before their call ends", () => {
    const comingAt30 = { shifts: [{ from: 30, until: 600 }] };
    expect(median(outlook(1, [comingAt30]), 1)).toBe(30);
    // the busy doctor's shift ends in 2 minutes, before their call can end: the next patient waits for the newcomer
    const leaving = { busyElapsedMinutes: 10, shifts: [{ from: -300, until: 2 }] };
    expect(median(outlook(1, [leaving, comingAt30]), 1)).toBe(30);
    // without the roster, the same doctor would have been counted on in about 5 minutes
    expect(median(outlook(1, [{ ...leaving, shifts: ALL_DAY }, comingAt30]), 1)).toBeLessThan(10);
  });

  it("counts on calls that have run long ending soon, but not instantly", () => {
    const spread = { lengths: fitLengths([], 15) };
    const overrun = median(outlook(1, [{ busyElapsedMinutes: 30, shifts: ALL_DAY }], spread), 1)!;
    const justStarted = median(outlook(1, [{ busyElapsedMinutes: 0, shifts: ALL_DAY }], spread), 1)!;
    expect(overrun).toBeGreaterThan(1);
    expect(overrun).toBeLessThan(justStarted / 2);
  });

  it("grows with the position and shrinks with more doctors", () => {
    const doctors = (n: number) => Array.from({ length: n }, () => ({ busyElapsedMinutes: 4, shifts: ALL_DAY }));
    const two = estimateWaits(outlook(10, doctors(2))).map((e) => e!.minutes);
    for (let k = 1; k < 10; k++) expect(two[k]).toBeGreaterThanOrEqual(two[k - 1]!);
    // ten patients, two doctors: five consultations of ≈ 15 minutes each after the current ones (≈ 11 min left)
    expect(two[9]).toBeGreaterThan(60);
    expect(two[9]).toBeLessThan(85);
    expect(median(outlook(6, doctors(3)), 6)).toBeLessThan(median(outlook(6, doctors(1)), 6)!);
  });

  it("expects a shorter wait when patients ahead tend to give up", () => {
    const doctors = [{ busyElapsedMinutes: 0, shifts: ALL_DAY }];
    const staying = median(outlook(5, doctors), 5)!;
    const leaving = median(outlook(5, doctors, { abandonPerMinute: 0.02 }), 5)!;
    expect(leaving).toBeLessThan(staying * 0.8);
  });

  it("is unknown when no doctor is expected on duty within the horizon", () => {
    expect(estimateWaits(outlook(2, []))).toEqual([undefined, undefined]);
    expect(median(outlook(1, [{ shifts: [{ from: 13 * 60, until: 20 * 60 }] }]), 1)).toBeUndefined();
  });

  it("gives the same estimate for the same queue (nobody is told of noise)", () => {
    const o = outlook(8, [{ busyElapsedMinutes: 7, shifts: ALL_DAY }, { busyElapsedMinutes: 2, shifts: ALL_DAY }]);
    expect(estimateWaits(o)).toEqual(estimateWaits(o));
  });

  it("tells a range when uncertain and a single figure when not", () => {
    expect(toldWait({ minutes: 0, low: 0, high: 0 })).toEqual({ minutes: 0 });
    expect(toldWait({ minutes: 12.2, low: 9, high: 16 })).toEqual({ minutes: 13 });
    expect(toldWait({ minutes: 31.4, low: 18.5, high: 47 })).toEqual({ minutes: 32, range: { from: 15, to: 50 } });
    expect(toldWait(undefined)).toEqual({ minutes: undefined });
    // the spread of real lengths makes a long queue's wait a range that holds the median
    const told = toldWait(estimateWaits(outlook(12, [{ busyElapsedMinutes: 3, shifts: ALL_DAY }], { lengths: fitLengths([], 15) }))[11]);
    expect(told.range!.from).toBeLessThanOrEqual(told.minutes!);
    expect(told.range!.to).toBeGreaterThanOrEqual(told.minutes!);
  });

  it("tells the patient only about material changes", () => {
    expect(changedMaterially(undefined, { position: 3, minutes: 20 })).toBe(true);
    expect(changedMaterially({ position: 3, minutes: 20 }, { position: 3, minutes: 21 })).toBe(false);
    expect(changedMaterially({ position: 3, minutes: 20 }, { position: 2, minutes: 12 })).toBe(true);
    expect(changedMaterially({ position: 2, minutes: 4 }, { position: 1, minutes: 3 })).toBe(true);
    expect(changedMaterially({ position: 2, minutes: 60 }, { position: 2, minutes: 64 })).toBe(false);
  });
});

describe("consultation lengths and abandonment", () => {
  it("fits a log-normal to recent lengths, with the configured mean while there are too few", () => {
    expect(meanMinutes(fitLengths([10, 20], 15))).toBeCloseTo(15, 6);
    const fitted = fitLengths([8, 10, 12, 14, 16, 20, 24], 15);
    expect(meanMinutes(fitted)).toBeGreaterThan(13);
    expect(meanMinutes(fitted)).toBeLessThan(16);
  });

  it("draws the rest of a call given what it has lasted", () => {
    const model = fitLengths([], 15);
    for (const u of [0, 0.1, 0.5, 0.9, 0.999]) expect(sampleLength(model, u, 40)).toBeGreaterThanOrEqual(40);
    expect(sampleLength(model, 0.5)).toBeCloseTo(Math.exp(model.mu), 3);
    expect(sampleLength(model, 0.9)).toBeGreaterThan(sampleLength(model, 0.1));
  });

  it("measures giving up per minute waited, and assumes none from too few exits", () => {
    expect(abandonmentRate([{ left: true, waitedMinutes: 5 }])).toBe(0);
    const exits = [...Array(8).fill({ left: false, waitedMinutes: 10 }), { left: true, waitedMinutes: 10 }, { left: true, waitedMinutes: 10 }];
    expect(abandonmentRate(exits)).toBeCloseTo(2 / 100, 6);
  });
});
