import { create } from 'zustand';
import { enablePatches, produce, produceWithPatches, applyPatches, type Draft } from 'immer';
import { emptyWorkflow, type Workflow } from '../../nodes/graph.ts';
import type { CompileResult, Diagnostic } from '../../compiler/types.ts';
import type { LocalText } from '../../nodes/types.ts';
import { emptyHistory, record, seal, type History } from './history.ts';
import type { PixelCheck } from './pixel-inputs.ts';

enablePatches();

export type Lang = 'en' | 'zh';
export type Theme = 'dark' | 'light';
export interface XY {
  x: number;
  y: number;
}

export interface PendingWire {
  nodeId: string;
  handleId: string;
  handleType: 'source' | 'target';
}

export interface SearchState {
  /** add: plain add at `position`; wire: a wire was dropped on the canvas; connect: from the selected node. */
  mode: 'add' | 'wire' | 'connect';
  position: XY;
  from?: PendingWire | undefined;
}

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  title: string;
  body?: string | undefined;
}

export interface ImportFailure {
  name: string;
  errors: { path: string; message: string }[];
}

export type SaveStatus = 'saved' | 'pending' | 'paused' | 'failed';

export interface EditorState {
  /** The workflow document: the only undoable state. */
  doc: Workflow;
  /** Bumps on every document change (edits, undo, redo, open). */
  docRevision: number;
  history: History;
  // ---- transient: never in history ----
  selectedNodes: Record<string, true>;
  selectedEdges: Record<string, true>;
  measured: Record<string, { width: number; height: number }>;
  lang: Lang;
  theme: Theme;
  compiled: CompileResult | null;
  compiledRevision: number;
  /** Diagnostics per node; an unchanged node keeps the same array so its view does not re-render. */
  diagByNode: Record<string, Diagnostic[]>;
  /** The background pixel check (`prepareImages`): images as sent, empty or stretched masks, bad images. */
  pixelCheck: PixelCheck | null;
  pending: PendingWire | null;
  search: SearchState | null;
  dialog: 'shortcuts' | 'start' | null;
  importFailure: ImportFailure | null;
  toasts: Toast[];
  saveStatus: SaveStatus;
  conflict: { savedAt: number } | null;
  /** A request to centre the canvas on a node (consumed by the canvas). */
  focusRequest: { nodeId: string; n: number } | null;
}

