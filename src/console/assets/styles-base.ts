/** Console stylesheet, part 1: tokens, page frame, typography, buttons and form controls. */
export const BASE_CSS = `
:root {
  color-scheme: light;
  --bg: #f4f6f9; --surface: #ffffff; --surface-muted: #f8fafc; --border: #d9dee6; --border-strong: #b8c0cc;
  --text: #17202c; --muted: #556172; --primary: #2150c4; --primary-hover: #1a409e; --primary-soft: #eaf0fd;
  --danger: #b3261e; --danger-soft: #fdeceb; --success: #0a6b43; --success-soft: #e6f6ee;
  --warning: #8a4b00; --warning-soft: #fff6e0; --warning-border: #f1cf7c; --focus: #2150c4;
  --radius: 10px; --radius-small: 6px; --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%);
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --code-line: 20px;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; min-height: 100vh; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--primary); text-underline-offset: 2px; }
a:hover { color: var(--primary-hover); }
code, pre, kbd { font-family: var(--mono); font-size: 0.875em; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h1 { font-size: 1.5rem; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 1.0625rem; font-weight: 650; }
h3 { font-size: 0.9375rem; font-weight: 650; }
p { margin: 0; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
main:focus { outline: none; }
[hidden] { display: none !important; }

.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip-link { position: absolute; left: 1rem; top: -3rem; z-index: 10; padding: 0.5rem 1rem; background: var(--surface);
  border: 2px solid var(--primary); border-radius: var(--radius-small); }
.skip-link:focus { top: 0.5rem; }

/* ---- frame ---- */
.topbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 2rem; padding: 0 1.5rem; min-height: 3.5rem;
  background: var(--surface); border-bottom: 1px solid var(--border); }
.brand { display: inline-flex; align-items: center; gap: 0.6rem; color: var(--text); font-weight: 700; text-decoration: none; }
.brand:hover { color: var(--text); }
.brand-mark { color: var(--primary); flex: none; }
.topnav { display: flex; gap: 0.25rem; align-self: stretch; }
.topnav a { display: inline-flex; align-items: center; padding: 0 0.75rem; color: var(--muted); font-weight: 550;
  text-decoration: none; border-bottom: 2px solid transparent; margin-bottom: -1px; }
.topnav a:hover { color: var(--text); }
.topnav a[aria-current="page"] { color: var(--primary); border-bottom-color: var(--primary); }
.account-menu { display: flex; align-items: center; gap: 0.75rem; margin-left: auto; }
.account-name { color: var(--muted); font-size: 0.875rem; max-width: 16rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.page { max-width: 76rem; margin: 0 auto; padding: 1.75rem 1.5rem 4rem; }
.page-narrow { max-width: 28rem; margin: 0 auto; padding-top: 3rem; }
.breadcrumbs { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0 0 0.5rem; padding: 0; list-style: none; font-size: 0.8125rem; color: var(--muted); }
.breadcrumbs li + li::before { content: "/"; margin-right: 0.4rem; color: var(--border-strong); }
.page-header { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 1rem; margin-bottom: 1.5rem; }
.page-header .lede { margin-top: 0.35rem; color: var(--muted); max-width: 44rem; }
.stack > * + * { margin-top: 1rem; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }
.card-body { padding: 1.25rem 1.5rem; }
.card-header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.75rem;
  padding: 1rem 1.5rem; border-bottom: 1px solid var(--border); }
.card-header .help { margin-top: 0.2rem; }
.muted { color: var(--muted); }
.small { font-size: 0.8125rem; }
.mono { font-family: var(--mono); font-size: 0.8125rem; }
.nowrap { white-space: nowrap; }

/* ---- buttons ---- */
.button { display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem; min-height: 2.25rem;
  padding: 0.4rem 0.95rem; border: 1px solid var(--border-strong); border-radius: var(--radius-small); background: var(--surface);
  color: var(--text); font: inherit; font-weight: 550; line-height: 1.2; text-decoration: none; cursor: pointer; white-space: nowrap; }
.button:hover { background: var(--surface-muted); border-color: var(--muted); color: var(--text); }
.button-primary { background: var(--primary); border-color: var(--primary); color: #fff; }
.button-primary:hover { background: var(--primary-hover); border-color: var(--primary-hover); color: #fff; }
.button-danger { color: var(--danger); border-color: #e3a9a5; }
.button-danger:hover { background: var(--danger-soft); border-color: var(--danger); color: var(--danger); }
.button-danger-solid { background: var(--danger); border-color: var(--danger); color: #fff; }
.button-danger-solid:hover { background: #8f1e18; color: #fff; }
.button-quiet { border-color: transparent; background: transparent; color: var(--primary); padding-inline: 0.6rem; }
.button-quiet:hover { background: var(--primary-soft); border-color: transparent; color: var(--primary-hover); }
.button-small { min-height: 1.9rem; padding: 0.25rem 0.65rem; font-size: 0.8125rem; }
.button:disabled, .button[aria-disabled="true"] { opacity: 0.55; cursor: not-allowed; }
.button-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem; }

/* ---- forms ---- */
.field { display: flex; flex-direction: column; gap: 0.35rem; }
.field > label, .field > .label, legend { font-weight: 600; font-size: 0.875rem; }
.optional { font-weight: 400; color: var(--muted); }
.help { color: var(--muted); font-size: 0.8125rem; }
input[type="text"], input[type="url"], input[type="password"], input[type="search"], select, textarea {
  width: 100%; min-height: 2.375rem; padding: 0.45rem 0.7rem; border: 1px solid var(--border-strong); border-radius: var(--radius-small);
  background: var(--surface); color: var(--text); font: inherit; }
select { padding-right: 2rem; }
input:hover, select:hover, textarea:hover { border-color: var(--muted); }
input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid rgb(33 80 196 / 35%); outline-offset: 0; border-color: var(--primary); }
[aria-invalid="true"] { border-color: var(--danger) !important; }
.field-error { display: flex; gap: 0.35rem; color: var(--danger); font-size: 0.8125rem; font-weight: 550; }
.field-error::before { content: "!"; display: inline-grid; place-items: center; flex: none; width: 1.05rem; height: 1.05rem; margin-top: 0.1rem;
  border-radius: 50%; background: var(--danger); color: #fff; font-size: 0.7rem; font-weight: 700; }
fieldset { margin: 0; padding: 0; border: 0; min-width: 0; }
.segmented { display: inline-flex; align-self: flex-start; border: 1px solid var(--border-strong); border-radius: var(--radius-small); overflow: hidden; }
.segmented label { position: relative; display: inline-flex; align-items: center; padding: 0.4rem 1rem; cursor: pointer; font-weight: 550; font-size: 0.875rem; }
.segmented label + label { border-left: 1px solid var(--border-strong); }
.segmented input { position: absolute; opacity: 0; inset: 0; margin: 0; cursor: pointer; }
.segmented label:has(input:checked) { background: var(--primary); color: #fff; }
.segmented label:has(input:focus-visible) { outline: 3px solid var(--focus); outline-offset: -3px; }
.checkbox { display: inline-flex; align-items: center; gap: 0.5rem; font-weight: 550; }
.checkbox input { width: 1.1rem; height: 1.1rem; accent-color: var(--primary); }
`;
