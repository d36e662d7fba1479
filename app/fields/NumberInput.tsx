import { useState } from 'react';
import type { FieldInfo } from '../lib/schema-fields.ts';

/** The part of a field's schema a number box checks: a whole FieldInfo, or just a range. */
export type NumberRules = Pick<FieldInfo, 'min' | 'max' | 'int' | 'nullable'> & {
  meta?: { step?: number | undefined } | undefined;
};

interface Props {
  id?: string | undefined;
  info: NumberRules;
  value: number | null;
  onValue: (v: number | null) => void;
  onBlur?: () => void;
  'aria-describedby'?: string | undefined;
  'aria-label'?: string | undefined;
}

/**
 * A number box that lets the user type freely and only commits numbers the schema accepts. What it
 * refuses stays in the box (as a draft) until the box loses focus, then the box shows the value kept.
 * Every number box of the editor goes through here: preact/compat, unlike React, does not put a
 * controlled input's value back when its handler refuses the change, so a bare `<input value={n}>`
 * would go on showing a number the workflow does not have.
 */
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
