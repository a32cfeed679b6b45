/** Console stylesheet, part 2: notices, tables, badges, the on/off switch, dialogs and narrow screens. */
export const COMPONENT_CSS = `
/* ---- notices ---- */
.callout { display: flex; gap: 0.85rem; padding: 1rem 1.25rem; border: 1px solid; border-radius: var(--radius); }
.callout h2 { font-size: 0.9375rem; margin-bottom: 0.25rem; }
.callout p + p { margin-top: 0.4rem; }
.callout-icon { flex: none; width: 1.35rem; height: 1.35rem; margin-top: 0.05rem; }
.callout-warning { background: var(--warning-soft); border-color: var(--warning-border); color: #4a2c00; }
.callout-warning .callout-icon { color: var(--warning); }
.callout-success { background: var(--success-soft); border-color: #9bd5b8; color: #05391f; }
.callout-success .callout-icon { color: var(--success); }
.callout-error { background: var(--danger-soft); border-color: #eeb4b0; color: #5c0f0b; }
.callout-error .callout-icon { color: var(--danger); }
.empty-state { display: flex; flex-direction: column; align-items: center; gap: 0.6rem; padding: 3rem 1.5rem; text-align: center; }
.empty-state svg { color: var(--primary); margin-bottom: 0.5rem; }
.empty-state p { color: var(--muted); max-width: 32rem; }
.empty-state .button { margin-top: 0.75rem; }

/* ---- tables ---- */
.table-wrap { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; font-size: 0.875rem; }
table.data th { padding: 0.65rem 1rem; text-align: left; font-size: 0.75rem; font-weight: 650; letter-spacing: 0.04em;
  text-transform: uppercase; color: var(--muted); background: var(--surface-muted); border-bottom: 1px solid var(--border); white-space: nowrap; }
table.data td { padding: 0.8rem 1rem; border-bottom: 1px solid var(--border); vertical-align: top; }
table.data tbody tr:last-child td { border-bottom: 0; }
table.data tr.row-details td { background: var(--surface-muted); }
.cell-title { font-weight: 600; color: var(--text); }
a.cell-title { text-decoration: none; }
a.cell-title:hover { color: var(--primary); text-decoration: underline; }
.cell-sub { display: block; margin-top: 0.15rem; color: var(--muted); font-size: 0.8125rem; }
.url { font-family: var(--mono); font-size: 0.8125rem; overflow-wrap: anywhere; }
.snippet { display: block; max-width: 22rem; margin-top: 0.25rem; padding: 0.2rem 0.4rem; border-radius: 4px; background: var(--surface-muted);
  border: 1px solid var(--border); font-family: var(--mono); font-size: 0.75rem; color: var(--muted); overflow-wrap: anywhere; white-space: pre-wrap; }
.error-text { color: var(--danger); overflow-wrap: anywhere; }
.row-actions { display: flex; flex-wrap: wrap; gap: 0.35rem; justify-content: flex-end; }
.row-message { display: block; margin-top: 0.4rem; font-size: 0.8125rem; }
.row-message:empty { display: none; }
.row-message.is-error { color: var(--danger); }
.row-message.is-ok { color: var(--success); }
.toolbar { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 0.75rem 1.5rem; }
.filter-form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.6rem; }
.filter-form .field { min-width: 11rem; }
.pager { display: flex; justify-content: flex-end; padding: 0.75rem 1.5rem; border-top: 1px solid var(--border); }
.attempts { margin: 0; padding: 0; list-style: none; display: grid; gap: 0.5rem; }
.attempts li { padding: 0.6rem 0.75rem; border: 1px solid var(--border); border-radius: var(--radius-small); background: var(--surface); }
.attempts pre { margin: 0.4rem 0 0; padding: 0.5rem; max-height: 12rem; overflow: auto; border-radius: 4px; background: var(--surface-muted);
  font-size: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere; }

/* ---- badges ---- */
.badge { display: inline-flex; align-items: center; gap: 0.35rem; padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.75rem;
  font-weight: 650; line-height: 1.4; white-space: nowrap; border: 1px solid transparent; }
.badge::before { content: ""; width: 0.45rem; height: 0.45rem; border-radius: 50%; background: currentColor; }
.badge-succeeded { background: var(--success-soft); color: var(--success); border-color: #b5e2cb; }
.badge-failed { background: var(--danger-soft); color: var(--danger); border-color: #f1c2bf; }
.badge-retrying { background: var(--warning-soft); color: var(--warning); border-color: var(--warning-border); }
.badge-pending { background: var(--primary-soft); color: var(--primary); border-color: #c3d3f6; }
.badge-cancelled, .badge-none { background: #eef1f4; color: #4a5462; border-color: #d5dae1; }
.badge-none::before { display: none; }
.tag { display: inline-block; padding: 0 0.4rem; border-radius: 4px; border: 1px solid var(--border-strong); color: var(--muted);
  font-size: 0.6875rem; font-weight: 650; letter-spacing: 0.03em; text-transform: uppercase; vertical-align: 1px; }
.tag:empty { display: none; }

/* ---- on/off switch (button role="switch") ---- */
.switch { display: inline-flex; align-items: center; gap: 0.55rem; padding: 0.2rem; border: 0; background: none; font: inherit;
  font-size: 0.8125rem; font-weight: 600; color: var(--muted); cursor: pointer; border-radius: 999px; }
.switch-track { position: relative; width: 2.5rem; height: 1.4rem; flex: none; border-radius: 999px; background: #aab3bf; transition: background 0.15s; }
.switch-track::after { content: ""; position: absolute; top: 0.2rem; left: 0.2rem; width: 1rem; height: 1rem; border-radius: 50%;
  background: #fff; box-shadow: 0 1px 2px rgb(0 0 0 / 25%); transition: transform 0.15s; }
.switch[aria-checked="true"] { color: var(--success); }
.switch[aria-checked="true"] .switch-track { background: var(--success); }
.switch[aria-checked="true"] .switch-track::after { transform: translateX(1.1rem); }
.switch:disabled { cursor: not-allowed; opacity: 0.6; }
.switch[aria-busy="true"] { opacity: 0.7; cursor: progress; }

/* ---- dialog ---- */
dialog { width: min(28rem, calc(100vw - 2rem)); padding: 0; border: 1px solid var(--border); border-radius: var(--radius);
  box-shadow: 0 20px 40px rgb(16 24 40 / 25%); color: var(--text); }
dialog::backdrop { background: rgb(16 24 40 / 45%); }
dialog form { padding: 1.5rem; }
dialog h2 { margin-bottom: 0.5rem; }
dialog .button-row { justify-content: flex-end; margin-top: 1.5rem; }

@media (prefers-reduced-motion: reduce) { *, *::before, *::after { transition: none !important; } }

/* ---- narrow screens: tables become stacked cards ---- */
@media (max-width: 48rem) {
  .topbar { padding: 0.5rem 1rem; gap: 0.25rem 1rem; }
  .account-menu { gap: 0.25rem; }
  .account-name { max-width: 8.5rem; }
  .topnav { order: 3; width: 100%; margin: 0 -0.75rem; }
  .topnav a { padding: 0.6rem 0.75rem; }
  .page { padding: 1.25rem 1rem 3rem; }
  .card-body, .card-header { padding-inline: 1rem; }
  table.stack-on-narrow thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack-on-narrow, table.stack-on-narrow tbody, table.stack-on-narrow tr, table.stack-on-narrow td { display: block; width: 100%; }
  table.stack-on-narrow tr { padding: 0.75rem 1rem; border-bottom: 1px solid var(--border); }
  table.stack-on-narrow tbody tr:last-child { border-bottom: 0; }
  table.stack-on-narrow td { display: grid; grid-template-columns: 7.5rem 1fr; gap: 0.2rem 0.75rem; padding: 0.3rem 0; border: 0; }
  table.stack-on-narrow td[data-label]::before { content: attr(data-label); grid-column: 1; grid-row: 1; font-size: 0.75rem;
    font-weight: 650; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; padding-top: 0.15rem; }
  table.stack-on-narrow td[data-label] > * { grid-column: 2; justify-self: start; margin-top: 0; }
  table.stack-on-narrow td:not([data-label]) { display: block; }
  .row-actions { justify-content: flex-start; }
}
`;
