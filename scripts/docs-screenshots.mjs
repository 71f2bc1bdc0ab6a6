#!/usr/bin/env node
// Usage: node scripts/docs-screenshots.mjs   (after the Chromium tests have written test-output/)
// Copies a few of the tests' screenshots into docs/ for the README, scaled down and cropped by Chromium itself
// (no image tools needed): the first screen of each, phones at 75 %, desktops at 50 %.
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const shots = [
  // [source under test-output/, name in docs/, source width, height of the part kept]
  ["console-usability/thread-words-1440.png", "console-thread-1440.png", 1440, 900],
  ["console-usability/thread-390.png", "console-thread-390.png", 390, 844],
  ["console-usability/queue-390.png", "console-queue-390.png", 390, 844],
  ["console-signing/sign-refused-1440.png", "console-sign-refused-1440.png", 1440, 900],
  ["widget/tajik-390.png", "widget-tajik-390.png", 390, 844],
  ["call/check-video-server-down-390.png", "call-check-390.png", 390, 844],
];

mkdirSync(path.join(root, "docs"), { recursive: true });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const [source, target, width, height] of shots) {
    const scale = width < 600 ? 0.75 : 0.5;
    const page = await browser.newPage({ viewport: { width: Math.round(width * scale), height: Math.round(height * scale) } });
    const data = readFileSync(path.join(root, "test-output", source)).toString("base64");
    await page.setContent(`<body style="margin:0"><img style="width:${width * scale}px;display:block" src="data:image/png;base64,${data}"></body>`);
    await page.locator("img").evaluate((img) => img.decode());
    await page.screenshot({ path: path.join(root, "docs", target) });
    await page.close();
    console.log(`docs/${target}`);
  }
} finally {
  await browser.close();
}
