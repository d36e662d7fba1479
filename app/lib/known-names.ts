import { DEFAULT_BASE_MODEL } from '../../contract/enums.ts';
import { STOCK_STYLES } from '../../contract/styles.ts';

/** Style names offered before the server's own list is known: a stock install's 279. */
export const KNOWN_STYLES: readonly string[] = STOCK_STYLES;

export const KNOWN_MODELS: readonly string[] = [DEFAULT_BASE_MODEL, 'None'];
