import { useEffect, useMemo, useRef, useState } from 'react';
import type { SnippetLanguage } from '../../compiler/authoring/snippets.ts';
import { useI18n } from '../i18n/i18n.ts';
import { isCovered, ownersOf, pathsOf, requestLines } from '../lib/request-lines.ts';
import { requestAsSent } from '../run/request-as-sent.ts';
import { apiBaseUrl, useSettings } from '../run/settings.ts';
import { useEditor } from '../store/editor-store.ts';
import { selectDistinctNames } from '../lib/node-names.ts';
import { focusNode } from './Problems.tsx';

const MODE_LABEL = {
  'text-to-image': { en: 'text to image', zh: '文生图' },
  uov: { en: 'Upscale or Vary', zh: '放大或变化' },
  inpaint: { en: 'Inpaint / Outpaint', zh: '重绘 / 扩图' },
  'image-prompt': { en: 'Image Prompt', zh: '图像提示' },
  enhance: { en: 'Enhance', zh: '增强' },
};

/** Where a copied snippet sends its request: the app server's /api (which adds its key) or FooocusAPI itself. */
export function snippetBaseUrl(): string {
  return apiBaseUrl();
}

/** The request exactly as a run would send it, as JSON or as code. */
export async function snippetFor(lang: SnippetLanguage, withKey: boolean): Promise<string> {
  const res = await requestAsSent(useEditor.getState().doc);
  const key = useSettings.getState().apiKey;
  const o = { baseUrl: snippetBaseUrl(), apiKey: withKey && key ? key : undefined };
  if (res.steps.length > 1) {
    // A script that chains the steps, each taking the previous result image.
    const { toStepsSnippet } = await import('../../compiler/steps/snippets.ts');
    return toStepsSnippet(lang, res.steps, o);
  }
  const { toSnippet } = await import('../../compiler/authoring/snippets.ts');
  return toSnippet(lang, res.request, o);
}

