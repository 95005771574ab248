/** One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  // A leading =, +, - or @ makes spreadsheets run the cell as a formula; a quote-apostrophe defuses it.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record, CRLF-terminated. */
export const csvRecord = (values: readonly unknown[]): string => `${values.map(csvField).join(',')}\r\n`;

/** A whole CSV document as a stream of text chunks (header first), a few hundred records per chunk. */
export async function* csvStream(header: readonly string[], rows: AsyncIterable<readonly unknown[]>): AsyncGenerator<string> {
  yield csvRecord(header);
  let chunk = '';
  let n = 0;
  for await (const row of rows) {
    chunk += csvRecord(row);
    if (++n % 500 === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
