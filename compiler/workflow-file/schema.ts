import * as z from '../../contract/zod-mini.ts';
import { WORKFLOW_FORMAT } from '../../nodes/graph.ts';

/** Ids appear in DOM attributes and file names: keep them short and plain. */
const id = z.string().check(
  z.minLength(1),
  z.maxLength(100),
  z.regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only'),
  z.refine(
    (s) => !['__proto__', 'constructor', 'prototype'].includes(s),
    'this name is reserved; pick another id',
  ),
);
const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));

export const nodeSchema = z.object({
  id,
  kind: z.string().check(z.minLength(1), z.maxLength(100)),
  kindVersion: z.int().check(z.minimum(1)),
  label: z.optional(z.string().check(z.maxLength(200))),
  params: z._default(z.record(z.string(), z.unknown()), {}),
  position: z._default(z.object({ x: finite, y: finite }), { x: 0, y: 0 }),
});

export const edgeSchema = z.object({
  id,
  source: id,
  sourceHandle: z.string().check(z.minLength(1), z.maxLength(100)),
  target: id,
  targetHandle: z.string().check(z.minLength(1), z.maxLength(100)),
});

export const exposedSchema = z.object({
  nodeId: id,
  param: z.string().check(z.minLength(1), z.maxLength(100)),
  name: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(60),
      z.regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, _ and - (it is typed on the command line)'),
    ),
});

/** An asset's hash as a key of `assets`: lower-case hex SHA-256. */
export const assetHashKey = z
  .string()
  .check(
    z.regex(/^[0-9a-f]{64}$/, 'an asset key is the lower-case hex SHA-256 of its bytes (64 characters)'),
  );

/** The largest single image a workflow carries (a 12 MP phone photo is 4–8 MB). */
export const MAX_ASSET_BYTES = 64 * 1024 * 1024;

/** One entry of `assets`: metadata, and with `data` the bytes (base64) in a self-contained file. */
export const assetEntrySchema = z.object({
  type: z
    .string()
    .check(z.maxLength(100), z.regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a MIME type such as image/jpeg')),
  width: z.int().check(z.minimum(0), z.maximum(100000)),
  height: z.int().check(z.minimum(0), z.maximum(100000)),
  bytes: z.int().check(z.minimum(0), z.maximum(MAX_ASSET_BYTES)),
  /** Base64 of the bytes; absent in a file saved without images (then read from an asset store). */
  data: z.optional(z.string().check(z.maxLength(Math.ceil(MAX_ASSET_BYTES / 3) * 4))),
});

/** The envelope of the current version. Node params are checked per kind afterwards. */
export const workflowFileSchema = z.object({
  format: z.literal(WORKFLOW_FORMAT),
  version: z.int(),
  name: z._default(z.string().check(z.maxLength(200)), 'Untitled workflow'),
  description: z._default(z.string().check(z.maxLength(20000)), ''),
  nodes: z.array(nodeSchema).check(z.maxLength(5000)),
  edges: z.array(edgeSchema).check(z.maxLength(20000)),
  exposed: z._default(z.array(exposedSchema).check(z.maxLength(200)), []),
  assets: z._default(z.record(assetHashKey, assetEntrySchema), {}),
  /** "When one request cannot do it all" (absent: one request, as before the setting existed). */
  overflow: z.optional(z.enum(['steps', 'one-request'])),
});
