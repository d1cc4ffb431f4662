// For tests/test_browser.py: the overlaps in one rendered plotly chart, as readable strings.
// Text boxes come from the SVG as laid out (getBoundingClientRect), shrunk slightly because a
// glyph box includes blank ascent and descent; hover labels and the mode bar are not part of it.
(chart) => {
  const shrink = (r, d) => ({left: r.left + d, right: r.right - d, top: r.top + d, bottom: r.bottom - d});
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const texts = [...chart.querySelectorAll('svg text')]
    .filter(el => !el.closest('.hoverlayer, .modebar, .legend .scrollbar') && el.textContent.trim() && visible(el))
    .map(el => ({el, text: el.textContent.trim(), box: shrink(el.getBoundingClientRect(), 1.5)}));
  const marks = [...chart.querySelectorAll('.errorbar path, .scatterlayer .point')]
    .filter(visible).map(el => ({el, kind: el.closest('.errorbar') ? 'whisker' : 'marker', box: shrink(el.getBoundingClientRect(), 1)}));
  const found = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (hit(texts[i].box, texts[j].box)) found.push(`text "${texts[i].text}" / text "${texts[j].text}"`);
    }
    for (const mark of marks) {
      if (hit(texts[i].box, mark.box)) found.push(`text "${texts[i].text}" / ${mark.kind}`);
    }
  }
  return found;
}
