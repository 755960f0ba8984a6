// The proposal's text as the API counts and compares it.

/** Characters as the API counts them: code points of the NFC text, trimmed, prefix included. */
export const length = (text) => [...text.normalize("NFC").trim()].length;

/** A fresh key per proposal, so a resend after a lost answer does not create it twice. */
export const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

/** What a citizen would call "the same text": case, spacing and a final full stop aside. */
export const sameText = (a, b) => {
  const plain = (text) => text.normalize("NFC").toLocaleLowerCase().replace(/\s+/g, " ").replace(/[\s.!…]+$/u, "").trim();
  return plain(a) === plain(b);
};

/** The field holds what follows the fixed prefix: a typed or pasted prefix is dropped, as are
 * leading spaces, and line breaks (which the API refuses) become spaces. */
export function withoutPrefix(value, prefix) {
  const text = value.replace(/[\r\n]+/g, " ").trimStart(); // the prefix already ends the line with its space
  const head = prefix.trim().toLocaleLowerCase();
  const typed = text.slice(0, head.length).toLocaleLowerCase() === head && /^(\s|$)/u.test(text.slice(head.length));
  return typed ? text.slice(head.length).trimStart() : text;
}
