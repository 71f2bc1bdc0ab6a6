import type { IncomingContent } from "./channel";

/** `/link 123456` → a command event; any other text stays text. The same rule on every messenger. */
export function textContent(text: string): IncomingContent {
  const command = /^\/([a-z_]+)(?:@\w+)?\s*(.*)$/is.exec(text.trim());
  if (command) return { kind: "command", command: command[1]!.toLowerCase(), args: command[2]!.trim() };
  return { kind: "text", text };
}
