//! The report's inline style sheet and router script: constants, no data in them. The script
//! reads everything it needs from the DOM (`data-*` attributes and cell text), so nothing
//! from the store ever lands inside a `<script>` element.
//!
//! Without the script every view is shown, one after the other; with it, the URL hash picks
//! the view (`#checks`, `#datasets`, `#scans`, `#check-3`, `#dataset-2`, `#scan-12`) and the
//! Check Results filters and sort read and write the hash:
//! `#checks?outcome=fail&dataset=orders&data_source=shop&scan_definition=daily&attribute=owner%3Dsales&q=amount&sort=newest`.
//!
//! Below 820 px wide, the tables marked `stack` lay out each row as a card (every cell with
//! its column's name from `data-label`), so no page is wider than the screen; other wide
//! content scrolls inside its own card.

pub const STYLE: &str = r#"
:root{--bg:#f5f6f8;--card:#fff;--text:#1f2328;--muted:#656d76;--border:#d8dee4;--line:#eceff2;
--accent:#3451b2;--accent-bg:#eef2ff;--hover:#f6f8fa;
--pass:#1a7f37;--pass-bg:#dafbe1;--warn:#b35900;--warn-bg:#fff1df;--fail:#cf222e;--fail-bg:#ffebe9;
--none:#6e7781;--none-bg:#eef1f4;--error:#7c3aed;--error-bg:#f3edff;--error-border:#c4b5fd;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;
font-size:14px;line-height:1.45;color:var(--text);background:var(--bg)}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#8d96a0;--border:#30363d;
--line:#21262d;--accent:#7aa2ff;--accent-bg:#1c2541;--hover:#1c2128;--pass:#3fb950;--pass-bg:#12361f;--warn:#f0883e;
--warn-bg:#3a2411;--fail:#f85149;--fail-bg:#3d1618;--none:#8d96a0;--none-bg:#262c34;--error:#b392f0;--error-bg:#2a1f45;--error-border:#5b3fa0}}
*{box-sizing:border-box}
body{margin:0}
[hidden]{display:none!important}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
code,pre{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.wrap{max-width:1320px;margin:0 auto;padding:0 24px}
header.top{background:var(--card);border-bottom:1px solid var(--border);position:sticky;top:0;z-index:5}
.head{display:flex;align-items:center;justify-content:space-between;gap:16px;padding-top:14px;padding-bottom:10px}
.brand{display:flex;align-items:center;gap:12px;min-width:0}
.logo{width:34px;height:34px;flex:none}
.logo circle{fill:var(--accent)}
.logo path{fill:none;stroke:#fff;stroke-width:2.4;stroke-linecap:round;stroke-linejoin:round}
.title{font-size:18px;font-weight:650;letter-spacing:-.01em}
.store{color:var(--muted);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
.generated{color:var(--muted);font-size:12.5px;white-space:nowrap}
.tabs{display:flex;gap:4px}
.tabs a{padding:9px 14px 10px;color:var(--muted);font-weight:550;border-bottom:2px solid transparent}
.tabs a:hover{color:var(--text);text-decoration:none;background:var(--hover)}
.tabs a[aria-current=page]{color:var(--accent);border-bottom-color:var(--accent)}
.tab-n{display:inline-block;min-width:22px;padding:0 7px;margin-left:4px;border-radius:10px;background:var(--none-bg);color:var(--muted);font-size:12px;text-align:center}
main{padding-top:8px;padding-bottom:32px}
.view{padding:8px 0 24px;scroll-margin-top:104px}
tr.scan{scroll-margin-top:120px}
html.js main>.view:not(.active){display:none}
h2{font-size:21px;margin:14px 0 14px;letter-spacing:-.01em}
h3{font-size:15px;margin:24px 0 10px}
footer{color:var(--muted);font-size:12px;padding-bottom:24px}
.muted{color:var(--muted)}
.sub{display:block;color:var(--muted);font-size:12px}
.empty{color:var(--muted);padding:16px 0}
.card{background:var(--card);border:1px solid var(--border);border-radius:10px;overflow:auto}
.card.pad{padding:16px 18px}
.card.scroll{overflow-x:auto}
.counters{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:12px;margin-bottom:16px}
.counter{display:flex;flex-direction:column;gap:2px;padding:14px 16px;background:var(--card);border:1px solid var(--border);border-left:4px solid var(--none);border-radius:10px;color:var(--text)}
.counter:hover{text-decoration:none;background:var(--hover)}
.counter.active{box-shadow:0 0 0 2px var(--accent) inset}
.counter .n{font-size:26px;font-weight:680;display:flex;align-items:center;gap:8px;font-variant-numeric:tabular-nums}
.counter .l{color:var(--muted);font-weight:550}
.counter .oc-i{width:22px;height:22px;font-size:13px}
.c-all{border-left-color:var(--accent)}
.c-pass{border-left-color:var(--pass)}.c-warn{border-left-color:var(--warn)}.c-fail{border-left-color:var(--fail)}.c-not-evaluated{border-left-color:var(--none)}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:10px 16px;margin:0 0 12px}
html:not(.js) .js-only{display:none}
.toolbar .fld{display:flex;align-items:center;gap:6px;min-width:0}
.toolbar label{color:var(--muted);font-weight:550;white-space:nowrap}
select{max-width:16em;min-width:0}
select,input[type=search]{font:inherit;color:var(--text);background:var(--card);border:1px solid var(--border);border-radius:7px;padding:6px 9px}
.fld-q{flex:1 1 260px;max-width:420px}
input[type=search]{min-width:0;flex:1 1 auto;width:100%}
select:focus,input:focus{outline:2px solid var(--accent);outline-offset:-1px}
a:focus-visible,summary:focus-visible{outline:2px solid var(--accent);outline-offset:2px;border-radius:3px}
.count{margin-left:auto;color:var(--muted);font-variant-numeric:tabular-nums}
table.data{width:100%;border-collapse:collapse}
.data th{text-align:left;font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:650;padding:10px 12px;border-bottom:1px solid var(--border);background:var(--hover);white-space:nowrap}
.data td{padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top}
.data tbody tr:last-child td{border-bottom:0}
.data tbody tr:hover{background:var(--hover)}
.num{text-align:right;font-variant-numeric:tabular-nums}
th.num{text-align:right}
.time,.nowrap{white-space:nowrap;font-variant-numeric:tabular-nums}
#check-table th:nth-child(2){width:21%}#check-table th:nth-child(8){width:16%}
.c-name a{font-weight:560;overflow-wrap:break-word;word-break:normal}
.c-def{white-space:nowrap}
.checks-table td.num,.scan-counts{white-space:nowrap}
.dataset-page .alert{margin-top:14px}
.dataset-page .checks-table{table-layout:fixed}
.dataset-page .checks-table th:nth-child(1){width:140px}.dataset-page .checks-table th:nth-child(2){width:26%}.dataset-page .checks-table th:nth-child(3){width:15%}.dataset-page .checks-table th:nth-child(4){width:90px}.dataset-page .checks-table th:nth-child(5){width:150px}.dataset-page .checks-table th:nth-child(6){width:135px}
.dataset-page .c-def{white-space:normal;overflow-wrap:break-word}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.checks-table td:first-child,.scans-table tr.scan td:first-child{width:1%;white-space:nowrap}
.oc{display:inline-flex;align-items:center;gap:7px;font-weight:600;white-space:nowrap}
.oc-i{display:inline-flex;align-items:center;justify-content:center;width:19px;height:19px;border-radius:50%;color:#fff;font-size:11.5px;font-weight:800;line-height:1;flex:none}
.oc-pass{color:var(--pass)}.oc-pass .oc-i,.c-pass .oc-i{background:var(--pass)}
.oc-warn{color:var(--warn)}.oc-warn .oc-i,.c-warn .oc-i{background:var(--warn)}
.oc-fail{color:var(--fail)}.oc-fail .oc-i,.c-fail .oc-i{background:var(--fail)}
.oc-not-evaluated{color:var(--none)}.oc-not-evaluated .oc-i,.c-not-evaluated .oc-i{background:var(--none)}
.st-pass{color:var(--pass)}.st-pass .oc-i{background:var(--pass)}
.st-warn{color:var(--warn)}.st-warn .oc-i{background:var(--warn)}
.st-fail{color:var(--fail)}.st-fail .oc-i{background:var(--fail)}
.st-error{color:var(--error);background:var(--error-bg);border:1px dashed var(--error-border);padding:2px 8px 2px 4px;border-radius:12px}
.st-error .oc-i{background:var(--error);border-radius:4px}
.results-table td:nth-child(1){white-space:nowrap;font-variant-numeric:tabular-nums}
.results-table td:nth-child(3),.results-table th:nth-child(3){text-align:right;font-variant-numeric:tabular-nums}
.results-table td:nth-child(2){white-space:nowrap;font-weight:600}
.o-pass{color:var(--pass)}.o-warn{color:var(--warn)}.o-fail{color:var(--fail)}.o-not-evaluated{color:var(--none)}
.o-pass::before{content:"✓ ";content:"✓ "/""}.o-warn::before{content:"! ";content:"! "/""}
.o-fail::before{content:"✗ ";content:"✗ "/""}.o-not-evaluated::before{content:"– ";content:"– "/""}
.n-pass{color:var(--pass);font-weight:650}.n-warn{color:var(--warn);font-weight:650}.n-fail{color:var(--fail);font-weight:650}.n-not-evaluated{color:var(--none);font-weight:650}
.zero{color:var(--muted);opacity:.6}
.datasets-table .oc{font-size:11.5px}
.bar{display:flex;width:140px;height:10px;border-radius:5px;overflow:hidden;background:var(--none-bg);margin-top:4px}
.bar i{display:block;height:100%}
.seg-pass{background:var(--pass)}.seg-warn{background:var(--warn)}.seg-fail{background:var(--fail)}.seg-not-evaluated{background:var(--none)}
.alert{display:flex;gap:10px;align-items:flex-start;padding:11px 14px;border-radius:9px;margin:0 0 14px;background:var(--error-bg);border:1px solid var(--error-border);color:var(--text)}
.alert-i{color:var(--error);font-weight:800;margin-right:6px}
.alert .alert-i{font-size:16px;line-height:1.2}
.first-error{color:var(--error);font-size:12px;margin-top:2px;overflow-wrap:anywhere;max-width:42em}
.reason{color:var(--muted);font-size:12px;overflow-wrap:anywhere;max-width:36em}
.scan-failed-warning{display:inline-flex;align-items:center;color:var(--error);background:var(--error-bg);border:1px solid var(--error-border);border-radius:6px;padding:3px 9px;font-weight:650;white-space:nowrap}
tr.has-scan-error td:first-child{box-shadow:3px 0 0 var(--error) inset}
.err-msg{margin:0 0 6px;color:var(--error);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere;white-space:pre-wrap}
tr.scan td{border-bottom:0}
tr.scan-logs td{padding-top:0}
tr.scan-logs:hover{background:transparent!important}
tr.st-row-error,tr.st-row-error+tr.scan-logs{background:color-mix(in srgb,var(--error-bg) 45%,transparent)}
tr.flash,tr.flash+tr.scan-logs{background:var(--accent-bg)!important}
details summary{cursor:pointer;color:var(--muted);font-size:12.5px;user-select:none}
details summary:hover{color:var(--text)}
.log-err-n{color:var(--error);font-weight:650}
ol.logs{list-style:none;margin:8px 0 4px;padding:8px 0;border:1px solid var(--line);border-radius:8px;background:var(--bg);max-height:420px;overflow:auto;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.log{display:grid;grid-template-columns:72px 70px 1fr;gap:10px;padding:2px 12px}
.log .lv{font-weight:700;color:var(--muted)}
.log .ts{color:var(--muted)}
.log .msg{white-space:pre-wrap;overflow-wrap:anywhere}
.log-error{background:var(--fail-bg)}
.log-error .lv,.log-error .msg{color:var(--fail)}
.log-warning .lv{color:var(--warn)}
.log-debug{opacity:.7}
.crumbs{margin:6px 0 0}
.check-head{display:flex;align-items:center;gap:14px;flex-wrap:wrap}
.check-head h2{margin:10px 0;overflow-wrap:anywhere}
.check-head .oc{font-size:15px;padding:4px 12px 4px 6px;border-radius:14px;background:var(--none-bg)}
.check-head .oc-pass{background:var(--pass-bg)}.check-head .oc-warn{background:var(--warn-bg)}.check-head .oc-fail{background:var(--fail-bg)}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px 24px;margin:0}
.meta dt{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;font-weight:650}
.meta dd{margin:2px 0 0;overflow-wrap:anywhere}
pre.definition{margin:0;padding:12px 14px;background:var(--bg);border:1px solid var(--line);border-radius:8px;overflow:auto;white-space:pre-wrap}
.chart-card{padding:12px 14px 10px}
svg.chart{display:block;width:100%;height:auto;max-height:340px}
.chart .plot{fill:var(--card)}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart .axis{stroke:var(--border);stroke-width:1}
.chart text{font-size:11px;fill:var(--muted);font-family:inherit}
.chart .ylab{text-anchor:end;font-variant-numeric:tabular-nums}
.chart .line{fill:none;stroke:var(--accent);stroke-width:1.6;stroke-linejoin:round;opacity:.75}
.chart .pt{stroke:var(--card);stroke-width:1}
.pt-pass{fill:var(--pass);background:var(--pass)}.pt-warn{fill:var(--warn);background:var(--warn)}.pt-fail{fill:var(--fail);background:var(--fail)}.pt-not-evaluated{fill:var(--none);background:var(--none)}
.band-fail{fill:var(--fail);opacity:.07}.band-warn{fill:var(--warn);opacity:.09}
.thr{stroke-width:1.3;stroke-dasharray:6 4}
.thr-fail{stroke:var(--fail);border-color:var(--fail)}.thr-warn{stroke:var(--warn);border-color:var(--warn)}
.chart .thr-lab{text-anchor:start;font-weight:650;paint-order:stroke;stroke:var(--card);stroke-width:3px}
.chart .thr-lab-fail{fill:var(--fail)}.chart .thr-lab-warn{fill:var(--warn)}
.chart-legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:6px;color:var(--muted);font-size:12px}
.chart-legend span{display:inline-flex;align-items:center;gap:6px}
.chart-legend .dot{display:inline-block;width:9px;height:9px;border-radius:50%}
.chart-legend .dash{display:inline-block;width:18px;border-top:2px dashed}
.chart-legend .note{font-style:italic}
.chart-empty{color:var(--muted);margin:8px 0}
.chart .tick{stroke:var(--border);stroke-width:1}
.chart .axis-title{font-size:11.5px;font-weight:650;fill:var(--muted)}
.chart .expected{fill:var(--accent);opacity:.12}
.chart .expected-edge{fill:none;stroke:var(--accent);stroke-width:1;stroke-dasharray:4 3;opacity:.7}
.chart .anomaly{fill:none;stroke:var(--fail);stroke-width:1.5}
.pt-warn .anomaly{stroke:var(--warn)}
.chart-legend .swatch{display:inline-block;width:18px;height:10px;border-radius:2px}
.chart-legend .swatch.expected{background:color-mix(in srgb,var(--accent) 22%,transparent);border:1px dashed var(--accent)}
.chart-legend .ring{display:inline-block;width:10px;height:10px;border-radius:50%;border:1.5px solid var(--fail)}
.explain{margin:0 0 14px}
.explain h4{margin:14px 0 6px;font-size:13px}
.explain h4:first-child{margin-top:0}
.explain .lead{margin:0 0 10px}
.explain table.data{margin:0 0 6px}
.explain .kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px 24px;margin:0}
.explain .kv dt{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;font-weight:650}
.explain .kv dd{margin:2px 0 0;font-size:15px;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.explain .null,.results-table .null{color:var(--muted);font-style:italic;font-size:11px;letter-spacing:.04em}
.ev-added{color:var(--pass)}.ev-removed,.ev-missing,.ev-forbidden{color:var(--fail)}.ev-changed{color:var(--warn)}
.explain .arrow{color:var(--muted);padding:0 4px}
.reasons{margin:0;padding-left:18px}
.reasons code{font-size:11.5px;color:var(--muted)}
span.n{text-decoration:underline dotted var(--border);text-underline-offset:3px}
.explain .scroll{overflow-x:auto}
.group-results tr.here td{background:var(--accent-bg)}
@media (max-width:700px){.chart-card{overflow-x:auto}svg.chart{min-width:620px}}
.col-type{font-weight:400;color:var(--muted);font-size:10.5px;margin-left:4px}
.samples-note{color:var(--muted);margin:-4px 0 10px}
.failed-rows td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;white-space:nowrap}
.failed-rows .null{color:var(--muted);font-style:italic;font-size:11px;letter-spacing:.04em}
.failed-rows th{text-transform:none;letter-spacing:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.results-table td{padding-top:6px;padding-bottom:6px}
.strip{display:inline-flex;gap:2px;vertical-align:middle}
.sc{display:inline-block;width:9px;height:18px;border-radius:2px;background:var(--none)}
.sc-pass{background:var(--pass)}.sc-warn{background:var(--warn)}.sc-fail{background:var(--fail)}.sc-not-evaluated{background:var(--none-bg);box-shadow:inset 0 0 0 1px var(--none)}
.c-strip{white-space:nowrap}
.attr{display:inline-block;margin:0 4px 3px 0;padding:1px 7px;border-radius:10px;background:var(--accent-bg);font-size:12px;white-space:nowrap;max-width:100%;overflow:hidden;text-overflow:ellipsis}
.attr-k{color:var(--muted)}
.sc-counts{display:inline-flex;gap:10px;white-space:nowrap;font-variant-numeric:tabular-nums}
.scan-counts .sub{display:inline;margin-left:8px}
.ds-counts span{margin-right:8px}
.col-head code{font-size:14px}
@media (max-width:820px){
.wrap{padding:0 12px}
.tabs{overflow-x:auto}.tabs a{padding:9px 7px 10px;white-space:nowrap;font-size:13.5px}.tab-n{margin-left:2px;padding:0 5px;min-width:18px}
.toolbar{display:grid;grid-template-columns:auto minmax(0,1fr);gap:8px 10px;align-items:center}
.toolbar .fld{display:contents}
.toolbar select,.fld-q input{max-width:none;width:100%}
.toolbar .count{grid-column:1/-1}
.generated{white-space:normal}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:auto}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack tr{padding:8px 12px;border-bottom:1px solid var(--line)}
table.stack tbody tr:last-child{border-bottom:0}
table.stack td{display:grid;grid-template-columns:7em minmax(0,1fr);column-gap:10px;align-items:baseline;padding:3px 0;border:0;text-align:left;min-width:0;white-space:normal}
table.stack td>*{grid-column:2;min-width:0;justify-self:start;max-width:100%}
table.stack td[data-label]::before{content:attr(data-label);grid-column:1;grid-row:1/span 4;color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.04em;font-weight:650;line-height:1.5}
table.stack tr.scan-logs td{display:block}
table.stack .scan-failed-warning{white-space:normal}
tr.has-scan-error td:first-child{box-shadow:none}
table.stack tr.has-scan-error{box-shadow:3px 0 0 var(--error) inset}
.scan-counts{white-space:normal}
.checks-table td:first-child,.scans-table tr.scan td:first-child{width:auto}
.checks-table.stack td.c-name{display:block;font-size:15px;padding:2px 0 4px}
.checks-table.stack td.c-name::before{display:none}
.checks-table.stack .c-name .sub{display:block}

tr.scan-logs td{padding-top:4px}
.scans-table.stack tr.scan{border-bottom:0;padding-bottom:2px}
.bar{width:100%;max-width:180px}
.log{grid-template-columns:56px 1fr;gap:2px 8px}.log .msg{grid-column:1/-1}
.meta{grid-template-columns:repeat(2,minmax(0,1fr))}
.meta .oc{white-space:normal}
.counter{padding:10px 12px}.counter .n{font-size:22px}
.check-head h2,.dataset-page h2{font-size:19px}
}
@media (max-width:900px){.counters{grid-template-columns:repeat(3,minmax(0,1fr))}.head{flex-wrap:wrap}.count{margin-left:0}}
@media (max-width:560px){.counters{gap:8px}.counter{padding:8px 10px}.counter .n{font-size:19px;gap:6px}.counter .l{font-size:12.5px}}
@media print{header.top{position:static}html.js main>.view:not(.active){display:block}.js-only{display:none}}
"#;

pub const SCRIPT: &str = r##"
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  var views = Object.create(null);
  doc.querySelectorAll("main > section.view").forEach(function (s) { views[s.id] = s; });
  var tabs = doc.querySelectorAll("nav.tabs a[data-view]");
  var counters = doc.querySelectorAll(".counter[data-filter]");
  var table = doc.getElementById("check-table");
  var body = table ? table.tBodies[0] : null;
  var rows = body ? Array.prototype.slice.call(body.rows) : [];
  function text(r, c) {
    var e = r.querySelector(c);
    return e ? e.textContent : "";
  }
  var keys = rows.map(function (r) {
    return [".c-name", ".c-ds", ".c-src", ".c-def", ".c-attrs"].map(function (c) {
      return text(r, c);
    }).join(" ").toLowerCase();
  });
  var names = rows.map(function (r) { return text(r, ".c-name a").toLowerCase(); });
  // [URL key, select, value that means "all", row attribute]
  var selects = [
    ["outcome", "f-outcome", "all", "data-outcome"],
    ["dataset", "f-dataset", "", "data-dataset"],
    ["data_source", "f-source", "", "data-data-source"],
    ["scan_definition", "f-definition", "", "data-scan-definition"],
    ["attribute", "f-attribute", "", "data-attributes"]
  ].map(function (f) { return { key: f[0], el: doc.getElementById(f[1]), all: f[2], attr: f[3] }; })
    .filter(function (f) { return f.el; });
  var fOutcome = doc.getElementById("f-outcome");
  var fSort = doc.getElementById("f-sort");
  var fQ = doc.getElementById("f-q");
  var count = doc.getElementById("check-count");
  var noMatch = doc.getElementById("no-match");
  var active = null;
  var flashed = null;
  var sorted = "";

  function choose(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.selectedIndex = i; return; }
    }
    select.selectedIndex = 0;
  }

  function matches(r, f) {
    var v = f.el.value;
    if (v === f.all) return true;
    var have = r.getAttribute(f.attr) || "";
    if (f.key === "attribute") return have.split("\n").indexOf(v) >= 0;
    return have === v;
  }

  function sortRows() {
    var by = fSort ? fSort.value : "";
    if (by === sorted) return;
    sorted = by;
    var order = rows.map(function (r, i) { return i; });
    var num = function (i, a) { return Number(rows[i].getAttribute(a)); };
    order.sort(function (a, b) {
      var d = 0;
      if (by === "name") d = names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0;
      else if (by === "dataset") {
        var da = rows[a].getAttribute("data-dataset"), db = rows[b].getAttribute("data-dataset");
        d = da < db ? -1 : da > db ? 1 : (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0);
      } else if (by === "newest") d = num(b, "data-time") - num(a, "data-time");
      else if (by === "oldest") d = num(a, "data-time") - num(b, "data-time");
      return d || num(a, "data-order") - num(b, "data-order");
    });
    order.forEach(function (i) { body.appendChild(rows[i]); });
  }

  function applyFilters() {
    if (!fOutcome) return;
    var o = fOutcome.value, q = fQ.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (r, i) {
      var ok = selects.every(function (f) { return matches(r, f); }) &&
        (q === "" || keys[i].indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    sortRows();
    count.textContent = shown + " of " + rows.length + (rows.length === 1 ? " check" : " checks");
    if (noMatch) noMatch.hidden = shown > 0;
    counters.forEach(function (c) { c.classList.toggle("active", c.getAttribute("data-filter") === o && o !== "all"); });
  }

  function filterHash() {
    var p = new URLSearchParams();
    selects.forEach(function (f) { if (f.el.value !== f.all) p.set(f.key, f.el.value); });
    if (fQ.value.trim() !== "") p.set("q", fQ.value.trim());
    if (fSort && fSort.value !== "") p.set("sort", fSort.value);
    var s = p.toString();
    return "#checks" + (s ? "?" + s : "");
  }

  function onFilter() {
    applyFilters();
    history.replaceState(null, "", filterHash());
  }

  function route(initial) {
    var h = location.hash.replace(/^#/, "");
    var at = h.indexOf("?");
    var id = at < 0 ? h : h.slice(0, at);
    var query = at >= 0 ? h.slice(at + 1) : (initial ? location.search.replace(/^\?/, "") : null);
    var target = null;
    if (/^scan-\d+$/.test(id)) { target = doc.getElementById(id); id = "scans"; }
    if (!views[id]) id = "checks";
    if (id === "checks" && fOutcome && query !== null && query !== "") {
      var p = new URLSearchParams(query);
      selects.forEach(function (f) { choose(f.el, p.get(f.key) || f.all); });
      if (fSort) choose(fSort, p.get("sort") || "");
      fQ.value = p.get("q") || "";
    }
    if (id === "checks") applyFilters();
    if (active) active.classList.remove("active");
    active = views[id];
    if (active) active.classList.add("active");
    var tab = id.indexOf("check-") === 0 ? "checks" : id.indexOf("dataset-") === 0 ? "datasets" : id;
    tabs.forEach(function (t) {
      if (t.getAttribute("data-view") === tab) t.setAttribute("aria-current", "page");
      else t.removeAttribute("aria-current");
    });
    var heading = active && active.querySelector("h2");
    doc.title = (heading ? heading.textContent + " · " : "") + "Data quality report";
    if (flashed) { flashed.classList.remove("flash"); flashed = null; }
    if (target) {
      var logs = target.nextElementSibling && target.nextElementSibling.querySelector("details");
      if (logs) logs.open = true;
      target.classList.add("flash");
      flashed = target;
      target.scrollIntoView({ block: "center" });
    } else {
      window.scrollTo(0, 0);
    }
  }

  if (fOutcome) {
    selects.forEach(function (f) { f.el.addEventListener("change", onFilter); });
    if (fSort) fSort.addEventListener("change", onFilter);
    fQ.addEventListener("input", onFilter);
  }
  window.addEventListener("hashchange", function () { route(false); });
  // The browser's own jump to the element named by the hash comes after this script, when
  // the document has loaded, and would leave a view scrolled under the header: the views
  // go by other ids until then (the router keys them by `views`, not by id).
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  for (var v in views) views[v].id = "view-" + v;
  window.addEventListener("load", function () {
    setTimeout(function () {
      for (var v in views) views[v].id = v;
      if (flashed) flashed.scrollIntoView({ block: "center" });
      else window.scrollTo(0, 0);
    }, 0);
  });
  route(true);
})();
"##;
