/**
 * Whether text is plain base64 (at least 8 characters of the alphabet, then at most two `=`). A
 * loop, not a regular expression: V8's regex engine overflows its stack on `[A-Za-z0-9+/]{8,}`
 * over a few megabytes, and a raw-base64 photo in a request is that size.
 */
export function looksLikeBase64(text: string): boolean {
  let end = text.length;
  if (text.endsWith('==')) end -= 2;
  else if (text.endsWith('=')) end -= 1;
  if (end < 8) return false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return false;
  }
  return true;
}
