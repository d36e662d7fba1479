/**
 * The app server's workflow library (server/library/library-routes.ts), from the editor. Replies
 * are validated with zod; an error reply's `detail` becomes the message.
 */
import * as z from '../../contract/zod-mini.ts';

export const LIBRARY_BASE = '/app/workflows';

const entrySchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  modified: z.number(),
  bytes: z.int().check(z.nonnegative()),
});
export type LibraryEntry = z.infer<typeof entrySchema>;
const listSchema = z.object({ workflows: z.array(entrySchema).check(z.maxLength(10_000)) });
const errorSchema = z.object({ detail: z.string() });

export class LibraryRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const url = (name?: string, action?: string) =>
  `${LIBRARY_BASE}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}${action ? `/${action}` : ''}`;

async function call(input: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  if (res.ok) return res;
  const body: unknown = await res.json().catch(() => null);
  const detail = errorSchema.safeParse(body);
  throw new LibraryRequestError(
    res.status,
    detail.success ? detail.data.detail.slice(0, 300) : `the app server answered ${res.status}`,
  );
}

export async function listLibrary(): Promise<LibraryEntry[]> {
  const body: unknown = await (await call(url())).json();
  return listSchema.parse(body).workflows;
}

export async function readLibraryWorkflow(name: string): Promise<string> {
  return (await call(url(name))).text();
}

export async function saveLibraryWorkflow(
  name: string,
  text: string,
  overwrite: boolean,
): Promise<LibraryEntry> {
  const res = await call(`${url(name)}${overwrite ? '?overwrite=1' : ''}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  return entrySchema.parse(await res.json());
}

export async function renameLibraryWorkflow(
  name: string,
  to: string,
  action: 'rename' | 'duplicate',
): Promise<LibraryEntry> {
  const res = await call(url(name, action), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to }),
  });
  return entrySchema.parse(await res.json());
}

export async function deleteLibraryWorkflow(name: string): Promise<void> {
  await call(url(name), { method: 'DELETE' });
}
