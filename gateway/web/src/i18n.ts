// The interface's languages: every string comes from the translation file of the chosen
// language (i18n/<lang>.json, one key set for all three), and dates and numbers are
// formatted for it. Times are shown in Baghdad time, the time both forces work in, with
// UTC on hover.
import ar from "./i18n/ar.json";
import ckb from "./i18n/ckb.json";
import en from "./i18n/en.json";

export type Lang = "en" | "ar" | "ckb";
export const languages: Lang[] = ["ar", "ckb", "en"];
const catalogs: Record<Lang, Record<string, string>> = { en, ar, ckb };
const rtl: Record<Lang, boolean> = { en: false, ar: true, ckb: true };
// Sorani's own locale where the browser knows it; Iraqi Arabic's digits otherwise.
const locales: Record<Lang, string[]> = { en: ["en-GB"], ar: ["ar-IQ"], ckb: ["ckb-IQ", "ckb", "ar-IQ"] };
export const timeZone = "Asia/Baghdad";

let lang: Lang = "en";

export function currentLang(): Lang {
  return lang;
}

// setLang switches the language and the document's lang and dir.
export function setLang(l: Lang): void {
  lang = l;
  document.documentElement.lang = l;
  document.documentElement.dir = rtl[l] ? "rtl" : "ltr";
  localStorage.setItem("tansiq.lang", l);
}

export function initialLang(): Lang {
  const saved = localStorage.getItem("tansiq.lang");
  if (saved && saved in catalogs) return saved as Lang;
  const nav = navigator.language.slice(0, 3).replace("-", "");
  return nav === "ar" ? "ar" : nav === "ckb" ? "ckb" : "en";
}

// has tells whether key exists: error reasons and field names are looked up by what the
// server sends, with a general text when the interface has none for it.
export function has(key: string): boolean {
  return key in catalogs[lang];
}

// t returns the string of key in the current language, with {name} placeholders filled.
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const s = catalogs[lang][key] ?? catalogs.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? fmtValue(vars[k]) : `{${k}}`));
}

function fmtValue(v: string | number): string {
  return typeof v === "number" ? fmtNumber(v) : v;
}

function locale(): string {
  const supported = Intl.DateTimeFormat.supportedLocalesOf(locales[lang]);
  return supported[0] ?? locales[lang][locales[lang].length - 1];
}

export function fmtNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

// fmtTime formats an instant in Baghdad time.
export function fmtTime(d: Date): string {
  return new Intl.DateTimeFormat(locale(), { timeZone, dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function fmtDate(d: Date): string {
  return new Intl.DateTimeFormat(locale(), { timeZone, dateStyle: "medium" }).format(d);
}

// utcTitle is the same instant in UTC, for the hover text.
export function utcTitle(d: Date): string {
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

// localized picks the name in the current language from a LocalizedName.
export function localized(n: { arabic: string; sorani: string; english: string } | undefined): string {
  if (!n) return "";
  const pick = lang === "ar" ? n.arabic : lang === "ckb" ? n.sorani : n.english;
  return pick || n.english || n.arabic || n.sorani;
}
