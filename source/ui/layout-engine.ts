// Resolves once Ink can lay out a frame. Imported as a package, Ink's layout engine is ready when the
// import is; the bundle loads it late, off the main thread, and swaps this module for one that waits
// for it (source/bundle/build.mjs), so that the kubeconfig is read meanwhile.
export const layoutEngineReady: Promise<void> = Promise.resolve();
