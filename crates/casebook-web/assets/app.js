// Casebook's only script (besides htmx): taking an HPO term from an autocomplete suggestion.
// It fills the id and, when the record has one beside it, the label (`features.0.id` and
// `features.0.label`). Pages work without it; it is loaded from this server, as the
// Content-Security-Policy requires.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.suggestion");
  if (!button) return;
  const box = button.closest(".hpo-suggestions");
  if (!box) return;
  const input = box.previousElementSibling;
  if (input && input.tagName === "INPUT") {
    input.value = button.dataset.id;
    const name = input.getAttribute("name") || "";
    if (name.endsWith(".id") && input.form) {
      const label = input.form.elements.namedItem(name.slice(0, -3) + ".label");
      if (label && label.tagName === "INPUT") label.value = button.dataset.label || "";
    }
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }
  box.innerHTML = "";
});
