/**
 * A small PDF 1.4 writer for tabular reports: standard Helvetica (Type1, WinAnsiEncoding, no
 * embedding), landscape A4, a title and generation time on the first page, the table's header row
 * repeated on every page, page numbers, and a cross-reference table with exact byte offsets.
 */

export interface PdfTable {
  title: string;
  subtitle?: string | undefined;
  generatedAt: Date;
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
}

const PAGE_WIDTH = 842;
const PAGE_HEIGHT = 595;
const MARGIN = 36;
const FONT_SIZE = 8;
const ROW_HEIGHT = 12;
const CELL_PADDING = 3;

/** Helvetica advance widths (1/1000 em) for ASCII 32–126, from the standard font metrics. */
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584,
  556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278,
  469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260,
  334, 584,
];

/** Characters WinAnsiEncoding places in 0x80–0x9F; Latin-1 covers 0xA0–0xFF directly. */
const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  Š: 0x8a,
  '‹': 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  š: 0x9a,
  '›': 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};

/** Text as WinAnsi bytes; characters outside it become "?". */
function winAnsi(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    if ((code >= 32 && code <= 126) || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else if (WIN_ANSI_EXTRA[ch] !== undefined) bytes.push(WIN_ANSI_EXTRA[ch]);
    else if (ch === '\t' || ch === '\n' || ch === '\r') bytes.push(32);
    else bytes.push(63);
  }
  return bytes;
}

const charWidth = (byte: number): number => (byte >= 32 && byte <= 126 ? (HELVETICA_WIDTHS[byte - 32] ?? 556) : 556);
const textWidth = (bytes: readonly number[], size: number): number => (bytes.reduce((sum, b) => sum + charWidth(b), 0) * size) / 1000;

/** A PDF literal string: bytes with (, ) and \ escaped and anything outside printable ASCII as octal. */
function literal(bytes: readonly number[]): string {
  let out = '(';
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 32 || b > 126) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out})`;
}

/** Cuts text to fit `width` points, with an ellipsis when cut. */
function fit(text: string, width: number, size: number): number[] {
  const bytes = winAnsi(text);
  if (textWidth(bytes, size) <= width) return bytes;
  const ellipsis = 0x85;
  const room = width - (charWidth(ellipsis) * size) / 1000;
  const kept: number[] = [];
  let used = 0;
  for (const b of bytes) {
    const w = (charWidth(b) * size) / 1000;
    if (used + w > room) break;
    kept.push(b);
    used += w;
  }
  return [...kept, ellipsis];
}

const cellText = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** Column widths in proportion to their content (sampled), each at least a minimum, filling the page. */
function columnWidths(table: PdfTable, available: number): number[] {
  const sample = table.rows.slice(0, 200);
  const natural = table.columns.map((header, i) => {
    let widest = textWidth(winAnsi(header), FONT_SIZE);
    for (const row of sample) widest = Math.max(widest, textWidth(winAnsi(cellText(row[i])), FONT_SIZE));
    return Math.min(widest, 260) + 2 * CELL_PADDING;
  });
  const total = natural.reduce((a, b) => a + b, 0);
  return natural.map((w) => (w * available) / total);
}

/** Renders the table as a complete PDF file. */
export function renderPdf(table: PdfTable): Buffer {
  const available = PAGE_WIDTH - 2 * MARGIN;
  const widths = columnWidths(table, available);
  const top = PAGE_HEIGHT - MARGIN;
  const firstPageTableTop = top - 44;
  const rowsPerPage = (tableTop: number) => Math.max(1, Math.floor((tableTop - MARGIN - 16) / ROW_HEIGHT) - 1);

  // Split the rows into pages; the first page has less room under the title.
  const pages: (readonly (readonly unknown[])[])[] = [];
  let index = 0;
  do {
    const room = rowsPerPage(pages.length === 0 ? firstPageTableTop : top);
    pages.push(table.rows.slice(index, index + room));
    index += room;
  } while (index < table.rows.length);

  const streams = pages.map((rows, pageIndex) => {
    const ops: string[] = [];
    let y = pageIndex === 0 ? firstPageTableTop : top;
    if (pageIndex === 0) {
      ops.push(`BT /F2 16 Tf ${MARGIN} ${top - 16} Td ${literal(winAnsi(table.title))} Tj ET`);
      const sub = `Generated ${table.generatedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC${table.subtitle ? ` - ${table.subtitle}` : ''} - ${table.rows.length} rows`;
      ops.push(`BT /F1 9 Tf ${MARGIN} ${top - 32} Td ${literal(winAnsi(sub))} Tj ET`);
    }
    const drawRow = (cells: readonly unknown[], font: string, shade: boolean) => {
      if (shade) ops.push(`0.9 g ${MARGIN} ${y - ROW_HEIGHT} ${available} ${ROW_HEIGHT} re f 0 g`);
      let x = MARGIN;
      cells.forEach((cell, i) => {
        const width = widths[i] ?? 0;
        ops.push(
          `BT /${font} ${FONT_SIZE} Tf ${(x + CELL_PADDING).toFixed(2)} ${(y - ROW_HEIGHT + 3.5).toFixed(2)} Td ${literal(fit(cellText(cell), width - 2 * CELL_PADDING, FONT_SIZE))} Tj ET`,
        );
        x += width;
      });
      y -= ROW_HEIGHT;
      ops.push(`0.75 G 0.5 w ${MARGIN} ${y.toFixed(2)} m ${MARGIN + available} ${y.toFixed(2)} l S 0 G`);
    };
    drawRow(table.columns, 'F2', true);
    for (const row of rows) drawRow(row, 'F1', false);
    if (rows.length === 0 && pageIndex === 0) drawRow(['(no rows)'], 'F1', false);
    ops.push(`BT /F1 8 Tf ${PAGE_WIDTH - MARGIN - 60} ${MARGIN - 14} Td ${literal(winAnsi(`Page ${pageIndex + 1} of ${pages.length}`))} Tj ET`);
    return ops.join('\n');
  });

  // Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, then a page and its content per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 5 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  streams.forEach((content, i) => {
    const pageId = 5 + 2 * i;
    objects[pageId] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });
  objects[pageIds.length * 2 + 5] = `<< /Title ${literal(winAnsi(table.title))} /Producer (Steward) /CreationDate (D:${pdfDate(table.generatedAt)}) >>`;
  const infoId = pageIds.length * 2 + 5;

  // Everything is Latin-1 (one byte per char), so string lengths are byte offsets.
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f\r\n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n\r\n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info ${infoId} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const pdfDate = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
