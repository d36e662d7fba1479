import { lazy, memo, Suspense } from 'react';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { useI18n } from '../i18n/i18n.ts';
import { fieldError, type FieldInfo } from '../lib/schema-fields.ts';
import { sealHistory } from '../store/editor-store.ts';
import { setParam } from '../store/graph-actions.ts';
import { NumberInput } from './NumberInput.tsx';
import { ImageField } from './ImageField.tsx';
import { LorasField } from './LorasField.tsx';
import type { LoraValue } from './lora-value.ts';
import { useFieldDiagnostics } from './use-field-diagnostics.ts';
import { choiceLabel } from '../i18n/enum-labels.ts';

// The style picker, with the 279 stock style names offered before the server's list is known, shows
// only in the inspector of a Prompt & Settings node: fetched when first shown, not in the first load.
const StylesField = lazy(() => import('./StylesField.tsx').then((m) => ({ default: m.StylesField })));

export interface FieldEditorProps {
  node: WorkflowNode;
  info: FieldInfo;
  /** On the node itself: smaller widgets, no help text. */
  compact?: boolean;
}

/** One parameter's widget, chosen from its schema and metadata, with its errors under it. */
export const FieldEditor = memo(function FieldEditor({ node, info, compact = false }: FieldEditorProps) {
  const { l, t } = useI18n();
  const value = node.params[info.key];
  const id = `${compact ? 'n' : 'i'}-${node.id}-${info.key}`;
  const label = info.meta ? l(info.meta.label) : info.key;
  const set = (v: unknown, burst = true) => setParam(node.id, info.key, v, { burst });
  const schemaError = fieldError(info, value);
  const diags = useFieldDiagnostics(node.id, info.key);
  const cls = `field field-${info.widget}${compact ? ' compact' : ''}${schemaError || diags.some((d) => d.severity === 'error') ? ' has-error' : ''}`;
  const help = !compact && info.meta?.help ? l(info.meta.help) : null;
  const helpId = help ? `${id}-help` : undefined;
  const control = renderControl();

  return (
    <div className={cls} data-field={info.key}>
      {info.widget !== 'checkbox' && (
        <label htmlFor={id} className="field-label">
          {label}
        </label>
      )}
      {control}
      {help && (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      )}
      {schemaError && !compact && (
        <p className="field-error" role="alert">
          {t('field.invalid')}: {schemaError}
        </p>
      )}
      {!compact &&
        diags.map((d, i) => (
          <p key={i} className={`field-diag ${d.severity}`}>
            {l(d.message)}
          </p>
        ))}
    </div>
  );

  function renderControl() {
    const common = { id, 'aria-describedby': helpId, onBlur: sealHistory };
    switch (info.widget) {
      case 'textarea':
        return (
          <textarea
            {...common}
            className="nodrag nowheel"
            rows={compact ? 2 : 4}
            value={String(value ?? '')}
            onChange={(e) => set(e.target.value)}
          />
        );
      case 'text':
      case 'model':
        return (
          <input
            {...common}
            className="nodrag"
            type="text"
            value={String(value ?? '')}
            list={info.widget === 'model' ? 'known-models' : undefined}
            onChange={(e) => set(e.target.value)}
          />
        );
      case 'checkbox':
        return (
          <label className="check nodrag">
            <input
              {...common}
              type="checkbox"
              checked={!!value}
              onChange={(e) => set(e.target.checked, false)}
            />
            <span>{label}</span>
          </label>
        );
      case 'select':
        return (
          <select
            {...common}
            className="nodrag"
            value={String(value)}
            onChange={(e) => set(e.target.value, false)}
          >
            {(info.options ?? []).map((o) => (
              <option key={o} value={o}>
                {choiceLabel(info, o, l)}
              </option>
            ))}
          </select>
        );
      case 'slider':
        return (
          <div className="slider-row">
            <input
              className="nodrag"
              type="range"
              aria-label={label}
              min={info.min}
              max={info.max}
              step={info.meta?.step ?? (info.int ? 1 : 0.01)}
              value={Number(value)}
              onChange={(e) => set(Number(e.target.value))}
              onPointerUp={sealHistory}
              onKeyUp={sealHistory}
              onBlur={sealHistory}
            />
            <NumberInput {...common} info={info} value={value as number | null} onValue={set} />
          </div>
        );
      case 'number':
        return <NumberInput {...common} info={info} value={value as number | null} onValue={set} />;
      case 'seed':
        return (
          <div className="slider-row">
            <NumberInput {...common} info={info} value={value as number} onValue={set} />
            <button type="button" className="small" onClick={() => set(-1, false)}>
              {t('field.random')}
            </button>
          </div>
        );
      case 'image':
        return <ImageField id={id} node={node} field={info.key} compact={compact} />;
      case 'styles':
        return (
          <Suspense fallback={null}>
            <StylesField
              id={id}
              value={(value as string[]) ?? []}
              compact={compact}
              onValue={(v) => set(v, false)}
            />
          </Suspense>
        );
      case 'loras':
        return <LorasField id={id} value={(value as LoraValue[]) ?? []} onValue={set} />;
      case 'directions':
        return (
          <div className="checks" role="group" aria-label={label} id={id}>
            {(info.element?.options ?? []).map((o) => {
              const arr = (value as string[]) ?? [];
              return (
                <label key={o} className="check nodrag">
                  <input
                    type="checkbox"
                    checked={arr.includes(o)}
                    onChange={(e) => set(e.target.checked ? [...arr, o] : arr.filter((x) => x !== o), false)}
                  />
                  <span>{choiceLabel(info, o, l)}</span>
                </label>
              );
            })}
          </div>
        );
      case 'distances': {
        const arr = (value as number[]) ?? [0, 0, 0, 0];
        return (
          <div className="distances" id={id} role="group" aria-label={label}>
            {['L', 'T', 'R', 'B'].map((side, i) => (
              <NumberInput
                key={side}
                aria-label={`${label} ${side}`}
                info={{ ...info, min: 0, max: undefined, int: true }}
                value={arr[i] ?? 0}
                onValue={(v) => set(arr.map((x, j) => (j === i ? v : x)))}
                onBlur={sealHistory}
              />
            ))}
          </div>
        );
      }
      default:
        return (
          <output id={id} className="json-value">
            {JSON.stringify(value)}
          </output>
        );
    }
  }
}, sameField);

/** Re-render a field only when its own value changes (typing in one field must not redo the whole form). */
function sameField(a: FieldEditorProps, b: FieldEditorProps): boolean {
  if (a.info !== b.info || a.compact !== b.compact || a.node.id !== b.node.id) return false;
  const k = a.info.key;
  if (a.node.params[k] !== b.node.params[k]) return false;
  if (a.info.widget === 'image')
    return a.node.params.width === b.node.params.width && a.node.params.height === b.node.params.height;
  return true;
}
