import { useI18n } from '../i18n/i18n.ts';
import { sealHistory, useEditor } from '../store/editor-store.ts';
import {
  renameExposed,
  selectOnly,
  setOverflow,
  setWorkflowMeta,
  toggleExposed,
} from '../store/graph-actions.ts';
import { selectNodeNames } from '../store/selectors.ts';
import { nodeDisplayName } from '../lib/node-names.ts';

/** Shown when nothing is selected: the workflow's name, description and exposed parameters. */
export function WorkflowPanel() {
  const { t, l, lang } = useI18n();
  const name = useEditor((s) => s.doc.name);
  const description = useEditor((s) => s.doc.description);
  const exposed = useEditor((s) => s.doc.exposed);
  const overflow = useEditor((s) => s.doc.overflow ?? 'one-request');
  const names = useEditor(selectNodeNames);
  return (
    <div className="workflow-panel">
      <h2>{t('inspector.workflow')}</h2>
      <div className="field">
        <label className="field-label" htmlFor="wf-name">
          {t('workflow.name')}
        </label>
        <input
          id="wf-name"
          type="text"
          value={name}
          onChange={(e) => setWorkflowMeta('name', e.target.value)}
          onBlur={sealHistory}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="wf-desc">
          {t('workflow.description')}
        </label>
        <textarea
          id="wf-desc"
          rows={4}
          value={description}
          placeholder={t('workflow.descriptionPlaceholder')}
          onChange={(e) => setWorkflowMeta('description', e.target.value)}
          onBlur={sealHistory}
        />
      </div>
      <fieldset className="field overflow-setting" data-testid="overflow-setting">
        <legend className="field-label">
          {l({ en: 'When one request cannot do it all', zh: '一个请求无法完成全部时' })}
        </legend>
        {(
          [
            [
              'steps',
              { en: 'Split into steps (one request after another)', zh: '拆分为多个步骤（依次发送请求）' },
            ],
            [
              'one-request',
              {
                en: 'One request, as Fooocus would (warns what it drops)',
                zh: '一个请求，与 Fooocus 相同（提示被丢弃的部分）',
              },
            ],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="check">
            <input
              type="radio"
              name="wf-overflow"
              value={value}
              checked={overflow === value}
              onChange={() => setOverflow(value)}
            />
            <span>{l(label)}</span>
          </label>
        ))}
      </fieldset>
      <h3>{t('inspector.exposedList')}</h3>
      {exposed.length === 0 && <p className="hint">{t('inspector.noneExposed')}</p>}
      <ul className="exposed-list">
        {exposed.map((x) => {
          const n = names.get(x.nodeId);
          return (
            <li key={`${x.nodeId}.${x.param}`}>
              <button type="button" className="link" onClick={() => selectOnly([x.nodeId])}>
                {n ? nodeDisplayName(n, lang) : x.nodeId} · {x.param}
              </button>
              <input
                type="text"
                aria-label={`${t('inspector.exposed')} ${x.param}`}
                value={x.name}
                onChange={(e) => renameExposed(x.nodeId, x.param, e.target.value)}
                onBlur={sealHistory}
              />
              <button
                type="button"
                className="small"
                aria-label={`${t('field.remove')} ${x.name}`}
                onClick={() => toggleExposed(x.nodeId, x.param)}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
