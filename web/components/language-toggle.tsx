// Vietnamese ⇄ English; the choice persists in localStorage (not in the URL: a shared link keeps the reader's).
import { useI18n } from '../lib/i18n.ts';

export function LanguageToggle() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="btn btn-ghost lang-toggle"
      data-testid="lang-toggle"
      aria-label={t('lang.label')}
      lang={lang === 'vi' ? 'en' : 'vi'}
      onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}
    >
      {t('lang.switch')}
    </button>
  );
}
