import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config";
import { LabDirectory, labsConfigSchema, loadLabs } from "./labs-config";

const labs = [
  { id: "helix", name: "Helix", delivery: { type: "push", token: "helix-token-0123456789" } },
  { id: "kdl", name: "KDL", delivery: { type: "push", tokenSha256: createHash("sha256").update("kdl-token-0123456789").digest("hex") } },
  { id: "invitro", name: "Invitro", delivery: { type: "pull", baseUrl: "https://fhir.invitro.example/r4" } },
];

describe("partner laboratories", () => {
  it("reads LABS_CONFIG and authenticates pushing labs by token or its sha256", () => {
    const config = loadConfig({ LABS_CONFIG: JSON.stringify(labs) });
    const directory = new LabDirectory(loadLabs(config));
    expect(directory.authenticates("helix", "helix-token-0123456789")).toBe(true);
    expect(directory.authenticates("helix", "kdl-token-0123456789")).toBe(false);
    expect(directory.authenticates("kdl", "kdl-token-0123456789")).toBe(true);
    expect(directory.authenticates("invitro", "anything-at-all-here")).toBe(false);
    expect(directory.authenticates("nope", "helix-token-0123456789")).toBe(false);
    expect(directory.pulling().map((l) => [l.id, l.delivery.intervalSeconds])).toEqual([["invitro", 300]]);
  });

  it("reads the same JSON from LABS_CONFIG_FILE", () => {
    const file = join(mkdtempSync(join(tmpdir(), "labs-")), "labs.json");
    writeFileSync(file, JSON.stringify(labs));
    expect(loadLabs(loadConfig({ LABS_CONFIG_FILE: file })).map((l) => l.id)).toEqual(["helix", "kdl", "invitro"]);
  });

  it("stops the start with a clear line for a bad laboratory list", () => {
    expect(labsConfigSchema.safeParse("not json").error?.issues[0]?.message).toBe("must be JSON");
    const duplicate = JSON.stringify([labs[0], labs[0]]);
    expect(() => loadConfig({ LABS_CONFIG: duplicate })).toThrow(ConfigError);
    expect(() => loadConfig({ LABS_CONFIG: JSON.stringify([{ id: "x", name: "X", delivery: { type: "push" } }]) })).toThrow(
      /LABS_CONFIG: .*push delivery needs token or tokenSha256/,
    );
  });
});
