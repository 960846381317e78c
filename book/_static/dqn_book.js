/* Display math that is wider than the page (a long equation on a phone) is shrunk until it fits, down
   to 70 % of its size; the chapters split equations longer than that over several lines. */
(function () {
  const SMALLEST = 0.7;
  function fit() {
    document.querySelectorAll('article mjx-container[display="true"]').forEach((math) => {
      // MathJax gives the container its own size: remember it, and scale from it
      if (!math.dataset.fontPx) math.dataset.fontPx = getComputedStyle(math).fontSize;
      const base = parseFloat(math.dataset.fontPx);
      math.style.fontSize = base + "px";
      const room = math.clientWidth;
      const needed = math.scrollWidth;
      if (room > 0 && needed > room + 1) {
        math.style.fontSize = base * Math.max(SMALLEST, (room - 2) / needed) + "px";
      }
    });
    document.documentElement.dataset.mathFitted = "true";
  }
  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fit);
    } else if (document.readyState === "complete" && !window.MathJax) {
      fit();
    } else {
      setTimeout(whenTypeset, 100);
    }
  }
  window.addEventListener("load", whenTypeset);
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(fit, 150);
  });
})();
