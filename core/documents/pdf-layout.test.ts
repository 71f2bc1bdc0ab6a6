import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PdfLayout } from "./pdf-layout";

const out = join(import.meta.dirname, "..", "..", "test-output", "documents");

async function textOf(name: string, lines: string[]): Promise<string> {
  const layout = await PdfLayout.create(name);
  for (const line of lines) layout.text(line).text(line, { bold: true });
  const file = join(out, `font-cache-${name}.pdf`);
  writeFileSync(file, await layout.doc.save());
  return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

describe("the per-process font cache", () => {
  it("loses no letter across documents: Cyrillic capitals drawn from Latin glyphs, then the Latin letters themselves", async () => {
    mkdirSync(out, { recursive: true });
    // Disjoint character sets: Noto Sans draws Cyrillic А, Е, К, М, Н, О, Р, С, Т, Х as references to the Latin glyphs.
    const cyrillic = "ТАК ЕМНОРСХ";
    const latin = "Tashkent TAKE EMHOPCX";
    expect(await textOf("cyrillic", [cyrillic])).toContain(cyrillic);
    expect(await textOf("latin", [latin])).toContain(latin);
    const both = await textOf("both", [cyrillic, latin, "Toshkent Oʻzbekiston Şəki"]);
    expect(both).toContain(cyrillic);
    expect(both).toContain(latin);
    expect(both).toContain("Toshkent Oʻzbekiston Şəki");
  });
});
