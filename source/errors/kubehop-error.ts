/** An error meant for the user: one clear line, an optional hint, and the process exit code. */
export class KubehopError extends Error {
	readonly exitCode: number = 1;

	constructor(
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'KubehopError';
	}
}

export class UsageError extends KubehopError {
	override readonly exitCode = 2;
}

/** A kubeconfig file that kubectl would refuse to load, named with its field and line. */
export class KubeconfigFileError extends KubehopError {
	constructor(
		readonly file: string,
		readonly detail: string,
		readonly field?: string,
		readonly line?: number,
	) {
		const where = [field, line === undefined ? undefined : `line ${line}`].filter(Boolean).join(', ');
		super(`error loading config file "${file}": ${where ? `${where}: ` : ''}${detail}`);
	}
}
