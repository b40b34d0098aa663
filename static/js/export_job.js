// A background export's page: ask for its progress every second until it is done or
// failed, then offer the file. Without JavaScript the page has a refresh link.
(function () {
  var box = document.getElementById("export-job");
  if (!box) return;
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("export-status");
  var download = document.getElementById("export-download");
  function show(state) {
    if (state.rows_total) {
      bar.max = state.rows_total;
      bar.value = state.rows_done;
    }
    if (text.textContent !== state.text) text.textContent = state.text;
    if (state.file) {
      download.querySelector("a").href = state.file;
      download.hidden = false;
      bar.value = bar.max;
    }
    return state.status === "queued" || state.status === "running";
  }
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) { if (show(state)) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (box.dataset.status === "queued" || box.dataset.status === "running") setTimeout(poll, 1000);
})();
