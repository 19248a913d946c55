// Ink's layout engine, loaded without touching `fetch`. Its Emscripten loader reads the embedded wasm
// through `fetch(data:…)` whenever `fetch` exists, and the first touch of Node's `fetch` loads undici:
// ~16 ms of a ~100 ms first frame. With `fetch` out of sight for that one synchronous call, the loader
// decodes the same bytes itself.
//
// The engine is bound late: Ink's modules only use it once something renders, and the UI bundle is a
// classic script (so that V8 can cache its compiled code), which has no top-level await. Whoever renders
// first awaits `layoutEngineReady`.
import loadYogaImpl from '../../node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from '../../node_modules/yoga-layout/dist/src/wrapAssembly.js';

export * from '../../node_modules/yoga-layout/dist/src/generated/YGEnums.js';

const fetchDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
Object.defineProperty(globalThis, 'fetch', {value: undefined, configurable: true, writable: true});
let loading;
try {
	loading = loadYogaImpl();
} finally {
	if (fetchDescriptor) Object.defineProperty(globalThis, 'fetch', fetchDescriptor);
	else delete globalThis.fetch;
}

let Yoga;
export {Yoga as default};
export const layoutEngineReady = loading.then((assembly) => {
	Yoga = wrapAssembly(assembly);
});
