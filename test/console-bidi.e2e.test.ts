import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, loginConsole, staffPassword, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

let h: Harness;
let browser: Browser;
let base: string;
beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
});
afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

/**
 * The characters of an element in the order the eye reads them on screen: each one's box from a Range, sorted by
 * line and then left to right; invisible ones (zero width) drop out. innerText would give the stored order instead,
 * which is exactly what a direction override hides.
 */
const seenOrder = new Function(
  "element",
  `const seen = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let offset = 0;
    for (const ch of node.data) {
      const range = document.createRange();
      range.setStart(node, offset);
      range.setEnd(node, offset + ch.length);
      const box = range.getBoundingClientRect();
      if (box.width > 0) seen.push({ ch, x: box.left, line: Math.round(box.top / 4) });
      offset += ch.length;
    }
  }
  return seen.sort((a, b) => a.line - b.line || a.x - b.x).map((c) => c.ch).join("");`,
) as (element: unknown) => string; // written as text: the tests compile without the DOM's types
const onScreen = (locator: Locator) => locator.evaluate(seenOrder);

describe("direction-override characters in the console", () => {
  it("show as what they are in a patient's message, a file name and a staff name, without reordering the text", async () => {
    const email = `bidi-${Date.now()}@clinic.test`;
    const created = await h.services.staff.create({
      email,
      name: "Dr \u202Eavon",
      role: "doctor",
      password: staffPassword,
      specialties: ["gp"],
      languages: ["ru", "en"],
    });
    const patient = h.newPatient("en");
    await h.openConsultation(patient, "A rash on my arm");
    await expect.poll(() => h.db.consultation.findFirst({ where: { account: { externalUserId: String(patient.id) } } })).toBeTruthy();
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });
    // The patient's text reaches the consultation as any message does; it is stored as written.
    await h.say(patient, "\u202Efdp.exe");
    await expect.poll(() => h.db.message.count({ where: { consultationId: consultation.id, text: "\u202Efdp.exe" } })).toBe(1);
    const fileId = await h.services.files.save(Buffer.from("%PDF-1.4 test"), { mimeType: "application/pdf", fileName: "invoice\u2066\u202Egpj.exe\u2069" });
    await h.db.message.create({
      data: {
        consultationId: consultation.id,
        authorRole: "patient",
        text: "see \u2067attached\u2069 \u200F.",
        attachments: [{ fileId, kind: "document", mimeType: "application/pdf", fileName: "invoice\u2066\u202Egpj.exe\u2069", size: 13 }],
      },
    });

    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 800 } });
    const page = await loginConsole(context, base, { email, secret: created.totpSecret, doctorId: created.staff.doctor!.id });
    const row = page.locator(`li[data-id="${consultation.id}"]`);
    await row.getByRole("button", { name: "Open" }).click();
    await page.getByTestId("thread").waitFor();

    const message = page.locator(".msg .text", { hasText: "fdp.exe" });
    expect(await onScreen(message)).toBe("[U+202E]fdp.exe");
    expect(await message.innerText()).not.toContain("\u202E");
    expect(await onScreen(page.locator(".msg a", { hasText: "invoice" }))).toBe("📎 invoice[U+2066][U+202E]gpj.exe[U+2069]");
    expect(await onScreen(page.locator(".msg .text", { hasText: "attached" }))).toBe("see [U+2067]attached[U+2069] [U+200F].");
    expect(await onScreen(page.locator(".who span"))).toBe("Dr [U+202E]avon · doctor");
    // The stored text keeps what the patient wrote.
    expect(await h.db.message.count({ where: { consultationId: consultation.id, text: "\u202Efdp.exe" } })).toBe(1);
    await page.screenshot({ path: "test-output/console/bidi-thread.png", fullPage: true });
    await context.close();
  });
});
