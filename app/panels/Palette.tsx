import { NODE_KINDS } from '../../nodes/registry.ts';
import type { NodeKind, NodeRole } from '../../nodes/types.ts';
import { useI18n } from '../i18n/i18n.ts';
import { KIND_MIME } from '../canvas/canvas-drop.ts';
import { viewCentre } from '../canvas/viewport.ts';
import { addNode } from '../store/graph-actions.ts';
import type { MessageKey } from '../i18n/catalog.ts';

const ROLES: { role: NodeRole; label: MessageKey }[] = [
  { role: 'source', label: 'role.source' },
  { role: 'operation', label: 'role.operation' },
  { role: 'enhance', label: 'role.enhance' },
  { role: 'output', label: 'role.output' },
];

const KINDS = Object.values(NODE_KINDS) as NodeKind[];

/** The node palette: drag an entry onto the canvas, or activate it to add at the view's centre. */
export function Palette() {
  const { t, l } = useI18n();
  return (
    <nav className="palette" aria-label={t('palette.title')}>
      <h2>{t('palette.title')}</h2>
      <p className="hint">{t('palette.hint')}</p>
      {ROLES.map(({ role, label }) => (
        <section key={role} className={`palette-group role-${role}`}>
          <h3>{t(label)}</h3>
          <ul>
            {KINDS.filter((k) => k.role === role).map((k) => (
              <li key={k.kind}>
                <button
                  type="button"
                  className={`palette-item role-${role}`}
                  draggable
                  data-kind={k.kind}
                  title={l(k.description)}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(KIND_MIME, k.kind);
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  onClick={() => addNode(k.kind, viewCentre())}
                >
                  <span className="dot" aria-hidden="true" />
                  {l(k.title)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
