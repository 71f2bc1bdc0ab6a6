import type { ButtonHandler, CommandHandler } from "./handlers";
import type { PatientPreferences } from "../patients/patient-preferences-repository";
import { formatDateTime } from "./format-date";

/** The zones our patients live in (Russia, Central Asia, the Caucasus), with their city as the label. */
export const patientTimezones = {
  kaliningrad: "Europe/Kaliningrad",
  moscow: "Europe/Moscow",
  samara: "Europe/Samara",
  yekaterinburg: "Asia/Yekaterinburg",
  tashkent: "Asia/Tashkent",
  dushanbe: "Asia/Dushanbe",
  bishkek: "Asia/Bishkek",
  baku: "Asia/Baku",
  novosibirsk: "Asia/Novosibirsk",
  vladivostok: "Asia/Vladivostok",
} as const;
type City = keyof typeof patientTimezones;
const cities = Object.keys(patientTimezones) as City[];

/** `/timezone` and its `tz:<city>` buttons: dates and times the patient gets are shown in this zone. */
export function timezoneHandlers(preferences: PatientPreferences, now: () => Date = () => new Date()): { command: CommandHandler; buttons: ButtonHandler } {
  return {
    command: {
      command: "timezone",
      beforeConsent: true,
      handle: async (account, _args, t) => {
        const current = await preferences.timezone(account.patientId);
        const buttons = cities.map((city) => ({ label: t(`timezone.city.${city}`), data: `tz:${city}` }));
        const rows = Array.from({ length: Math.ceil(buttons.length / 2) }, (_, i) => buttons.slice(i * 2, i * 2 + 2));
        return [{ text: t("timezone.ask", { now: formatDateTime(now(), current, account.language) }), buttons: rows }];
      },
    },
    buttons: {
      prefix: "tz",
      handle: async (account, data, t) => {
        const city = cities.find((c) => `tz:${c}` === data);
        if (!city) return [];
        await preferences.setTimezone(account.patientId, patientTimezones[city]);
        return [{ text: t("timezone.changed", { city: t(`timezone.city.${city}`), now: formatDateTime(now(), patientTimezones[city], account.language) }) }];
      },
    },
  };
}
