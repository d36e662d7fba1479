/**
 * zod/mini, for the schemas the editor's first load needs (node kinds, the request fields, the
 * workflow file envelope): the same validation as classic zod (one core) at about a third of the
 * gzipped size, since its functional API lets the bundler drop what is not used (issue 12).
 * Classic zod sets English messages when it is imported; zod/mini has none until configured, so
 * every zod/mini schema imports it from here (`import * as z`) and gets classic zod's messages.
 * Re-exported with `export *`, not as a namespace object: an object would keep all of zod in the bundle.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
