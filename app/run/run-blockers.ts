import type { CompileResult } from '../../compiler/types.ts';
import type { LocalText } from '../../nodes/types.ts';
import type { SettingsState } from './settings.ts';
import { serverKnownDown } from './settings.ts';

/**
 * Why Run is off, in the order the user should deal with them. Empty: Run may send.
 * - `empty`: nothing to run (a blank canvas, or no chain ending in Output): a request from it would
 *   be an empty-prompt text-to-image nobody asked for.
 * - `errors`: the compiler found errors (listed separately, each with its node).
 * - `server`: the last check found the server down; Run comes back when it answers.
 */
export type RunBlocker =
  | { kind: 'empty'; text: LocalText }
  | { kind: 'errors' }
  | { kind: 'checking' }
  | { kind: 'server'; text: LocalText };

export function runBlockers(
  compiled: CompileResult | null,
  stale: boolean,
  settings: Pick<SettingsState, 'check' | 'config'>,
): RunBlocker[] {
  const out: RunBlocker[] = [];
  if (!compiled || stale) out.push({ kind: 'checking' });
  else if (compiled.plan.stages.length === 0) out.push({ kind: 'empty', text: compiled.plan.summary });
  else if (compiled.diagnostics.some((d) => d.severity === 'error')) out.push({ kind: 'errors' });
  const check = settings.check;
  if (serverKnownDown(settings as SettingsState) && check.state === 'failed')
    out.push({ kind: 'server', text: { en: check.message, zh: check.messageZh ?? check.message } });
  return out;
}