const initialLang = (): Lang => {
  if (typeof navigator === 'undefined') return 'en';
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const l of langs) {
    if (l?.toLowerCase().startsWith('zh')) return 'zh';
    if (l?.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
};

const initialTheme = (): Theme =>
  typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';

export const initialEditorState = (): EditorState => ({
  doc: emptyWorkflow(),
  docRevision: 0,
  history: emptyHistory(),
  selectedNodes: {},
  selectedEdges: {},
  measured: {},
  lang: initialLang(),
  theme: initialTheme(),
  compiled: null,
  compiledRevision: -1,
  diagByNode: {},
  pixelCheck: null,
  pending: null,
  search: null,
  dialog: null,
  importFailure: null,
  toasts: [],
  saveStatus: 'saved',
  conflict: null,
  focusRequest: null,
});

export const useEditor = create<EditorState>()(() => initialEditorState());

/** Transient (non-history) updates, written as immer recipes. */
export function update(recipe: (s: Draft<EditorState>) => void): void {
  useEditor.setState((s) => produce(s, recipe));
}

export interface CommitOptions {
  /** Same group as the open last entry → merged into it (typing bursts). */
  group?: string | undefined;
}

/**
 * The one way the document changes. Records one history step (or extends the open group).
 * Returns false when the recipe changed nothing.
 */
export function commit(recipe: (doc: Draft<Workflow>) => void, opts: CommitOptions = {}): boolean {
  const s = useEditor.getState();
  const [doc, patches, inverse] = produceWithPatches(s.doc, recipe);
  if (patches.length === 0) return false;
  useEditor.setState({
    doc,
    docRevision: s.docRevision + 1,
    history: record(opts.group === undefined ? seal(s.history) : s.history, {
      patches,
      inverse,
      group: opts.group ?? null,
    }),
  });
  return true;
}

/**
 * A change that belongs to the last action rather than being one of its own (nodes moved aside
 * because the last action made one grow): its patches join the last history entry, so one Ctrl+Z
 * undoes both. With no history yet (a restored draft), the change is simply made.
 */
export function commitIntoLast(recipe: (doc: Draft<Workflow>) => void): boolean {
  const s = useEditor.getState();
  const [doc, patches, inverse] = produceWithPatches(s.doc, recipe);
  if (patches.length === 0) return false;
  const past = s.history.past;
  const last = past[past.length - 1];
  const history = last
    ? {
        ...s.history,
        past: [
          ...past.slice(0, -1),
          { ...last, patches: [...last.patches, ...patches], inverse: [...inverse, ...last.inverse] },
        ],
      }
    : s.history;
  useEditor.setState({ doc, docRevision: s.docRevision + 1, history });
  return true;
}

/** Ends a typing burst: the next edit of the same field is a new step. */
export function sealHistory(): void {
  const h = useEditor.getState().history;
  if (h.open) useEditor.setState({ history: seal(h) });
}

function pruneSelection(s: EditorState, doc: Workflow) {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const eids = new Set(doc.edges.map((e) => e.id));
  return {
    selectedNodes: Object.fromEntries(
      Object.keys(s.selectedNodes)
        .filter((id) => ids.has(id))
        .map((id) => [id, true]),
    ),
    selectedEdges: Object.fromEntries(
      Object.keys(s.selectedEdges)
        .filter((id) => eids.has(id))
        .map((id) => [id, true]),
    ),
  } as Pick<EditorState, 'selectedNodes' | 'selectedEdges'>;
}

export function undo(): boolean {
  const s = useEditor.getState();
  const entry = s.history.past[s.history.past.length - 1];
  if (!entry) return false;
  const doc = applyPatches(s.doc, entry.inverse);
  useEditor.setState({
    doc,
    docRevision: s.docRevision + 1,
    history: { past: s.history.past.slice(0, -1), future: [...s.history.future, entry], open: false },
    ...pruneSelection(s, doc),
  });
  return true;
}

export function redo(): boolean {
  const s = useEditor.getState();
  const entry = s.history.future[s.history.future.length - 1];
  if (!entry) return false;
  const doc = applyPatches(s.doc, entry.patches);
  useEditor.setState({
    doc,
    docRevision: s.docRevision + 1,
    history: { past: [...s.history.past, entry], future: s.history.future.slice(0, -1), open: false },
    ...pruneSelection(s, doc),
  });
  return true;
}

/** Replaces the whole document as one undoable step (open file, template, new). */
export function replaceDocument(next: Workflow, opts: CommitOptions = {}): void {
  commit((d) => {
    const n = structuredClone(next) as Draft<Workflow>;
    Object.assign(d, n);
  }, opts);
  useEditor.setState({ selectedNodes: {}, selectedEdges: {} });
}

/** Loads a document without history (restore on start-up). */
export function loadDocument(doc: Workflow): void {
  useEditor.setState((s) => ({
    doc,
    docRevision: s.docRevision + 1,
    history: emptyHistory(),
    selectedNodes: {},
    selectedEdges: {},
  }));
}

let toastSeq = 0;
export function toast(kind: Toast['kind'], title: string, body?: string): void {
  const id = ++toastSeq;
  update((s) => {
    s.toasts.push({ id, kind, title, body });
    if (s.toasts.length > 4) s.toasts.shift();
  });
  setTimeout(() => dismissToast(id), kind === 'error' ? 8000 : 4000);
}

export function dismissToast(id: number): void {
  update((s) => {
    s.toasts = s.toasts.filter((t) => t.id !== id);
  });
}

export function localText(t: LocalText): string {
  return useEditor.getState().lang === 'zh' ? t.zh : t.en;
}
