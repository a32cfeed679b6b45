/** Console stylesheet, part 3: the automation editor (form grid, fields panel, body editor, preview). */
export const EDITOR_CSS = `
.form-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1.1rem 1.5rem; }
.form-grid .span-2 { grid-column: 1 / -1; }
.form-actions { position: sticky; bottom: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem;
  padding: 0.85rem 1.5rem; background: rgb(255 255 255 / 96%); border: 1px solid var(--border); border-radius: var(--radius);
  box-shadow: 0 -2px 8px rgb(16 24 40 / 6%); }
.form-actions .push-right { margin-left: auto; }
.form-status { font-size: 0.875rem; color: var(--muted); }

/* ---- fields panel ---- */
.body-layout { display: grid; grid-template-columns: minmax(15rem, 19rem) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
.fields-panel { display: flex; flex-direction: column; gap: 0.6rem; position: sticky; top: 1rem; }
.fields-panel h3 span { color: var(--primary); }
.field-list { list-style: none; margin: 0; padding: 0.15rem 0.35rem 0.15rem 0.15rem; max-height: 34rem; overflow-y: auto; display: grid; gap: 0.4rem; }
.field-item { padding: 0.45rem 0.6rem 0.55rem; border: 1px solid var(--border); border-radius: var(--radius-small); background: var(--surface);
  cursor: grab; transition: border-color 0.1s, background 0.1s; }
.field-item:hover { border-color: #9fb3e6; background: #f7f9fe; }
.field-item:active { cursor: grabbing; }
.field-item.is-dragging { opacity: 0.45; }
.field-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.15rem 0.5rem; }
.field-insert { padding: 0.05rem 0.25rem; margin-left: -0.25rem; border: 0; border-radius: 4px; background: none; color: var(--primary);
  font-family: var(--mono); font-size: 0.8125rem; font-weight: 650; cursor: pointer; text-align: left; overflow-wrap: anywhere; }
.field-insert:hover { text-decoration: underline; }
.field-type { color: var(--muted); font-size: 0.6875rem; }
.field-desc { margin-top: 0.15rem; color: var(--muted); font-size: 0.75rem; line-height: 1.4; }
.field-example { margin-top: 0.2rem; font-size: 0.75rem; overflow-wrap: anywhere; }
.field-example code { color: var(--text); }
.field-used { margin-left: 0.35rem; color: var(--success); font-family: system-ui, sans-serif; font-size: 0.6875rem; font-weight: 650; }
.field-empty { padding: 0.75rem; color: var(--muted); font-size: 0.8125rem; }

/* ---- body editor: a textarea over a backdrop that marks problems, with a line-number gutter ---- */
.code-editor { display: grid; grid-template-columns: auto minmax(0, 1fr); border: 1px solid var(--border-strong); border-radius: var(--radius-small);
  overflow: hidden; background: var(--surface); font-family: var(--mono); font-size: 13px; line-height: var(--code-line); }
.code-editor:focus-within { border-color: var(--primary); outline: 3px solid rgb(33 80 196 / 35%); }
.code-editor.is-drop-target { border-color: var(--primary); background: #f7f9fe; }
.code-gutter { position: relative; min-width: 3.25rem; overflow: hidden; background: var(--surface-muted); border-right: 1px solid var(--border);
  color: #69727f; text-align: right; user-select: none; }
.code-gutter-inner { padding: 10px 0; }
.code-gutter-inner div { position: relative; height: var(--code-line); padding: 0 0.65rem 0 1rem; }
.code-gutter-inner .is-error { background: var(--danger-soft); color: var(--danger); font-weight: 700; }
.code-gutter-inner .is-error::before { content: ""; position: absolute; left: 0.35rem; top: 7px; width: 6px; height: 6px; border-radius: 50%; background: var(--danger); }
.code-area { position: relative; min-width: 0; }
.code-backdrop { position: absolute; inset: 0; overflow: hidden; pointer-events: none; color: transparent; }
.code-backdrop-inner { width: max-content; min-width: 100%; padding: 10px 12px; white-space: pre; tab-size: 2; }
.code-backdrop-inner div { height: var(--code-line); }
.code-backdrop-inner .is-error { background: rgb(179 38 30 / 7%); margin: 0 -12px; padding: 0 12px; }
.code-backdrop mark { color: transparent; background: rgb(179 38 30 / 22%); border-bottom: 2px solid var(--danger); border-radius: 2px; }
.code-backdrop .drop-caret { display: inline-block; width: 2px; height: var(--code-line); margin-right: -2px; vertical-align: top; background: var(--primary); }
.code-backdrop mark.is-end { display: inline-block; width: 0.65em; height: var(--code-line); vertical-align: top; }
.code-area textarea { position: relative; display: block; width: 100%; min-height: 24rem; margin: 0; padding: 10px 12px; border: 0; border-radius: 0;
  background: transparent; color: var(--text); font: inherit; line-height: var(--code-line); white-space: pre; tab-size: 2; resize: vertical; overflow: auto; }
.code-area textarea:hover { border: 0; }
.code-area textarea:focus-visible { outline: none; }

/* ---- live check and preview ---- */
.check { display: flex; gap: 0.55rem; align-items: flex-start; padding: 0.65rem 0.85rem; border: 1px solid var(--border); border-radius: var(--radius-small);
  font-size: 0.875rem; background: var(--surface-muted); color: var(--muted); }
.check::before { flex: none; display: inline-grid; place-items: center; width: 1.15rem; height: 1.15rem; margin-top: 0.1rem; border-radius: 50%;
  font-size: 0.75rem; font-weight: 700; color: #fff; background: var(--border-strong); content: "…"; }
.check-ok { background: var(--success-soft); border-color: #b5e2cb; color: #05391f; }
.check-ok::before { content: "✓"; background: var(--success); }
.check-error { background: var(--danger-soft); border-color: #f1c2bf; color: #5c0f0b; }
.check-error::before { content: "!"; background: var(--danger); }
.check ul { margin: 0.25rem 0 0; padding-left: 1.1rem; }
.check li + li { margin-top: 0.2rem; }
.goto { padding: 0; border: 0; background: none; color: var(--danger); font: inherit; font-weight: 700; text-decoration: underline; cursor: pointer; }
.preview-header { display: flex; align-items: center; justify-content: space-between; gap: 0.75rem; margin-bottom: 0.5rem; }
.preview-meta { display: inline-flex; align-items: center; gap: 0.6rem; }
.preview-code { margin: 0 0 0.4rem; min-height: 6rem; max-height: 26rem; overflow: auto; padding: 0.9rem 1rem; border-radius: var(--radius-small);
  background: #101828; color: #e4e9f2; font-size: 0.8125rem; line-height: 1.55; white-space: pre-wrap; overflow-wrap: anywhere; }
.preview-code.is-stale { opacity: 0.55; }
.body-main { display: grid; gap: 1rem; min-width: 0; }

/* ---- test send and signing secret ---- */
.tools-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1.5rem; }
.tool h3 { margin-bottom: 0.3rem; }
.tool .help { margin-bottom: 0.75rem; }
.secret-box { display: flex; gap: 0.5rem; margin-top: 0.75rem; }
.secret-box input { font-family: var(--mono); font-size: 0.8125rem; }
.result { margin-top: 0.75rem; }
.result:empty { display: none; }

@media (max-width: 60rem) {
  .body-layout { grid-template-columns: minmax(0, 1fr); }
  .fields-panel { position: static; }
  .field-list { max-height: 16rem; }
}
@media (max-width: 48rem) {
  .form-grid, .tools-grid { grid-template-columns: minmax(0, 1fr); }
  .form-actions { padding: 0.75rem 1rem; }
}
`;
