// Shared test setup: jsdom lacks ResizeObserver and DOMMatrixReadOnly, which React Flow needs.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
}
