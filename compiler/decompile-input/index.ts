export { readRequestText, MAX_REQUEST_TEXT_BYTES } from './read-request-text.ts';
