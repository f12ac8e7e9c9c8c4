// The recovery-codes page: print the codes, or copy them (one a line) to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-recovery-action]");
  if (!button) return;
  if (button.dataset.recoveryAction === "print") {
    window.print();
    return;
  }
  const codes = [...document.querySelectorAll("[data-testid='recovery-codes'] code")].map((c) => c.textContent);
  navigator.clipboard.writeText(codes.join("\n") + "\n").then(() => {
    button.textContent = button.dataset.done;
  });
});
