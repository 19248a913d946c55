import {describe, expect, it} from 'vitest';
import type {FleetRow} from '../../../source/certificates/fleet.ts';
import {fleetColumns} from '../../../source/ui/panes/certificates-pane.tsx';

const now = new Date(Date.UTC(2026, 10, 29));
const row = (context: string, role: string, days: number, summary: string): FleetRow => ({context, role, severity: 'ok', summary, notes: [], expires: new Date(now.getTime() + days * 86_400_000)});
const demo = ['admin@kubehop-local', 'jane@kubehop-local', 'sa@kubehop-local'].flatMap((context) => [
	row(context, 'server certificate', 364, 'CN=kube-apiserver'),
	row(context, 'client certificate', 364, 'CN=admin, O=system:masters'),
	row(context, 'cluster CA', 3649, 'CN=KUBERNETES-CA'),
]);

describe('the fleet table on any terminal width', () => {
	it('fits every width from 46 columns, its last column left free, with room for the subject (narrower, rows are cut, never wrapped)', () => {
		const eks = demo.map((entry) => ({...entry, context: `arn:aws:eks:us-east-1:123456789012:cluster/${entry.context}`}));
		for (const rows of [demo, eks]) {
			for (let width = 46; width <= 200; width++) {
				const columns = fleetColumns(width, rows, now);
				expect(8 + 1 + columns.contextWidth + 1 + columns.roleWidth + 1 + columns.expiresWidth + 1 + columns.subjectWidth, `width ${width}`).toBeLessThanOrEqual(width - 1);
				expect(columns.subjectWidth, `width ${width}`).toBeGreaterThanOrEqual(Math.min(8, width - 45));
			}
		}
	});

	it('drops the dates from EXPIRES, keeping the days left, only once the subject would have less than 8 columns', () => {
		expect(fleetColumns(56, demo, now)).toMatchObject({compactExpires: true, expiresWidth: 7});
		expect(fleetColumns(80, demo, now).compactExpires).toBe(false);
		const narrowest = Array.from({length: 155}, (_, index) => index + 46).find((width) => !fleetColumns(width, demo, now).compactExpires)!;
		expect(fleetColumns(narrowest, demo, now).subjectWidth).toBeGreaterThanOrEqual(8);
	});

	it('at 80 columns, keeps whole context names and a readable subject by naming roles in short', () => {
		expect(fleetColumns(80, demo, now)).toMatchObject({contextWidth: 19, roleWidth: 11, shortRoles: true, expiresWidth: 16});
		expect(fleetColumns(80, demo, now).subjectWidth).toBeGreaterThanOrEqual(20);
		expect(fleetColumns(120, demo, now)).toMatchObject({contextWidth: 19, roleWidth: 18, shortRoles: false});
		// Long context names give way, down to 12, before the subject does.
		const long = demo.map((entry) => ({...entry, context: `gke_my-project_europe-west1-b_${entry.context}`}));
		expect(fleetColumns(80, long, now)).toMatchObject({contextWidth: 20, subjectWidth: 20});
		expect(fleetColumns(60, long, now).contextWidth).toBe(12);
	});
});
