import { useState, type FormEvent } from "react";
import { api, ApiError, type Staff } from "./api";
import { setLanguage, useT } from "./i18n";

export function Login({ onLoggedIn }: { onLoggedIn: (staff: Staff) => void }) {
  const { t, language } = useT();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { staff } = await api<{ staff: Staff }>("/auth/login", { method: "POST", body: { email, password, code } });
      onLoggedIn(staff);
    } catch (e) {
      setError(e instanceof ApiError && e.code === "rate_limited" ? t("login.rateLimited") : t("login.failed"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="login" onSubmit={submit}>
      <h1>Telecons</h1>
      <p className="muted">{t("login.title")}</p>
      <label>
        {t("login.email")}
        <input name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
      </label>
      <label>
        {t("login.password")}
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <label>
        {t("login.code")}
        <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} required />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("login.submit")}
      </button>
      <button type="button" className="link" onClick={() => setLanguage(language === "ru" ? "en" : "ru")}>
        {language === "ru" ? "English" : "Русский"}
      </button>
    </form>
  );
}
