/**
 * Point a 422 back at the graph: each pydantic `loc` becomes a dotted request path, which the
 * compiler's provenance map ties to the node (and param) that produced that field.
 */
import type { Provenance } from '../compiler/types.ts';
import type { ValidationDetail } from './errors.ts';
import { locToPath } from './http.ts';

export interface MappedValidationError {
  /** Absent when no node produced the field (or any field above it). */
  nodeId?: string | undefined;
  param?: string | undefined;
  /** The request path the server complained about, e.g. `controlnet_image.0.cn_weight`. */
  field: string;
  message: string;
}

/**
 * Exact path first; then the longest prefix that has an entry (`controlnet_image.0` for a complaint
 * about `controlnet_image.0.cn_weight`), since the compiler records whole items for some fields;
 * otherwise one unattached error. A path owned by several nodes yields one error per node.
 */
export function mapValidationErrors(
  detail: readonly ValidationDetail[],
  provenance: Provenance,
): MappedValidationError[] {
  const out: MappedValidationError[] = [];
  for (const d of detail) {
    const field = locToPath(d.loc);
    const message = describe(d);
    const owners = lookup(field, provenance);
    if (owners.length === 0) {
      out.push({ field, message });
      continue;
    }
    for (const owner of owners) out.push({ nodeId: owner.nodeId, param: owner.param, field, message });
  }
  return out;
}

function lookup(field: string, provenance: Provenance) {
  const parts = field === '' ? [] : field.split('.');
  for (let n = parts.length; n > 0; n--) {
    const entries = provenance[parts.slice(0, n).join('.')];
    if (entries && entries.length > 0) return entries;
  }
  return [];
}

/** pydantic's message plus the value it rejected, when that is short enough to read. */
function describe(d: ValidationDetail): string {
  if (d.input === undefined || (typeof d.input === 'object' && d.input !== null)) return d.msg;
  const shown = JSON.stringify(d.input);
  return shown.length <= 60 ? `${d.msg} (got ${shown})` : d.msg;
}
