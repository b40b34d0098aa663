// Refuse an over-large file before it is sent, so the typed values are not lost.
document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
  var max = parseInt(form.dataset.maxBytes, 10);
  var warning = form.querySelector("[data-testid=file-size-error]");
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (input && input.files.length && input.files[0].size > max) {
      event.preventDefault();
      if (warning) warning.hidden = false;
    }
  });
});
