// Progressive enhancement: Copy buttons beside a field or a code snippet (the one-time API key,
// install snippets). Without JS, or without clipboard access, the text is still selectable.
document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy-target"));
  if (!field || !navigator.clipboard) return;
  var label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = "value" in field ? field.value : field.textContent;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    }, function () {
      if (field.select) { field.select(); } else { window.getSelection().selectAllChildren(field); }
      button.textContent = "Press Ctrl+C";
    });
  });
});
