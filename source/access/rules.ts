// RBAC rules, evaluated as the API server's RBAC authorizer does (rbac/v1 helpers: VerbMatches,
// APIGroupMatches, ResourceMatches, ResourceNameMatches), for the rules a SelfSubjectRulesReview returns.

export type ResourceRule = {verbs: readonly string[]; apiGroups?: readonly string[]; resources?: readonly string[]; resourceNames?: readonly string[]};

export type NonResourceRule = {verbs: readonly string[]; nonResourceURLs?: readonly string[]};

/** `name`: a request on one named object, which rules limited to resourceNames may allow. */
export type ResourceRequest = {verb: string; group: string; resource: string; subresource?: string; name?: string};

export type RuleDecision =
	| {state: 'allowed'; rule: ResourceRule}
	/** Only some objects, by name: `kubectl auth can-i` without a name says no. */
	| {state: 'limited'; names: readonly string[]; rules: readonly ResourceRule[]}
	| {state: 'denied'};

const all = '*';

export function verbMatches(rule: ResourceRule | NonResourceRule, verb: string): boolean {
	return rule.verbs.includes(all) || rule.verbs.includes(verb);
}

export function groupMatches(rule: ResourceRule, group: string): boolean {
	const groups = rule.apiGroups ?? [];
	return groups.includes(all) || groups.includes(group);
}

/** `*` matches everything, `pods/log` itself, and `*\/log` any resource's log; `pods/*` is not a wildcard. */
export function resourceMatches(rule: ResourceRule, resource: string, subresource = ''): boolean {
	const combined = subresource ? `${resource}/${subresource}` : resource;
	for (const candidate of rule.resources ?? []) {
		if (candidate === all || candidate === combined) return true;
		if (subresource && candidate === `*/${subresource}`) return true;
	}

	return false;
}

export function evaluate(rules: readonly ResourceRule[], request: ResourceRequest): RuleDecision {
	const limited: ResourceRule[] = [];
	for (const rule of rules) {
		if (!verbMatches(rule, request.verb) || !groupMatches(rule, request.group) || !resourceMatches(rule, request.resource, request.subresource)) continue;
		if (!rule.resourceNames?.length || (request.name !== undefined && rule.resourceNames.includes(request.name))) return {state: 'allowed', rule};
		limited.push(rule);
	}

	if (limited.length === 0 || request.name !== undefined) return {state: 'denied'};
	return {state: 'limited', names: [...new Set(limited.flatMap((rule) => rule.resourceNames ?? []))], rules: limited};
}

/** As the authorizer matches non-resource URLs: exact, or a prefix ending in `*`. */
export function nonResourceAllowed(rules: readonly NonResourceRule[], verb: string, url: string): NonResourceRule | undefined {
	return rules.find(
		(rule) => verbMatches(rule, verb) && (rule.nonResourceURLs ?? []).some((pattern) => pattern === all || pattern === url || (pattern.endsWith('*') && url.startsWith(pattern.slice(0, -1)))),
	);
}

/** One line a person can read: `get,list pods (apps, "") names: a, b`. */
export function describeRule(rule: ResourceRule): string {
	const groups = (rule.apiGroups ?? []).map((group) => (group === '' ? '""' : group)).join(',');
	const names = rule.resourceNames?.length ? ` names: ${rule.resourceNames.join(', ')}` : '';
	return `${rule.verbs.join(',')} ${(rule.resources ?? []).join(',')} in groups ${groups}${names}`;
}
