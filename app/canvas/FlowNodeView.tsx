import { memo, useContext, useMemo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { checkConnection } from '../../nodes/connection.ts';
import { getKind } from '../../nodes/registry.ts';
import type { NodeKind, PortSpec } from '../../nodes/types.ts';
import { selectDistinctNames } from '../lib/node-names.ts';
import { useI18n } from '../i18n/i18n.ts';
import { kindFields } from '../lib/schema-fields.ts';
import { FieldEditor } from '../fields/FieldEditor.tsx';
import { useNodeDiagnostics } from '../fields/use-field-diagnostics.ts';
import { update, useEditor, type PendingWire } from '../store/editor-store.ts';
import { nodeById } from '../store/selectors.ts';
import type { FlowNode } from './rf-adapter.ts';
import { useRun } from '../run/run-store.ts';
import { openPainter } from '../panels/painter-state.ts';
import { summarizeField } from './field-summary.ts';
import { CompactContext } from './lod.ts';

const TYPE_LABEL = {
  image: { en: 'image', zh: '图像' },
  mask: { en: 'mask', zh: '蒙版' },
  imagePrompt: { en: 'image prompt', zh: '图像提示' },
};

/**
 * One node on the canvas. React Flow re-renders this on every frame of a drag of this node (its
 * position props change); the body below depends only on the id, the selection and whether the
 * zoom is below `LOD_ZOOM` (lod.ts; a boolean: zooming re-renders nodes only when it crosses it), so
 * a drag frame renders nothing else.
 */
export const FlowNodeView = memo(function FlowNodeView({ id, data, selected }: NodeProps<FlowNode>) {
  const compact = useContext(CompactContext);
  return <FlowNodeBody id={id} fallbackKind={data.kind} selected={!!selected} compact={compact} />;
});

/** Title, diagnostics badge, typed ports, key fields (live, or as text when compact), predicted size. */
const FlowNodeBody = memo(function FlowNodeBody({
  id,
  fallbackKind,
  selected,
  compact,
}: {
  id: string;
  fallbackKind: string;
  selected: boolean;
  compact: boolean;
}) {
  const { l, t } = useI18n();
  // This node only: an edit elsewhere leaves this selection's result (the node object) unchanged.
  const node = useEditor((s) => nodeById(s, id));
  const kind = getKind(node?.kind ?? fallbackKind);
  const diags = useNodeDiagnostics(id);
  // Its label (template labels translated), numbered when another node has the same name.
  const distinctName = useEditor((s) => selectDistinctNames(s).get(id)?.name);
  const size = useEditor((s) => {
    const z = s.compiled?.plan.sizes[id];
    return z ? `${z.width} × ${z.height}` : null;
  });
  const stage = useRun((s) => {
    if (s.phase !== 'running' && s.phase !== 'stopping') return null;
    const i = s.running.find((k) => s.stages[k]?.nodeId === id);
    return i === undefined ? null : (s.stages[i]?.label ?? null);
  });
  const progress = useRun((s) => (stage ? Math.round(s.progress) : 0));
  if (!node) return null;
  if (!kind) return <div className="flow-node unknown">{node.kind}</div>;
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  const title = distinctName ?? (node.label || l(kind.title));
  const fields = kindFields(kind).filter((f) => kind.inlineFields.includes(f.key));
  const status = errors.length ? 'error' : warnings.length ? 'warning' : 'ok';
  const hintId = `lod-${id}`;

  return (
    <div
      className={`flow-node role-${kind.role} status-${status}${selected ? ' selected' : ''}${stage ? ' running' : ''}${compact ? ' lod-compact' : ''}`}
      data-kind={node.kind}
      data-running={stage ? 'true' : undefined}
      data-lod={compact ? 'compact' : 'full'}
      role={compact ? 'group' : undefined}
      aria-label={compact ? title : undefined}
      aria-describedby={compact ? hintId : undefined}
    >
      {stage && (
        <div className="flow-node-running" role="status" data-testid="node-running">
          <span className="spinner" aria-hidden="true" />
          {t('run.runningHere')}: {l(stage)} · {progress}%
        </div>
      )}
      <header className="flow-node-header">
        <span className="flow-node-title">{title}</span>
        {diags.length > 0 && (
          <span
            className={`badge ${status}`}
            tabIndex={0}
            aria-label={diags.map((d) => l(d.message)).join(' ')}
          >
            {errors.length ? `✕ ${errors.length}` : `! ${warnings.length}`}
            <span className="badge-popover" role="tooltip">
              {diags.map((d, i) => (
                <span key={i} className={`diag-line ${d.severity}`}>
                  {l(d.message)}
                </span>
              ))}
            </span>
          </span>
        )}
      </header>
      <Ports kind={kind} nodeId={id} nodeTitle={title} />
      {compact ? (
        <>
          <span id={hintId} className="sr-only">
            {t('node.compact')}
          </span>
          {fields.length > 0 && (
            <dl className="flow-node-fields flow-node-summary">
              {fields.map((f) => (
                <div key={f.key} className="summary-row" data-field={f.key}>
                  <dt>{f.meta ? l(f.meta.label) : f.key}</dt>
                  <dd>
                    {summarizeField(f, node.params[f.key], l, {
                      empty: t('node.empty'),
                      random: t('field.random'),
                      on: t('node.on'),
                      off: t('node.off'),
                      image: t('node.hasImage'),
                      noImage: t('node.noImage'),
                    })}
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </>
      ) : (
        fields.length > 0 && (
          <div className="flow-node-fields">
            {fields.map((f) => (
              <FieldEditor key={f.key} node={node} info={f} compact />
            ))}
          </div>
        )
      )}
      {node.kind === 'mask' && (
        <button type="button" className="small nodrag paint-button" onClick={() => openPainter(id)}>
          ✎ {t('painter.open')}
        </button>
      )}
      {size && (
        <footer className="flow-node-footer" title={t('inspector.predicted')}>
          {t('node.size')}: {size}
        </footer>
      )}
    </div>
  );
});

function Ports({ kind, nodeId, nodeTitle }: { kind: NodeKind; nodeId: string; nodeTitle: string }) {
  const pending = useEditor((s) => s.pending);
  const doc = useEditor((s) => (s.pending ? s.doc : null));
  const { lang, t, l } = useI18n();
  const verdicts = useMemo(() => {
    const out = new Map<string, string | null>();
    if (!pending || !doc || pending.nodeId === nodeId) return out;
    const mine = pending.handleType === 'source' ? kind.inputs : kind.outputs;
    for (const p of mine) {
      const v = checkConnection(
        doc,
        pending.handleType === 'source'
          ? { source: pending.nodeId, sourceHandle: pending.handleId, target: nodeId, targetHandle: p.id }
          : { source: nodeId, sourceHandle: p.id, target: pending.nodeId, targetHandle: pending.handleId },
      );
      out.set(p.id, v.ok ? null : lang === 'zh' ? v.reason.zh : v.reason.en);
    }
    return out;
  }, [pending, doc, kind, nodeId, lang]);
  if (!kind.inputs.length && !kind.outputs.length) return null;
  const sameSide = (type: 'source' | 'target') =>
    !!pending && pending.nodeId !== nodeId && pending.handleType === type;

  const handle = (p: PortSpec, type: 'source' | 'target') => {
    const reason = verdicts.get(p.id);
    const dim = reason !== undefined && reason !== null;
    const label = t(type === 'target' ? 'node.handleIn' : 'node.handleOut', {
      port: l(p.label),
      type: l(TYPE_LABEL[p.type]),
      node: nodeTitle,
    });
    return (
      <Handle
        type={type}
        position={type === 'target' ? Position.Left : Position.Right}
        id={p.id}
        className={`port port-${p.type}${dim || sameSide(type) ? ' dim' : ''}${pending && !dim && !sameSide(type) && pending.nodeId !== nodeId ? ' ok' : ''}`}
        tabIndex={0}
        role="button"
        aria-label={label}
        title={dim ? reason : label}
        data-reason={dim ? reason : undefined}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            e.stopPropagation();
            openConnectSearch({ nodeId, handleId: p.id, handleType: type });
          }
        }}
      >
        {dim && <span className="port-reason">{reason}</span>}
      </Handle>
    );
  };

  return (
    <div className="flow-node-ports">
      <div className="ports-in">
        {kind.inputs.map((p) => (
          <div key={p.id} className="port-row in">
            {handle(p, 'target')}
            <span className="port-label">
              {l(p.label)}
              {p.required ? ' *' : ''}
              {p.multiple ? ' ⋯' : ''}
            </span>
          </div>
        ))}
      </div>
      <div className="ports-out">
        {kind.outputs.map((p) => (
          <div key={p.id} className="port-row out">
            <span className="port-label">{l(p.label)}</span>
            {handle(p, 'source')}
          </div>
        ))}
      </div>
    </div>
  );
}

/** Keyboard wiring: Enter on a port opens the search to connect it to a new or existing node. */
export function openConnectSearch(from: PendingWire): void {
  const n = useEditor.getState().doc.nodes.find((x) => x.id === from.nodeId);
  const position = n
    ? { x: n.position.x + (from.handleType === 'source' ? 320 : -320), y: n.position.y }
    : { x: 0, y: 0 };
  update((s) => {
    s.search = { mode: 'connect', position, from };
  });
}
