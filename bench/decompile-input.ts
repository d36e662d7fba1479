/**
 * How fast a pasted request is read (compiler/decompile-input/): the documents' Python script, a
 * curl command and JSON, each carrying a realistic inline image (a 12 MP photo's base64 is ~10 MB),
 * and the whole decompile of the seed script. Linear time is what matters: 4× the text ≈ 4× the time.
 */
import { readFileSync } from 'node:fs';
import { decompileText } from '../compiler/decompile.ts';
import { readRequestText } from '../compiler/decompile-input/index.ts';

function median(fn: () => void, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export async function benchDecompileInput(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  const seed = readFileSync(new URL('../test/fixtures/seeds/enhance-chain.py', import.meta.url), 'utf8');
  out['seed script (enhance-chain.py) → workflow, ms'] = median(() => void decompileText(seed), 20).toFixed(
    2,
  );
  for (const mb of [2.5, 10]) {
    const image = 'A'.repeat(mb * 1024 * 1024);
    const py = `params = {'prompt': 'x', 'uov_method': 'Vary (Strong)', 'uov_input_image': '${image}', 'save_meta': True,}`;
    const json = JSON.stringify({ prompt: 'x', uov_input_image: image });
    const curl = `curl -X POST http://h/v1/engine/generate/ -H 'Content-Type: application/json' -d '${json}'`;
    out[`Python dict with a ${mb} MB image, ms`] = median(() => void readRequestText(py)).toFixed(1);
    out[`curl -d with a ${mb} MB image, ms`] = median(() => void readRequestText(curl)).toFixed(1);
    out[`JSON with a ${mb} MB image, ms`] = median(() => void readRequestText(json)).toFixed(1);
  }
  return out;
}
