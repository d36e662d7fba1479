export {
  readRequestText,
  MAX_REQUEST_TEXT_BYTES,
  type ReadRequestText,
  type RequestForm,
} from './read-request-text.ts';
