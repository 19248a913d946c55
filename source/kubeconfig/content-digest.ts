import {nodeCrypto} from './node-crypto.ts';

// A 128-bit digest of bytes, for telling whether a file is still the one a cache entry was made from
// (the kubeconfig index, the certificate report). It is not a cryptographic hash: it answers "did
// these bytes change?", and anyone able to craft a kubeconfig that collides can already write it.
// sha256 from node:crypto answered that before, but loading node:crypto (and the streams it pulls in)
// was ~3 ms of every 45 ms switch; this small WebAssembly function needs no module, and hashes
// faster than sha256 too.
//
// Two independent 64-bit lanes read every 8-byte little-endian word, each as
//   lane = rotl(lane ^ word * M, r) * N
// with its own odd multipliers and rotation: for a fixed lane, both steps are bijections of the word,
// so no single changed word can leave a lane as it was. The length seeds both lanes, the last word
// is zero-padded, and each lane ends with a final mix (xor-shifts and multiplies) over both.

const multipliers = {
	m1: 0x9e_37_79_b1_85_eb_ca_87n,
	n1: 0xc2_b2_ae_3d_27_d4_eb_4fn,
	m2: 0x16_56_67_b1_9e_37_79_f9n,
	n2: 0x85_eb_ca_77_c2_b2_ae_63n,
	seed: 0x27_d4_eb_2f_16_56_67_c5n,
};

// The few WebAssembly opcodes the function uses (WebAssembly core specification, section 5.4).
const op = {
	block: 0x02,
	loop: 0x03,
	end: 0x0b,
	br: 0x0c,
	brIf: 0x0d,
	localGet: 0x20,
	localSet: 0x21,
	i64Load: 0x29,
	i64Store: 0x37,
	i32Const: 0x41,
	i64Const: 0x42,
	i32GeU: 0x4f,
	i32Add: 0x6a,
	i64Mul: 0x7e,
	i64Xor: 0x85,
	i64Rotl: 0x89,
};
const i32 = 0x7f;
const i64 = 0x7e;
const noResult = 0x40;

/** Where the function writes its two lanes; the bytes to hash start right after. */
const dataStart = 16;

function unsignedLeb(value: number): number[] {
	const bytes: number[] = [];
	do {
		const low = value & 0x7f;
		value >>>= 7;
		bytes.push(value === 0 ? low : low | 0x80);
	} while (value !== 0);
	return bytes;
}

function signedLeb(value: bigint): number[] {
	let rest = BigInt.asIntN(64, value);
	const bytes: number[] = [];
	for (;;) {
		const low = Number(rest & 0x7fn);
		rest >>= 7n;
		const done = (rest === 0n && (low & 0x40) === 0) || (rest === -1n && (low & 0x40) !== 0);
		bytes.push(done ? low : low | 0x80);
		if (done) return bytes;
	}
}

const vector = (items: number[][]) => [...unsignedLeb(items.length), ...items.flat()];
const section = (id: number, content: number[]) => [id, ...unsignedLeb(content.length), ...content];
const text = (name: string) => vector([...name].map((character) => [character.charCodeAt(0)]));
const constant = (value: bigint) => [op.i64Const, ...signedLeb(value)];
/** i32.const takes a signed LEB128 too: 64 and up would read as negative in unsigned form. */
const constant32 = (value: number) => [op.i32Const, ...signedLeb(BigInt(value))];

// Locals: 0 count (i32 parameter: bytes to read, a multiple of 8 but for the last piece), 1 position
// (i32), 2 lane one, 3 lane two, 4 word (i64). The lanes live in memory between calls, at 0 and 8.
const [count, position, laneOne, laneTwo, word] = [0, 1, 2, 3, 4];
const get = (local: number) => [op.localGet, local];
const set = (local: number) => [op.localSet, local];

/** lane = rotl(lane ^ word * m, rotation) * n */
const absorb = (lane: number, m: bigint, rotation: bigint, n: bigint) => [...get(lane), ...get(word), ...constant(m), op.i64Mul, op.i64Xor, ...constant(rotation), op.i64Rotl, ...constant(n), op.i64Mul, ...set(lane)];

