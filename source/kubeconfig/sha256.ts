// SHA-256 of a short string, for the names kubehop derives from paths (index cache files, history
// keys). Loading node:crypto costs a few milliseconds of every start, and the app's first frame and
// `kubehop ctx -c` need these names; a file's bytes go through content-digest.ts.

const roundConstants = new Uint32Array([
	0x42_8a_2f_98, 0x71_37_44_91, 0xb5_c0_fb_cf, 0xe9_b5_db_a5, 0x39_56_c2_5b, 0x59_f1_11_f1, 0x92_3f_82_a4, 0xab_1c_5e_d5, 0xd8_07_aa_98, 0x12_83_5b_01, 0x24_31_85_be, 0x55_0c_7d_c3, 0x72_be_5d_74,
	0x80_de_b1_fe, 0x9b_dc_06_a7, 0xc1_9b_f1_74, 0xe4_9b_69_c1, 0xef_be_47_86, 0x0f_c1_9d_c6, 0x24_0c_a1_cc, 0x2d_e9_2c_6f, 0x4a_74_84_aa, 0x5c_b0_a9_dc, 0x76_f9_88_da, 0x98_3e_51_52, 0xa8_31_c6_6d,
	0xb0_03_27_c8, 0xbf_59_7f_c7, 0xc6_e0_0b_f3, 0xd5_a7_91_47, 0x06_ca_63_51, 0x14_29_29_67, 0x27_b7_0a_85, 0x2e_1b_21_38, 0x4d_2c_6d_fc, 0x53_38_0d_13, 0x65_0a_73_54, 0x76_6a_0a_bb, 0x81_c2_c9_2e,
	0x92_72_2c_85, 0xa2_bf_e8_a1, 0xa8_1a_66_4b, 0xc2_4b_8b_70, 0xc7_6c_51_a3, 0xd1_92_e8_19, 0xd6_99_06_24, 0xf4_0e_35_85, 0x10_6a_a0_70, 0x19_a4_c1_16, 0x1e_37_6c_08, 0x27_48_77_4c, 0x34_b0_bc_b5,
	0x39_1c_0c_b3, 0x4e_d8_aa_4a, 0x5b_9c_ca_4f, 0x68_2e_6f_f3, 0x74_8f_82_ee, 0x78_a5_63_6f, 0x84_c8_78_14, 0x8c_c7_02_08, 0x90_be_ff_fa, 0xa4_50_6c_eb, 0xbe_f9_a3_f7, 0xc6_71_78_f2,
]);

const rotate = (value: number, bits: number) => (value >>> bits) | (value << (32 - bits));

/** The hex SHA-256 digest of `text` as UTF-8, equal to `createHash('sha256').update(text).digest('hex')`. */
export function sha256Hex(text: string): string {
	const bytes = new TextEncoder().encode(text);
	// The message, a 0x80 byte, zeros, and its length in bits as 64 bits, in whole 64-byte blocks.
	const blocks = Math.ceil((bytes.length + 9) / 64);
	const padded = new Uint8Array(blocks * 64);
	padded.set(bytes);
	padded[bytes.length] = 0x80;
	const view = new DataView(padded.buffer);
	view.setUint32(padded.length - 8, Math.floor(bytes.length / 0x20_00_00_00));
	view.setUint32(padded.length - 4, (bytes.length * 8) >>> 0);

	const state = new Uint32Array([0x6a_09_e6_67, 0xbb_67_ae_85, 0x3c_6e_f3_72, 0xa5_4f_f5_3a, 0x51_0e_52_7f, 0x9b_05_68_8c, 0x1f_83_d9_ab, 0x5b_e0_cd_19]);
	const schedule = new Uint32Array(64);
	for (let block = 0; block < blocks; block++) {
		for (let index = 0; index < 16; index++) schedule[index] = view.getUint32(block * 64 + index * 4);
		for (let index = 16; index < 64; index++) {
			const before15 = schedule[index - 15]!;
			const before2 = schedule[index - 2]!;
			const sigma0 = rotate(before15, 7) ^ rotate(before15, 18) ^ (before15 >>> 3);
			const sigma1 = rotate(before2, 17) ^ rotate(before2, 19) ^ (before2 >>> 10);
			schedule[index] = schedule[index - 16]! + sigma0 + schedule[index - 7]! + sigma1;
		}

		let [a, b, c, d, e, f, g, h] = state as unknown as [number, number, number, number, number, number, number, number];
		for (let index = 0; index < 64; index++) {
			const sum1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25);
			const choose = (e & f) ^ (~e & g);
			const temporary1 = (h + sum1 + choose + roundConstants[index]! + schedule[index]!) | 0;
			const sum0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22);
			const majority = (a & b) ^ (a & c) ^ (b & c);
			const temporary2 = (sum0 + majority) | 0;
			h = g;
			g = f;
			f = e;
			e = (d + temporary1) | 0;
			d = c;
			c = b;
			b = a;
			a = (temporary1 + temporary2) | 0;
		}

		state[0]! += a;
		state[1]! += b;
		state[2]! += c;
		state[3]! += d;
		state[4]! += e;
		state[5]! += f;
		state[6]! += g;
		state[7]! += h;
	}

	let hex = '';
	for (const word of state) hex += word.toString(16).padStart(8, '0');
	return hex;
}
