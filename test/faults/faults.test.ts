/**
 * The deterministic subset of the fault harness (`npm run test:faults` runs all of it, 20 trials
 * each): one trial per fault whose outcome does not depend on timing, for the CLI and the API
 * client. Every result the server finished is saved, no run is submitted twice, none hangs, and
 * every run ends with a clear final message.
 */
import { runHarness } from './harness.ts';

it('every fault kind, CLI and API client: nothing lost, nothing sent twice, no hang, a clear end', async () => {
  const rows = await runHarness({
    trials: 1,
    stepMs: 0,
    // A short read loop keeps the subset quick; the full harness keeps the real 0.2 s.
    tickMs: 10,
    only: [
      'dropped before the server saw',
      'submit reply lost',
      'mid-reply',
      'mid-poll',
      'server gone, then resumed',
      'concurrent',
      'client killed',
      'engine killed',
      'Stop at a held step',
    ],
    tuning: {
      // Generous for a busy machine: only the stall scenario waits this long.
      goneAfterMs: 4_000,
      readTimeoutMs: 2_000,
      searchGraceMs: 0,
      intervalMs: 20,
      queueCheckMs: 0,
      lostAfterOutageMs: 300,
    },
    trialLimitMs: 60_000,
  });
  expect(rows).toHaveLength(20);
  for (const row of rows) {
    const label = `${row.scenario} (${row.client}): ${row.notes.join('; ')}`;
    expect({ label, lost: row.lost, dup: row.duplicates, hangs: row.hangs, unclear: row.unclear }).toEqual({
      label,
      lost: 0,
      dup: 0,
      hangs: 0,
      unclear: 0,
    });
    expect(row.saved, label).toBe(row.finished);
    // A task killed with its engine, or stopped before its only image, has nothing to save.
    if (!/engine killed|Stop at/.test(row.scenario)) expect(row.finished, label).toBeGreaterThan(0);
  }
}, 120_000);
