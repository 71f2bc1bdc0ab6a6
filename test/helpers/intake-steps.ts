import { questionsFor, type ComplaintArea } from "../../core/intake/questionnaire";

/** A patient in some messenger, as a test drives them: the same steps work for Telegram, VK and the widget. */
export interface ChatDriver {
  say(text: string): Promise<void>;
  press(data: string): Promise<void>;
}

/** The shortest intake after both consents: complaint → area → skip every question → skip the exam → chosen format. */
export async function walkIntake(
  chat: ChatDriver,
  complaint: string,
  options: { area?: ComplaintArea; format?: "async" | "video" | "appointment" | "second_opinion" } = {},
): Promise<void> {
  const area = options.area ?? "other";
  await chat.say(complaint);
  await chat.press(`intake:area:${area}`);
  for (const _question of questionsFor(area)) await chat.press("intake:skipq");
  await chat.press("intake:exam:skip");
  await chat.press(`intake:fmt:${options.format ?? "async"}`);
}
