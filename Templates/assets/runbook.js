// runbook: tick boxes that remember, progress, copy buttons, and keys (README, "Reading a site").
// Everything here is an extra: pages read fully without JavaScript, and the controls that need
// it stay hidden until this script shows them.
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
      element.classList.toggle("is-complete", count > 0 && perStage[stage] === count);
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
      try {
        window.localStorage.removeItem(storeKey);
        window.localStorage.removeItem(storeKey + ":events"); // record.js's events behind the ticks
      } catch (e) { /* nothing kept */ }
      render();
      window.dispatchEvent(new Event("runbook:cleared"));
    });
  }

  // Another tab ticked a step, or a record was imported: show it here too.
  window.addEventListener("storage", function (event) { if (event.key === storeKey) render(); });
  window.addEventListener("runbook:record", render);

  // The stage list: a menu on phones, open beside the page where there is room.
  var menu = document.querySelector(".stage-menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 64rem)");
    if (wide.matches) menu.open = true;
  }

  // Code blocks and tables wider than their box scroll in it; one that scrolls takes the focus,
  // so a keyboard can scroll it (and the page's keys leave it alone).
  function markScrolling() {
    document.querySelectorAll("main pre, main .table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  }

  // Values take the focus, so a keyboard or a tap shows their name (CSS, :focus).
  document.querySelectorAll("main .value").forEach(function (value) {
    if (!value.closest("a, .visually-hidden")) value.setAttribute("tabindex", "0");
  });

  // Copy buttons: exactly the block's text, with this deployment's values. A block holding a
  // secret's reference asks for the password, puts it in place of the reference in the copy
  // only, and keeps it nowhere; cancelled, nothing is copied.
  function copyText(pre) {
    var secrets = [];
    pre.querySelectorAll(".value.secret").forEach(function (span) {
      if (!secrets.some(function (known) { return known.key === span.dataset.key; })) {
        secrets.push({ key: span.dataset.key, reference: span.textContent });
      }
    });
    var passwords = {};
    for (var i = 0; i < secrets.length; i += 1) {
      var answer = window.prompt(
        "Password for " + secrets[i].key + ", kept at " + secrets[i].reference +
        " (used for this copy only, never stored):", "");
      if (answer === null || answer === "") return null;
      passwords[secrets[i].key] = answer;
    }
    var copy = pre.cloneNode(true);
    copy.querySelectorAll(".value.secret").forEach(function (span) {
      span.replaceWith(document.createTextNode(passwords[span.dataset.key]));
    });
    return copy.textContent;
  }

  function writeClipboard(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    area.value = "";
    area.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll("main pre").forEach(function (pre) {
    var box = document.createElement("div");
    box.className = "code-block";
    pre.parentNode.insertBefore(box, pre);
    box.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    var secret = pre.querySelector(".value.secret") !== null;
    var label = secret ? "Copy with password" : "Copy";
    button.textContent = label;
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    box.appendChild(button);
    box.appendChild(status);
    var timer = null;
    function say(text) {
      status.textContent = text;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { status.textContent = ""; }, 2500);
    }
    button.addEventListener("click", function () {
      var text = copyText(pre);
      if (text === null) { say("Not copied"); return; }
      writeClipboard(text).then(function () { say("Copied"); }, function () { say("Copy failed: select the text"); });
      text = null;
    });
  });
  markScrolling();
  window.addEventListener("resize", markScrolling);

  // The key sheet.
  var sheet = document.getElementById("key-sheet");
  function openSheet() {
    if (!sheet || sheet.open) return;
    if (sheet.showModal) sheet.showModal(); else sheet.setAttribute("open", "");
  }
  document.querySelectorAll("[data-keys]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", openSheet);
  });

  // Whether a key pressed at `element` belongs to it: code, fields, controls, and anything that
  // scrolls keep their keys.
  function keepsKeys(element) {
    for (var node = element; node && node !== document.body && node.nodeType === 1; node = node.parentElement) {
      if (node.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|PRE|CODE|DIALOG|SUMMARY)$/.test(node.tagName)) return true;
      var style = window.getComputedStyle(node);
      var scrollsX = /(auto|scroll)/.test(style.overflowX) && node.scrollWidth > node.clientWidth + 1;
      var scrollsY = /(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight + 1;
      if (scrollsX || scrollsY) return true;
    }
    return false;
  }

  function stepTop(step) { return step.getBoundingClientRect().top; }

  function goToStep(direction) {
    var list = Array.prototype.slice.call(document.querySelectorAll("main li.step"));
    if (!list.length) return;
    var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest("li.step") : null;
    var index = list.indexOf(focused);
    var target;
    if (index >= 0) {
      target = list[index + direction];
    } else if (direction > 0) {
      target = list.filter(function (step) { return stepTop(step) > 8; })[0];
    } else {
      target = list.filter(function (step) { return stepTop(step) < -8; }).pop();
    }
    if (!target) return;
    var number = target.querySelector(".step-number");
    target.scrollIntoView({ block: "start" });
    if (number) number.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (sheet && sheet.open) return;
    if (keepsKeys(event.target)) return;
    var key = event.key;
    if (key === "?") {
      if (!sheet) return;
      event.preventDefault();
      openSheet();
      return;
    }
    if (key === "/") {
      var field = document.querySelector("[data-search-input], .site-search input");
      if (field) { event.preventDefault(); field.focus(); }
      return;
    }
    if (event.shiftKey) return;
    var rel = key === "ArrowLeft" || key === "p" ? "prev" : key === "ArrowRight" || key === "n" ? "next" : null;
    if (rel) {
      var link = document.querySelector('a[rel="' + rel + '"]');
      if (link) { event.preventDefault(); window.location.href = link.href; }
      return;
    }
    if (key === "j" || key === "k") {
      event.preventDefault();
      goToStep(key === "j" ? 1 : -1);
    }
  });

  // Search: search.html holds every stage, step and value; show those holding every word asked.
  var results = document.querySelector("[data-search-results]");
  if (results) {
    var input = document.querySelector("[data-search-input]");
    var status = document.querySelector("[data-search-status]");
    var entries = Array.prototype.slice.call(results.children);
    var texts = entries.map(function (entry) { return entry.textContent.toLowerCase(); });
    var search = function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var found = 0;
      entries.forEach(function (entry, index) {
        var match = words.every(function (word) { return texts[index].indexOf(word) >= 0; });
        entry.hidden = !match;
        if (match) found += 1;
      });
      status.textContent = words.length === 0
        ? entries.length + " stages, steps and values: type to search them."
        : found + (found === 1 ? " result" : " results") + " for " + input.value.trim() + ".";
    };
    status.setAttribute("role", "status");
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    input.addEventListener("input", search);
    search();
  }

  render();
})();
