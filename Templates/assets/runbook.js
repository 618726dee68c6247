// runbook: tick boxes that remember, progress, and keyboard navigation (← and →).
// Everything here is an extra: pages read fully without JavaScript.
(function () {
  "use strict";
  var body = document.body;

  // Ticks are kept in localStorage, one entry per runbook and deployment:
  // { "page/stage/N": "2026-11-27T10:00:00.000Z", ... }
  var storeKey = "runbook:" + (body.dataset.runbook || "") + ":" + (body.dataset.deployment || "");

  // data-stages="page/stage:1,2,3 page/other:1": the steps there are to tick, in the whole runbook.
  var steps = {};
  (body.dataset.stages || "").split(" ").forEach(function (entry) {
    var colon = entry.lastIndexOf(":");
    if (colon < 0) return;
    var stage = entry.slice(0, colon);
    entry.slice(colon + 1).split(",").forEach(function (n) { if (n) steps[stage + "/" + n] = stage; });
  });
  var total = Object.keys(steps).length;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode: ticks last this visit */ }
  }

  function render() {
    var state = load();
    var done = 0;
    var perStage = {};
    Object.keys(state).forEach(function (key) {
      if (!steps[key]) return; // a step the runbook no longer has
      done += 1;
      perStage[steps[key]] = (perStage[steps[key]] || 0) + 1;
    });
    document.querySelectorAll("input.verify-box").forEach(function (box) {
      box.checked = Boolean(state[box.dataset.step]);
      var step = box.closest(".step");
      if (step) step.classList.toggle("is-verified", box.checked);
    });
    document.querySelectorAll("[data-progress]").forEach(function (element) {
      element.textContent = " · " + done + " of " + total + " verified";
      element.hidden = false;
    });
    document.querySelectorAll("[data-stage-progress]").forEach(function (element) {
      var stage = element.dataset.stageProgress;
      var count = Object.keys(steps).filter(function (key) { return steps[key] === stage; }).length;
      element.textContent = (perStage[stage] || 0) + " of " + count + " verified";
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("verify-box")) return;
    var state = load();
    if (box.checked) state[box.dataset.step] = new Date().toISOString();
    else delete state[box.dataset.step];
    save(state);
    render();
  });

  var reset = document.querySelector("[data-reset]");
  if (reset) {
    reset.hidden = false;
    reset.addEventListener("click", function () {
      if (!window.confirm("Clear every tick of this deployment?")) return;
      try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
      render();
    });
  }

  // Another tab ticked a step: show it here too.
  window.addEventListener("storage", function (event) { if (event.key === storeKey) render(); });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName))) return;
    var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : null;
    if (!rel) return;
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) window.location.href = link.href;
  });

  render();
})();
