import {KubehopError} from '../errors/kubehop-error.ts';

export type ClusterErrorKind = 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'forbidden' | 'not-found' | 'server';

/** A failed request to a cluster, typed so callers can react to forbidden or not-found. */
export class ClusterError extends KubehopError {
	constructor(
		readonly kind: ClusterErrorKind,
		message: string,
		readonly status?: number,
		hint?: string,
	) {
		super(message, hint);
	}
}
