import { create } from 'zustand';
import { setNodeImage } from '../store/node-image.ts';
import { tryImportImage, type ImageImport, type ImportedImage } from './import-image.ts';

/**
 * A file being taken in on a node's image field (chosen, pasted or dropped there, or dropped on the
 * canvas, which makes the node first): what the node shows until the file's hash is known — its
 * early thumbnail, drawn by the asset worker before the hash — and a refusal said on the node.
 * Keyed `<node id>/<field>`.
 */
interface NodeImports {
  /** The file being taken in; `url`: its thumbnail, once drawn (null: a placeholder until then). */
  incoming: Record<string, Incoming>;
  /** Why the last file was refused (a decompression bomb, no image), until dismissed or the next file. */
  refused: Record<string, Refused>;
}

/**
 * Which of the field's two views (on the canvas node, in the Inspector) a file given in one of them
 * shows in; absent: both (a file dropped on the canvas). A file chosen in the Inspector is not shown
 * on the canvas node before its hash: the node would grow before the step that sets its image
 * exists, and the nodes it pushes aside would join the step before (see keep-apart.ts).
 */
export type FieldView = 'node' | 'inspector';
type Incoming = { name: string; url: string | null; view?: FieldView | undefined };
type Refused = { title: string; reason: string; view?: FieldView | undefined };

export const useNodeImports = create<NodeImports>()(() => ({ incoming: {}, refused: {} }));

const keyOf = (nodeId: string, field: string) => `${nodeId}/${field}`;
/** The last file given to each field: a file given after it wins, whichever is hashed first. */
const latest = new Map<string, number>();
let seq = 0;

function setIncoming(key: string, value: Incoming | null) {
  useNodeImports.setState((s) => {
    const { [key]: _old, ...rest } = s.incoming;
    return { incoming: value ? { ...rest, [key]: value } : rest };
  });
}

function setRefused(key: string, value: Refused | null) {
  useNodeImports.setState((s) => {
    const { [key]: _old, ...rest } = s.refused;
    return { refused: value ? { ...rest, [key]: value } : rest };
  });
}

export interface IntoNodeOptions {
  /** How the node takes the image; by default one undo step of its own (`setNodeImage`). */
  place?: (img: ImportedImage) => void;
  /** False: a refusal is left to the caller (a node made for the file is removed, not marked). */
  refuseOnNode?: boolean;
  /**
   * The node was made for this file (a drop on the canvas): until the thumbnail is drawn it shows a
   * placeholder as tall as the thumbnail will be. Not for a file given to an existing node: its
   * node must not grow before the step that sets its image exists (the nodes a growing node pushes
   * aside join the last step, see keep-apart.ts).
   */
  placeholder?: boolean;
  /** The view the file was given in; absent: shown in both. */
  view?: FieldView;
}

/**
 * Takes a file in on a node's image field, the one path for a chosen, pasted or dropped file: the
 * node shows the file's thumbnail as soon as the worker has drawn it (before the hash), then the
 * stored asset; a refused file is said on the node, which keeps what it had. The files of a drop
 * go through the asset worker's queue in order, so the first thumbnails come first.
 */
export async function importIntoNode(
  nodeId: string,
  field: string,
  file: File,
  opts: IntoNodeOptions = {},
): Promise<ImageImport> {
  const key = keyOf(nodeId, field);
  const mine = ++seq;
  latest.set(key, mine);
  const current = () => latest.get(key) === mine;
  if (opts.placeholder) setIncoming(key, { name: file.name, url: null, view: opts.view });
  const r = await tryImportImage(file, file.name, (url) => {
    if (current()) setIncoming(key, { name: file.name, url, view: opts.view });
  });
  if (!current()) return r;
  latest.delete(key);
  if (r.ok) {
    (opts.place ?? ((img) => setNodeImage(nodeId, field, img.ref, img.meta, img.meta)))(r.image);
    setRefused(key, null);
  } else if (opts.refuseOnNode !== false)
    setRefused(key, { title: r.title, reason: r.reason, view: opts.view });
  setIncoming(key, null);
  return r;
}

export function dismissRefusal(nodeId: string, field: string): void {
  setRefused(keyOf(nodeId, field), null);
}

/** What one view of a node's image field shows of a file being taken in, and of a refused one. */
export function useNodeImport(nodeId: string, field: string, view: FieldView) {
  const key = keyOf(nodeId, field);
  const mine = <T extends { view?: FieldView | undefined }>(x: T | undefined) =>
    x && (!x.view || x.view === view) ? x : undefined;
  const incoming = useNodeImports((s) => mine(s.incoming[key]));
  const refused = useNodeImports((s) => mine(s.refused[key]));
  return { incoming, refused };
}
