import { describe, expect, it } from "vitest";
import { fitPastedHtml } from "../../app/editor/pasted-html";

describe("pasted HTML fitted to a section", () => {
  it("moves a pasted document's headings down so they start at h2 and stop at h3", () => {
    const { html } = fitPastedHtml("<h1 class='t'>Plan</h1><h2>Part</h2><h3>Detail</h3><H4>Fine</H4><p>Text</p>");
    expect(html).toBe("<h2 class='t'>Plan</h2><h3>Part</h3><h3>Detail</h3><h3>Fine</h3><p>Text</p>");
  });

  it("keeps h2 and h3 where there is no h1, and leaves other tags alone", () => {
    const { html } = fitPastedHtml("<h2>A</h2><h3>B</h3><hr><header>x</header>");
    expect(html).toBe("<h2>A</h2><h3>B</h3><hr><header>x</header>");
  });

  it("counts the images that will be left out", () => {
    expect(fitPastedHtml('<p>a<img src="x.png"><IMG src=y></p>').images).toBe(2);
    expect(fitPastedHtml("<p>imaginary</p>").images).toBe(0);
  });
});
