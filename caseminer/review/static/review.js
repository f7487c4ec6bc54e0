// Keyboard controls of the review page; the forms work without it.
// j / k: next / previous fact, a: accept, r: reject, c: correct (focuses the correction field,
// Enter submits it, Escape leaves it). On load the fact named by the URL's #fact-... is selected, or
// the one a refused decision was about (data-at of the list), else the first.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("li.fact-row"));
  if (!rows.length) return;
  let current = 0;

  function select(index) {
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("selected", i === current));
    rows[current].focus({ preventScroll: true });
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function submit(action) {
    const button = rows[current].querySelector(`button[data-action="${action}"]`);
    if (button) button.form.requestSubmit(button);
  }

  const at = document.getElementById("facts").dataset.at;
  const named = rows.findIndex((row) => location.hash === `#fact-${row.dataset.key}` || row.dataset.key === at);
  select(named >= 0 ? named : 0);
  rows.forEach((row, i) => row.addEventListener("click", () => { if (current !== i) select(i); }));

  document.addEventListener("keydown", (event) => {
    const typing = event.target.matches("input, textarea, select");
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); select(current); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const keys = {
      j: () => select(current + 1),
      k: () => select(current - 1),
      a: () => submit("accept"),
      r: () => submit("reject"),
      c: () => {
        const input = rows[current].querySelector("input[name=correction]");
        input.focus();
        input.select();
      },
    };
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });
})();
