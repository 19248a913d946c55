import {describe, expect, it} from 'vitest';
import {resourceColumns} from '../../../source/ui/panes/api-pane.tsx';

const resource = (name: string, kind: string, shortNames: string[] = []) => ({resource: name, kind, shortNames});
const core = [resource('bindings', 'Binding'), resource('customresourcedefinitions', 'CustomResourceDefinition', ['crd', 'crds']), resource('validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding')];

describe('the API pane\'s resource rows', () => {
	it('keep the scope on screen from 80 columns: the kind, then the name, give way first', () => {
		for (let width = 80; width <= 200; width++) {
			const {nameWidth, kindWidth} = resourceColumns(width, core);
			expect(2 + nameWidth + 2 + kindWidth + 1 + 'namespaced'.length, `width ${width}`).toBeLessThanOrEqual(width - 1);
		}

		expect(resourceColumns(120, core)).toEqual({nameWidth: 36, kindWidth: 30});
		expect(resourceColumns(80, core)).toEqual({nameWidth: 36, kindWidth: 28});
		expect(resourceColumns(60, core)).toEqual({nameWidth: 28, kindWidth: 16});
		// Columns as wide as their widest cell, no wider.
		expect(resourceColumns(200, [resource('pods', 'Pod', ['po'])])).toEqual({nameWidth: 9, kindWidth: 4});
	});
});
