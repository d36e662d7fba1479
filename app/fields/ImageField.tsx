import { useRef, useState } from 'react';
import { assetHashOf, describeAsset, type AssetMeta } from '../../nodes/assets.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { useI18n } from '../i18n/i18n.ts';
import { isImageFile, measureImage } from '../lib/images.ts';
import { commit, sealHistory } from '../store/editor-store.ts';
import { tryImportImage } from '../assets/import-image.ts';
import { useAsset } from '../assets/asset-view.ts';

interface Props {
  id: string;
  node: WorkflowNode;
  field: string;
  compact: boolean;
}

/**
 * Sets the image and, when the node has them, its known width/height, as one step. An asset's
 * metadata goes in the document's `assets` table (a few numbers: the bytes stay in the store).
 */
export function setNodeImage(
  nodeId: string,
  field: string,
  src: string,
  size: { width: number | null; height: number | null },
  meta?: AssetMeta,
) {
  commit((d) => {
    const n = d.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    n.params[field] = src;
    if ('width' in n.params) n.params.width = size.width;
    if ('height' in n.params) n.params.height = size.height;
    if (meta && !d.assets[meta.hash]) d.assets[meta.hash] = meta;
  });
}

/**
 * The node's image as stored: a thumbnail for an asset (never the full photo), a missing asset, a
 * URL. `chosen`: the thumbnail of a file just chosen, shown while it is hashed (before the node
 * holds it).
 */
function Preview({ value, chosen }: { value: string; chosen: { url: string; file: File } | null }) {
  const { t } = useI18n();
  const hash = assetHashOf(value);
  const asset = useAsset(hash);
  const [broken, setBroken] = useState<string | null>(null);
  if (chosen)
    return <img className="thumb" src={chosen.url} alt="" draggable={false} data-chosen={chosen.file.name} />;
  if (!value) return <div className="thumb empty">{t('node.noImage')}</div>;
  if (hash) {
    if (asset.missing)
      return (
        <div className="thumb empty missing" role="alert" data-asset-missing={hash}>
          {t('asset.missing')}
        </div>
      );
    if (!asset.meta) return <div className="thumb empty">{t('asset.loading')}</div>;
    if (!asset.thumb)
      return (
        <div className="thumb empty" data-asset={hash} title={describeAsset(asset.meta)}>
          {t('asset.noPreview')}
        </div>
      );
    return (
      <img
        className="thumb"
        src={asset.thumb}
        alt=""
        draggable={false}
        data-asset={hash}
        title={asset.meta ? describeAsset(asset.meta) : undefined}
      />
    );
  }
  if (broken === value)
    return (
      <div className="thumb empty" title={value}>
        {t('field.notLoaded')}
      </div>
    );
  return <img className="thumb" src={value} alt="" draggable={false} onError={() => setBroken(value)} />;
}

/** An image parameter: thumbnail, file picker, URL, paste; a file dropped on the canvas also works. */
export function ImageField({ id, node, field, compact }: Props) {
  const { t } = useI18n();
  const file = useRef<HTMLInputElement>(null);
  const value = String(node.params[field] ?? '');
  const isUrl = /^https?:\/\//.test(value);
  const w = node.params.width as number | null | undefined;
  const h = node.params.height as number | null | undefined;

  // A refused file (a decompression bomb, or no image) is said here, on its node, until the next pick;
  // the node keeps what it had.
  const [refused, setRefused] = useState<{ title: string; reason: string } | null>(null);
  // The chosen file's thumbnail, on screen before its hash is known; the last file chosen wins.
  const [chosen, setChosen] = useState<{ file: File; url: string } | null>(null);

  const fromFile = async (f: File) => {
    if (!isImageFile(f)) return;
    const r = await tryImportImage(f, f.name, (url) => setChosen({ file: f, url }));
    setRefused(r.ok ? null : { title: r.title, reason: r.reason });
    if (r.ok) setNodeImage(node.id, field, r.image.ref, r.image.meta, r.image.meta);
    setChosen((c) => (c?.file === f ? null : c));
  };

  return (
    <div
      className={`image-field${compact ? ' compact' : ''}`}
      onPaste={(e) => {
        const f = [...e.clipboardData.files].find(isImageFile);
        if (f) {
          e.preventDefault();
          e.stopPropagation();
          void fromFile(f);
        }
      }}
    >
      <Preview value={value} chosen={chosen} />
      {refused && (
        <div className="image-refused" role="alert">
          <strong>{refused.title}</strong>
          <span>{refused.reason}</span>
          <button type="button" className="small nodrag" onClick={() => setRefused(null)}>
            {t('start.close')}
          </button>
        </div>
      )}
      {w && h ? <span className="image-size">{`${w} × ${h}`}</span> : null}
      <div className="image-actions">
        <button type="button" className="small nodrag" onClick={() => file.current?.click()} id={id}>
          {t('field.pickFile')}
        </button>
        {value && (
          <button
            type="button"
            className="small nodrag"
            onClick={() => setNodeImage(node.id, field, '', { width: null, height: null })}
          >
            {t('field.clear')}
          </button>
        )}
      </div>
      <input
        ref={file}
        type="file"
        accept="image/*"
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void fromFile(f);
          e.target.value = '';
        }}
      />
      {!compact && (
        <>
          <input
            type="url"
            className="nodrag"
            aria-label={t('field.url')}
            placeholder={t('field.url')}
            defaultValue={isUrl ? value : ''}
            key={isUrl ? value : 'none'}
            onBlur={async (e) => {
              const url = e.target.value.trim();
              sealHistory();
              if (url === (isUrl ? value : '')) return;
              if (url && !/^https?:\/\//.test(url)) return;
              const size = url ? await measureImage(url) : { width: null, height: null };
              setNodeImage(node.id, field, url, size);
            }}
          />
          <p className="field-help">{t('field.pasteHint')}</p>
        </>
      )}
    </div>
  );
}
