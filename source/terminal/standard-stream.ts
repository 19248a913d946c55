import fs from 'node:fs';
import type {Stream} from './output.ts';

// stdout and stderr for the one-shot commands. Off a terminal (a pipe, a file, a socket, /dev/null) a
// command's answer is written with write(2) itself: Node's process.stdout would first load the stream
// modules, about a tenth of `kubehop ctx`'s own time. A terminal, or anything this cannot tell from one,
// gets Node's stream, which the TUI needs anyway.

type Descriptor = 1 | 2;

let devNull: fs.Stats | undefined;

function isSurelyNotTerminal(fd: Descriptor): boolean {
	try {
		const stat = fs.fstatSync(fd);
		if (stat.isFIFO() || stat.isSocket() || stat.isFile()) return true;
		if (!stat.isCharacterDevice()) return false;
		devNull ??= fs.statSync('/dev/null');
		return stat.rdev === devNull.rdev;
	} catch {
		return false;
	}
}

/**
 * `fd` as a Stream. A write that meets EAGAIN (a non-blocking pipe that is full) hands the rest to
 * Node's stream, which waits for the pipe; EPIPE on stdout ends the process quietly, as SIGPIPE would.
 */
export function standardStream(fd: Descriptor, nodeStream: () => NodeJS.WriteStream): Stream {
	if (!isSurelyNotTerminal(fd)) return nodeStream();
	let handedOver: NodeJS.WriteStream | undefined;
	return {
		isTTY: false,
		write(text: string) {
			if (handedOver) return handedOver.write(text);
			const bytes = Buffer.from(text);
			let written = 0;
			try {
				while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
			} catch (error) {
				const code = (error as NodeJS.ErrnoException).code;
				if (code === 'EAGAIN') {
					handedOver = nodeStream();
					return handedOver.write(bytes.subarray(written));
				}

				if (code === 'EPIPE') {
					if (fd === 1) process.exit(process.exitCode ?? 0);
					return true;
				}

				throw error;
			}

			return true;
		},
	};
}
