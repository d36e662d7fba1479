import { WORKFLOW_VERSION } from '../../nodes/graph.ts';

/**
 * Migration chain: MIGRATIONS[n] upgrades a version-n document to version n+1. Each step is a pure,
 * synchronous function on plain JSON, so old files load in any future version;
 * `test/compiler/workflow-file.test.ts` keeps a corpus of saved files that must load in every later
 * version.
 */
type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;
export const MIGRATIONS: Record<number, Migration> = {
  /**
   * 1 → 2: images become assets. The step adds the empty `assets` table; the inline data URLs of
   * version 1 need hashing (async), which `openWorkflowText`/`openWorkflowJson` do right after
   * (`internInlineImages`).
   */
  1: (doc) => ({ ...doc, assets: {} }),
};

/** Node-kind param migrations: KIND_MIGRATIONS[kind][n] upgrades params of kindVersion n to n+1. */
export const KIND_MIGRATIONS: Record<
  string,
  Record<number, (params: Record<string, unknown>) => Record<string, unknown>>
> = {};

export type MigrateResult =
  { ok: true; doc: Record<string, unknown>; from: number } | { ok: false; path: string; message: string };

export function migrateDocument(doc: Record<string, unknown>): MigrateResult {
  const from = doc.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return {
      ok: false,
      path: 'version',
      message: 'must be a whole number ≥ 1 (the workflow format version)',
    };
  }
  if (from > WORKFLOW_VERSION) {
    return {
      ok: false,
      path: 'version',
      message: `this file is format version ${from}, made by a newer Fooocus Flow; this one reads up to version ${WORKFLOW_VERSION}. Update Fooocus Flow to open it.`,
    };
  }
  let current = doc;
  for (let v = from; v < WORKFLOW_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return { ok: false, path: 'version', message: `no migration from version ${v}` };
    current = { ...step(current), version: v + 1 };
  }
  return { ok: true, doc: current, from };
}

export function migrateParams(
  kind: string,
  fromVersion: number,
  toVersion: number,
  params: Record<string, unknown>,
) {
  let p = params;
  for (let v = fromVersion; v < toVersion; v++) {
    const step = KIND_MIGRATIONS[kind]?.[v];
    if (!step) return null;
    p = step(p);
  }
  return p;
}
