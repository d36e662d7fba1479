import { getBezierPath, type ConnectionLineComponentProps } from '@xyflow/react';
import { checkConnection } from '../../nodes/connection.ts';
import { local } from '../i18n/i18n.ts';
import { useEditor } from '../store/editor-store.ts';
import type { FlowNode } from './rf-adapter.ts';

/** The wire being dragged; over a handle that refuses it, the core's reason is shown at the cursor. */
export function WireLine(p: ConnectionLineComponentProps<FlowNode>) {
  const lang = useEditor((s) => s.lang);
  const [path] = getBezierPath({
    sourceX: p.fromX,
    sourceY: p.fromY,
    sourcePosition: p.fromPosition,
    targetX: p.toX,
    targetY: p.toY,
    targetPosition: p.toPosition,
  });
  let reason: string | null = null;
  if (p.connectionStatus === 'invalid' && p.toHandle?.id && p.fromHandle.id) {
    const fromSource = p.fromHandle.type === 'source';
    const attempt = fromSource
      ? {
          source: p.fromNode.id,
          sourceHandle: p.fromHandle.id,
          target: p.toHandle.nodeId,
          targetHandle: p.toHandle.id,
        }
      : {
          source: p.toHandle.nodeId,
          sourceHandle: p.toHandle.id,
          target: p.fromNode.id,
          targetHandle: p.fromHandle.id,
        };
    const v = checkConnection(useEditor.getState().doc, attempt);
    if (!v.ok) reason = local(lang, v.reason);
  }
  return (
    <g className={`wire-line ${p.connectionStatus ?? ''}`}>
      <path d={path} fill="none" className="wire-line-path" />
      {reason && (
        <foreignObject x={p.toX + 12} y={p.toY + 12} width={280} height={120} style={{ overflow: 'visible' }}>
          <div className="wire-reason" role="alert">
            {reason}
          </div>
        </foreignObject>
      )}
    </g>
  );
}
