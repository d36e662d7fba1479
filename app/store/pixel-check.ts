import { prepareImages } from '../../compiler/prepare/prepare.ts';
import { browserImageAdapter } from '../../compiler/prepare/browser-adapter.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { compileNow } from './compile-scheduler.ts';
import { useEditor } from './editor-store.ts';

/**
 * The rules that need pixels — a mask with no white pixel (G-5), a mask of another shape than its
 * image (G-6), an image that cannot be decoded — live in the async `prepareImages`. This runs it in
 * the background whenever an image, a mask's invert flag or a wire changes, so those problems show
 * on their nodes while the user edits, not only once Run is pressed.
 */
export const PIXEL_CHECK_DEBOUNCE_MS = 250;

/** Everything `prepareImages` reads. Equal inputs (by identity) give equal findings. */
function pixelInputs(doc: Workflow): unknown[] {
  const inputs: unknown[] = [doc.edges]; // immer gives the edge list a new identity on any wire change
  for (const n of doc.nodes)
    if (n.kind === 'inputImage' || n.kind === 'mask') inputs.push(n.id, n.params.image, n.params.invert);
  return inputs;
}

const sameInputs = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function startPixelCheck(): () => void {
  let last: unknown[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let generation = 0;

  const check = async () => {
    const doc = useEditor.getState().doc;
    const mine = ++generation;
    const found = await prepareImages(doc, browserImageAdapter).catch(() => null);
    // A newer change started another check: this one's findings are about pixels no longer there.
    if (mine !== generation || !found) return;
    useEditor.setState({ pixelDiagnostics: found.diagnostics });
    compileNow();
  };

  const onChange = () => {
    const inputs = pixelInputs(useEditor.getState().doc);
    if (sameInputs(inputs, last)) return;
    last = inputs;
    generation++;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, PIXEL_CHECK_DEBOUNCE_MS);
  };

  onChange();
  const unsub = useEditor.subscribe((s, prev) => {
    if (s.doc !== prev.doc) onChange();
  });
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
  };
}
