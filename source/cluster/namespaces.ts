import type {ApiClient} from './api-client.ts';
import {ClusterError} from './cluster-error.ts';

type NamespaceList = {items?: Array<{metadata?: {name?: string}}>; metadata?: {continue?: string}};

const pageSize = 500;

/** Every namespace name, following `continue` tokens page by page. */
export async function listNamespaces(client: ApiClient): Promise<string[]> {
	const names: string[] = [];
	let token: string | undefined;
	do {
		const query = new URLSearchParams({limit: String(pageSize)});
		if (token) query.set('continue', token);
		const page = await client.getJson<NamespaceList>(`api/v1/namespaces?${query.toString()}`);
		for (const item of page.items ?? []) if (item.metadata?.name) names.push(item.metadata.name);
		token = page.metadata?.continue || undefined;
	} while (token);
	return names.sort();
}

export type NamespaceCheck = 'exists' | 'missing' | 'forbidden';

export async function checkNamespace(client: ApiClient, name: string): Promise<NamespaceCheck> {
	try {
		await client.getJson(`api/v1/namespaces/${encodeURIComponent(name)}`);
		return 'exists';
	} catch (error) {
		if (error instanceof ClusterError && error.kind === 'not-found') return 'missing';
		if (error instanceof ClusterError && error.kind === 'forbidden') return 'forbidden';
		throw error;
	}
}
