import { ApiError } from "./api";

/** What a failed request says to staff: the translated code, else the api's own message. */
export const errorText = (t: (key: string) => string, error: unknown) =>
  error instanceof ApiError ? t(`errors.${error.code}`) || error.message : String(error);
