/**
 * `npm run bench`: prints the project's speed and size figures. Benchmarks measure; tests check
 * behaviour. Each part runs on this machine against loopback only.
 */
export {};

const parts: { name: string; load: () => Promise<() => Promise<Record<string, string | number>>> }[] = [
  { name: 'compiler', load: async () => (await import('./compile.ts')).benchCompile },
  {
    name: 'documents in (request text forms)',
    load: async () => (await import('./decompile-input.ts')).benchDecompileInput,
  },
  { name: 'API client and simulated engine', load: async () => (await import('./client.ts')).benchClient },
  { name: 'batch on simulated engines', load: async () => (await import('./batch.ts')).benchBatch },
  { name: 'pipelines (steps)', load: async () => (await import('./pipeline.ts')).benchPipeline },
  { name: 'first load (editor build)', load: async () => (await import('./first-load.ts')).benchFirstLoad },
  { name: 'editor (Chromium)', load: async () => (await import('./editor.ts')).benchEditor },
  {
    name: 'editor with real photos (Chromium)',
    load: async () => (await import('./editor-photos.ts')).benchEditorPhotos,
  },
  {
    name: 'photo drop (Chromium)',
    load: async () => (await import('./editor-photos.ts')).benchPhotoDropOnly,
  },
];

const only = process.argv[2];
let failed = false;
for (const part of parts) {
  if (only && !part.name.startsWith(only)) continue;
  console.log(`\n## ${part.name}`);
  try {
    const figures = await (await part.load())();
    for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(58)} ${v}`);
  } catch (err) {
    failed = true;
    console.error(`failed: ${(err as Error).stack ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
