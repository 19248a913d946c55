import {describe, expect, it} from 'vitest';
import {commandFlags, impersonationFlags, parseArguments, parseDuration, withContextAfterCommand} from '../../source/commands/arguments.ts';
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

	it('reads kubehop --as USER --as-group G... --as-uid U for the app, and refuses groups without a user', () => {
		expect(impersonationFlags(['--as', 'jane', '--as-group', 'a', '--as-group=b,c', '--as-uid', '42'])).toEqual({user: 'jane', groups: ['a', 'b,c'], uid: '42'});
		expect(() => impersonationFlags(['--as-group', 'a'])).toThrow('--as-group and --as-uid need --as');
		expect(() => impersonationFlags(['--as', 'jane', 'ctx'])).toThrow(UsageError);
		expect(parseArguments(['--proxy-url', 'http://127.0.0.1:8001']).flags.proxyUrl).toBe('http://127.0.0.1:8001');
	});
});

describe('--context before the command', () => {
	it('moves to just after the command, in both spellings, keeping the other operands in order', () => {
		expect(withContextAfterCommand(['--context', 'prod', 'api', '--json'])).toEqual(['api', '--context', 'prod', '--json']);
		expect(withContextAfterCommand(['--context=prod', 'can-i', '-n', 'dev'])).toEqual(['can-i', '--context=prod', '-n', 'dev']);
		expect(withContextAfterCommand(['certs', '--context', 'prod'])).toEqual(['certs', '--context', 'prod']);
		expect(withContextAfterCommand(['ctx', 'prod'])).toEqual(['ctx', 'prod']);
	});

	it('is a usage error without a value, without a command, or before a command that has no --context', () => {
		expect(() => withContextAfterCommand(['--context'])).toThrow('flag --context needs a value');
		expect(() => withContextAfterCommand(['--context', 'prod'])).toThrow(UsageError);
		expect(() => withContextAfterCommand(['--context', 'prod', 'ctx', 'dev'])).toThrow('--context goes with a command that acts on one context');
	});
});

describe('durations', () => {
	it('reads kubectl-style durations; only a zero means no timeout', () => {
		expect([parseDuration('5s'), parseDuration('500ms'), parseDuration('1m'), parseDuration('2'), parseDuration('0'), parseDuration('0s'), parseDuration('0.4ms')]).toEqual([5000, 500, 60_000, 2000, 0, 0, 1]);
		expect(() => parseDuration('soon')).toThrow(/invalid duration "soon"/);
	});
});
