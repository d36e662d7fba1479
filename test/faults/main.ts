/**
 * `npm run test:faults [-- --trials 20] [--only <words of a fault name>] [--client cli|api] [--step-ms 10]`:
 * the fault harness (harness.ts). Prints one table; exits 1 when any run lost a result, submitted
 * twice, hung, or ended without a clear final message.
 */
import { parseArgs } from 'node:util';
import { formatTable, runHarness } from './harness.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    only: { type: 'string', multiple: true },
    client: { type: 'string' },
    'step-ms': { type: 'string', default: '10' },
    verbose: { type: 'boolean', default: false },
    parallel: { type: 'string', default: '4' },
  },
});

const started = Date.now();
const rows = await runHarness({
  trials: Number(values.trials),
  stepMs: Number(values['step-ms']),
  only: values.only,
  clients: values.client ? [values.client as 'cli' | 'api'] : undefined,
  // Real intervals; a short "server gone" (3 s) so stalls and kills fit in a trial.
  tuning: { goneAfterMs: 3_000, readTimeoutMs: 1_000, searchGraceMs: 1_000, lostAfterOutageMs: 3_000 },
  trialLimitMs: 60_000,
  parallel: Number(values.parallel),
  log: values.verbose ? (line) => console.error(line) : undefined,
});
console.log(formatTable(rows));
const notes = rows.flatMap((r) => r.notes.map((n) => `${r.scenario} (${r.client}): ${n}`));
if (notes.length) console.log(`\n${notes.join('\n')}`);
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
const bad = rows.some((r) => r.lost || r.duplicates || r.hangs || r.unclear);
process.exit(bad ? 1 : 0);
