/**
 * A guard that runs before schema validation on untrusted objects (a workflow node's params, a
 * request to decompile): zod validates every element of an array and keeps one issue per bad
 * element, so a 20 MB file of `[1,1,…]` costs seconds and gigabytes before its first error can be
 * shown. No Fooocus list is anywhere near this long (279 styles, 4 image prompts, 3 enhance tabs,
 * 5 LoRAs), so a longer array is refused by its length alone, in time linear in the object's keys.
 */
export const MAX_LIST_ITEMS = 1000;

export interface ListLimitError {
  /** The key of the too-long array. */
  key: string;
  message: string;
}

export function tooLongLists(value: Record<string, unknown>, max = MAX_LIST_ITEMS): ListLimitError[] {
  const out: ListLimitError[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length > max)
      out.push({
        key,
        message: `has ${v.length.toLocaleString('en')} items; Fooocus reads far fewer, so at most ${max} are accepted. Remove the extra items.`,
      });
  }
  return out;
}
