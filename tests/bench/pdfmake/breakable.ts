const LONG_WORD = /[^\s\u200B]{25,}/gu;

/**
 * pdfmake never breaks inside a word, so one long URL or reference number in a table cell
 * would push the table off the page. A zero-width space every 20 characters of such a word
 * gives the line breaker somewhere to break, and shows nothing.
 */
export function breakable(text: string): string {
  return text.replace(LONG_WORD, (word) => Array.from(word.matchAll(/.{1,20}/gsu), (part) => part[0]).join("\u200B"));
}
