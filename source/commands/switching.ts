// The switching path as one dynamic import, so that it stays one chunk: `ctx`, `ns`, `history` and the
// completions, with the kubeconfig index they share. certs, api and can-i never load it.
export {runCtx} from './ctx.ts';
export {runNs} from './ns.ts';
export {runHistory} from './history.ts';
export {runComplete, runCompletion} from './completion.ts';
export {FileIndexCache} from '../kubeconfig/file-index.ts';
export {loadKubeconfigIndex} from '../kubeconfig/indexed-switch.ts';
