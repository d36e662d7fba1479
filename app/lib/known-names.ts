import { DEFAULT_BASE_MODEL, DEFAULT_STYLES } from '../../compiler/request/enums.ts';

/** Style names offered before the server's own list is known (Fooocus ships these). */
export const KNOWN_STYLES: readonly string[] = [
  ...DEFAULT_STYLES,
  'Fooocus Masterpiece',
  'Fooocus Photograph',
  'Fooocus Negative',
  'Fooocus Cinematic',
  'Fooocus Semi Realistic',
  'SAI 3D Model',
  'SAI Analog Film',
  'SAI Anime',
  'SAI Cinematic',
  'SAI Comic Book',
  'SAI Digital Art',
  'SAI Enhance',
  'SAI Fantasy Art',
  'SAI Isometric',
  'SAI Line Art',
  'SAI Neonpunk',
  'SAI Origami',
  'SAI Photographic',
  'SAI Pixel Art',
  'SAI Texture',
  'MRE Cinematic Dynamic',
  'Ads Advertising',
  'Artstyle Watercolor',
  'Misc Minimalist',
  'Photo Long Exposure',
];

export const KNOWN_MODELS: readonly string[] = [DEFAULT_BASE_MODEL, 'None'];
