/**
 * Unicode direction controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the invisible
 * marks LRM, RLM and ALM (U+200E, U+200F, U+061C). A patient's "\u202Efdp.exe" would show as "exe.pdf"; none of the
 * console's languages needs them, so each is shown as its code point instead ("[U+202E]fdp.exe"): the doctor sees
 * both the text in the order it was written and that something tried to reorder it.
 */
const directionControls = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

const codePoint = (char: string) => `[U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`;

export const showDirectionControls = (text: string): string => text.replace(directionControls, codePoint);

/**
 * Every string in an api answer, neutralised: the console's free text (messages, file names, names, intake answers)
 * all comes through `api()` — the event streams carry ids and codes — so one place covers every screen, including
 * later ones. The stored text is untouched.
 */
export function neutraliseDirection<T>(value: T): T {
  if (typeof value === "string") return showDirectionControls(value) as T;
  if (Array.isArray(value)) return value.map(neutraliseDirection) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, neutraliseDirection(v)])) as T;
  }
  return value;
}
