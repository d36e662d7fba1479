/**
 * A ref that focuses its element once, when it mounts: what `autoFocus` means in a dialog. The
 * editor renders with preact/compat, which only sets the HTML `autofocus` attribute, and browsers
 * ignore that attribute on elements inserted after the page has a focused element.
 */
export function focusOnMount(el: HTMLElement | null): void {
  el?.focus();
}
