#!/usr/bin/env node
// Entry point of `fooocus-flow` (npx fooocus-flow ...). The CLI is TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
