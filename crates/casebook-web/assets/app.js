// Casebook's only script (besides htmx): filling an HPO id from an autocomplete suggestion.
// Pages work without it; it is loaded from this server, as the Content-Security-Policy requires.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.suggestion");
  if (!button) return;
  const box = button.closest(".hpo-suggestions");
  const input = box && box.previousElementSibling;
  if (input && input.tagName === "INPUT") {
    input.value = button.dataset.id;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }
  box.innerHTML = "";
});
