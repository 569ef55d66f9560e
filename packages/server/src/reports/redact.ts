/**
 * Contact details a citizen types into the text of a report (a phone number,
 * an e-mail address) are personal data too: public outputs show them masked.
 * Staff views keep the text as written.
 */
const PHONE = /(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)/g;
const EMAIL = /[^\s@<>"']+@[^\s@<>"']+\.[a-z]{2,}/gi;

export const MASK = '[***]';

export function redactContacts(text: string): string {
  // The e-mail pattern tries every position; most texts have no "@" to find.
  return (text.includes('@') ? text.replace(EMAIL, MASK) : text).replace(PHONE, MASK);
}
