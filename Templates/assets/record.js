// runbook: the operator's run, recorded (README, "The run record"): who ticked what and when, a
// note per step, where to continue, and a record to export and import. In this browser always;
// when the pages come from `runbook serve`, also on the server, shared by every open browser.
// runbook.js keeps the ticks themselves ({ "page/stage/N": time }); this script keeps the events
// behind them and shows them. Pages read fully without it.
(function () {
  "use strict";
  var body = document.body;
  var base = "runbook:" + (body.dataset.runbook || "") + ":" + (body.dataset.deployment || "");
  var ticksKey = base, eventsKey = base + ":events", operatorKey = "runbook:operator";
  var schema = "runbook-record", version = 2;
  var given = Array.isArray(window.runbookRecordGiven) ? window.runbookRecordGiven : null;
  var isPrint = body.classList.contains("print-page");

  // The steps to tick, in runbook order: "page/stage/N", from data-stages.
  var order = [];
  (body.dataset.stages || "").split(" ").forEach(function (entry) {
    var colon = entry.lastIndexOf(":");
    if (colon < 0) return;
    var stage = entry.slice(0, colon);
    entry.slice(colon + 1).split(",").forEach(function (n) { if (n) order.push(stage + "/" + n); });
  });
  // Each step's source hash, in the same order: a tick of a step whose text changed since it
  // was ticked does not count.
  var sources = {};
  (body.dataset.sources || "").split(" ").forEach(function (hash, index) {
    if (order[index] && hash) sources[order[index]] = hash;
  });

  function read(key, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function operator() {
    try { return window.localStorage.getItem(operatorKey) || ""; } catch (e) { return ""; }
  }

  // The events, oldest first: { type: "tick"|"untick"|"note", step, source, operator, time,
  // text }. Ticks made before this script kept events become events of an unknown operator. A
  // page printed with a record given (runbook pdf --record) shows that record instead.
  function events() {
    if (given) return given;
    var list = read(eventsKey, null);
    if (list) return list;
    var ticks = read(ticksKey, {});
    list = Object.keys(ticks).map(function (step) {
      return { type: "tick", step: step, operator: "", time: ticks[step] };
    });
    write(eventsKey, list);
    return list;
  }

  function sameEvent(a, b) {
    return a.type === b.type && a.step === b.step && a.operator === b.operator && a.time === b.time
      && (a.text || "") === (b.text || "") && (a.source || "") === (b.source || "");
  }
  // `a`, made before the operator gave a name, and `b` the same event since named (to the
  // millisecond: only naming makes one). Tabs see each other's writes late, so a tab may still
  // hold `a` after another named it: `b` stands for both, and `a` is never sent.
  function namedLater(a, b) {
    return a.operator === "" && b.operator !== "" && sameEvent(a, { type: b.type, step: b.step,
      operator: "", time: b.time, text: b.text, source: b.source });
  }

  // What the server refuses (RecordEvent.problem): control characters and bidi controls in keys
  // and names, control characters but line breaks and tabs in notes, half a surrogate pair,
  // times that are not ISO 8601, sources that are not a step's hash.
  var controls = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  var noteControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
  var halfPair = /[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/;
  var isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
  // Text cut to `length` without splitting a surrogate pair.
  function cut(text, length) {
    var kept = String(text || "").slice(0, length);
    return /[\ud800-\udbff]$/.test(kept) ? kept.slice(0, -1) : kept;
  }
  // An event as a record keeps it: known fields only, names and notes cut to their bounds; null
  // when the server would refuse it (one such event would hold back every event sent with it).
  function clean(event) {
    if (!event || ["tick", "untick", "note"].indexOf(event.type) < 0 || typeof event.step !== "string"
      || typeof event.time !== "string" || !isoTime.test(event.time) || isNaN(new Date(event.time))) return null;
    var kept = {
      type: event.type, step: cut(event.step, 300), source: String(event.source || ""),
      operator: cut(event.operator, 80), time: event.time,
      text: event.type === "note" ? cut(event.text, 2000) : "",
    };
    if (!kept.step || controls.test(kept.step) || controls.test(kept.operator) || noteControls.test(kept.text)
      || halfPair.test(kept.step + kept.operator + kept.text) || !/^([0-9a-f]{16})?$/.test(kept.source)) return null;
    return kept;
  }

  // A step's latest tick stands only while the step's text is the one ticked.
  function changedSince(state, step) {
    var last = state && state.last;
    return Boolean(last && last.type === "tick" && last.source && sources[step] && last.source !== sources[step]);
  }
  function done(all, step) {
    var state = all[step];
    return Boolean(state && state.last && state.last.type === "tick" && !changedSince(state, step));
  }

  // A step's state is its latest tick or untick; two of them in the same second from two
  // operators are a conflict for a person to settle.
  function states(list) {
    var result = {};
    list.slice().sort(function (a, b) { return a.time < b.time ? -1 : a.time > b.time ? 1 : 0; })
      .forEach(function (event) {
        var state = result[event.step] || (result[event.step] = {});
        if (event.type === "note") { state.note = event; return; }
        var last = state.last;
        if (last && last.time.slice(0, 19) === event.time.slice(0, 19) && last.operator !== event.operator) {
          state.conflict = [last, event];
        } else if (!last || event.time > last.time) {
          state.conflict = null;
        }
        state.last = event;
      });
    return result;
  }

  // The ticks runbook.js shows are the latest state of each step.
  function syncTicks(list) {
    var ticks = {};
    var all = states(list);
    Object.keys(all).forEach(function (step) {
      if (done(all, step)) ticks[step] = all[step].last.time;
    });
    write(ticksKey, ticks);
    return all;
  }

  // Events made before the operator gave a name, kept for every tab of this browser: held back
  // from the server until named, so that no tab sends one unnamed that is then sent named (the
  // server would have it twice, a conflict no one made).
  var heldKey = base + ":unnamed";
  var heldText = "Not shared yet: what you record is sent once you give your name.";
  function held() { return read(heldKey, []); }
  function isHeld(event, list) {
    return (list || held()).some(function (mine) { return sameEvent(mine, event); });
  }

  // A tick or untick without a name is held until the name comes, and so is any event made
  // without one while others wait for it.
  function record(event) {
    var list = events();
    list.push(event);
    write(eventsKey, list);
    syncTicks(list);
    var waiting = held();
    if (event.operator === "" && (event.type !== "note" || waiting.length)) {
      waiting.push(event);
      write(heldKey, waiting);
      if (shared) status(heldText);
      return;
    }
    share([event]);
  }

  // ---- The shared record of `runbook serve` ----
  // Pages from `runbook serve` find the record at /_runbook/record; elsewhere (file://, any
  // static server) the request fails and the record stays in this browser.
  var shared = false;
  var recordURL = "/_runbook/record?runbook=" + encodeURIComponent(body.dataset.runbook || "")
    + "&deployment=" + encodeURIComponent(body.dataset.deployment || "");
  // runbook serve's token (beyond this machine), kept by live.js from the address serve printed.
  var tokenKey = "runbook:token";
  function token() {
    try { return window.localStorage.getItem(tokenKey) || ""; } catch (e) { return ""; }
  }
  function serving() { return !given && /^https?:$/.test(window.location.protocol) && window.fetch; }

  function status(text) {
    document.querySelectorAll("[data-share-status]").forEach(function (element) {
      element.textContent = text;
      element.hidden = !text;
    });
  }

  // Sends events to the server, 500 at a time, one request after another: two sent at once go
  // over two connections and may be kept in either order (a note before its tick). What fails
  // is sent again at the next sync.
  var sending = Promise.resolve();
  // A request to the server, given up after 30 s: a connection lost without a word (a laptop
  // that slept) would otherwise hold every later send and sync of this page.
  function ask(options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 30000) : null;
    if (controller) options.signal = controller.signal;
    var made = fetch(recordURL, options);
    var done = function () { clearTimeout(timer); };
    made.then(done, done);
    return made;
  }
  function share(list) {
    // What the server would refuse stays here: sent with others, it would hold them back too.
    list = list.filter(function (event) { return clean(event) !== null; });
    if (!shared || !list.length) return;
    sending = sending.then(function () { return send(list); });
  }
  function send(list) {
    if (!list.length) return undefined;
    return ask({
      method: "POST", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Runbook-Token": token() },
      body: JSON.stringify({ events: list.slice(0, 500) }),
    }).then(function (response) {
      if (response.status === 403) {
        status("Not shared: this server takes ticks only with its token. Open the address runbook serve printed.");
        return undefined;
      }
      if (!response.ok) {
        // The server's own words (a damaged record file names itself and the fix).
        return response.json().catch(function () { return {}; }).then(function (data) {
          status("Not shared: the server could not keep it (" + ((data && data.error) || response.status)
            + "). Kept in this browser.");
        });
      }
      status("Shared through runbook serve.");
      return send(list.slice(500));
    }).catch(function () {
      status("Not shared yet: the server did not answer. Kept in this browser; sent when it is back.");
    });
  }

  // Events from elsewhere (the server, an import): the ones not here yet are added.
  function merge(list) {
    var mine = events();
    var added = 0, renamed = 0;
    (list || []).forEach(function (event) {
      var kept = clean(event);
      if (!kept || mine.some(function (known) { return sameEvent(known, kept); })) return;
      // Named elsewhere (another tab, whose write this tab has not seen yet): the named event
      // takes the unnamed one's place.
      var before = mine.length;
      mine = mine.filter(function (known) { return !namedLater(known, kept); });
      renamed += before - mine.length;
      mine.push(kept);
      added += 1;
    });
    if (added || renamed) {
      write(eventsKey, mine);
      syncTicks(mine);
      decorate();
      window.dispatchEvent(new Event("runbook:record"));
    }
    return added;
  }

  // Takes the server's record, and gives it what this browser has that it lacks. One sync at a
  // time, its sending included: two at once (the page's load, then its events channel opening)
  // both read the record before either had sent, and both sent what it lacked. One asked for
  // meanwhile runs once, after it, on the record as it is then. (A tick made while a sync reads
  // may still be sent by both; the server keeps an event once.)
  var syncing = null, syncAgain = false;
  function sync() {
    if (!serving()) return;
    if (syncing) { syncAgain = true; return; }
    var finish = function () {
      syncing = null;
      if (syncAgain) { syncAgain = false; sync(); }
    };
    syncing = pull().then(function () { return sending; }).then(finish, finish);
  }
  function pull() {
    return ask({ cache: "no-store" }).then(function (response) {
      if (response.ok) return response.json();
      // runbook serve, whose record of this deployment cannot be used: its words name the file
      // and the fix. (Any other server's error page is not JSON: the record stays here quietly.)
      return response.json().then(function (data) {
        if (data && data.error) status("Not shared: the server cannot keep this record (" + data.error + "). Kept in this browser.");
        return null;
      }, function () { return null; });
    }).then(function (data) {
      if (!data || data.schema !== schema || !Array.isArray(data.events)) return;
      shared = true;
      var theirs = data.events.map(clean).filter(Boolean);
      merge(theirs);
      var waiting = held();
      var mine = events(), known = theirs.concat(mine);
      share(mine.filter(function (event) {
        return !theirs.some(function (other) { return sameEvent(other, event); })
          && !known.some(function (other) { return namedLater(event, other); })
          && !isHeld(event, waiting) && clean(event) !== null;
      }));
      status(waiting.length ? heldText : "Shared through runbook serve.");
      applyClear(events());
    }).catch(function () { /* not served by runbook serve */ });
  }


  // A time as people read it: the date only when it is not today, and always on paper.
  function time(iso) {
    var date = new Date(iso);
    if (isNaN(date)) return "";
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var today = !isPrint && new Date().toDateString() === date.toDateString();
    return (today ? "" : date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) + " ")
      + two(date.getHours()) + ":" + two(date.getMinutes());
  }

  function href(step) {
    var parts = step.split("/");
    var page = parts[0] + "/" + parts[1] + ".html#step-" + parts.slice(2).join("/");
    return (body.classList.contains("stage-page") ? "../" : "") + page;
  }

  // Every step's line of record: who and when, a conflict, and the note field.
  function decorate() {
    var all = states(events());
    var isDone = function (step) { return done(all, step); };
    // Where to continue: the first step not done after the furthest one done (where the operator
    // stopped), else the first step not done at all.
    var furthest = -1;
    order.forEach(function (step, index) { if (isDone(step)) furthest = index; });
    var first = order.filter(function (step, index) { return index > furthest && !isDone(step); })[0]
      || order.filter(function (step) { return !isDone(step); })[0];
    document.querySelectorAll("input.verify-box").forEach(function (box) {
      var stepKey = box.dataset.step;
      var step = box.closest(".step");
      if (!step) return;
      var state = all[stepKey] || {};
      var line = step.querySelector(".record-line");
      if (!line) {
        line = document.createElement("p");
        line.className = "record-line";
        line.setAttribute("aria-live", "polite");
        (box.closest(".verify") || box.closest(".step-body") || step).appendChild(line);
      }
      var last = state.last;
      var text = "";
      if (state.conflict) {
        text = "Conflict: " + (state.conflict[0].operator || "someone") + " and "
          + (state.conflict[1].operator || "someone") + " both changed this step at " + time(state.conflict[1].time)
          + ". Tick or untick it to settle.";
      } else if (changedSince(state, stepKey)) {
        text = "Changed since ticked by " + (last.operator || "an unnamed operator") + ", " + time(last.time)
          + ": the step's text is not the one ticked. Check it again and tick it.";
      } else if (last && last.type === "tick") {
        text = "Done by " + (last.operator || "an unnamed operator") + ", " + time(last.time);
      }
      line.textContent = text;
      line.hidden = !text;
      line.classList.toggle("is-conflict", Boolean(state.conflict) || changedSince(state, stepKey));
      var note = step.querySelector(".record-note");
      if (!note) {
        note = document.createElement("details");
        note.className = "record-note";
        var summary = document.createElement("summary");
        summary.textContent = "Note";
        var field = document.createElement("textarea");
        field.rows = 2;
        field.maxLength = 2000;
        field.setAttribute("aria-label", "Note for step " + stepKey.split("/").slice(2).join("/"));
        field.addEventListener("change", function () {
          record({ type: "note", step: stepKey, source: sources[stepKey] || "", operator: operator(), time: new Date().toISOString(), text: field.value.slice(0, 2000) });
          decorate();
        });
        note.appendChild(summary);
        note.appendChild(field);
        line.parentNode.insertBefore(note, line.nextSibling);
      }
      var noteText = state.note ? state.note.text : "";
      var noteField = note.querySelector("textarea");
      if (document.activeElement !== noteField) noteField.value = noteText;
      note.querySelector("summary").textContent = noteText ? "Note (" + (state.note.operator || "unnamed") + ", " + time(state.note.time) + ")" : "Note";
      if (noteText) note.open = true;
      var ticked = isDone(stepKey) && !state.conflict;
      step.classList.toggle("is-collapsed", ticked && !step.classList.contains("is-expanded"));
      step.classList.toggle("is-current", stepKey === first);
      if (stepKey === first) step.setAttribute("aria-current", "step"); else step.removeAttribute("aria-current");
    });
    // Continue: the first step not done, from the overview and every stage page.
    document.querySelectorAll("[data-continue]").forEach(function (link) {
      if (furthest < 0 && !link.classList.contains("continue-link")) return; // "Start the runbook"
      if (first) {
        link.href = href(first);
        link.textContent = "Continue: step " + first.split("/").slice(2).join("/") + " →";
      } else {
        link.textContent = "Every step is done: sign off on the print page →";
        link.href = (body.classList.contains("stage-page") ? "../" : "") + "print.html#sign-off";
      }
      link.hidden = false;
    });
    // This stage's own progress beside the runbook's.
    var own = document.querySelector("[data-stage-own-progress]");
    if (own) {
      var firstBox = document.querySelector("input.verify-box");
      var stage = firstBox ? firstBox.dataset.step.split("/").slice(0, 2).join("/") : "";
      var mine = order.filter(function (step) { return step.lastIndexOf(stage + "/", 0) === 0; });
      var finished = mine.filter(isDone);
      own.textContent = " · this stage " + finished.length + " of " + mine.length;
      own.hidden = false;
    }
    // The last stage ends with what is left and where to sign off.
    var left = document.querySelector("[data-left]");
    if (left) {
      var open = order.filter(function (step) { return !isDone(step); });
      left.textContent = "";
      var heading = document.createElement("p");
      heading.textContent = open.length === 0
        ? "Every step is done. Sign off on the print page."
        : open.length + " step" + (open.length === 1 ? " is" : "s are") + " not done yet:";
      left.appendChild(heading);
      if (open.length) {
        var list = document.createElement("ul");
        open.slice(0, 50).forEach(function (step) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = href(step);
          link.textContent = step;
          item.appendChild(link);
          list.appendChild(item);
        });
        left.appendChild(list);
      }
      left.hidden = false;
    }
    // The print page: who ticked each step and when, and the notes, on paper.
    document.querySelectorAll("[data-print-step]").forEach(function (element) {
      var state = all[element.dataset.printStep] || {};
      var last = state.last;
      var by = element.querySelector(".done-by-name"), at = element.querySelector(".done-by-date");
      var tickedHere = isDone(element.dataset.printStep);
      if (by) by.textContent = tickedHere ? (last.operator || "unnamed") : "";
      if (at) at.textContent = tickedHere ? time(last.time) : "";
      var mark = element.querySelector(".tick");
      if (mark) mark.textContent = tickedHere ? "✓" : "";
      var note = element.querySelector(".done-note");
      if (note) { note.textContent = state.note && state.note.text ? "Note: " + state.note.text : ""; note.hidden = !note.textContent; }
    });
    // The sign-off page: how many steps are done, and which are not.
    document.querySelectorAll("[data-record-summary]").forEach(function (summary) {
      var steps = document.querySelectorAll("[data-print-step]");
      var missing = [];
      steps.forEach(function (element) { if (!isDone(element.dataset.printStep)) missing.push(element); });
      var list = events();
      summary.textContent = "";
      if (!list.length) { summary.hidden = true; return; }
      var count = document.createElement("p");
      count.className = "record-count";
      count.textContent = "Recorded: " + (steps.length - missing.length) + " of " + steps.length + " steps done"
        + (missing.length ? "; not done:" : ".");
      summary.appendChild(count);
      if (missing.length) {
        var items = document.createElement("ul");
        items.className = "record-missing";
        missing.forEach(function (element) {
          var match = /^stage-(\d+)-step-(.+)$/.exec(element.id) || [];
          var item = document.createElement("li");
          var text = (element.querySelector(".step-body") || element).textContent.replace(/\s+/g, " ").trim();
          item.textContent = "Stage " + match[1] + ", step " + match[2] + ": "
            + (text.length > 70 ? text.slice(0, 70) + "…" : text)
            + (changedSince(all[element.dataset.printStep], element.dataset.printStep) ? " (changed since ticked)" : "");
          items.appendChild(item);
        });
        summary.appendChild(items);
      }
      summary.hidden = false;
    });
    document.querySelectorAll("[data-operator]").forEach(function (element) {
      element.textContent = operator() || "not given yet";
    });
  }

  // Asks for the operator's name beside the step just ticked, without stopping the page (a
  // dialog would block the tick until answered).
  function askInline(step) {
    if (document.querySelector(".operator-form")) return;
    var form = document.createElement("form");
    form.className = "operator-form";
    var label = document.createElement("label");
    label.textContent = "Your name, for this deployment's record: ";
    var field = document.createElement("input");
    field.type = "text";
    field.maxLength = 80;
    field.autocomplete = "name";
    label.appendChild(field);
    var save = document.createElement("button");
    save.type = "submit";
    save.className = "button secondary";
    save.textContent = "Save";
    form.appendChild(label);
    form.appendChild(document.createTextNode(" "));
    form.appendChild(save);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      nameOperator(field.value);
      form.remove();
    });
    var line = step.querySelector(".record-line");
    (line ? line.parentNode : step).insertBefore(form, line ? line.nextSibling : null);
  }

  // Keeps the name, and gives it to the events this page recorded without one.
  function nameOperator(value) {
    // Without what the server refuses in a name (a pasted bidi mark would hold back every tick).
    var name = cut(String(value || "").replace(new RegExp(controls.source, "g"), "").trim(), 80);
    if (!name) return;
    try { window.localStorage.setItem(operatorKey, name); } catch (e) { /* private mode */ }
    var list = events();
    var named = [];
    var waiting = held();
    list.forEach(function (event) {
      if (event.operator === "" && isHeld(event, waiting)) {
        event.operator = name;
        named.push(event);
      }
    });
    // The named events first, then the empty hold: another tab syncing between the two writes
    // must never find the hold empty while the events are still unnamed (it would send them
    // unnamed, and the server would show a conflict no one made).
    write(eventsKey, list);
    write(heldKey, []);
    // Held back until named, so the shared record never has them twice.
    share(named);
    decorate();
  }

  // A tick or untick: its event, with the operator's name (asked once, beside the step).
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("verify-box")) return;
    var made = {
      type: box.checked ? "tick" : "untick", step: box.dataset.step, source: box.dataset.source || sources[box.dataset.step] || "",
      operator: operator(), time: new Date().toISOString(), text: "",
    };
    record(made);
    var step = box.closest(".step");
    if (step) step.classList.remove("is-expanded");
    decorate();
    if (!made.operator && step) askInline(step);
  });

  // A collapsed step opens on a click on its number or its first line.
  document.addEventListener("click", function (event) {
    var step = event.target.closest && event.target.closest(".step.is-collapsed, .step.is-expanded");
    if (!step || event.target.closest("input, textarea, a:not(.step-number), button, summary")) return;
    if (event.target.closest(".step-number")) event.preventDefault();
    var open = step.classList.contains("is-collapsed");
    step.classList.toggle("is-expanded", open);
    step.classList.toggle("is-collapsed", !open);
  });

  // Export: the record as a JSON file; import: the union of the events, in this browser.
  function exportRecord() {
    var data = {
      schema: schema, version: version, runbook: body.dataset.runbook || "",
      deployment: body.dataset.deployment || "", exported: new Date().toISOString(), events: events(),
    };
    var blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = (body.dataset.deployment || "runbook") + "-record.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    return data;
  }
  function importRecord(text) {
    var data;
    try { data = JSON.parse(text); } catch (e) { return "That file is not JSON."; }
    if (!data || data.schema !== schema || typeof data.version !== "number" || !Array.isArray(data.events)) {
      return "That file is not a runbook record.";
    }
    if (data.version > version) return "That record was written by a newer runbook (version " + data.version + ").";
    if (data.deployment !== (body.dataset.deployment || "") || data.runbook !== (body.dataset.runbook || "")) {
      return "That record is of " + data.deployment + " (" + data.runbook + "), not of this deployment.";
    }
    var added = merge(data.events);
    // An import on a page of runbook serve goes to the shared record too.
    sync();
    return "Imported " + added + " event" + (added === 1 ? "" : "s") + ".";
  }
  window.runbookRecord = { exportRecord: exportRecord, importRecord: importRecord, events: events, nameOperator: nameOperator };

  document.querySelectorAll("[data-record-tools]").forEach(function (tools) {
    tools.hidden = false;
    tools.querySelectorAll("button[hidden]").forEach(function (button) { button.hidden = false; });
    var status = tools.querySelector("[data-record-status]");
    var exportButton = tools.querySelector("[data-export]");
    if (exportButton) exportButton.addEventListener("click", function () { exportRecord(); });
    var file = tools.querySelector("[data-import]");
    if (file) file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) return;
      var reader = new FileReader();
      reader.onload = function () { if (status) status.textContent = importRecord(String(reader.result)); };
      reader.readAsText(chosen);
    });
    var rename = tools.querySelector("[data-rename]");
    if (rename) rename.addEventListener("click", function () {
      var name = window.prompt("Your name, for this deployment's record (kept in this browser):", operator());
      if (name !== null) nameOperator(name);
    });
  });

  // "Clear every tick": on a shared record, every step ticked there before the clear is unticked
  // there, as of the clear. Kept until the server has taken it: with the server away, the next
  // sync would otherwise bring every tick back.
  var clearedKey = base + ":cleared";
  function applyClear(theirs) {
    var at = read(clearedKey, null);
    if (typeof at !== "string") return;
    try { window.localStorage.removeItem(clearedKey); } catch (e) { /* private mode */ }
    var all = states(theirs);
    var unticks = Object.keys(all).filter(function (step) {
      return all[step].last && all[step].last.type === "tick" && all[step].last.time < at;
    }).map(function (step) { return { type: "untick", step: step, source: sources[step] || "", operator: operator(), time: at, text: "" }; });
    var mine = theirs.concat(unticks);
    write(eventsKey, mine);
    syncTicks(mine);
    share(unticks);
    decorate();
    window.dispatchEvent(new Event("runbook:record"));
  }
  window.addEventListener("runbook:cleared", function () {
    write(heldKey, []);
    decorate();
    // Only where this page has met runbook serve's record (a static server has none to clear).
    if (!shared) return;
    write(clearedKey, new Date().toISOString());
    sync();
  });
  // runbook serve's events channel (live.js): others' ticks and notes, and a new connection
  // (the server restarted) to sync again.
  window.addEventListener("runbook:server-record", function (event) {
    var data = event.detail || {};
    if (data.runbook !== (body.dataset.runbook || "") || data.deployment !== (body.dataset.deployment || "")) return;
    merge(data.events);
  });
  window.addEventListener("runbook:server-open", sync);
  window.addEventListener("storage", function (event) {
    if (event.key === eventsKey || event.key === ticksKey) decorate();
  });
  // The ticks runbook.js shows follow the events: a step whose text changed since it was ticked
  // (a rebuild since the last visit) is not shown ticked.
  syncTicks(events());
  window.dispatchEvent(new Event("runbook:record"));
  decorate();
  sync();
})();
