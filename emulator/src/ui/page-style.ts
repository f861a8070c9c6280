/** The web UI's stylesheet, inlined into the page (the emulator runs offline: no CDN). */
export const PAGE_STYLE = String.raw`
:root{--fg:#1f2329;--muted:#646a73;--line:#e5e6eb;--bg:#f5f6f7;--brand:#07c160;--brand-dark:#06ad56;--blue:#3370ff;--red:#f54a45;--orange:#ff8800}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;
  color:var(--fg);background:var(--bg)}
header{display:flex;align-items:center;flex-wrap:wrap;gap:.4rem 1rem;padding:.6rem 1.2rem;background:#fff;border-bottom:1px solid var(--line);
  position:sticky;top:0;z-index:2}
header h1{font-size:16px;margin:0;white-space:nowrap}
header .env{color:var(--muted);font-size:13px}
header .zone{font-size:12px;color:var(--muted);white-space:nowrap}
header .live{margin-left:auto;font-size:12px;color:var(--muted);white-space:nowrap}
header .live.err{color:var(--red)}
nav{display:flex;gap:.2rem;flex-wrap:wrap}
nav button{border:0;background:none;padding:.4rem .8rem;border-radius:6px;cursor:pointer;font:inherit;color:var(--muted)}
nav button:hover{background:var(--bg)}
nav button.active{background:#e8f8ef;color:var(--brand-dark);font-weight:600}
main{padding:1.2rem;max-width:1400px;margin:0 auto}
section.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem 1.2rem;margin-bottom:1rem;min-width:0;
  scroll-margin-top:calc(var(--header-h,3rem) + .6rem)}
section.card h3{font-size:14px;margin:.8rem 0 .3rem}
.table-wrap{overflow-x:auto;max-width:100%}
.sticky{position:sticky;top:calc(var(--header-h,3rem) + .8rem);align-self:start;
  max-height:calc(100vh - var(--header-h,3rem) - 1.6rem);overflow:auto}
section.card h2{font-size:15px;margin:0 0 .8rem}
.stats{display:flex;gap:1rem;flex-wrap:wrap}
.stat{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8rem 1.2rem;min-width:9rem}
.stat .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.stat .k{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top;white-space:nowrap}
table.kv td{white-space:normal;word-break:break-all}
th{color:var(--muted);font-weight:500;font-size:12px;white-space:nowrap;background:#fafafa}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.click{cursor:pointer}
tr.click:hover td{background:#f7f9fc}
tr.selected td{background:#eef3ff}
.empty{color:var(--muted);padding:.6rem 0}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
code{background:var(--bg);padding:0 .3rem;border-radius:3px}
pre{background:#f7f8fa;border:1px solid var(--line);border-radius:6px;padding:.6rem;
  overflow:auto;max-height:24rem;margin:.3rem 0 .8rem;white-space:pre-wrap;word-break:break-all}
.cell{max-width:22rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
span.cell{display:inline-block;vertical-align:top}
button.btn{border:1px solid var(--line);background:#fff;border-radius:6px;padding:.25rem .8rem;cursor:pointer;font:inherit}
button.btn:hover{border-color:var(--blue);color:var(--blue)}
button.btn.primary{background:var(--brand);border-color:var(--brand);color:#fff}
button.btn.primary:hover{background:var(--brand-dark)}
button.btn.danger{color:var(--red)}
button.btn.danger:hover{border-color:var(--red)}
button.btn:disabled{opacity:.5;cursor:default}
.row{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin-bottom:.6rem}
input.text{border:1px solid var(--line);border-radius:6px;padding:.3rem .6rem;font:12px ui-monospace,Menlo,Consolas,monospace;
  min-width:min(24rem,100%);flex:1}
input.short{min-width:0;flex:0 1 12rem}
select,input.num{border:1px solid var(--line);border-radius:6px;padding:.25rem .4rem;font:inherit;background:#fff;max-width:100%}
input.num{width:7rem}
label.check{display:inline-flex;align-items:center;gap:.3rem;white-space:nowrap;cursor:pointer}
.field{display:flex;flex-direction:column;gap:.2rem;font-size:12px;color:var(--muted)}
.field>select,.field>input{color:var(--fg);flex:none}
.preview img{max-width:100%;max-height:24rem;border:1px solid var(--line);border-radius:6px;background:#fafafa}
textarea{width:100%;min-height:18rem;border:1px solid var(--line);
  border-radius:6px;padding:.6rem;font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;resize:vertical}
.split{display:grid;grid-template-columns:14rem minmax(0,1fr);gap:1rem}
.split2{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}
.list button{display:flex;justify-content:space-between;width:100%;border:0;background:none;
  padding:.4rem .6rem;border-radius:6px;cursor:pointer;font:inherit;text-align:left}
.list button:hover{background:var(--bg)}
.list button.active{background:#e8f8ef;color:var(--brand-dark);font-weight:600}
.badge{display:inline-block;border-radius:10px;padding:0 .5rem;font-size:12px;background:var(--bg);color:var(--muted);white-space:nowrap}
.badge.ok{background:#e8f8ef;color:var(--brand-dark)}
.badge.err{background:#feeceb;color:var(--red)}
.badge.warn{background:#fff3e5;color:var(--orange)}
.badge.info{background:#eef3ff;color:var(--blue)}
.msg{font-size:13px;min-height:1.3em}
.msg.err{color:var(--red)}
.msg.ok{color:var(--brand-dark)}
.msg.warn{color:var(--orange)}
.muted{color:var(--muted)}
a{color:var(--blue);text-decoration:none}
a:hover{text-decoration:underline}
textarea.small{min-height:8rem}
@media (max-width:900px){.split,.split2{grid-template-columns:minmax(0,1fr)}.sticky{position:static;max-height:none}}
`;
