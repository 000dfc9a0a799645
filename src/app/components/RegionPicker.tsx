import { useId, useMemo, useState } from 'react';
import { REGIONS } from '../../api/regions';

const byCode = new Map(REGIONS.map((r) => [r.code, r]));

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Several regions at once, searched by name or code (the API's repeatable `regions` field). */
export function RegionPicker({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const [query, setQuery] = useState('');
  const listId = useId();
  const matches = useMemo(() => {
    const q = fold(query.trim());
    if (!q) return [];
    const scored: { r: (typeof REGIONS)[number]; rank: number }[] = [];
    for (const r of REGIONS) {
      const code = r.code;
      const names = [r.name, ...(r.otherNames ?? [])].map(fold);
      let rank = -1;
      if (code === q || r.listedAs?.toLowerCase() === q) rank = 0;
      else if (names.some((n) => n.startsWith(q))) rank = 1;
      else if (code.startsWith(q)) rank = 2;
      else if (names.some((n) => n.includes(q)) || fold(r.group).includes(q)) rank = 3;
      if (rank >= 0) scored.push({ r, rank });
    }
    scored.sort((a, b) => a.rank - b.rank || a.r.name.localeCompare(b.r.name));
    return scored.slice(0, 40).map((s) => s.r);
  }, [query]);

  const toggle = (code: string) =>
    onChange(value.includes(code) ? value.filter((c) => c !== code) : [...value, code]);

  return (
    <div className="regions" data-testid="regions">
      {value.length ? (
        <ul className="chips" aria-label="Selected regions">
          {value.map((code) => (
            <li key={code} className="chip">
              <span className="chip-code">{code}</span>
              <span className="chip-name">{byCode.get(code)?.name ?? ''}</span>
              <button type="button" className="chip-x" aria-label={`Remove ${code}`} onClick={() => toggle(code)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No hint: any region. Regions guide the reading; they filter only in strict mode.</p>
      )}
      <input
        type="search"
        className="input"
        placeholder="Search by name or code, e.g. de, Texas"
        aria-label="Search regions"
        aria-controls={listId}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && matches[0]) {
            e.preventDefault();
            if (!value.includes(matches[0].code)) toggle(matches[0].code);
            setQuery('');
          }
        }}
      />
      {query.trim() ? (
        <ul className="region-list" id={listId} role="listbox" aria-multiselectable="true">
          {matches.length ? (
            matches.map((r) => {
              const on = value.includes(r.code);
              return (
                <li key={r.code} role="option" aria-selected={on}>
                  <button type="button" className={`region-option${on ? ' is-on' : ''}`} onClick={() => toggle(r.code)}>
                    <span className="region-check" aria-hidden="true">
                      {on ? '✓' : ''}
                    </span>
                    <span className="region-name">{r.name}</span>
                    <span className="region-group">{r.group === 'Countries' ? '' : r.group}</span>
                    <code className="region-code">{r.code}</code>
                  </button>
                </li>
              );
            })
          ) : (
            <li className="muted small region-empty">No region matches.</li>
          )}
        </ul>
      ) : null}
    </div>
  );
}
