/* Words for the picture (graph.js): conditions, filters, time windows and notification settings
 * as the short text a reviewer reads. */
(function () {
  "use strict";
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

  function condition(c) {
    var vals = (c.vals || []).map(function (v) { return JSON.stringify(v); }).join(", ");
    return c.key + " " + (c.oper || "IN") + " [" + vals + "]";
  }
  function andGroup(group) { return (group || []).map(condition).join(" AND "); }
  function filters(groups) {
    groups = (groups || []).filter(function (g) { return g && g.length; });
    if (!groups.length) return "";
    if (groups.length === 1) return andGroup(groups[0]);
    return groups.map(function (g) { return "(" + andGroup(g) + ")"; }).join(" OR ");
  }
  function days(repeat) {
    if (!repeat || !repeat.length || repeat.length === 7) return "every day";
    var sorted = repeat.slice().sort();
    var run = sorted.every(function (d, i) { return i === 0 || d === sorted[i - 1] + 1; });
    if (run && sorted.length > 2) return DAYS[sorted[0]] + "-" + DAYS[sorted[sorted.length - 1]];
    return sorted.map(function (d) { return DAYS[d]; }).join(",");
  }
  var calendars = {}; // cal_id -> name, from the document

  function windows(timeFilters) {
    return (timeFilters || []).map(function (t) {
      var cal = calendars[t.cal_id] || t.cal_id;
      var when = t.cal_id ? "calendar " + cal + (t.is_off ? " (days off)" : " (work days)") : days(t.repeat);
      return when + " " + (t.start || "00:00") + "-" + (t.end || "24:00");
    }).join("; ");
  }
  function once(t) {
    function iso(s) { return new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z"); }
    return t && t.start_time ? iso(t.start_time) + " to " + iso(t.end_time) : "";
  }
  function notifyBy(by) {
    if (!by) return "";
    if (by.follow_preference) return "by their preferences";
    var parts = ["critical", "warning", "info"].filter(function (s) { return by[s] && by[s].length; })
      .map(function (s) { return s + ": " + by[s].join("+"); });
    return parts.join(", ");
  }

  window.FlashdutyWords = {
    condition: condition,
    andGroup: andGroup,
    filters: filters,
    windows: windows,
    once: once,
    notifyBy: notifyBy,
    calendars: function (names) { calendars = names; },
  };
})();
