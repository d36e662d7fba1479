import { create } from 'zustand';
import type { Diagnostic, PlanStage } from '../../compiler/types.ts';
import type { LocalText } from '../../nodes/types.ts';

/** `interrupted`: the server went silent, or did not confirm a stop; the task id is kept and Resume picks it up. */
export type RunPhase =
  'idle' | 'preparing' | 'running' | 'stopping' | 'done' | 'stopped' | 'failed' | 'interrupted';

/** What the run waits for, said in the UI's language (the server's own progress text is in `message`). */
export type RunWait =
  | { kind: 'submitting' }
  | { kind: 'searching' }
  | { kind: 'queued'; ahead: number }
  | { kind: 'reconnecting'; silentS: number }
  | { kind: 'stopping' }
  | null;

export interface RunState {
  phase: RunPhase;
  /** 0–100. */
  progress: number;
  message: string;
  preview: string | null;
  /** The plan's stages for this run, and which of them run now (indexes). */
  stages: PlanStage[];
  running: number[];
  taskId: string | null;
  /** The editor's id of the run (its journal row in IndexedDB). */
  runId: string | null;
  wait: RunWait;
  /** True when this run was picked up again after a reload (the server then sends no stage text). */
  resumed: boolean;
  seed: number | null;
  startedAt: number | null;
  /** What went wrong, in both languages (failed runs), or a note (short result). */
  error: LocalText | null;
  note: LocalText | null;
  /** Server errors tied to nodes (422), shown on the node and field until the next run. */
  serverDiags: Record<string, Diagnostic[]>;
  /** Unattached server errors (no node produced the field). */
  looseErrors: { field: string; message: string }[];
  /** Ids of the gallery runs this run produced. */
  resultRunId: string | null;
  /** A graph run as several requests: which step runs now (0-based) and how many there are. */
  step: { index: number; of: number } | null;
  /** A pipeline that failed in this step (0-based): Retry sends it again from there. */
  retryStep: number | null;
}

export const initialRunState = (): RunState => ({
  phase: 'idle',
  progress: 0,
  message: '',
  preview: null,
  stages: [],
  running: [],
  taskId: null,
  runId: null,
  wait: null,
  resumed: false,
  seed: null,
  startedAt: null,
  error: null,
  note: null,
  serverDiags: {},
  looseErrors: [],
  resultRunId: null,
  step: null,
  retryStep: null,
});

export const useRun = create<RunState>()(() => initialRunState());

export const isBusy = (p: RunPhase) => p === 'preparing' || p === 'running' || p === 'stopping';
