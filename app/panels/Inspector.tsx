import { getKind } from '../../nodes/registry.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { useI18n } from '../i18n/i18n.ts';
import { kindFields, type FieldInfo } from '../lib/schema-fields.ts';
import { FieldEditor } from '../fields/FieldEditor.tsx';
import { sealHistory, useEditor } from '../store/editor-store.ts';
import { nodeById } from '../store/selectors.ts';
import { deleteNodes, duplicateSelection, setLabel, toggleExposed } from '../store/graph-actions.ts';
import { WorkflowPanel } from './WorkflowPanel.tsx';
import { openPainter } from './painter-state.ts';
import type { MessageKey } from '../i18n/catalog.ts';

const GROUPS: { id: string | undefined; label: MessageKey | null }[] = [
  { id: undefined, label: null },
  { id: 'inpaint', label: 'inspector.inpaint' },
  { id: 'mask', label: 'inspector.mask' },
  { id: 'output', label: 'inspector.output' },
  { id: 'advanced', label: 'inspector.advanced' },
];

/** The selected node's full form, generated from its schema; the workflow's own settings otherwise. */
export function Inspector() {
  const { t } = useI18n();
  const selected = useEditor((s) => s.selectedNodes);
  const ids = Object.keys(selected);
  const only = ids.length === 1 ? ids[0] : undefined;
  const node = useEditor((s) => (only ? nodeById(s, only) : undefined));
  return (
    <aside className="inspector" aria-label={t('inspector.title')}>
      {node ? (
        <NodeForm node={node} />
      ) : ids.length > 1 ? (
        <p className="hint">{t('inspector.multi', { n: ids.length })}</p>
      ) : (
        <WorkflowPanel />
      )}
    </aside>
  );
}

function NodeForm({ node }: { node: WorkflowNode }) {
  const { t, l } = useI18n();
  const kind = getKind(node.kind);
  const exposed = useEditor((s) => s.doc.exposed);
  const size = useEditor((s) => s.compiled?.plan.sizes[node.id]);
  if (!kind) return null;
  const fields = kindFields(kind);
  const isExposed = (f: FieldInfo) => exposed.some((x) => x.nodeId === node.id && x.param === f.key);
  return (
    <div className="node-form" data-node={node.id}>
      <h2>{l(kind.title)}</h2>
      <p className="hint">{l(kind.description)}</p>
      <div className="field">
        <label className="field-label" htmlFor={`label-${node.id}`}>
          {t('inspector.label')}
        </label>
        <input
          id={`label-${node.id}`}
          type="text"
          value={node.label ?? ''}
          placeholder={l(kind.title)}
          onChange={(e) => setLabel(node.id, e.target.value)}
          onBlur={sealHistory}
        />
      </div>
      {size !== undefined && kind.kind !== 'note' && (
        <p className="predicted">
          {t('inspector.predicted')}:{' '}
          <strong>{size ? `${size.width} × ${size.height}` : t('inspector.unknownSize')}</strong>
        </p>
      )}
      {node.kind === 'mask' && (
        <button
          type="button"
          className="primary paint-open"
          onClick={() => openPainter(node.id)}
          data-testid="open-painter"
        >
          ✎ {t('painter.open')}
        </button>
      )}
      {GROUPS.map((g) => {
        const list = fields.filter((f) => f.meta?.group === g.id);
        if (!list.length) return null;
        const body = list.map((f) => (
          <div className="field-with-pin" key={f.key}>
            <FieldEditor node={node} info={f} />
            {kind.kind !== 'note' && (
              <button
                type="button"
                className={`pin${isExposed(f) ? ' on' : ''}`}
                aria-pressed={isExposed(f)}
                aria-label={`${t('inspector.expose')}: ${f.meta ? l(f.meta.label) : f.key}`}
                title={t('inspector.expose')}
                onClick={() => toggleExposed(node.id, f.key)}
              >
                ⚲
              </button>
            )}
          </div>
        ));
        return g.label ? (
          <details key={g.label} className="group" open={g.id !== 'advanced'}>
            <summary>{t(g.label)}</summary>
            {body}
          </details>
        ) : (
          <div key="main">{body}</div>
        );
      })}
      <div className="form-actions">
        <button type="button" onClick={duplicateSelection}>
          {t('inspector.duplicate')}
        </button>
        <button type="button" className="danger" onClick={() => deleteNodes([node.id])}>
          {t('inspector.delete')}
        </button>
      </div>
    </div>
  );
}
