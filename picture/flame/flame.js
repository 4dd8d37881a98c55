// sonde flame graph: hover a frame for its count and share, click to zoom
// into it (Reset Zoom, the root frame or Escape go back), Search highlights
// frames matching a regular expression and shows their share of the total.
(function () {
  "use strict";
  var FONT = 12, FONTW = 0.59, MATCH = "rgb(230,0,230)";

  function fit(name, w) {
    var n = Math.floor((w - 6) / (FONT * FONTW));
    if (n < 3) return "";
    return name.length <= n ? name : name.slice(0, n - 2) + "..";
  }
  function pct(v, total) { return (total > 0 ? 100 * v / total : 0).toFixed(2) + "%"; }
  function commas(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  function init(svg) {
    if (svg.sondeFlame) return svg.sondeFlame;
    var W = +svg.getAttribute("width"), XPAD = +svg.getAttribute("data-xpad");
    var total = +svg.getAttribute("data-total"), unit = svg.getAttribute("data-unit");
    var q = function (sel) { return svg.querySelector(sel); };
    var details = q(".sf-details"), matched = q(".sf-matched"), unzoomBtn = q(".sf-unzoom");
    var searchBtn = q(".sf-search"), tip = q(".sf-tip"), tipRect = q(".sf-tip rect");
    var tipName = q(".sf-tip-name"), tipCount = q(".sf-tip-count"), tipText = q(".sf-tip text");
    var frames = [], byElem = new Map(), rootY = -1;
    svg.querySelectorAll("g.sf-f").forEach(function (g) {
      var t = g.querySelector("title"), r = g.querySelector("rect");
      var f = {
        g: g, r: r, tx: g.querySelector("text"),
        title: t.textContent, name: t.textContent.replace(/ \([^()]*\)$/, ""),
        s: +g.getAttribute("data-s"), v: +g.getAttribute("data-v"),
        y: +r.getAttribute("y"), fill: r.getAttribute("fill")
      };
      g.removeChild(t); // the tooltip below replaces the browser's
      g.sondeName = f.name;
      rootY = Math.max(rootY, f.y);
      frames.push(f);
      byElem.set(g, f);
    });
    var zoomed = null, re = null;

    function place(f, x, w) {
      f.r.setAttribute("x", x.toFixed(1));
      f.r.setAttribute("width", w.toFixed(1));
      f.tx.setAttribute("x", (x + 3).toFixed(1));
      f.tx.textContent = fit(f.name, w);
    }
    function show(f, on) { f.g.classList.toggle("sf-hide", !on); }

    function zoom(z) {
      if (!z || z.y === rootY) { reset(); return; }
      zoomed = z;
      var k = (W - 2 * XPAD) / z.v;
      frames.forEach(function (f) {
        var inside = f.s >= z.s && f.s + f.v <= z.s + z.v;
        var covers = f.s <= z.s && f.s + f.v >= z.s + z.v;
        if (f.y > z.y && covers) {
          f.g.classList.add("sf-parent");
          show(f, true);
          place(f, XPAD, W - 2 * XPAD);
        } else if (f.y <= z.y && inside) {
          f.g.classList.remove("sf-parent");
          show(f, true);
          place(f, XPAD + (f.s - z.s) * k, f.v * k);
        } else {
          show(f, false);
        }
      });
      unzoomBtn.classList.remove("sf-hide");
      svg.setAttribute("data-zoomed", z.name);
    }
    function reset() {
      zoomed = null;
      var k = (W - 2 * XPAD) / Math.max(total, 1);
      frames.forEach(function (f) {
        f.g.classList.remove("sf-parent");
        show(f, true);
        place(f, XPAD + f.s * k, f.v * k);
      });
      unzoomBtn.classList.add("sf-hide");
      svg.removeAttribute("data-zoomed");
    }

    function search(term) {
      if (!term) { clearSearch(); return; }
      try {
        re = new RegExp(term);
      } catch (e) {
        matched.textContent = "not a regular expression: " + term;
        return;
      }
      var hits = [];
      frames.forEach(function (f) {
        var hit = re.test(f.name);
        f.r.setAttribute("fill", hit ? MATCH : f.fill);
        f.g.classList.toggle("sf-match", hit);
        if (hit) hits.push(f);
      });
      // A match inside a match (recursion) counts once: sum the union.
      hits.sort(function (a, b) { return a.s - b.s || b.v - a.v; });
      var sum = 0, end = -1;
      hits.forEach(function (f) {
        var a = f.s, b = f.s + f.v;
        if (a >= end) { sum += f.v; end = b; } else if (b > end) { sum += b - end; end = b; }
      });
      matched.textContent = "Matched: " + pct(sum, total) + " (" + commas(sum) + " " + unit + ")";
      searchBtn.textContent = "Reset Search";
      svg.setAttribute("data-search", term);
    }
    function clearSearch() {
      re = null;
      frames.forEach(function (f) {
        f.r.setAttribute("fill", f.fill);
        f.g.classList.remove("sf-match");
      });
      matched.textContent = " ";
      searchBtn.textContent = "Search";
      svg.removeAttribute("data-search");
    }
    function askSearch() {
      if (re) { clearSearch(); return; }
      var t = window.prompt("Search frames (a regular expression, e.g. ^ext4_):", "");
      if (t !== null) search(t);
    }

    function frameOf(ev) {
      for (var n = ev.target; n && n !== svg; n = n.parentNode) {
        if (byElem.has(n)) return byElem.get(n);
      }
      return null;
    }
    function describe(f) {
      var s = commas(f.v) + " " + unit + ", " + pct(f.v, total);
      if (zoomed && zoomed !== f) s += " (" + pct(f.v, zoomed.v) + " of " + zoomed.name + ")";
      return s;
    }
    function moveTip(ev, f) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      pt = pt.matrixTransform(m.inverse());
      tipName.textContent = f.name;
      tipCount.textContent = describe(f);
      tip.setAttribute("visibility", "visible");
      tipName.setAttribute("x", 0); tipName.setAttribute("dy", "1.1em");
      tipCount.setAttribute("x", 0); tipCount.setAttribute("dy", "1.3em");
      var bb = tipText.getBBox(), w = bb.width + 12, h = bb.height + 8;
      var x = Math.min(pt.x + 14, W - w - 2), y = pt.y + 18;
      if (y + h > +svg.getAttribute("height")) y = pt.y - h - 6;
      tipText.setAttribute("transform", "translate(" + (x + 6) + "," + (y + 2) + ")");
      tipRect.setAttribute("x", x); tipRect.setAttribute("y", y);
      tipRect.setAttribute("width", w); tipRect.setAttribute("height", h);
    }

    var area = q(".sf-frames");
    area.addEventListener("click", function (ev) {
      var f = frameOf(ev);
      if (f) zoom(f);
    });
    area.addEventListener("mousemove", function (ev) {
      var f = frameOf(ev);
      if (!f) return;
      details.textContent = "Function: " + f.name + " (" + describe(f) + ")";
      moveTip(ev, f);
    });
    area.addEventListener("mouseleave", function () {
      details.textContent = " ";
      tip.setAttribute("visibility", "hidden");
    });
    unzoomBtn.addEventListener("click", reset);
    searchBtn.addEventListener("click", askSearch);

    svg.sondeFlame = { zoom: zoom, reset: reset, search: search, clearSearch: clearSearch, askSearch: askSearch };
    return svg.sondeFlame;
  }

  var graphs = [];
  document.querySelectorAll("svg.sonde-flame").forEach(function (svg) { graphs.push(init(svg)); });
  var standalone = document.documentElement.classList.contains("sonde-flame");
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") graphs.forEach(function (g) { g.reset(); });
    // In a page of its own the graph takes Ctrl-F, as flamegraph.pl's does.
    if (standalone && (ev.key === "F3" || (ev.ctrlKey && ev.key === "f"))) {
      ev.preventDefault();
      graphs[0].askSearch();
    }
  });
  if (standalone && graphs.length) {
    var s = new URLSearchParams(window.location.search).get("s");
    if (s) graphs[0].search(s);
  }
})();
