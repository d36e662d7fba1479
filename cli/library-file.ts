/**
 * `fooocus-flow run my-portrait`: a workflow argument that is not a file is looked up by name in
 * the workflow library the editor saves to (server/library/, FOOOCUS_FLOW_WORKFLOWS or the user's
 * data dir). A file of that name in the current folder always wins.
 */
import { stat } from 'node:fs/promises';
import { defaultLibraryDir } from '../server/library/library-dir.ts';
import { libraryNameSchema } from '../compiler/workflow-file/library-names.ts';
import { LibraryStore } from '../server/library/library-store.ts';

export type ResolvedWorkflow =
  { ok: true; path: string; fromLibrary: boolean } | { ok: false; message: string };

export async function resolveWorkflowArg(
  arg: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedWorkflow> {
  const isFile = await stat(arg).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile || !libraryNameSchema.safeParse(arg).success || /\.json$/i.test(arg))
    return { ok: true, path: arg, fromLibrary: false };
  const store = new LibraryStore(defaultLibraryDir(env));
  if (await store.exists(arg)) return { ok: true, path: store.pathOf(arg), fromLibrary: true };
  const names = (await store.list().catch(() => [])).map((e) => e.name);
  const saved = names.length
    ? `saved workflows: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`
    : 'it holds no workflow yet';
  return {
    ok: false,
    message: `Cannot read ${arg}: no such file, and no workflow named "${arg}" in the library ${store.dir} (${saved})`,
  };
}
