/**
 * The layer rule that `npm run lint` applies (lint/layer-imports.js), run on small sources placed in
 * each layer: every forbidden direction is reported with the layers named, every allowed one passes.
 */
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { layerImports } from '../../lint/layer-imports.js';

const ROOT = '/repo';
const at = (path: string) => `${ROOT}/${path}`;
const options = [{ root: ROOT }];

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
});

tester.run('layers/imports', layerImports, {
  valid: [
    { filename: at('nodes/set-param.ts'), code: "import { x } from '../contract/fields.ts';", options },
    { filename: at('compiler/rules/a.ts'), code: "import { x } from '../../nodes/graph.ts';", options },
    { filename: at('compiler/rules/a.ts'), code: "import { z } from 'zod';", options },
    { filename: at('api/client.ts'), code: "import { x } from '../compiler/compile.ts';", options },
    { filename: at('server/sim/a.ts'), code: "import { x } from '../../contract/enums.ts';", options },
    { filename: at('app/run/runner.ts'), code: "import { x } from '../../api/index.ts';", options },
    { filename: at('app/run/runner.ts'), code: "import { create } from 'zustand';", options },
    { filename: at('app/run/runner.ts'), code: "const m = () => import('../panels/Gallery.tsx');", options },
    { filename: at('cli/main.ts'), code: "import { x } from '../server/launch.ts';", options },
    // The batch engine is a FooocusAPI client (the one exception to the api ↔ server peer rule).
    { filename: at('server/batch/item-run.ts'), code: "import { x } from '../../api/client.ts';", options },
    { filename: at('cli/main.ts'), code: "import { readFile } from 'node:fs/promises';", options },
    { filename: at('test/app/a.test.ts'), code: "import { x } from '../../app/run/runner.ts';", options },
    { filename: at('bench/run.ts'), code: "import { x } from '../cli/main.ts';", options },
  ],
  invalid: [
    {
      filename: at('contract/fields.ts'),
      code: "import type { X } from '../nodes/types.ts';",
      options,
      errors: [{ messageId: 'upward', data: { from: 'contract', to: 'nodes' } }],
    },
    {
      filename: at('nodes/set-param.ts'),
      code: "export { compile } from '../compiler/compile.ts';",
      options,
      errors: [{ messageId: 'upward', data: { from: 'nodes', to: 'compiler' } }],
    },
    {
      filename: at('compiler/rules/a.ts'),
      code: "export * from '../../api/index.ts';",
      options,
      errors: [{ messageId: 'upward', data: { from: 'compiler', to: 'api' } }],
    },
    {
      filename: at('api/client.ts'),
      code: "const m = () => import('../app/run/runner.ts');",
      options,
      errors: [{ messageId: 'upward', data: { from: 'api', to: 'app' } }],
    },
    {
      filename: at('server/sim/engine.ts'),
      code: "import { x } from '../../api/index.ts';",
      options,
      errors: [{ messageId: 'peer', data: { from: 'server', to: 'api' } }],
    },
    {
      filename: at('server/app/proxy.ts'),
      code: "import { x } from '../../api/client.ts';",
      options,
      errors: [{ messageId: 'peer', data: { from: 'server', to: 'api' } }],
    },
    {
      filename: at('app/library/library-actions.ts'),
      code: "import { toLibraryName } from '../../server/library/library-names.ts';",
      options,
      errors: [{ messageId: 'browser' }],
    },
    {
      filename: at('app/run/runner.ts'),
      code: "import { main } from '../../cli/main.ts';",
      options,
      errors: [{ messageId: 'peer', data: { from: 'app', to: 'cli' } }],
    },
    {
      filename: at('cli/run.ts'),
      code: "import { x } from '../app/store/editor-store.ts';",
      options,
      errors: [{ messageId: 'peer', data: { from: 'cli', to: 'app' } }],
    },
    {
      filename: at('compiler/prepare/prepare.ts'),
      code: "import { readFile } from 'node:fs/promises';\nimport { useState } from 'react';",
      options,
      errors: [
        { messageId: 'platform', data: { from: 'compiler', source: 'node:fs/promises' } },
        { messageId: 'platform', data: { from: 'compiler', source: 'react' } },
      ],
    },
  ],
});
