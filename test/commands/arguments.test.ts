import {describe, expect, it} from 'vitest';
import {commandFlags, impersonationFlags, parseArguments} from '../../source/commands/arguments.ts';
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
