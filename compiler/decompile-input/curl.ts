/**
 * Reads the request out of a curl command (a FooocusAPI docs example, a browser's "Copy as cURL",
 * the editor's "Copy as curl"): the body of `-d` / `--data` / `--data-raw` / `--data-binary` /
 * `--json` (or the here-document for `@-`). Headers, the URL and other flags are listed as ignored;
 * a header's value is never repeated (it may be an API key).
 */
import { splitShellCommand, ShellSyntaxError } from './shell-words.ts';

export interface CurlRequest {
  body: string;
  url: string | null;
  ignored: string[];
}

const DATA_FLAGS = new Set(['-d', '--data', '--data-raw', '--data-binary', '--data-ascii', '--json']);
/** Flags that take a value (so the value is not mistaken for the URL). */
const VALUE_FLAGS = new Set([
  '-H',
  '--header',
  '-X',
  '--request',
  '-u',
  '--user',
  '-o',
  '--output',
  '-A',
  '--user-agent',
  '-e',
  '--referer',
  '-b',
  '--cookie',
  '-m',
  '--max-time',
  '--connect-timeout',
  '--url',
  '-F',
  '--form',
  '--retry',
  '-w',
  '--write-out',
  '-x',
  '--proxy',
]);

export function readCurlRequest(text: string): CurlRequest {
  const cmd = splitShellCommand(text.trim());
  const [first, ...args] = cmd.words;
  if (!first || !/(^|\/)curl(\.exe)?$/.test(first)) throw new ShellSyntaxError('not a curl command');
  const bodies: string[] = [];
  const ignored: string[] = [];
  let url: string | null = null;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : /^-[dH]./.test(a) ? a.slice(0, 2) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : flag !== a ? a.slice(2) : null;
    const takeValue = () => {
      if (inline !== null) return inline;
      const v = args[++k];
      if (v === undefined) throw new ShellSyntaxError(`${flag} has no value`);
      return v;
    };
    if (DATA_FLAGS.has(flag)) {
      const v = takeValue();
      if (v === '@-') {
        if (cmd.stdin === null)
          throw new ShellSyntaxError(`${flag} @- reads stdin, and the command has no here-document`);
        bodies.push(cmd.stdin);
      } else if (v.startsWith('@') && flag !== '--data-raw')
        throw new ShellSyntaxError(
          `${flag} ${v.slice(0, 60)} reads the body from a file; paste the file's contents instead`,
        );
      else bodies.push(v);
    } else if (flag === '-H' || flag === '--header') {
      const h = takeValue();
      ignored.push(`header ${h.split(':')[0]!.trim().slice(0, 40)}`);
    } else if (flag === '--url') url = takeValue();
    else if (VALUE_FLAGS.has(flag)) {
      const v = takeValue();
      ignored.push(
        flag === '-u' || flag === '--user' ? `${flag} (credentials)` : `${flag} ${v.slice(0, 30)}`,
      );
    } else if (a.startsWith('-')) ignored.push(a.slice(0, 30));
    else if (url === null) url = a;
    else ignored.push(a.slice(0, 40));
  }
  if (bodies.length === 0)
    throw new ShellSyntaxError('the curl command sends no body (no -d, --data, --data-raw or --json)');
  if (bodies.length > 1)
    throw new ShellSyntaxError(
      `the curl command sends ${bodies.length} bodies; keep the one with the request`,
    );
  if (cmd.rest) ignored.push(`after the command: ${cmd.rest.replace(/\s+/g, ' ').slice(0, 30)}`);
  return { body: bodies[0]!, url, ignored };
}
