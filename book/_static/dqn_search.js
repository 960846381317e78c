/* The book's search (loaded by book/_ext/dqn_book.py on every page, before Sphinx's searchtools.js).

   1. Ranking: Sphinx scores a page by its best single word, so "target network" ranked Chapters 3, 4, 6
      and 7 (which say both words often) above Chapter 8, whose subject it is. Here a page whose own
      title holds every word of the query comes first, and a chapter's title beats its sections'.
   2. Snippets: Sphinx cuts the summary under each result from the page's HTML before MathJax ran, so it
      showed raw TeX ("\(\theta^-\)") and the page's table of contents. Math is turned into plain text
      (θ⁻), and the contents and runs of blank lines are dropped, before the snippet is cut. */

var Scorer = {
  // Sphinx's defaults (searchtools.js keeps them only when no Scorer is defined)
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,

  score: (result) => {
    const [docname, title, anchor, descr, score] = result;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    // words as typed, hyphens kept: "q-learning" must not become "learning" (Chapter 1's title has it)
    const words = query.toLowerCase().split(/[^\p{L}\p{N}-]+/u).filter((w) => w.replace(/-/g, "").length > 1);
    if (!words.length || !title) return score;
    const pageTitle = title.split(" > ")[0].toLowerCase();
    // a word counts when its stem is in the title: "networks" finds "network", "skipping" "skip"
    const inTitle = (w) => pageTitle.includes(w) || (w.length > 4 && pageTitle.includes(w.replace(/(s|es|ing)$/, "")));
    if (!words.every(inTitle)) return score;
    return score + (anchor ? 40 : 50);
  },
};

const MATH_WORDS = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", theta: "θ", kappa: "κ",
  lambda: "λ", mu: "μ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", psi: "ψ",
  omega: "ω", Delta: "Δ", Sigma: "Σ", sum: "Σ", nabla: "∇", infty: "∞", leftarrow: "←",
  rightarrow: "→", to: "→", gets: "←", approx: "≈", leq: "≤", le: "≤", geq: "≥", ge: "≥", neq: "≠",
  times: "×", cdot: "·", in: "∈", sim: "~", pm: "±", max: "max", min: "min", arg: "arg", log: "log",
};

/* "\(\max_{a'} Q(\phi_{j+1}, a'; \theta^-)\)" -> "max_a' Q(φj+1, a'; θ⁻)": readable, no backslashes. */
function mathToText(tex) {
  return tex
    .replace(/^\\[([]|\\[)\]]$/g, "")
    .replace(/\\(?:frac|tfrac|dfrac)\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
    .replace(/\\(?:mathrm|mathbf|mathbb|mathcal|text|textrm|operatorname|boldsymbol)\{([^{}]*)\}/g, "$1")
    .replace(/\\([A-Za-z]+)/g, (_, name) => (name in MATH_WORDS ? MATH_WORDS[name] : ""))
    .replace(/\^\{?-\}?/g, "⁻")
    .replace(/\\[,;:! ]/g, " ")
    .replace(/[{}\\]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(".math").forEach((node) => {
      node.textContent = " " + mathToText(node.textContent) + " ";
    });
    // the page's own table of contents and buttons are no summary of it
    // (and the download menu, the title the result already shows, the print-only contents)
    page
      .querySelectorAll("nav, h1, .bd-toc, .bd-header-article, .onlyprint, .prev-next-area, .toggle-details__summary")
      .forEach((n) => n.remove());
    return htmlToText(page.documentElement.outerHTML, anchor).replace(/\s+/g, " ");
  };
});
