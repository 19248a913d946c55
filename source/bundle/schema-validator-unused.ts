// conf imports Ajv eagerly but only uses it when given a JSON schema, which kubehop never does.
// Aliasing it to this stub at bundle time keeps ~150 kB of parse work off every `kubehop ctx -`.
export class Ajv2020 {
	constructor() {
		throw new Error('kubehop is bundled without JSON-schema validation for conf');
	}
}

export default function addFormats(): void {}
