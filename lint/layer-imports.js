/**
 * ESLint rule `layers/imports`: the layers of README "Architecture", checked on every import
 * (static, re-export, dynamic). Bottom up:
 *   contract < nodes < compiler < api, server < app, cli
 * A folder may import its own layer's files and lower layers only. Folders that share a layer are
 * peers and never import each other (app ↔ cli, api ↔ server): what both need moves down a layer.
 * app/ (the browser) never imports server/ (Node), even though server/ is a lower layer.
 * One exception to the peer rule: server/batch/ (the batch engine the CLI and the app server share)
 * is a client of FooocusAPI and uses api/; the simulated engine and the rest of server/ never do.
 * contract/, nodes/ and compiler/ are also pure TypeScript: no React, DOM stores or Node modules.
 * bench/ and test/ sit on top and may import anything.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Layer rank of each top-level source folder. */
export const LAYER_RANK = { contract: 0, nodes: 1, compiler: 2, api: 3, server: 3, app: 4, cli: 4 };

/** Lower layers a folder still may not import: the editor runs in the browser, server/ in Node. */
const NEVER = { app: new Set(['server']) };

/** Sub-folders allowed to import a peer layer: server/batch/ runs items through the api/ client. */
const PEER_CLIENTS = [{ under: `server${sep}batch${sep}`, to: 'api' }];

/** Packages (and node: built-ins) the pure layers may not use. */
const PLATFORM = /^(node:|react$|react\/|react-dom|@xyflow\/|zustand|immer$|sharp$|bullmq$|ioredis$)/;
const PURE = new Set(['contract', 'nodes', 'compiler']);

/** The top-level folder a path lies in, relative to the repository root ('' outside the root). */
function topFolder(root, file) {
  const rel = relative(root, file);
  if (rel.startsWith('..')) return '';
  return rel.split(sep)[0] ?? '';
}

/** @type {import('eslint').Rule.RuleModule} */
export const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Lower layers never import higher ones; peer layers never import each other.' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      upward:
        '{{from}}/ imports {{to}}/: lower layers never import higher ones (contract < nodes < compiler < api, server < app, cli). Move what both need down to {{from}}/ or a lower layer.',
      browser:
        'app/ runs in the browser and never imports server/ (Node code): move the pure logic both need to compiler/ or nodes/.',
      peer: '{{from}}/ imports {{to}}/: they share a layer (api, server | app, cli) and never import each other. Move what both need down a layer.',
      platform:
        '{{from}}/ is pure TypeScript and cannot import "{{source}}": platform code lives in api/, server/, app/ or cli/.',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? ROOT;
    const file = context.physicalFilename ?? context.filename;
    const from = topFolder(root, file);
    if (!(from in LAYER_RANK)) return {};

    function check(node, source) {
      if (typeof source !== 'string') return;
      if (!source.startsWith('.')) {
        if (PURE.has(from) && PLATFORM.test(source))
          context.report({ node, messageId: 'platform', data: { from, source } });
        return;
      }
      const to = topFolder(root, resolve(dirname(file), source));
      if (to === from || !(to in LAYER_RANK)) return;
      const data = { from, to };
      if (LAYER_RANK[to] > LAYER_RANK[from]) context.report({ node, messageId: 'upward', data });
      else if (NEVER[from]?.has(to)) context.report({ node, messageId: 'browser' });
      else if (LAYER_RANK[to] === LAYER_RANK[from]) {
        const rel = relative(root, file);
        if (PEER_CLIENTS.some((p) => p.to === to && rel.startsWith(p.under))) return;
        context.report({ node, messageId: 'peer', data });
      }
    }

    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
    };
  },
};

export default { rules: { imports: layerImports } };
