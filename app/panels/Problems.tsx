import type { Diagnostic } from '../../compiler/types.ts';
import { useI18n } from '../i18n/i18n.ts';
import { update, useEditor } from '../store/editor-store.ts';
import { applyEdits, selectOnly } from '../store/graph-actions.ts';
import { selectDistinctNames } from '../lib/node-names.ts';

let focusSeq = 0;
export function focusNode(nodeId: string): void {
  selectOnly([nodeId]);
  update((s) => {
    s.focusRequest = { nodeId, n: ++focusSeq };
  });
}

/** Every diagnostic of the last compile; a click selects and centres its node, a fix is one click. */
export function Problems() {
  const { t, l } = useI18n();
  const compiled = useEditor((s) => s.compiled);
  const stale = useEditor((s) => s.compiledRevision !== s.docRevision);
  const names = useEditor(selectDistinctNames);
  const diags = compiled?.diagnostics ?? [];
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  /** Two nodes of the same name are told apart by their place on the canvas ("Input Image 2"). */
  const nodeName = (d: Diagnostic) => (d.nodeId ? (names.get(d.nodeId) ?? null) : null);
  return (
    <section className="problems" aria-label={t('problems.title')}>
      <header>
        <h2>{t('problems.title')}</h2>
        <span className={`count ${errors ? 'error' : ''}`}>{t('problems.errors', { n: errors })}</span>
        <span className={`count ${warnings ? 'warning' : ''}`}>
          {t('problems.warnings', { n: warnings })}
        </span>
        <span className="status" aria-live="polite">
          {stale ? t('problems.compiling') : ''}
        </span>
      </header>
      {diags.length === 0 ? (
        <p className="hint ok">{t('problems.none')}</p>
      ) : (
        <ul>
          {diags.map((d, i) => (
            <li key={`${d.code}-${d.nodeId}-${d.field}-${i}`} className={`problem ${d.severity}`}>
              <button
                type="button"
                className="problem-main"
                onClick={() => d.nodeId && focusNode(d.nodeId)}
                disabled={!d.nodeId}
              >
                <span className="sev" aria-hidden="true">
                  {d.severity === 'error' ? '✕' : d.severity === 'warning' ? '!' : 'i'}
                </span>
                {nodeName(d) && (
                  <span
                    className="where"
                    title={
                      nodeName(d)!.index
                        ? t('problems.position', { n: nodeName(d)!.index!, of: nodeName(d)!.of! })
                        : undefined
                    }
                  >
                    {nodeName(d)!.name}
                  </span>
                )}
                <span className="msg">{l(d.message)}</span>
                <span className="code">{d.code}</span>
              </button>
              {d.fix && (
                <button type="button" className="fix" onClick={() => applyEdits(d.fix!.edits)}>
                  {t('problems.fix')}: {l(d.fix.label)}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
