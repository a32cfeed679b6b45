/**
 * The editor's "Extra request headers": name/value rows sent with every request (typically
 * `Authorization` for the receiver). The API checks them (src/domain/extra-headers.ts); its
 * errors are shown beside the row they name. Rows are added and removed by headers-panel.ts.
 */
import { MAX_EXTRA_HEADERS } from '../../domain/extra-headers';

export function HeadersSection({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  return (
    <section class="card" aria-labelledby="headers-heading" id="headers-section">
      <div class="card-header">
        <div>
          <h2 id="headers-heading">Extra request headers <span class="optional">(optional)</span></h2>
          <p class="help" id="headers-help">
            Sent with every request of this task, for example <code>Authorization</code> for your receiver. HTTP Notifier sets{' '}
            <code>content-type</code>, <code>user-agent</code> and the <code>webhook-*</code> signature headers itself. At
            most {MAX_EXTRA_HEADERS}.
          </p>
        </div>
      </div>
      <div class="card-body stack">
        <ul id="header-rows" class="header-rows" data-max={MAX_EXTRA_HEADERS} aria-describedby="headers-help">
          {entries.map(([name, value], index) => <HeaderRow index={index} name={name} value={value} />)}
        </ul>
        <p id="headers-empty" class="muted small" hidden={entries.length > 0}>No extra headers.</p>
        <div>
          <button type="button" class="button" id="add-header" disabled={entries.length >= MAX_EXTRA_HEADERS}>Add header</button>
        </div>
      </div>
    </section>
  );
}

/** One row; headers-panel.ts builds the same markup for added rows. */
function HeaderRow({ index, name, value }: { index: number; name: string; value: string }) {
  const n = index + 1;
  return (
    <li class="header-row">
      <input type="text" class="header-name" id={`header-name-${n}`} aria-label={`Header ${n} name`} value={name}
        autocomplete="off" spellcheck={false} placeholder="Authorization" />
      <input type="text" class="header-value" id={`header-value-${n}`} aria-label={`Header ${n} value`} value={value}
        autocomplete="off" spellcheck={false} placeholder="Bearer …" />
      <button type="button" class="button button-quiet header-remove" aria-label={`Remove header ${n}${name ? ` (${name})` : ''}`}>Remove</button>
    </li>
  );
}
