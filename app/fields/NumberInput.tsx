import { useState } from 'react';
import type { FieldInfo } from '../lib/schema-fields.ts';

interface Props {
  id?: string | undefined;
  info: FieldInfo;
  value: number | null;
  onValue: (v: number | null) => void;
  onBlur?: () => void;
  'aria-describedby'?: string | undefined;
  'aria-label'?: string | undefined;
}

/** A number box that lets the user type freely and only commits numbers the schema accepts. */
export function NumberInput({ id, info, value, onValue, onBlur, ...aria }: Props) {
  const shown = value === null || value === undefined ? '' : String(value);
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      id={id}
      {...aria}
      className="nodrag number"
      type="number"
      inputMode="decimal"
      min={info.min}
      max={info.max}
      step={info.meta?.step ?? (info.int ? 1 : 'any')}
      value={draft ?? shown}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        if (text === '' && info.nullable) return onValue(null);
        const n = Number(text);
        if (text.trim() === '' || !Number.isFinite(n)) return;
        if (info.int && !Number.isInteger(n)) return;
        if (info.min !== undefined && n < info.min) return;
        if (info.max !== undefined && n > info.max) return;
        onValue(n);
      }}
      onBlur={() => {
        setDraft(null);
        onBlur?.();
      }}
    />
  );
}
