// MathJax reads this before it loads (docs/hooks/offline_math.py): LaTeX between \( \)
// inline and \[ \] or $$ $$ displayed, as in Jupyter; code blocks are left alone.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
  },
  options: {
    skipHtmlTags: ["script", "noscript", "style", "textarea", "pre", "code"],
  },
};