/** The compiled request as it will be sent, with the plan in plain words and where each field came from. */
export function RequestPanel() {
  const { t, l, lang } = useI18n();
  const compiled = useEditor((s) => s.compiled);
  const assets = useEditor((s) => s.doc.assets);
  const selected = useEditor((s) => s.selectedNodes);
  const names = useEditor(selectDistinctNames);
  // A random seed (-1) is drawn when Run is pressed; Copy as and Export request keep -1 (requestAsSent).
  const seedAtRun = useEditor((s) => {
    const ps = s.doc.nodes.find((n) => n.kind === 'promptSettings');
    return !ps || !(Number(ps.params.image_seed) >= 0);
  });
  const config = useSettings((s) => s.config);
  const hasKey = useSettings((s) => !!s.apiKey && !s.config?.serverHoldsKey);
  const [withKey, setWithKey] = useState(false);
  const [copied, setCopied] = useState<SnippetLanguage | null>(null);
  // A graph run as steps: one tab per step's request.
  const [tab, setTab] = useState(0);
  const steps = compiled?.steps ?? [];
  const shown = steps[Math.min(tab, steps.length - 1)];
  const lines = useMemo(() => (shown ? requestLines(shown.request, assets) : []), [shown, assets]);
  const highlighted = useMemo(
    () => (shown ? pathsOf(Object.keys(selected), shown.provenance) : new Set<string>()),
    [shown, selected],
  );
  const view = useRef<HTMLDivElement>(null);
  // A new selection brings its first field into view (not every recompile: typing must not scroll).
  useEffect(() => {
    const el = view.current?.querySelector<HTMLElement>('.json-line.hl');
    const box = view.current?.closest('section');
    if (!el || !box) return;
    const r = el.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - 40;
  }, [selected]);
  const nodeName = (id: string) => names.get(id)?.name ?? id;

  const copy = async (which: SnippetLanguage) => {
    const text = await snippetFor(which, withKey);
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(which);
    setTimeout(() => setCopied((c) => (c === which ? null : c)), 1500);
  };

  const plan = compiled?.plan;
  return (
    <section className="request-panel" aria-label={t('request.title')}>
      <header>
        <h2>{t('request.title')}</h2>
        <div className="copy-row" role="group" aria-label={t('request.copyAs')}>
          <span className="status">{t('request.copyAs')}</span>
          {(['json', 'curl', 'python', 'fetch'] as const).map((k) => (
            <button key={k} type="button" className="small" data-copy={k} onClick={() => void copy(k)}>
              {copied === k ? t('request.copied') : k === 'json' ? 'JSON' : k === 'python' ? 'Python' : k}
            </button>
          ))}
          {hasKey && (
            <label className="check small-check">
              <input type="checkbox" checked={withKey} onChange={(e) => setWithKey(e.target.checked)} />
              <span>{t('request.withKey')}</span>
            </label>
          )}
        </div>
      </header>
      <p className="snippet-target status">
        {config
          ? config.serverHoldsKey
            ? t('request.targetServerKey', { url: snippetBaseUrl() })
            : t('request.targetServer', { url: snippetBaseUrl() })
          : t('request.targetDirect', { url: snippetBaseUrl() })}
        {seedAtRun && (
          <>
            {' '}
            <span data-testid="seed-copies" title={t('request.seedNote')}>
              {t('request.seedCopies')}
            </span>
          </>
        )}
      </p>
      {plan && (
        <div className="plan" data-testid="plan">
          <p data-testid="plan-summary">{l(plan.summary)}</p>
          <p className="plan-facts">
            <span>
              {t('plan.mode')}:{' '}
              <strong>{lang === 'zh' ? MODE_LABEL[plan.mode].zh : MODE_LABEL[plan.mode].en}</strong>
            </span>
            <span>
              {t('plan.images')}:{' '}
              <strong data-testid="plan-images">
                {plan.images.min === plan.images.count
                  ? plan.images.count
                  : `${plan.images.min}–${plan.images.count}`}
              </strong>
            </span>
            {plan.images.caveat && <span className="status">{l(plan.images.caveat)}</span>}
          </p>
          {plan.stages.length > 0 && (
            <ol className="plan-stages">
              {plan.stages.map((s, i) => {
                const size = plan.sizes[s.nodeId];
                return (
                  <li key={`${s.nodeId}-${i}`}>
                    <button type="button" className="link" onClick={() => focusNode(s.nodeId)}>
                      {l(s.label)}
                    </button>
                    {size ? <span className="status"> → {`${size.width} × ${size.height}`}</span> : null}
                  </li>
                );
              })}
            </ol>
          )}
        </div>
      )}
      {steps.length > 1 && (
        <div className="step-tabs" role="tablist" aria-label={l({ en: 'Steps', zh: '步骤' })}>
          {steps.map((_, i) => (
            <button
              key={i}
              type="button"
              role="tab"
              className="small"
              aria-selected={shown === steps[i]}
              data-testid={`step-tab-${i + 1}`}
              onClick={() => setTab(i)}
            >
              {l({ en: `Step ${i + 1}`, zh: `第 ${i + 1} 步` })}
            </button>
          ))}
        </div>
      )}
      {shown?.input && (
        <p className="step-reason status" data-testid="step-reason">
          <button type="button" className="link" onClick={() => focusNode(shown.input!.nodeId)}>
            {l(shown.input.reason)}
          </button>
        </p>
      )}
      <div className="request-json" data-testid="request-json" tabIndex={0} role="list" ref={view}>
        {lines.map((line, i) => {
          const hit = !line.closing && isCovered(line.path, highlighted);
          const owners = shown && line.path ? ownersOf(line.path, shown.provenance) : [];
          const body = (
            <>
              {line.key !== undefined && <span className="json-key">{JSON.stringify(line.key)}: </span>}
              {seedAtRun && line.path === 'image_seed' && !line.closing ? (
                // What Copy as and Export request send (-1), and what Run does with it.
                <span className="json-value" data-testid="seed-at-run" title={t('request.seedNote')}>
                  {`-1${line.text.endsWith(',') ? ',' : ''}`}
                  <span className="seed-at-run">{`  // ${t('request.seedAtRun')}`}</span>
                </span>
              ) : (
                <span className="json-value">{line.text}</span>
              )}
            </>
          );
          return (
            <div
              key={i}
              role="listitem"
              className={`json-line${hit ? ' hl' : ''}${owners.length && !line.closing ? ' owned' : ''}`}
              style={{ paddingLeft: `${line.indent * 1.2}em` }}
              data-path={line.closing ? undefined : line.path}
            >
              {owners.length && !line.closing ? (
                <button
                  type="button"
                  className="json-link"
                  title={t('request.fromNode', { node: nodeName(owners[0]!.nodeId) })}
                  onClick={() => focusNode(owners[0]!.nodeId)}
                >
                  {body}
                </button>
              ) : (
                body
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
