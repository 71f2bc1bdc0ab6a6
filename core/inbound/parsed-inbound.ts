/** What an edge makes of a raw update once the sender is verified (see core/inbound/inbound-intake.ts). */
export type ParsedInbound =
  | { kind: "event"; id: string; chatKey: string }
  /** An update type we do not handle (an edited message, a group chat): acknowledged, not kept. */
  | { kind: "ignored" }
  /** Fields missing or of the wrong type: acknowledged and kept as a dead letter, never retried. */
  | { kind: "malformed"; reason: string };
