/**
 * Nothing from a file or a server reaches the user's terminal as a control sequence. Labels, node
 * kinds, file names, server messages and JSON paths all pass through every command's output, and an
 * `ESC]0;…BEL` or `ESC[2J` in a shared workflow would retitle or clear the terminal, or a `\r` fake a
 * clean "0 error(s)" over a real report. So every write is escaped visibly, as `\u001b`: inside a
 * JSON string that is the same character, so `--json` output keeps its meaning; in plain text it shows.
 * The CLI's own progress bar draws with `control()`, which only it calls.
 */
import type { CliIO } from './io.ts';

/**
 * C0 controls except tab and newline, DEL, C1 controls, the bidirectional overrides and isolates
 * (which reorder what is shown: "Trojan source"), and the Unicode line/paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface SafeSink {
  write(s: string): unknown;
  isTTY?: boolean;
  /** Writes the CLI's own control sequences (progress redraw) unescaped. */
  control(seq: string): unknown;
}

function safeSink(raw: CliIO['stdout']): SafeSink {
  if ('control' in raw) return raw as SafeSink; // already wrapped
  return {
    write: (s: string) => raw.write(terminalSafe(s)),
    isTTY: raw.isTTY,
    control: (seq: string) => raw.write(seq),
  };
}

export function terminalSafeIO(io: CliIO): CliIO & { stdout: SafeSink; stderr: SafeSink } {
  return { stdout: safeSink(io.stdout), stderr: safeSink(io.stderr) };
}
