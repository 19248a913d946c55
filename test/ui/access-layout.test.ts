import {describe, expect, it} from 'vitest';
import {matrixLayout, scopeWidth, truncateResource} from '../../source/ui/access-layout.ts';

const standardVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const withExtras = [...standardVerbs, 'use', 'bind', 'escalate', 'impersonate', 'approve', 'sign'];

describe('the can-i matrix on any terminal width', () => {
	it('never draws a row wider than the pane, and leaves its last column free', () => {
		for (const verbs of [standardVerbs, withExtras]) {
			for (let width = 20; width <= 240; width++) {
				for (let column = 0; column < verbs.length; column++) {
					const layout = matrixLayout(width, verbs.length, 46, column);
					const row = layout.nameWidth + 2 + layout.verbCount * layout.cellWidth + (layout.showScope ? scopeWidth : 0);
					expect(row, `width ${width}, ${verbs.length} verbs`).toBeLessThanOrEqual(width - 1);
					// The selected verb is always on screen.
					expect(column >= layout.firstVerb && column < layout.firstVerb + layout.verbCount && layout.firstVerb + layout.verbCount <= verbs.length).toBe(true);
				}
			}
		}
	});

	it('pages the verbs when a terminal is too narrow for all of them, names kept readable', () => {
		expect(matrixLayout(30, 8, 46, 0)).toMatchObject({cellWidth: 3, firstVerb: 0, verbCount: 5, nameWidth: 12});
		expect(matrixLayout(30, 8, 46, 4)).toMatchObject({firstVerb: 0, verbCount: 5});
		expect(matrixLayout(30, 8, 46, 5)).toMatchObject({firstVerb: 3, verbCount: 5});
		expect(matrixLayout(40, 8, 46, 7)).toMatchObject({firstVerb: 0, verbCount: 8});
		expect(matrixLayout(40, 14, 46, 13)).toMatchObject({firstVerb: 5, verbCount: 9});
	});

	it('gives names room before the verbs spell themselves out: 80 columns read whole resource names', () => {
		expect(matrixLayout(80, 8, 46)).toMatchObject({nameWidth: 29, cellWidth: 5, showScope: true});
		expect(matrixLayout(120, 8, 46)).toMatchObject({nameWidth: 48, cellWidth: 7, showScope: true});
		expect(matrixLayout(64, 8, 46)).toMatchObject({cellWidth: 4, showScope: false});
		expect(matrixLayout(64, 8, 46).nameWidth).toBeGreaterThanOrEqual(28);
		// Short names need little: full headings and the scope column stay.
		expect(matrixLayout(80, 8, 12)).toMatchObject({cellWidth: 7, showScope: true});
		expect(matrixLayout(300, 8, 60).nameWidth).toBe(48);
	});

	it('keeps every heading of a layout distinct and within its cell', () => {
		for (const width of [40, 50, 64, 80, 120]) {
			for (const verbs of [standardVerbs, withExtras]) {
				const {heading, cellWidth} = matrixLayout(width, verbs.length, 46);
				const headings = verbs.map(heading);
				expect(new Set(headings).size, `${width}: ${headings.join(' ')}`).toBe(verbs.length);
				expect(headings.every((text) => text.length > 0 && text.length <= cellWidth - 1)).toBe(true);
			}
		}

		expect(standardVerbs.map(matrixLayout(120, 8, 46).heading)).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'delcol']);
		expect(standardVerbs.map(matrixLayout(80, 8, 46).heading)).toEqual(['get', 'list', 'wtch', 'crea', 'upd', 'ptch', 'del', 'dcol']);
	});

	it('cuts a resource name at its end, keeping the subresource that tells rows apart', () => {
		expect(truncateResource('certificatesigningrequests.certificates.k8s.io/approval', 29)).toBe('certificatesigningr…/approval');
		expect(truncateResource('certificatesigningrequests.certificates.k8s.io/status', 29)).toBe('certificatesigningreq…/status');
		expect(truncateResource('clusterrolebindings.rbac.authorization.k8s.io', 29)).toBe('clusterrolebindings.rbac.aut…');
		expect(truncateResource('pods/log', 29)).toBe('pods/log');
		expect(truncateResource('apiservices.apiregistration.k8s.io/status', 12)).toBe('apis…/status');
		expect(truncateResource('a-very-long-name/with-a-long-subresource', 10)).toBe('a-very-lo…');
		for (let width = 1; width < 60; width++) expect([...truncateResource('certificatesigningrequests.certificates.k8s.io/approval', width)]).toHaveLength(Math.min(width, 55));
	});
});
