import { z } from 'zod';
import { WORKFLOW_FORMAT } from '../../nodes/graph.ts';

/** Ids appear in DOM attributes and file names: keep them short and plain. */
const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only')
  .refine(
    (s) => !['__proto__', 'constructor', 'prototype'].includes(s),
    'this name is reserved; pick another id',
  );
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const nodeSchema = z.object({
  id,
  kind: z.string().min(1).max(100),
  kindVersion: z.number().int().min(1),
  label: z.string().max(200).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.object({ x: finite, y: finite }).default({ x: 0, y: 0 }),
});

export const edgeSchema = z.object({
  id,
  source: id,
  sourceHandle: z.string().min(1).max(100),
  target: id,
  targetHandle: z.string().min(1).max(100),
});

export const exposedSchema = z.object({
  nodeId: id,
  param: z.string().min(1).max(100),
  name: z
    .string()
    .min(1)
    .max(60)
    .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, _ and - (it is typed on the command line)'),
});

/** An asset's hash as a key of `assets`: lower-case hex SHA-256. */
export const assetHashKey = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an asset key is the lower-case hex SHA-256 of its bytes (64 characters)');

/** The largest single image a workflow carries (a 12 MP phone photo is 4–8 MB). */
export const MAX_ASSET_BYTES = 64 * 1024 * 1024;

/** One entry of `assets`: metadata, and with `data` the bytes (base64) in a self-contained file. */
export const assetEntrySchema = z.object({
  type: z
    .string()
    .max(100)
    .regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a MIME type such as image/jpeg'),
  width: z.number().int().min(0).max(100000),
  height: z.number().int().min(0).max(100000),
  bytes: z.number().int().min(0).max(MAX_ASSET_BYTES),
  /** Base64 of the bytes; absent in a file saved without images (then read from an asset store). */
  data: z
    .string()
    .max(Math.ceil(MAX_ASSET_BYTES / 3) * 4)
    .optional(),
});

/** The envelope of the current version. Node params are checked per kind afterwards. */
export const workflowFileSchema = z.object({
  format: z.literal(WORKFLOW_FORMAT),
  version: z.number().int(),
  name: z.string().max(200).default('Untitled workflow'),
  description: z.string().max(20000).default(''),
  nodes: z.array(nodeSchema).max(5000),
  edges: z.array(edgeSchema).max(20000),
  exposed: z.array(exposedSchema).max(200).default([]),
  assets: z.record(assetHashKey, assetEntrySchema).default({}),
  /** "When one request cannot do it all" (absent: one request, as before the setting existed). */
  overflow: z.enum(['steps', 'one-request']).optional(),
});
