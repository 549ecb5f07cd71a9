// Guides print in full: the "Print this guide" button, and every FAQ answer and
// transcript opened before printing (a closed <details> prints only its summary).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("main details")) {
    details.open = true;
  }
});
