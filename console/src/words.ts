import { useEffect, useState } from "react";
import { api } from "./api";
import { useT } from "./i18n";

/**
 * Internal codes turned into the words a doctor reads (issue 16): waiting times, triage answers as the patient saw
 * the question, specialty names from the clinic's directory.
 */
type T = ReturnType<typeof useT>["t"];

/** "5 мин", "3 ч", "2 дн." — how long something has waited, in the console's language. */
export function age(t: T, from: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - new Date(from).getTime()) / 60_000));
  if (minutes < 60) return t("age.minutes", { count: minutes });
  if (minutes < 48 * 60) return t("age.hours", { count: Math.floor(minutes / 60) });
  return t("age.days", { count: Math.floor(minutes / 1440) });
}

/** A triage question as the bot asked it (locales/<lang>/bot.json), in the console's language. */
export const questionText = (t: T, questionId: string) => t(`bot:intake.q.${questionId}.text`, { defaultValue: questionId });

/** The patient's answer as the button they pressed said it; numbers and free text as they are. */
export function answerText(t: T, questionId: string, answer: unknown): string {
  if (typeof answer === "boolean") return t(`bot:intake.answer.${answer ? "yes" : "no"}`);
  if (typeof answer === "string") return t(`bot:intake.q.${questionId}.options.${answer}`, { defaultValue: answer });
  return typeof answer === "number" ? String(answer) : JSON.stringify(answer);
}

/** The patients' languages in the order the bot offers them. */
export const patientLanguages = ["ru", "en", "uz", "tg", "ky", "az"];

/** A patient's language by name ("таджикский"), not code, in the console's language. */
export const languageName = (uiLanguage: string, code: string) => {
  try {
    return new Intl.DisplayNames([uiLanguage], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
};

export interface Specialty {
  code: string;
  nameRu: string;
  nameEn: string;
  active: boolean;
}

// Read once per page: the names change only when an admin edits them (Specialties.tsx calls forgetSpecialties()).
let specialties: Promise<Specialty[]> | null = null;
export const forgetSpecialties = () => {
  specialties = null;
};

/** The clinic's specialties and a function naming one by its code in the console's language. */
export function useSpecialties() {
  const { language } = useT();
  const [list, setList] = useState<Specialty[]>([]);
  useEffect(() => {
    specialties ??= api<{ specialties: Specialty[] }>("/specialties").then((r) => r.specialties);
    let cancelled = false;
    specialties.then(
      (r) => !cancelled && setList(r),
      () => {
        specialties = null;
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);
  const name = (code: string) => {
    const found = list.find((s) => s.code === code);
    return found ? (language === "ru" ? found.nameRu : found.nameEn) : code;
  };
  return { list, name };
}
