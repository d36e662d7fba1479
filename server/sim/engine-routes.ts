/** The simulated engine's route table: FooocusAPI's API routes plus FastAPI's own /docs and /openapi.json. */
import { redirect, sendJson } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { route, type Route } from './router.ts';
import { handleGenerate } from './routes/generate.ts';
import {
  handleAllModels,
  handleControl,
  handleInput,
  handleOutput,
  handleStyles,
  handleTask,
  handleTasks,
} from './routes/query.ts';
import { handleDescribe, handleGenerateMask } from './routes/tools.ts';
import type { SimState } from './state.ts';

const DOCS_HTML = `<!doctype html><html><head><title>FooocusAPI (simulated)</title></head><body>
<h1>FooocusAPI v3 — simulated engine</h1><p>Fooocus Flow's stand-in for a GPU server. Routes:</p><ul>
<li>POST /v1/engine/generate/</li><li>POST /v1/engine/control?action=stop|skip</li><li>GET /tasks, /tasks/{task_id}</li>
<li>GET /outputs/{dir}/{file}, /inputs/{file}</li><li>GET /v1/engines/all-models, /v1/engines/styles</li>
<li>POST /v1/tools/describe-image, /v1/tools/generate_mask</li></ul></body></html>`;

export function buildRoutes(sim: SimState, routesRef: { all: Route[] }): Route[] {
  return [
    route('POST', '/v1/engine/generate/', (ctx) => handleGenerate(ctx, sim)),
    route('POST', '/v1/engine/control', (ctx) => handleControl(ctx, sim)),
    route('GET', '/tasks', (ctx) => handleTasks(ctx, sim)),
    route('GET', '/tasks/{task_id}', (ctx, [id]) => handleTask(ctx, sim, id!)),
    route('GET', '/outputs/{dir_name}/{file_name}', (ctx, [dir, file]) =>
      handleOutput(ctx, sim, dir!, file!),
    ),
    route('GET', '/inputs/{file_name}', (ctx, [file]) => handleInput(ctx, sim, file!)),
    route('GET', '/v1/engines/all-models', (ctx) => handleAllModels(ctx, sim)),
    route('GET', '/v1/engines/styles', (ctx) => handleStyles(ctx, sim)),
    route('POST', '/v1/tools/describe-image', (ctx) => handleDescribe(ctx, sim)),
    route('POST', '/v1/tools/generate_mask', (ctx) => handleGenerateMask(ctx, sim)),
    route('GET', '/', (ctx) => redirect(ctx, '/docs')),
    // FastAPI's own routes answer HEAD too; its API routes do not (405).
    route(
      'GET',
      '/docs',
      (ctx) => {
        ctx.res.writeHead(200, { ...ctx.cors, 'content-type': 'text/html; charset=utf-8' }).end(DOCS_HTML);
      },
      { head: true },
    ),
    route(
      'GET',
      '/openapi.json',
      (ctx) => sendJson(ctx, 200, openApiDocument(routesRef.all, sim.startedIso)),
      {
        head: true,
      },
    ),
  ];
}
