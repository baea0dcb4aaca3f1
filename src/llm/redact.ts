// Removes personal data before any text leaves the machine: e-mail addresses, URLs, phone numbers,
// and card, account or order numbers (long digit runs). What is left still reads as the customer wrote it.

const PATTERNS: Array<[RegExp, string]> = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  [/https?:\/\/\S+|www\.\S+/gi, '[url]'],
  // Card, account and order numbers: 6 or more digits, possibly grouped with spaces or dashes.
  [/\b(?:\d[ -]?){5,}\d\b/g, '[number]'],
  // Phone numbers such as +1 (800) 555-0199 or 1-800-555-0199.
  [/\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]\d{3}[ .-]\d{3,4}\b/g, '[phone]'],
];

export function redact(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
