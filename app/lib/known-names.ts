import { DEFAULT_BASE_MODEL } from '../../contract/enums.ts';

export const KNOWN_MODELS: readonly string[] = [DEFAULT_BASE_MODEL, 'None'];
