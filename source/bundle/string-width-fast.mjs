// string-width, with a shortcut for the text kubehop draws: ASCII plus the few symbols of its own
// chrome. Any other non-ASCII character makes string-width compile its \p{RGI_Emoji} expression,
// ~26 ms here, which would otherwise land on the first frame because of a single `●`. Everything
// outside the shortcut is measured by string-width itself.
import stringWidth from '../../node_modules/string-width/index.js';

/** Every character here is one column wide to string-width too (test/bundle checks it). */
export const narrowSymbols = '●…█–─│╭╮╰╯↑↓←→⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✓✗·';
const narrowText = new RegExp(`^[\\u0020-\\u007E${narrowSymbols}]*$`);

export default function measuredWidth(text, options) {
	return typeof text === 'string' && narrowText.test(text) ? text.length : stringWidth(text, options);
}
