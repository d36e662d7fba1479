import { useRef, useState } from 'react';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { useI18n } from '../i18n/i18n.ts';
import { isImageFile, measureImage, readImageFile } from '../lib/images.ts';
import { commit, sealHistory } from '../store/editor-store.ts';

interface Props {
  id: string;
  node: WorkflowNode;
  field: string;
  compact: boolean;
}

/** Sets the image and, when the node has them, its known width/height, as one step. */
export function setNodeImage(
  nodeId: string,
  field: string,
  src: string,
  size: { width: number | null; height: number | null },
) {
  commit((d) => {
    const n = d.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    n.params[field] = src;
    if ('width' in n.params) n.params.width = size.width;
    if ('height' in n.params) n.params.height = size.height;
  });
}

/** An image parameter: thumbnail, file picker, URL, paste; a file dropped on the canvas also works. */
export function ImageField({ id, node, field, compact }: Props) {
  const { t } = useI18n();
  const file = useRef<HTMLInputElement>(null);
  const [broken, setBroken] = useState<string | null>(null);
  const value = String(node.params[field] ?? '');
  const isUrl = /^https?:\/\//.test(value);
  const w = node.params.width as number | null | undefined;
  const h = node.params.height as number | null | undefined;

  const fromFile = async (f: File) => {
    if (!isImageFile(f)) return;
    const img = await readImageFile(f);
    setNodeImage(node.id, field, img.dataUrl, img);
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
      {value && broken === value ? (
        <div className="thumb empty" title={value}>
          {t('field.notLoaded')}
        </div>
      ) : value ? (
        <img className="thumb" src={value} alt="" draggable={false} onError={() => setBroken(value)} />
      ) : (
        <div className="thumb empty">{t('node.noImage')}</div>
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
