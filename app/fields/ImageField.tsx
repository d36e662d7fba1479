import { useRef, useState } from 'react';
import { assetHashOf, describeAsset } from '../../nodes/assets.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { useI18n } from '../i18n/i18n.ts';
import { isImageFile, measureImage } from '../lib/images.ts';
import { sealHistory } from '../store/editor-store.ts';
import { setNodeImage } from '../store/node-image.ts';
import { dismissRefusal, importIntoNode, useNodeImport } from '../assets/node-image-import.ts';
import { useAsset } from '../assets/asset-view.ts';

interface Props {
  id: string;
  node: WorkflowNode;
  field: string;
  compact: boolean;
}

/**
 * The node's image as stored: a thumbnail for an asset (never the full photo), a missing asset, a
 * URL. `incoming`: a file being taken in (chosen, pasted or dropped), its thumbnail shown while it
 * is hashed (before the node holds it).
 */
function Preview({
  value,
  incoming,
}: {
  value: string;
  incoming: { url: string | null; name: string } | undefined;
}) {
  const { t } = useI18n();
  const hash = assetHashOf(value);
  const asset = useAsset(hash);
  const [broken, setBroken] = useState<string | null>(null);
  if (incoming?.url)
    return <img className="thumb" src={incoming.url} alt="" draggable={false} data-chosen={incoming.name} />;
  // A file dropped on the canvas waits its turn in the asset worker's queue on a node of its own.
  if (incoming && !value)
    return (
      <div className="thumb empty incoming" data-incoming={incoming.name}>
        {t('asset.loading')}
      </div>
    );
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

  // A refused file (a decompression bomb, or no image) is said here, on its node, until the next
  // file; the node keeps what it had. A file being taken in shows its thumbnail before its hash is
  // known; the last file given wins. (A file dropped on this node takes the same path: canvas-drop.)
  const view = compact ? 'node' : 'inspector';
  const { incoming, refused } = useNodeImport(node.id, field, view);

  const fromFile = async (f: File) => {
    if (!isImageFile(f)) return;
    await importIntoNode(node.id, field, f, { view });
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
      <Preview value={value} incoming={incoming} />
      {refused && (
        <div className="image-refused" role="alert">
          <strong>{refused.title}</strong>
          <span>{refused.reason}</span>
          <button type="button" className="small nodrag" onClick={() => dismissRefusal(node.id, field)}>
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
