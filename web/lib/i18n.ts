// Vietnamese first, English on request: a tiny dictionary and the chosen language, kept in localStorage.
// Names of subsystems, KPIs, units and agencies come from the API in both languages (or Vietnamese only).
import { useMemo, useSyncExternalStore } from 'react';
import { createFormatter, type Formatter } from '../../common/format.ts';
import { type MessageKey, translate } from '../../common/messages.ts';
import type { Lang } from '../../common/vocabulary.ts';

export { hasMessage, translate } from '../../common/messages.ts';
export type { MessageKey };

const STORAGE_KEY = 'ioc.lang';

// ---- the chosen language: a tiny external store over localStorage ---------------------------------------

const listeners = new Set<() => void>();

function readStored(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

let current: Lang = readStored();

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or a locked-down kiosk: the choice lasts for this page only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const l of listeners) l();
}

function subscribe(l: () => void) {
  listeners.add(l);
  const onStorage = (e: StorageEvent) => {
    if (e.key === STORAGE_KEY) {
      current = readStored();
      l();
    }
  };
  globalThis.addEventListener?.('storage', onStorage);
  return () => {
    listeners.delete(l);
    globalThis.removeEventListener?.('storage', onStorage);
  };
}

export interface I18n {
  lang: Lang;
  t: (key: MessageKey) => string;
  /** Pick the name in the UI language from a {vi, en} pair. */
  name: (n: { vi: string; en: string } | null | undefined) => string;
  fmt: Formatter;
  setLang: (lang: Lang) => void;
}

/** The UI language, its messages and the formatter bound to it. */
export function useI18n(): I18n {
  const lang = useSyncExternalStore(subscribe, getLang, () => 'vi' as Lang);
  return useMemo(
    () => ({
      lang,
      t: (key: MessageKey) => translate(lang, key),
      name: (n) => (n ? (lang === 'en' ? n.en || n.vi : n.vi) : ''),
      fmt: createFormatter(lang),
      setLang,
    }),
    [lang],
  );
}
