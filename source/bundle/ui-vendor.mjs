// The terminal UI's third-party code, bundled as one classic script (dist/chunks/ui-vendor.js) that
// ui-vendor-loader.mjs compiles with V8's code cache. The layout engine comes first, so its wasm
// compiles off the main thread while the rest of this script runs.
export {layoutEngineReady} from 'yoga-layout';
export * as ink from 'ink';
export * as react from 'react';
export * as jsxRuntime from 'react/jsx-runtime';
export {default as fuzzysort} from 'fuzzysort';
// Ink's own string-width (with its shortcut for the app's text), so that the app's cuts and pads measure
// as Ink does without a second copy, which would compile its emoji tables on the first name it measures.
export {default as stringWidth} from 'string-width';
