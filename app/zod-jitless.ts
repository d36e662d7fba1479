/**
 * The editor's CSP forbids `new Function`, so zod's compiled object parsers cannot run here. Saying
 * so up front keeps zod from probing (a probe the CSP reports as a violation even though zod
 * catches it). Imported first by main.tsx, before any schema parses.
 */
import { config } from '../contract/zod-mini.ts';

config({ jitless: true });
