/**
 * Builds the request body while recording where each field came from (provenance), so the editor
 * can highlight a node's fields and server errors can be routed back to the node that caused them.
 */
import type { FooocusRequest } from '../../contract/fields.ts';
import type { Provenance, ProvenanceEntry } from '../types.ts';

export class RequestBuilder {
  readonly request: FooocusRequest = {};
  readonly provenance: Provenance = {};

  set<K extends keyof FooocusRequest>(
    field: K,
    value: FooocusRequest[K],
    from: ProvenanceEntry[] | ProvenanceEntry,
  ): void {
    this.request[field] = value;
    this.provenance[field] = Array.isArray(from) ? from : [from];
  }

  /** Provenance for a nested path such as `controlnet_image.0.cn_weight`. */
  trace(path: string, from: ProvenanceEntry[] | ProvenanceEntry): void {
    this.provenance[path] = Array.isArray(from) ? from : [from];
  }
}
