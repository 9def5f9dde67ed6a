/**
 * Pasted HTML made to fit a section: the page's own h1 is the plan's title and a section's
 * headings are the toolbar's two levels, so a pasted document's headings move down to start
 * at h2 and stop at h3. Images have no place in the schema and would vanish without a word, so
 * they are counted for the page to say so.
 */
export function fitPastedHtml(html: string): { html: string; images: number } {
  const levels = [...html.matchAll(/<h([1-6])\b/gi)].map((match) => Number(match[1]));
  const shift = levels.length ? 2 - Math.min(...levels) : 0;
  const fitted = html.replace(/<(\/?)h([1-6])\b/gi, (_tag, close: string, level: string) => {
    const to = Math.min(Math.max(Number(level) + shift, 2), 3);
    return `<${close}h${to}`;
  });
  return { html: fitted, images: (html.match(/<img\b/gi) ?? []).length };
}
