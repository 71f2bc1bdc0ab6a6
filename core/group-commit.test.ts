import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit";

describe("groupCommit", () => {
  it("runs the calls of one turn together, then those that arrived meanwhile, answering each in order", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const double = groupCommit(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((n) => n * 2);
    }, { max: 100 });

    const first = [1, 2, 3].map(double);
    await new Promise((resolve) => setImmediate(resolve));
    const second = [4, 5].map(double);
    release();
    expect(await Promise.all([...first, ...second])).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it("caps a batch by size, never splitting an item, and fails only the callers of a failing batch", async () => {
    const batches: string[][] = [];
    const run = groupCommit(async (items: string[]) => {
      batches.push(items);
      if (items.includes("bad")) throw new Error("insert failed");
      return items.map((s) => s.length);
    }, { max: 4, size: (s) => s.length });

    const results = await Promise.allSettled(["ab", "cd", "e", "toolong", "bad", "f"].map(run));
    expect(batches).toEqual([["ab", "cd"], ["e"], ["toolong"], ["bad", "f"]]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([2, 2, 1, 7, "insert failed", "insert failed"]);
  });

  it("runs up to `concurrency` batches at once, the calls arriving meanwhile waiting for a free one", async () => {
    let inFlight = 0;
    let most = 0;
    const run = groupCommit(async (items: number[]) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return items;
    }, { max: 1, concurrency: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map(run))).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });
});
