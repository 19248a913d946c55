import type tls from 'node:tls';

// kubectl's verdict on an API server's chain (certificates/tls-probe.ts, with go-verify.ts and the certificate
// reader, held to kubectl's own verdicts in its tests), given before anything is written to the server.

export type Verification = {caPem: string; name: string};

// The judge is loaded once the first connection has sent its hello, while the server works on its answer.
let verifier: Promise<typeof import('../certificates/tls-probe.ts')> | undefined;
export const loadVerifier = () => (verifier ??= import('../certificates/tls-probe.ts'));

export class ServerJudge {
	/** Parallel requests open parallel connections to one server: its chain is judged once a minute, not once each. */
	#recent: {chain: Buffer; problem: string | undefined; at: number} | undefined;

	constructor(readonly verification: Verification) {}

	/** kubectl's x509 error for this connection's server, or undefined when kubectl would talk to it. */
	async verdict(socket: tls.TLSSocket): Promise<string | undefined> {
		const {chainOf, kubectlVerificationError} = await loadVerifier();
		const raw = chainOf(socket.getPeerCertificate(true));
		const chain = Buffer.concat(raw);
		if (this.#recent && this.#recent.chain.equals(chain) && Date.now() - this.#recent.at < 60_000) return this.#recent.problem;
		let problem: string | undefined;
		try {
			problem = kubectlVerificationError(raw, this.verification.caPem, this.verification.name, new Date());
		} catch (error) {
			problem = `x509: kubehop cannot read the server's certificate: ${(error as Error).message}`;
		}

		this.#recent = {chain, problem, at: Date.now()};
		return problem;
	}
}
