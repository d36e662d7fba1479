/**
 * An asset's id: the lower-case hex SHA-256 of its bytes, by Web Crypto (`crypto.subtle`, in every
 * browser and in Node ≥ 20), so the browser and the CLI name the same photo the same way.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}
