import type { ZodMiniObject } from 'zod/mini';

/**
 * What travels along a wire. The compiler's two-stage model (fooocus-semantics §5) needs to tell
 * the image being worked on ("image") apart from side inputs: a mask for one Inpaint node, and an
 * image-prompt reference that conditions the main pass.
 */
export type PortType = 'image' | 'mask' | 'imagePrompt';

/** Text in both UI languages. Every label, help text and diagnostic exists in English and Chinese. */
export interface LocalText {
  en: string;
  zh: string;
}

export interface PortSpec {
  id: string;
  type: PortType;
  label: LocalText;
  /** Inputs only: how many wires may end here. Outputs always accept many wires. */
  multiple?: boolean;
  /** Inputs only: the node cannot do its job without it. */
  required?: boolean;
  /**
   * Inputs only: the upstream node kinds allowed, when the request format restricts them (e.g. an
   * image prompt's reference must be an uploaded image, never a generated one).
   */
  acceptsKinds?: readonly string[];
  /** Why `acceptsKinds` exists, shown when a wire from another kind is refused. */
  acceptsReason?: LocalText;
}

/** Where a node sits in the palette. */
export type NodeRole = 'source' | 'operation' | 'enhance' | 'output';

export interface NodeKind<S extends ZodMiniObject = ZodMiniObject> {
  kind: string;
  /** Bumped when params change shape; the workflow migration chain upgrades old params. */
  version: number;
  role: NodeRole;
  title: LocalText;
  description: LocalText;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  /** Parameter schema: every field has a default, so `params.parse({})` gives a fresh node. */
  params: S;
  /** Fields shown on the node itself (the inspector shows all of them). */
  inlineFields: readonly string[];
  /** Params one node of this kind may exist at most once per workflow. */
  singleton?: boolean;
}
