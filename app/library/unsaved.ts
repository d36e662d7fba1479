/**
 * "Would replacing the canvas lose work?" The canvas is unsaved when it has nodes and its content
 * differs from what was last opened or saved (library, file or template). Node positions are left
 * out of the comparison: an auto-layout or a nudge is not work worth a question.
 */
import type { Workflow } from '../../nodes/graph.ts';
import { stableSeed } from '../../compiler/seed.ts';
import { translate } from '../i18n/i18n.ts';
import { useEditor } from '../store/editor-store.ts';
import { useLibrary } from './library-state.ts';

function content(doc: Workflow): string {
  return JSON.stringify({
    nodes: doc.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label, params: n.params })),
    edges: doc.edges,
    exposed: doc.exposed,
    name: doc.name,
    description: doc.description,
  });
}

/**
 * A fingerprint of the last saved/opened content, kept across reloads: the draft restored after a
 * reload is not unsaved work when it is what was saved (to the library, a file) before the reload.
 */
const CLEAN_KEY = 'fooocus-flow.clean-fingerprint';
const fingerprint = (text: string) => String(stableSeed(text));

/** Records the canvas as saved/opened as it is now (optionally under a library name). */
export function markClean(current?: string | null): void {
  const baseline = content(useEditor.getState().doc);
  useLibrary.setState((s) => ({
    baseline,
    current: current === undefined ? s.current : current,
  }));
  try {
    localStorage.setItem(CLEAN_KEY, fingerprint(baseline));
  } catch {
    // Storage refused (private mode, full): the question is asked once too often, nothing is lost.
  }
}

export function hasUnsavedWork(): boolean {
  const doc = useEditor.getState().doc;
  if (doc.nodes.length === 0) return false;
  const { baseline } = useLibrary.getState();
  if (baseline !== null) return baseline !== content(doc);
  return storedFingerprint() !== fingerprint(content(doc));
}

function storedFingerprint(): string | null {
  try {
    return localStorage.getItem(CLEAN_KEY);
  } catch {
    return null;
  }
}

/** True when the canvas may be replaced: nothing unsaved, or the user says so. */
export function confirmReplace(): boolean {
  if (!hasUnsavedWork()) return true;
  return window.confirm(translate(useEditor.getState().lang, 'unsaved.confirm'));
}
