import type {CertificateInfo} from './certificate.ts';

// A certificate's days left and validity at a given clock: all that changes about it from one run to
// the next, apart from the parsing that the fleet table read back from the report cache never needs.

export const day = 86_400_000;

/** Days left (whole, rounded down) and validity at `now`. */
export function timing(notBefore: Date, notAfter: Date, now: Date): Pick<CertificateInfo, 'daysRemaining' | 'validity'> {
	return {daysRemaining: Math.floor((notAfter.getTime() - now.getTime()) / day), validity: now < notBefore ? 'not-yet-valid' : now > notAfter ? 'expired' : 'valid'};
}

/** A copy with the days left and validity at `now`; lazy fields stay lazy (a spread would compute them). */
export function retimed(info: CertificateInfo, now: Date): CertificateInfo {
	const timed = timing(info.notBefore, info.notAfter, now);
	if (timed.daysRemaining === info.daysRemaining && timed.validity === info.validity) return info;
	const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(info)) as CertificateInfo;
	return Object.assign(copy, timed);
}
