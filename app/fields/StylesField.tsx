import { useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { STOCK_STYLES } from '../../contract/styles.ts';
import { useSettings } from '../run/settings.ts';

interface Props {
  id: string;
  value: string[];
  compact: boolean;
  onValue: (v: string[]) => void;
}

/** Multi-select of style names: chosen ones as removable chips, the rest in a filterable list. */
export function StylesField({ id, value, compact, onValue }: Props) {
  const { t } = useI18n();
  const [filter, setFilter] = useState('');
  const serverStyles = useSettings((s) => s.styles);
  if (compact) return <p className="styles-summary">{value.join(', ') || '—'}</p>;
  const all = [...new Set([...value, ...(serverStyles.length ? serverStyles : STOCK_STYLES)])];
  const q = filter.trim().toLowerCase();
  const shown = all.filter((s) => !q || s.toLowerCase().includes(q));
  const custom = q && !all.some((s) => s.toLowerCase() === q) ? filter.trim() : null;
  return (
    <div className="styles-field">
      <div className="chips">
        {value.map((s) => (
          <button
            key={s}
            type="button"
            className="chip"
            onClick={() => onValue(value.filter((x) => x !== s))}
            aria-label={`${t('field.remove')} ${s}`}
          >
            {s} ×
          </button>
        ))}
      </div>
      <input
        id={id}
        type="search"
        placeholder={t('field.styleFilter')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <div className="style-list" role="group" aria-label={t('field.styleFilter')}>
        {custom && (
          <button
            type="button"
            className="small"
            onClick={() => (onValue([...value, custom]), setFilter(''))}
          >
            {t('field.add')} “{custom}”
          </button>
        )}
        {shown.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={value.includes(s)}
              onChange={(e) => onValue(e.target.checked ? [...value, s] : value.filter((x) => x !== s))}
            />
            <span>{s}</span>
          </label>
        ))}
      </div>
    </div>
  );
}
