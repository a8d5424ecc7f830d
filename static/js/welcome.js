// The first visit's welcome: "Try a sample" puts a short article we wrote into the Text tab, ready to generate.

const trySample = document.getElementById("try-sample");
const sample = document.getElementById("sample-article");

trySample.addEventListener("click", () => {
  document.getElementById("tab-text").click();
  const text = document.getElementById("source-text");
  text.value = sample.content.textContent.trim();
  // The page's own listeners (length counter, cleared errors) see it as typed text.
  text.dispatchEvent(new Event("input", { bubbles: true }));
  text.focus();
  text.setSelectionRange(0, 0);
  text.scrollTop = 0;
});
