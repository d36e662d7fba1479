import { useI18n } from '../i18n/i18n.ts';
import { sealHistory } from '../store/editor-store.ts';
import type { LoraValue } from './lora-value.ts';
import { NumberInput, type NumberRules } from './NumberInput.tsx';

interface Props {
  id: string;
  value: LoraValue[];
  onValue: (v: LoraValue[]) => void;
}

const MAX_LORAS = 5;
const WEIGHT: NumberRules = { min: -2, max: 2, int: false, nullable: false, meta: { step: 0.05 } };

/** The LoRA list: on/off, file name and weight (−2…2) per row. */
export function LorasField({ id, value, onValue }: Props) {
  const { t } = useI18n();
  const edit = (i: number, patch: Partial<LoraValue>) =>
    onValue(value.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <div className="loras" id={id} role="group">
      {value.map((l, i) => (
        <div className="lora-row" key={i}>
          <input
            type="checkbox"
            aria-label={`${t('field.loraEnabled')} #${i + 1}`}
            checked={l.enabled}
            onChange={(e) => edit(i, { enabled: e.target.checked })}
          />
          <input
            type="text"
            aria-label={`${t('field.loraModel')} #${i + 1}`}
            value={l.model_name}
            list="known-loras"
            onChange={(e) => edit(i, { model_name: e.target.value })}
            onBlur={sealHistory}
          />
          <NumberInput
            aria-label={`${t('field.loraWeight')} #${i + 1}`}
            info={WEIGHT}
            value={l.weight}
            onValue={(n) => n !== null && edit(i, { weight: n })}
            onBlur={sealHistory}
          />
          <button
            type="button"
            className="small"
            aria-label={`${t('field.remove')} #${i + 1}`}
            onClick={() => onValue(value.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      {value.length < MAX_LORAS && (
        <button
          type="button"
          className="small"
          onClick={() => onValue([...value, { enabled: true, model_name: 'None', weight: 1 }])}
        >
          {t('field.add')}
        </button>
      )}
    </div>
  );
}