const body = [
	...constant32(0), op.i64Load, 3, 0, ...set(laneOne),
	...constant32(0), op.i64Load, 3, 8, ...set(laneTwo),
	...constant32(dataStart), ...set(position),
	op.block, noResult, op.loop, noResult,
	// while position < dataStart + count
	...get(position), ...get(count), ...constant32(dataStart), op.i32Add, op.i32GeU, op.brIf, 1,
	...get(position), op.i64Load, 0, 0, ...set(word),
	...absorb(laneOne, multipliers.m1, 31n, multipliers.n1),
	...absorb(laneTwo, multipliers.m2, 29n, multipliers.n2),
	...get(position), ...constant32(8), op.i32Add, ...set(position),
	op.br, 0,
	op.end, op.end,
	...constant32(0), ...get(laneOne), op.i64Store, 3, 0,
	...constant32(0), ...get(laneTwo), op.i64Store, 3, 8,
	op.end,
];

const functionCode = [...vector([[1, i32], [3, i64]]), ...body];

/** (module (memory (export "memory") 2) (func (export "absorb") (param i32) ...)) */
const moduleBytes = new Uint8Array([
	...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
	...section(1, vector([[0x60, 1, i32, 0]])),
	...section(3, vector([[0]])),
	...section(5, vector([[0x00, 2]])),
	...section(7, vector([[...text('memory'), 0x02, 0], [...text('absorb'), 0x00, 0]])),
	...section(10, vector([[...unsignedLeb(functionCode.length), ...functionCode]])),
]);

/** Bytes absorbed per call: a fixed window, so a 50 MB kubeconfig does not leave 50 MB of memory behind. */
const window = 65_536;

type Exports = {memory: {buffer: ArrayBuffer}; absorb: (count: number) => void};
// The part of the WebAssembly API used here; the project's TypeScript libraries do not declare it.
type WebAssemblyApi = {Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => {exports: unknown}};
const {WebAssembly: webAssembly} = globalThis as unknown as {WebAssembly?: WebAssemblyApi};
let instance: Exports | undefined;

const uint64 = (value: bigint) => BigInt.asUintN(64, value);

/** (lane ^ lane >>> shift) * multiplier */
const mixed = (lane: bigint, shift: bigint, multiplier: bigint) => uint64((lane ^ (lane >> shift)) * multiplier);
const xorShifted = (lane: bigint, shift: bigint) => lane ^ (lane >> shift);

/** The digest of the pieces' bytes one after another, as 32 hex digits. */
export function contentDigest(...pieces: Uint8Array[]): string {
	// `node --jitless` has no WebAssembly: SHA-256 then, 64 hex digits, which no digest made here equals.
	if (!webAssembly) {
		const hash = nodeCrypto().createHash('sha256');
		for (const piece of pieces) hash.update(piece);
		return hash.digest('hex');
	}

	instance ??= new webAssembly.Instance(new webAssembly.Module(moduleBytes)).exports as Exports;
	const {absorb} = instance;
	const memory = new Uint8Array(instance.memory.buffer);
	const lanes = new DataView(instance.memory.buffer, 0, dataStart);
	const total = BigInt(pieces.reduce((sum, piece) => sum + piece.length, 0));
	lanes.setBigUint64(0, uint64(multipliers.seed ^ (total * multipliers.m1)), true);
	lanes.setBigUint64(8, uint64(~multipliers.seed ^ (total * multipliers.m2)), true);
	let filled = 0;
	for (const piece of pieces) {
		for (let read = 0; read < piece.length; ) {
			const taken = Math.min(window - filled, piece.length - read);
			memory.set(piece.subarray(read, read + taken), dataStart + filled);
			filled += taken;
			read += taken;
			if (filled === window) {
				absorb(window);
				filled = 0;
			}
		}
	}

	// The last word is read whole: zero-padded.
	memory.fill(0, dataStart + filled, dataStart + filled + 8);
	if (filled > 0) absorb(filled);
	let one = lanes.getBigUint64(0, true);
	let two = lanes.getBigUint64(8, true);
	// Each lane takes in the other, then mixes until every input bit reaches every output bit.
	one ^= uint64((two << 32n) | (two >> 32n));
	two ^= one;
	one = xorShifted(mixed(mixed(one, 33n, multipliers.n1), 29n, multipliers.m2), 32n);
	two = xorShifted(mixed(mixed(two, 31n, multipliers.n2), 27n, multipliers.m1), 33n);
	return one.toString(16).padStart(16, '0') + two.toString(16).padStart(16, '0');
}
