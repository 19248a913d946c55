// string-width, with a shortcut for the text kubehop draws: ASCII plus the few symbols of its own
// chrome. Any other non-ASCII character makes string-width compile its \p{RGI_Emoji} expression,
// ~26 ms here, which would otherwise land on the first frame because of a single `●`. Everything
// outside the shortcut is measured by string-width itself.
import stringWidth from '../../node_modules/string-width/index.js';

/** Every character here is one column wide to string-width too (test/bundle checks it). */
export const narrowSymbols = '●…█–─│╭╮╰╯↑↓←→⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✓✗·';
const narrowText = new RegExp(`^[\\u0020-\\u007E${narrowSymbols}]*$`);
// Colours and styles (SGR sequences) take no columns, as string-width strips them.
const styles = /\u001B\[[0-9;]*m/g;

export default function measuredWidth(text, options) {
	// Ambiguous-width symbols (● …) are only narrow by default, and counted escapes are not stripped.
	if (typeof text !== 'string' || options?.ambiguousIsNarrow === false || options?.countAnsiEscapeCodes) return stringWidth(text, options);
	if (narrowText.test(text)) return text.length;
	const unstyled = text.includes('\u001B') ? text.replace(styles, '') : text;
	return unstyled !== text && narrowText.test(unstyled) ? unstyled.length : stringWidth(text, options);
}
