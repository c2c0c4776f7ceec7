// The report's stylesheet. Long values wrap or scroll inside their cell; nothing from a history
// can make the page wider than the screen.
export const PAGE_CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{padding:16px 28px;color:#fff}
header.valid{background:#1f7a3d}header.invalid{background:#b3261e}header.unknown{background:#8a6d00}
header h1{margin:0;font-size:26px;overflow-wrap:anywhere}header p{margin:4px 0 0;opacity:.92;overflow-wrap:anywhere}
main{padding:8px 28px 40px;max-width:1200px;min-width:0}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 18px;margin:16px 0;min-width:0;overflow-wrap:anywhere}
section section{border-color:#e8eaee;margin:12px 0}
h2{font-size:17px;margin:4px 0 10px}h3{font-size:15px;margin:12px 0 6px}
.badge{display:inline-block;padding:1px 7px;border-radius:3px;font-size:12px;font-weight:600;color:#fff;vertical-align:1px}
.badge.valid{background:#1f7a3d}.badge.invalid{background:#b3261e}.badge.unknown{background:#8a6d00}
.checker-name{font-family:ui-monospace,monospace;font-size:12.5px;color:#5a6272}
ol.anomalies,ul.summary{padding-left:22px}ol.anomalies li,ul.summary li{margin:6px 0}
ul.summary{list-style:none;padding:0}
.sentence{font-size:15px}
.anomaly{border-left:4px solid #b3261e;padding:2px 0 2px 12px;margin:14px 0}
.note{color:#5a6272}
.more{color:#5a6272;font-size:12.5px}
.table-wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;font-size:12.5px;margin:4px 0}
th,td{border:1px solid #dde1e6;padding:2px 7px;text-align:left;vertical-align:top}
td{max-width:360px}td>div{max-height:7.5em;overflow:auto;overflow-wrap:anywhere;white-space:pre-wrap}
th{background:#f0f2f5}
pre{background:#f0f2f5;padding:6px;overflow:auto;max-height:420px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
details summary{cursor:pointer;color:#38557a}
.chart{width:100%;min-height:40px}
.graph text{font-size:11px;text-anchor:middle}.graph .g-node circle{fill:#fff;stroke:#38557a;stroke-width:2}.graph .g-edge{fill:#333}
.timeline{margin:8px 0}
.tl-controls{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:4px 0}
.tl-controls button,.tl-controls select,.tl-controls input{font:inherit;font-size:12.5px}
.tl-controls input{width:8em}.tl-where{color:#5a6272;font-size:12.5px}
.tl-host{overflow-x:auto}
.tl-svg text{font-family:system-ui,sans-serif}
.tl-row{font-size:11px;text-anchor:end;fill:#38404e}
.tl-tick{font-size:10px;text-anchor:middle;fill:#6b7280}
.tl-grid{stroke:#eceef1}
.tl-label{font-size:11px;fill:#1d2330;pointer-events:none}
.tl-fault-label{font-size:10px;fill:#6b7280}
.tl-op{cursor:pointer}.tl-op rect{stroke:#5b7a99;stroke-width:.6}
.tl-op:hover rect,.tl-op:focus rect{stroke:#000;stroke-width:1.5}
.tl-mark rect{stroke:#000;stroke-width:2}
.tl-culprit rect{stroke:#6d0f07;stroke-width:2.5}
.tl-open rect{stroke-dasharray:4 3}
.tl-span{fill:#c8b6e2;stroke:#7a5ca8}
.tl-details{font-size:12.5px;background:#f6f7f9;border:1px solid #e3e6ea;padding:6px 10px;min-height:2.5em;overflow-wrap:anywhere;max-height:16em;overflow:auto}
.tl-details dl,dl.kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:1px 14px;margin:0}
.tl-details dt,dl.kv dt{color:#5a6272}.tl-details dd,dl.kv dd{margin:0;white-space:pre-wrap}
`;
