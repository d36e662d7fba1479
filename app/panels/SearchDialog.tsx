import { useMemo, useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { update, useEditor } from '../store/editor-store.ts';
import { filterOptions, searchOptions } from './search-options.ts';
import { focusOnMount } from '../lib/focus-on-mount.ts';

function close() {
  update((s) => {
    s.search = null;
  });
}

/** Space / double-click / a wire dropped on the canvas: find a node kind (or a port) and go. */
export function SearchDialog() {
  const search = useEditor((s) => s.search);
  if (!search) return null;
  return <SearchBody key={`${search.mode}-${search.position.x}-${search.position.y}`} />;
}

function SearchBody() {
  const { t, lang } = useI18n();
  const search = useEditor((s) => s.search)!;
  const doc = useEditor((s) => s.doc);
  const selectedMap = useEditor((s) => s.selectedNodes);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const all = useMemo(
    () => searchOptions(doc, search, Object.keys(selectedMap), lang),
    [doc, search, selectedMap, lang],
  );
  const options = filterOptions(all, query);
  const cur = Math.min(active, Math.max(0, options.length - 1));
  const choose = (i: number) => {
    const o = options[i];
    if (!o) return;
    close();
    o.run();
  };
  const heading =
    search.mode === 'wire'
      ? t('search.compatible')
      : search.mode === 'connect'
        ? t('search.connectNew')
        : t('search.title');

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog search-dialog" role="dialog" aria-modal="true" aria-label={heading}>
        <h2>{heading}</h2>
        <input
          ref={focusOnMount}
          type="search"
          role="combobox"
          aria-expanded="true"
          aria-controls="search-list"
          aria-activedescendant={options[cur] ? `opt-${cur}` : undefined}
          aria-label={t('search.placeholder')}
          placeholder={t('search.placeholder')}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((cur + 1) % Math.max(1, options.length));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((cur - 1 + options.length) % Math.max(1, options.length));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              choose(cur);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              close();
            }
          }}
        />
        <ul id="search-list" role="listbox" aria-label={heading}>
          {options.length === 0 && <li className="hint">{t('search.none')}</li>}
          {options.map((o, i) => (
            <li
              key={o.id}
              id={`opt-${i}`}
              role="option"
              aria-selected={i === cur}
              className={`search-option ${o.section}${i === cur ? ' active' : ''}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i);
              }}
            >
              <span className="opt-section">
                {o.section === 'existing' ? t('search.connectExisting') : ''}
              </span>
              <span className="opt-label">{o.label}</span>
              <span className="opt-detail">{o.detail}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
