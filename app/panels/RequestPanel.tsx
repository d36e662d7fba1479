import { useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { useEditor } from '../store/editor-store.ts';

/** The compiled request as it will be sent, with the plan in plain words above it. */
export function RequestPanel() {
  const { t, l } = useI18n();
  const compiled = useEditor((s) => s.compiled);
  const [copied, setCopied] = useState(false);
  const json = compiled ? JSON.stringify(compiled.request, null, 2) : '';
  return (
    <section className="request-panel" aria-label={t('request.title')}>
      <header>
        <h2>{t('request.title')}</h2>
        <button
          type="button"
          className="small"
          onClick={async () => {
            await navigator.clipboard?.writeText(json).catch(() => undefined);
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? t('request.copied') : t('request.copy')}
        </button>
      </header>
      {compiled && (
        <p className="plan" data-testid="plan-summary">
          {l(compiled.plan.summary)}
        </p>
      )}
      <pre className="request-json" data-testid="request-json" tabIndex={0}>
        {json}
      </pre>
    </section>
  );
}
