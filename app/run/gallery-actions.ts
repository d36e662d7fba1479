import { checkConnection } from '../../nodes/connection.ts';
import { getKind } from '../../nodes/registry.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { openWorkflowJson } from '../../compiler/workflow-file/index.ts';
import { assetRef } from '../../nodes/assets.ts';
import { hasAssetRecord, writeAssetRecord } from '../assets/asset-db.ts';
import { showAsset } from '../assets/asset-view.ts';
import { importImage, type ImportedImage } from '../assets/import-image.ts';
import { markAssetUsed } from '../assets/result-assets.ts';
import { freeSpot, NEW_NODE_SIZE } from '../canvas/free-spot.ts';
import { viewCentre } from '../canvas/viewport.ts';
import { layout, whenMeasured } from '../canvas/auto-layout.ts';
import { setNodeImage } from '../store/node-image.ts';
import { translate } from '../i18n/i18n.ts';
import { nodeDisplayName } from '../lib/node-names.ts';
import { storeOpenedAssets } from '../persistence/open-assets.ts';
import { askConfirm } from '../panels/confirm-state.ts';
import { commit, replaceDocument, sealHistory, toast, useEditor } from '../store/editor-store.ts';
import { freshNode } from '../store/graph-actions.ts';
import { focusNode } from '../panels/Problems.tsx';
import { openGallery, type GalleryImage, type GalleryRun } from './gallery.ts';
import { resultFileName } from './run-files.ts';

/**
 * The gallery's actions on the open work. Neither replaces what is on the canvas without asking,
 * and each is one undo step (Ctrl+Z or the toolbar): opening a run's workflow asks first when the
 * canvas holds a different graph; "Use as Input Image" adds a node where it covers nothing, wired
 * when there is exactly one input waiting for an image.
 */

const lang = () => useEditor.getState().lang;

/** The same graph (nodes, wires, settings), wherever its nodes stand. */
function sameGraph(a: Workflow, b: Workflow): boolean {
  const strip = (w: Workflow) =>
    JSON.stringify({
      nodes: w.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label ?? '', params: n.params })),
      edges: w.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle]),
    });
  return strip(a) === strip(b);
}

let openSeq = 0;

/** Opens the workflow that made a result: asks before replacing other work; one undo step with its layout. */
export async function openRunWorkflow(run: GalleryRun): Promise<void> {
  const parsed = await openWorkflowJson(run.workflow);
  if (!parsed.ok) return;
  const current = useEditor.getState().doc;
  if (current.nodes.length > 0 && !sameGraph(current, parsed.workflow)) {
    const ok = await askConfirm({
      title: translate(lang(), 'gallery.replaceTitle'),
      body: translate(lang(), 'gallery.replaceBody', { name: current.name }),
      confirm: translate(lang(), 'gallery.replaceConfirm'),
      cancel: translate(lang(), 'dialog.cancel'),
    });
    if (!ok) return;
  }
  // Runs made before images were assets hold them inline: they go to the asset store.
  await storeOpenedAssets(parsed.workflow, parsed.assets);
  const group = `open-run:${++openSeq}`;
  replaceDocument(parsed.workflow, { group });
  openGallery(false);
  releaseFocus();
  whenMeasured(() => layout(group, sealHistory));
}

/**
 * After a dialog closes its focused button is gone; focus goes back to the page so the editor's
 * shortcuts (Ctrl+Z first) work at once.
 */
function releaseFocus(): void {
  const el = document.activeElement as HTMLElement | null;
  if (el && el !== document.body && el.closest('[role="dialog"]')) el.blur();
}

/** The one input that waits for an image (unwired and accepting it), if there is exactly one. */
function obviousTarget(wf: Workflow, sourceId: string, handle: string) {
  const found: { target: string; targetHandle: string }[] = [];
  for (const n of wf.nodes) {
    if (n.id === sourceId) continue;
    const k = getKind(n.kind);
    for (const p of k?.inputs ?? []) {
      if (wf.edges.some((e) => e.target === n.id && e.targetHandle === p.id)) continue;
      const attempt = { source: sourceId, sourceHandle: handle, target: n.id, targetHandle: p.id };
      if (checkConnection(wf, attempt).ok) found.push({ target: n.id, targetHandle: p.id });
    }
  }
  return found.length === 1 ? found[0]! : null;
}

/**
 * A result as an image parameter: the asset it already is, so nothing is read, hashed or copied;
 * from now on the gallery never deletes it (a node uses it). A run this page could not keep has
 * its bytes only in memory: they are stored now, once. A run stored before results were assets is
 * imported from its blob.
 */
async function resultAsInput(img: GalleryImage, name: string): Promise<ImportedImage | null> {
  if (!img.asset) return importImage(img.blob, name);
  const meta = img.asset;
  try {
    if (!(await hasAssetRecord(meta.hash)))
      await writeAssetRecord({ meta, blob: img.blob, thumb: img.thumb ?? null });
    await markAssetUsed(meta.hash);
  } catch (err) {
    toast('error', translate(lang(), 'asset.storeFailed', { name }), String(err));
    return null;
  }
  if (img.thumb) showAsset({ meta, thumb: img.thumb });
  return { ref: assetRef(meta.hash), meta };
}

/** Puts a result into the selected Input Image node, or into a new one placed clear of the others. */
export async function putAsInput(run: GalleryRun, i: number): Promise<void> {
  const img = run.images[i];
  if (!img) return;
  const put = await resultAsInput(img, resultFileName(run, i));
  if (!put) return;
  const s = useEditor.getState();
  const sel = Object.keys(s.selectedNodes);
  const selected =
    sel.length === 1 ? s.doc.nodes.find((n) => n.id === sel[0] && n.kind === 'inputImage') : undefined;
  openGallery(false);
  releaseFocus();
  if (selected) {
    setNodeImage(selected.id, 'image', put.ref, put.meta, put.meta);
    toast('info', translate(lang(), 'toast.usedAsInput'));
    return;
  }
  const doc = s.doc;
  const node = freshNode('inputImage', { x: 0, y: 0 }, new Set(doc.nodes.map((n) => n.id)));
  if (!node) return;
  Object.assign(node.params, { image: put.ref, width: put.meta.width, height: put.meta.height });
  const out = getKind('inputImage')?.outputs[0]?.id ?? 'image';
  const wire = obviousTarget({ ...doc, nodes: [...doc.nodes, node] }, node.id, out);
  const target = wire ? doc.nodes.find((n) => n.id === wire.target) : undefined;
  // Left of the node it feeds, else where the user is looking; then down until nothing is covered.
  const want = target
    ? { x: target.position.x - NEW_NODE_SIZE.width - 70, y: target.position.y }
    : viewCentre();
  node.position = freeSpot(want);
  commit((d) => {
    d.nodes.push(node);
    if (!d.assets[put.meta.hash]) d.assets[put.meta.hash] = put.meta;
    if (wire)
      d.edges.push({
        id: `e-${node.id}-${wire.target}`,
        source: node.id,
        sourceHandle: out,
        target: wire.target,
        targetHandle: wire.targetHandle,
      });
  });
  // Selected and brought into view, so the user sees where it went.
  focusNode(node.id);
  toast(
    'info',
    target
      ? translate(lang(), 'gallery.usedAsInputWired', { node: nodeDisplayName(target, lang()) })
      : translate(lang(), 'toast.usedAsInput'),
  );
}
