// conf imports Ajv and semver eagerly but uses them only for JSON-schema validation and migrations,
// neither of which kubehop configures. Aliasing them to these stubs at bundle time keeps ~200 kB of
// parsing off every `kubehop ctx -`; a call would mean conf's use changed, so it fails loudly.
function unused(): never {
	throw new Error('kubehop is bundled without conf schema validation and migrations');
}

export class Ajv2020 {
	constructor() {
		unused();
	}
}

export default function addFormats(): void {
	unused();
}

export const semverStub = {valid: unused, satisfies: unused, gt: unused, lt: unused, lte: unused, gte: unused, eq: unused, coerce: unused, clean: unused};
