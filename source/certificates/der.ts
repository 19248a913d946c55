// The DER primitives the certificate readers share: one element's bounds, an OID as text, and a
// certificate's extensions.

/** One DER element: its tag, where it begins, and where its contents start and end. */
export type DerElement = {tag: number; begin: number; start: number; end: number};

export function derElement(der: Uint8Array, at: number): DerElement {
	if (at + 2 > der.length) throw new RangeError('truncated DER');
	let length = der[at + 1]!;
	let start = at + 2;
	if (length & 0x80) {
		const bytes = length & 0x7f;
		if (bytes === 0 || bytes > 4) throw new RangeError('unsupported DER length');
		length = 0;
		for (let index = 0; index < bytes; index++) length = length * 256 + der[at + 2 + index]!;
		start += bytes;
	}

	if (start + length > der.length) throw new RangeError('truncated DER');
	return {tag: der[at]!, begin: at, start, end: start + length};
}

// A fleet's certificates repeat a few dozen OIDs thousands of times: each is spelled out once.
const spelled = new Map<string, string>();

/** Bytes [start, end) one character each: ASCII or Latin-1 text, or a map key for raw bytes. */
export function byteText(bytes: Uint8Array, start = 0, end = bytes.length): string {
	let text = '';
	for (let index = start; index < end; index++) text += String.fromCharCode(bytes[index]!);
	return text;
}

/** The OID whose encoded arcs are bytes [start, end). */
export function oidText(bytes: Uint8Array, start = 0, end = bytes.length): string {
	const key = byteText(bytes, start, end);
	let text = spelled.get(key);
	if (text === undefined) spelled.set(key, (text = spell(bytes, start, end)));
	return text;
}

function spell(bytes: Uint8Array, start: number, end: number): string {
	const arcs: number[] = [];
	let value = 0;
	for (let index = start; index < end; index++) {
		const byte = bytes[index]!;
		value = value * 128 + (byte & 0x7f);
		if (byte & 0x80) continue;
		if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
		else arcs.push(value);
		value = 0;
	}

	return arcs.join('.');
}

export type CertificateExtension = {oid: string; critical: boolean; value: Buffer};

/**
 * The extensions in a certificate's [3] field, in order. Each must be an OID, an optional critical
 * BOOLEAN and an OCTET STRING: anything else is a RangeError, as for any DER this cannot walk.
 */
export function certificateExtensions(der: Buffer, container: DerElement): CertificateExtension[] {
	const list = derElement(der, container.start);
	if (list.tag !== 0x30 || list.end !== container.end) throw new RangeError('malformed extensions');
	const extensions: CertificateExtension[] = [];
	for (let position = list.start; position < list.end; ) {
		const extension = derElement(der, position);
		const oid = derElement(der, extension.start);
		let next = derElement(der, oid.end);
		let critical = false;
		if (next.tag === 0x01) {
			critical = der[next.start] !== 0;
			next = derElement(der, next.end);
		}

		if (oid.tag !== 0x06 || next.tag !== 0x04 || next.end !== extension.end) throw new RangeError('malformed extension');
		extensions.push({oid: oidText(der, oid.start, oid.end), critical, value: der.subarray(next.start, next.end)});
		position = extension.end;
	}

	return extensions;
}

/** A BIT STRING's bits, bit 0 first (Go's KeyUsage has bit i as 1 << i). */
export function bitStringBits(value: Uint8Array, bits: DerElement = derElement(value, 0)): boolean[] {
	const unused = value[bits.start]!;
	const count = (bits.end - bits.start - 1) * 8 - unused;
	return Array.from({length: Math.max(0, count)}, (_, bit) => Boolean(value[bits.start + 1 + (bit >> 3)]! & (0x80 >> (bit & 7))));
}
