// The terminal UI's third-party code, bundled as one classic script (dist/chunks/ui-vendor.js) that
// ui-vendor-loader.mjs compiles with V8's code cache. The layout engine comes first, so its wasm
// compiles off the main thread while the rest of this script runs.
export {layoutEngineReady} from 'yoga-layout';
export * as ink from 'ink';
export * as react from 'react';
export * as jsxRuntime from 'react/jsx-runtime';
export {default as fuzzysort} from 'fuzzysort';
