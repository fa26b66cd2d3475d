/* The picture of the alert path, drawn in the browser from a plain JSON document.
 *
 * The document holds API-shaped objects, the same shapes the Flashduty API lists (and the emulator
 * stores): members, teams, schedules, channels, integrations, routes, escalation_rules,
 * silence_rules, inhibit_rules, drop_rules, each a list or an object keyed by ID. Optional:
 * `highlight` (one alert's trace) and `changes` (what a program would change).
 *
 * The path is a DAG in fixed stages (integration -> route case -> channel -> rules -> layers ->
 * recipients), so the layout is columns and rows of ordinary HTML; only the case-to-channel edges
 * are drawn, as SVG curves between the boxes. Every text goes through textContent (never HTML).
 */
(function () {
  "use strict";
  var words = window.FlashdutyWords; // words.js: conditions, windows, notification settings as text
  var SVGNS = "http://www.w3.org/2000/svg";
  var TEAM_NAMES = 5; // members named on a team's chip; the rest counted
  var FOLDED_ABOVE = 12; // channels; more than this and the page opens with channels folded

  /* JSON.parse that keeps 64-bit IDs exact: numbers beyond 2**53 come back as their decimal text. */
  function parseJSON(text) {
    return JSON.parse(text, function (key, value, context) {
      if (typeof value === "number" && !Number.isSafeInteger(value) && context && /^-?\d+$/.test(context.source)) {
        return context.source;
      }
      return value;
    });
  }

  function list(collection) {
    if (!collection) return [];
    return Array.isArray(collection) ? collection : Object.keys(collection).map(function (k) { return collection[k]; });
  }
  function id(value) { return value === null || value === undefined ? "" : String(value); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function keyed(node, key) { node.setAttribute("data-key", key); return node; }

  /* -- the model the page is drawn from ------------------------------------------------------- */

  /* The order rules are tried in: priority (lower first), then the older rule, then rule_id,
   * the simulator's tie-break, so the picture and the trace never disagree on equal priorities. */
  function byPriority(a, b) {
    return (a.priority || 0) - (b.priority || 0) || (a.created_at || 0) - (b.created_at || 0) ||
      (id(a.rule_id) < id(b.rule_id) ? -1 : id(a.rule_id) > id(b.rule_id) ? 1 : 0);
  }

  function index(doc) {
    var names = { person: {}, team: {}, schedule: {}, channel: {}, integration: {} };
    var teams = {};
    names.member = {}; // short names, for a team's members
    list(doc.members).forEach(function (m) {
      var key = id(m.member_id);
      names.person[key] = m.member_name ? m.member_name + (m.email ? " <" + m.email + ">" : "") : m.email;
      names.member[key] = m.member_name || m.email;
    });
    list(doc.teams).forEach(function (t) {
      names.team[id(t.team_id)] = t.team_name;
      teams[id(t.team_id)] = t.person_ids || [];
    });
    list(doc.schedules).forEach(function (s) { names.schedule[id(s.schedule_id)] = s.schedule_name; });
    list(doc.channels).forEach(function (c) { names.channel[id(c.channel_id)] = c.channel_name; });
    list(doc.integrations).forEach(function (i) { names.integration[id(i.integration_id)] = i.integration_name; });
    var calendars = {};
    list(doc.calendars).forEach(function (c) { if (c.cal_name) calendars[c.cal_id] = c.cal_name; });
    words.calendars(calendars);
    var byChannel = {};
    function channel(cid) {
      cid = id(cid);
      if (!byChannel[cid]) byChannel[cid] = { id: cid, drop: [], silence: [], inhibit: [], escalation: [] };
      return byChannel[cid];
    }
    list(doc.channels).forEach(function (c) { channel(c.channel_id); });
    ["drop", "silence", "inhibit", "escalation"].forEach(function (kind) {
      list(doc[kind + "_rules"]).forEach(function (r) { channel(r.channel_id)[kind].push(r); });
    });
    Object.keys(byChannel).forEach(function (cid) {
      var c = byChannel[cid];
      ["drop", "silence", "inhibit", "escalation"].forEach(function (kind) {
        c[kind].sort(byPriority);
      });
    });
    var routes = list(doc.routes).slice().sort(function (a, b) { return id(a.integration_id) < id(b.integration_id) ? -1 : 1; });
    routes.forEach(function (r) {
      (r.cases || []).forEach(function (c) { (c.channel_ids || []).forEach(channel); });
      if (r.default) (r.default.channel_ids || []).forEach(channel);
    });
    return { names: names, teams: teams, routes: routes, channels: byChannel };
  }

  function nameOf(names, kind, value) {
    var n = names[kind][id(value)];
    if (n) return n;
    return kind === "integration" ? "integration " + id(value) : kind + " " + id(value) + " (unknown)";
  }

  /* -- drawing -------------------------------------------------------------------------------- */

  function routeCard(model, route) {
    var iid = id(route.integration_id);
    var card = keyed(el("details", "integration"), "int:" + iid);
    card.open = true;
    var head = el("summary", "head");
    head.appendChild(el("span", "kind", "integration"));
    head.appendChild(el("span", "name", nameOf(model.names, "integration", iid)));
    card.appendChild(head);
    var ol = el("ol", "cases");
    (route.cases || []).forEach(function (c, i) {
      var li = keyed(el("li", "case box"), "case:" + iid + ":" + i);
      li.appendChild(el("span", "num", "#" + (i + 1)));
      li.appendChild(el("span", "cond", words.andGroup(c["if"]) || "always"));
      if (c.routing_mode === "name_mapping") {
        li.appendChild(el("span", "badge", "channel named by " + (c.name_mapping_label || "a label")));
      }
      if (c.fallthrough) li.appendChild(el("span", "badge", "fallthrough"));
      targets(model, li, c.channel_ids, "edge:" + iid + ":" + i);
      ol.appendChild(li);
    });
    card.appendChild(ol);
    var def = keyed(el("div", "case default box"), "default:" + iid);
    def.appendChild(el("span", "num", "default"));
    if (route.default && route.default.channel_ids && route.default.channel_ids.length) {
      def.appendChild(el("span", "cond", "no case matched"));
      targets(model, def, route.default.channel_ids, "edge:" + iid + ":default");
    } else {
      def.classList.add("warn");
      def.appendChild(el("span", "cond", "none: unmatched alerts are dropped"));
    }
    card.appendChild(def);
    return card;
  }

  function targets(model, box, channelIds, edgeKey) {
    var ids = (channelIds || []).map(id);
    box.setAttribute("data-channels", ids.join(" "));
    box.setAttribute("data-edge", edgeKey);
    var to = el("span", "to");
    ids.forEach(function (cid) { to.appendChild(el("span", "chip channel-ref", nameOf(model.names, "channel", cid))); });
    box.appendChild(to);
  }

  /* A rule's key: its ID, or (a program's rule not created yet) its kind and name. */
  function ruleKey(kind, rule) { return rule.rule_id ? id(rule.rule_id) : kind + ":" + id(rule.channel_id) + ":" + rule.rule_name; }

  function ruleBox(kind, rule, detail) {
    var box = keyed(el("div", "rule box " + kind), "rule:" + ruleKey(kind, rule));
    box.appendChild(el("span", "kind", kind));
    box.appendChild(el("span", "name", rule.rule_name || "(unnamed)"));
    if (rule.status === "disabled") { box.classList.add("disabled"); box.appendChild(el("span", "badge", "disabled")); }
    detail.filter(Boolean).forEach(function (d) { box.appendChild(el("div", "detail", d)); });
    return box;
  }

  /* A team's members by name, the first few: who a team layer actually pages. */
  function members(model, teamId) {
    var people = (model.teams[id(teamId)] || []).map(function (p) { return model.names.member[id(p)] || id(p); });
    if (!people.length) return "";
    var shown = people.slice(0, TEAM_NAMES);
    return ": " + shown.join(", ") + (people.length > shown.length ? " +" + (people.length - shown.length) : "");
  }

  function recipients(model, target, layerKey) {
    var row = el("div", "recipients");
    function chip(kind, text, key) { row.appendChild(keyed(el("span", "chip " + kind, text), layerKey + ":" + key)); }
    (target.person_ids || []).forEach(function (p) { chip("person", nameOf(model.names, "person", p), "person:" + id(p)); });
    (target.team_ids || []).forEach(function (t) {
      chip("team", "team " + nameOf(model.names, "team", t) + members(model, t), "team:" + id(t));
    });
    Object.keys(target.schedule_to_role_ids || {}).forEach(function (s) {
      chip("schedule", "schedule " + nameOf(model.names, "schedule", s), "schedule:" + s);
    });
    (target.emails || []).forEach(function (e) { chip("person", e, "email:" + e); });
    (target.webhooks || []).forEach(function (w, i) {
      var alias = w.settings && w.settings.alias ? " " + w.settings.alias : "";
      chip("webhook", "webhook " + (w.type || "") + alias, "webhook:" + i);
    });
    return row;
  }

  function escalationRow(model, rule) {
    var row = keyed(el("div", "esc-row"), "row:" + ruleKey("escalation", rule));
    row.appendChild(ruleBox("escalation", rule, [
      "priority " + (rule.priority || 0),
      words.windows(rule.time_filters) || "any time",
      words.filters(rule.filters) ? "if " + words.filters(rule.filters) : "",
      rule.aggr_window ? "waits " + rule.aggr_window + " s before the first notification" : "",
    ]));
    var layers = el("div", "layers");
    (rule.layers || []).forEach(function (layer, i) {
      var key = "layer:" + ruleKey("escalation", rule) + ":" + i;
      var box = keyed(el("div", "layer box"), key);
      box.appendChild(el("span", "kind", "layer " + (i + 1)));
      // Absent fields read as the server's defaults (2 repeats, every 10 min, escalate after 30).
      var repeats = layer.max_times === undefined ? 2 : layer.max_times;
      var step = layer.notify_step === undefined ? 10 : layer.notify_step;
      var window = layer.escalate_window === undefined ? 30 : layer.escalate_window;
      var often = repeats ? "notified, then " + repeats + (repeats === 1 ? " repeat" : " repeats") + " every " + step +
        " min" : "notified once";
      box.appendChild(el("div", "detail", often + "; escalate after " + window + " min" +
        (layer.force_escalate ? " (forced)" : "")));
      var by = words.notifyBy((layer.target || {}).by);
      if (by) box.appendChild(el("div", "detail", by));
      box.appendChild(recipients(model, layer.target || {}, key));
      layers.appendChild(box);
    });
    row.appendChild(layers);
    return row;
  }

  function channelCard(model, c) {
    var card = keyed(el("details", "channel"), "ch:" + c.id);
    card.open = true;
    var head = el("summary", "head");
    head.appendChild(el("span", "kind", "channel"));
    head.appendChild(el("span", "name", nameOf(model.names, "channel", c.id)));
    head.appendChild(el("span", "count", c.escalation.length + " escalation, " +
      (c.drop.length + c.silence.length + c.inhibit.length) + " drop/silence/inhibit"));
    card.appendChild(head);
    var before = el("div", "before");
    c.drop.forEach(function (r) { before.appendChild(ruleBox("drop", r, [words.filters(r.filters) && "if " + words.filters(r.filters)])); });
    c.silence.forEach(function (r) {
      before.appendChild(ruleBox("silence", r, [
        words.filters(r.filters) && "if " + words.filters(r.filters),
        words.once(r.time_filter) || words.windows(r.time_filters),
        r.is_directly_discard ? "discarded" : "kept, marked silenced",
      ]));
    });
    c.inhibit.forEach(function (r) {
      before.appendChild(ruleBox("inhibit", r, [
        words.filters(r.source_filters) && "while firing: " + words.filters(r.source_filters),
        words.filters(r.target_filters) && "mutes: " + words.filters(r.target_filters),
        r.equals && r.equals.length ? "same " + r.equals.join(", ") : "",
      ]));
    });
    if (before.childNodes.length) card.appendChild(before);
    c.escalation.forEach(function (r) { card.appendChild(escalationRow(model, r)); });
    if (!c.escalation.length) card.appendChild(el("div", "box warn", "no escalation rule: nobody is paged"));
    return card;
  }

  /* -- edges, highlight, changes, search ------------------------------------------------------ */

  function drawEdges(root) {
    var svg = root.querySelector("svg.edges");
    var frame = root.querySelector(".stage").getBoundingClientRect();
    svg.setAttribute("width", frame.width);
    svg.setAttribute("height", frame.height);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    root.querySelectorAll("[data-edge]").forEach(function (from) {
      var a = from.getBoundingClientRect();
      if (!a.height) return; // inside a collapsed integration
      (from.getAttribute("data-channels") || "").split(" ").filter(Boolean).forEach(function (cid) {
        var card = root.querySelector('.channel[data-key="ch:' + cid + '"]');
        if (!card || card.hidden) return;
        var b = card.querySelector("summary").getBoundingClientRect();
        var x1 = a.right - frame.left, y1 = a.top + a.height / 2 - frame.top;
        var x2 = b.left - frame.left, y2 = b.top + b.height / 2 - frame.top;
        var mid = (x1 + x2) / 2;
        var path = document.createElementNS(SVGNS, "path");
        path.setAttribute("d", "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2);
        var key = from.getAttribute("data-edge") + ":" + cid;
        path.setAttribute("data-key", key);
        path.setAttribute("class", "edge" + (root.hlEdges && root.hlEdges[key] ? " hl" : ""));
        svg.appendChild(path);
      });
    });
  }

  function mark(root, key, cls) {
    var node = root.querySelector('[data-key="' + String(key).replace(/["\\]/g, "\\$&") + '"]');
    if (node) node.classList.add(cls);
    return node;
  }

  /* The trace arrives as lists of element keys (worked out in Python, next to the simulator):
   * `path` (matched cases, channels, chosen rules and layers), `stopped` (the rule that dropped,
   * silenced or inhibited the alert), `first` (who is notified first) and `edges`. */
  function highlight(root, hl) {
    root.hlEdges = {};
    (hl.edges || []).forEach(function (k) { root.hlEdges[k] = true; });
    (hl.path || []).forEach(function (k) { mark(root, k, "hl"); });
    (hl.stopped || []).forEach(function (k) { mark(root, k, "hl-stop"); });
    (hl.first || []).forEach(function (k) { mark(root, k, "hl-first"); });
  }

  function applyChanges(root, changes) {
    (changes || []).forEach(function (c) { if (c.key) mark(root, c.key, "chg-" + c.change); });
  }

  function search(root, query) {
    query = query.trim().toLowerCase();
    root.querySelectorAll(".found").forEach(function (n) { n.classList.remove("found"); });
    root.querySelectorAll(".channel").forEach(function (card) {
      if (!query) { card.hidden = false; return; }
      var hits = Array.prototype.filter.call(card.querySelectorAll(".name, .chip, .cond"), function (n) {
        return n.textContent.toLowerCase().indexOf(query) >= 0;
      });
      hits.forEach(function (n) { n.classList.add("found"); });
      card.hidden = hits.length === 0;
      if (hits.length) card.open = true;
    });
    root.querySelectorAll(".integration .name, .case .cond, .case .chip").forEach(function (n) {
      if (query && n.textContent.toLowerCase().indexOf(query) >= 0) n.classList.add("found");
    });
    drawEdges(root);
  }

  function toolbar(root) {
    var bar = el("div", "toolbar");
    var box = el("input", "search");
    box.type = "search";
    box.placeholder = "search by name (channel, rule, person, team, label)";
    box.setAttribute("aria-label", "search");
    box.addEventListener("input", function () { search(root, box.value); });
    bar.appendChild(box);
    [["collapse all", false], ["expand all", true]].forEach(function (b) {
      var button = el("button", b[1] ? "expand-all" : "collapse-all", b[0]);
      button.addEventListener("click", function () {
        root.querySelectorAll("details.channel").forEach(function (d) { d.open = b[1]; });
        drawEdges(root);
      });
      bar.appendChild(button);
    });
    return bar;
  }

  function render(root, doc, options) {
    options = options || {};
    var model = index(doc);
    while (root.firstChild) root.removeChild(root.firstChild);
    root.classList.add("fd-graph");
    if (options.title) root.appendChild(el("h1", "", options.title));
    if (options.subtitle) root.appendChild(el("p", "subtitle", options.subtitle));
    if (doc.highlight && doc.highlight.summary) {
      var trace = el("details", "trace");
      trace.open = true;
      trace.appendChild(el("summary", "", "Alert: " + (doc.highlight.title || "")));
      trace.appendChild(el("pre", "", doc.highlight.summary));
      root.appendChild(trace);
    }
    if (doc.changes) {
      var panel = el("details", "changes");
      panel.open = true;
      panel.appendChild(el("summary", "", doc.changes.length ? doc.changes.length + " change(s) against the live configuration" : "no change"));
      var ul = el("ul");
      doc.changes.forEach(function (c) { ul.appendChild(el("li", "chg-" + c.change, c.change + ": " + c.text)); });
      panel.appendChild(ul);
      root.appendChild(panel);
    }
    root.appendChild(toolbar(root));
    var stage = el("div", "stage");
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("class", "edges");
    stage.appendChild(svg);
    var left = el("div", "column routes");
    left.appendChild(el("h2", "", "Integrations and route cases, in order"));
    model.routes.forEach(function (r) { left.appendChild(routeCard(model, r)); });
    if (!model.routes.length) left.appendChild(el("div", "box warn", "no routing rule"));
    var right = el("div", "column channels");
    right.appendChild(el("h2", "", "Channels: drop, silence, inhibit, then escalation by priority"));
    Object.keys(model.channels).forEach(function (cid) { right.appendChild(channelCard(model, model.channels[cid])); });
    stage.appendChild(left);
    stage.appendChild(right);
    root.appendChild(stage);
    if (doc.highlight) highlight(root, doc.highlight);
    applyChanges(root, doc.changes);
    // A large account opens folded: channel headers only, except those an alert or a change marks.
    var cards = root.querySelectorAll("details.channel");
    if (cards.length > FOLDED_ABOVE) {
      var marked = ".hl, .hl-stop, [class*='chg-']";
      cards.forEach(function (d) { d.open = d.matches(marked) || !!d.querySelector(marked); });
    }
    root.querySelectorAll("details").forEach(function (d) { d.addEventListener("toggle", function () { drawEdges(root); }); });
    if (!root.resizeHooked) {
      window.addEventListener("resize", function () { drawEdges(root); });
      root.resizeHooked = true;
    }
    drawEdges(root);
    root.setAttribute("data-ready", "true");
    return model;
  }

  window.FlashdutyGraph = { render: render, parseJSON: parseJSON, drawEdges: drawEdges, search: search };
})();
