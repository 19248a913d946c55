import {describe, expect, it} from 'vitest';
import {commandFlags, impersonationFlags, parseArguments, parseDuration, withClusterFlagsAfterCommand} from '../../source/commands/arguments.ts';
import {UsageError} from '../../source/errors/kubehop-error.ts';

describe('command flags', () => {
	it('reads --name value, --name=value and pflag booleans, taking the value argument', () => {
		const seen: string[] = [];
		for (const flag of commandFlags(['--port', '0', '--address=127.0.0.1', '--disable-filter', '--keepalive=false', '-n', 'dev'])) {
			seen.push(flag.name === '--disable-filter' || flag.name === '--keepalive' ? `${flag.name}:${flag.boolean()}` : `${flag.name}=${flag.value()}`);
		}

		expect(seen).toEqual(['--port=0', '--address=127.0.0.1', '--disable-filter:true', '--keepalive:false', '-n=dev']);
		expect(() => [...commandFlags(['--port'])].map((flag) => flag.value())).toThrow(UsageError);
	});

	it('reads kubehop --as USER --as-group G... --as-uid U for the app (groups alone too: the kubeconfig user may name who, see api-client)', () => {
		expect(impersonationFlags(['--as', 'jane', '--as-group', 'a', '--as-group=b,c', '--as-uid', '42'])).toEqual({user: 'jane', groups: ['a', 'b,c'], uid: '42'});
		expect(impersonationFlags(['--as-group', 'a'])).toEqual({groups: ['a']});
		expect(() => impersonationFlags(['--as', 'jane', 'ctx'])).toThrow(UsageError);
		expect(parseArguments(['--proxy-url', 'http://127.0.0.1:8001']).flags.proxyUrl).toBe('http://127.0.0.1:8001');
	});
});

describe('--context, -n and --as before the command', () => {
	it('move to just after the command, in both spellings, keeping the other operands in order', () => {
		expect(withClusterFlagsAfterCommand(['--context', 'prod', 'api', '--json'])).toEqual(['api', '--context', 'prod', '--json']);
		expect(withClusterFlagsAfterCommand(['--context=prod', 'can-i', '-n', 'dev'])).toEqual(['can-i', '--context=prod', '-n', 'dev']);
		expect(withClusterFlagsAfterCommand(['-n', 'dev', '--as=jane', '--as-group', 'team', 'can-i', 'pods'])).toEqual(['can-i', '-n', 'dev', '--as=jane', '--as-group', 'team', 'pods']);
		expect(withClusterFlagsAfterCommand(['--namespace=dev,prod', '--context', 'prod', 'can-i'])).toEqual(['can-i', '--namespace=dev,prod', '--context', 'prod']);
		expect(withClusterFlagsAfterCommand(['--as', 'bob', 'proxy', '--port', '0'])).toEqual(['proxy', '--as', 'bob', '--port', '0']);
		expect(withClusterFlagsAfterCommand(['certs', '--context', 'prod'])).toEqual(['certs', '--context', 'prod']);
		expect(withClusterFlagsAfterCommand(['ctx', 'prod'])).toEqual(['ctx', 'prod']);
	});

	it('leave --as alone without a command: that is the app, seen as that identity', () => {
		expect(withClusterFlagsAfterCommand(['--as', 'jane', '--as-group=team'])).toEqual(['--as', 'jane', '--as-group=team']);
	});

	it('are a usage error without a value, without a command, or before a command that does not take them', () => {
		expect(() => withClusterFlagsAfterCommand(['--context'])).toThrow('flag --context needs a value');
		expect(() => withClusterFlagsAfterCommand(['-n'])).toThrow('flag -n needs a value');
		expect(() => withClusterFlagsAfterCommand(['--context', 'prod'])).toThrow(UsageError);
		expect(() => withClusterFlagsAfterCommand(['-n', 'dev'])).toThrow('-n goes with a command that reads namespaces: can-i');
		expect(() => withClusterFlagsAfterCommand(['--context', 'prod', 'ctx', 'dev'])).toThrow('--context goes with a command that acts on one context: certs, api, can-i, proxy');
		expect(() => withClusterFlagsAfterCommand(['-n', 'dev', 'ns'])).toThrow('-n goes with a command that reads namespaces: can-i');
		expect(() => withClusterFlagsAfterCommand(['--context', 'prod', '-n', 'dev', 'certs'])).toThrow('-n goes with');
		expect(() => withClusterFlagsAfterCommand(['--as', 'jane', 'api'])).toThrow('--as goes with a command that acts as another identity: can-i, proxy');
		// The flag to blame: not --as, which alone opens the app; a command's own flag put first.
		expect(() => withClusterFlagsAfterCommand(['--as', 'jane', '-n', 'dev'])).toThrow('-n goes with a command that reads namespaces: can-i');
		expect(() => withClusterFlagsAfterCommand(['-n', 'dev', '-A', 'can-i'])).toThrow('flag -A goes after the command it belongs to');
	});

	it('read -n=dev and -ndev as pflag does, before the command and after it', () => {
		expect(withClusterFlagsAfterCommand(['-n=dev', 'can-i'])).toEqual(['can-i', '-n=dev']);
		expect(withClusterFlagsAfterCommand(['-ndev,prod', 'can-i'])).toEqual(['can-i', '-ndev,prod']);
		expect([...commandFlags(['-n=dev', '-nprod', '-p8001', '-A'])].map((flag) => (flag.name === '-A' ? `${flag.name}:${flag.boolean()}` : `${flag.name}=${flag.value()}`))).toEqual(['-n=dev', '-n=prod', '-p=8001', '-A:true']);
		// `ctx -N` jumps back N steps: a number is not a flag with a value.
		expect([...commandFlags(['-12'])].map((flag) => flag.name)).toEqual(['-12']);
	});
});

describe('durations', () => {
	it('reads kubectl-style durations; only a zero means no timeout', () => {
		expect([parseDuration('5s'), parseDuration('500ms'), parseDuration('1m'), parseDuration('2'), parseDuration('0'), parseDuration('0s'), parseDuration('0.4ms')]).toEqual([5000, 500, 60_000, 2000, 0, 0, 1]);
		expect(() => parseDuration('soon')).toThrow(/invalid duration "soon"/);
	});
});
