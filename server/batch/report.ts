/**
 * What the user opens: `index.html` (a contact sheet: each item's input thumbnail → its result
 * thumbnails, or its failure with the reason) and `results.csv`, both rewritten during the run.
 * Labels, file names, reasons and values come from files and servers: in HTML everything is escaped
 * and the page runs nothing (no scripts; a strict Content-Security-Policy whose only allowance is
 * this page's own style block, by hash); in CSV a cell that a spreadsheet would run as a formula
 * (= + - @, tab, CR) is prefixed with `'`.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeAtomically } from '../file-io.ts';
import type { Manifest, ManifestItem } from './manifest.ts';

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A relative path in the output folder, as an href: each segment percent-encoded, then escaped. */
function href(path: string): string {
  return escapeHtml(path.split('/').map(encodeURIComponent).join('/'));
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:16px;background:#fafafa;color:#222}
h1{font-size:18px}.sum{margin-bottom:12px}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.item{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px}.item.failed{border-color:#c33}
.row{display:flex;gap:6px;align-items:center;flex-wrap:wrap}.row img{max-width:128px;max-height:128px;border-radius:3px}
.arrow{color:#888}.label{font-weight:600;word-break:break-all}.state{font-size:12px;color:#666}.reason{color:#c33;white-space:pre-wrap;word-break:break-word}`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export const CSP =
  `default-src 'none'; img-src 'self' file:; style-src 'sha256-${STYLE_HASH}'; ` +
  `base-uri 'none'; form-action 'none'`;

function itemCard(item: ManifestItem): string {
  const input = item.thumbs?.input
    ? `<img src="${href(item.thumbs.input)}" alt="input">`
    : '<span class="state">(no input image)</span>';
  let right: string;
  if (item.state === 'done') {
    const thumbs = item.thumbs?.results ?? [];
    right = (item.files ?? [])
      .map((f, i) =>
        thumbs[i]
          ? `<a href="${href(f)}"><img src="${href(thumbs[i])}" alt="result ${i + 1}"></a>`
          : `<a href="${href(f)}">${escapeHtml(f)}</a>`,
      )
      .join('');
  } else if (item.state === 'failed') {
    right = `<div class="reason">${escapeHtml(item.error ?? 'failed')}</div>`;
  } else {
    const where = item.server ? ` on ${item.server}` : '';
    right = `<span class="state">${escapeHtml(item.state + where)}</span>`;
  }
  return (
    `<div class="item ${item.state}"><div class="label">${escapeHtml(item.label)}</div>` +
    `<div class="state">${escapeHtml(item.state)}${item.taskId ? ` · task ${escapeHtml(item.taskId)}` : ''}</div>` +
    `<div class="row">${input}<span class="arrow">→</span>${right}</div></div>`
  );
}

export function renderIndexHtml(m: Manifest, title: string): string {
  const items = m.items as ManifestItem[];
  const count = (s: string) => items.filter((i) => i.state === s).length;
  return `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<div class="sum">${items.length} items: ${count('done')} done, ${count('failed')} failed, ${
    items.length - count('done') - count('failed')
  } to go</div>
<div class="grid">
${items.map(itemCard).join('\n')}
</div></body></html>
`;
}

/** RFC 4180 quoting, and no cell a spreadsheet would evaluate. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderResultsCsv(m: Manifest): string {
  const items = m.items as ManifestItem[];
  const inputNames = [...new Set(items.flatMap((i) => Object.keys(i.inputs)))].sort();
  const setNames = [...new Set(items.flatMap((i) => Object.keys(i.set)))].sort();
  const header = [
    'item',
    'label',
    'state',
    'server',
    'task_id',
    'files',
    'error',
    ...inputNames,
    ...setNames,
  ];
  const rows = items.map((i) => [
    i.id,
    i.label,
    i.state,
    i.server ?? '',
    i.taskId ?? '',
    (i.files ?? []).join(' '),
    i.error ?? '',
    ...inputNames.map((n) => i.inputs[n] ?? ''),
    ...setNames.map((n) => i.set[n] ?? ''),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export async function writeReports(out: string, m: Manifest, title: string): Promise<void> {
  await writeAtomically(join(out, 'index.html'), renderIndexHtml(m, title));
  await writeAtomically(join(out, 'results.csv'), renderResultsCsv(m));
}
