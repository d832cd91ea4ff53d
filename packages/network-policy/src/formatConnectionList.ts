import type { ConnectionListEntry } from './analyzeConnectivity.js';

/** Options for {@link formatConnectionList}. */
export interface FormatConnectionListOptions {
  /** Print each entry's explanation, indented by four spaces, under its line. */
  readonly explain?: boolean;
}

/**
 * The text netpol-analyzer's `list` prints: one `SRC => DST : CONNS` line per entry, each
 * ending with a newline (nothing at all for no entries). With `explain`, each line is followed
 * by its explanation lines (`    egress:  ...`, `    ingress: ...`, `    route:   ...`).
 */
export function formatConnectionList(
  entries: readonly ConnectionListEntry[],
  options: FormatConnectionListOptions = {},
): string {
  let text = '';
  for (const entry of entries) {
    text += `${entry.src} => ${entry.dst} : ${entry.conn}\n`;
    if (options.explain) for (const line of entry.explanation ?? []) text += `    ${line}\n`;
  }
  return text;
}
