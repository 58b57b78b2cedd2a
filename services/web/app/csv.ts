//! CSV exports of financial systems, read with Papa Parse: `;`, `,` or tab (guessed), quoted fields, any line ends,
//! a byte-order mark; every row with the file line it starts on, and what could not be read, by line.
import Papa from 'papaparse';

export interface CsvRow {
  /** The file line the row starts on (1 = the first line). */
  line: number;
  cells: string[];
}

/** Something in the file that makes its rows untrustworthy from `line` on. */
export interface CsvProblem {
  line: number;
  kind: 'unterminated-quote' | 'malformed-quotes';
}

export interface CsvFile {
  rows: CsvRow[];
  problems: CsvProblem[];
  delimiter: string;
}

/**
 * Reads a whole CSV text. Line ends are made `\n` first (a file may mix CRLF and LF, which Papa Parse would not
 * split on), so a line break inside a quoted cell reads as `\n`. Blank lines are skipped; line numbers still count
 * them. An opening quote that is never closed swallows the rest of the file into one cell: that is reported, never
 * taken as data.
 */
export function parseCsv(input: string, delimiter?: string): CsvFile {
  const text = (input.startsWith('\uFEFF') ? input.slice(1) : input).replace(/\r\n?/g, '\n');
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let counted = 0;
  let line = 1;
  /** The file line of a character offset, counting forward from the last one asked. */
  const lineAt = (offset: number): number => {
    for (; counted < offset; counted += 1) if (text.charCodeAt(counted) === 10) line += 1;
    return line;
  };
  let rowStart = 0;
  let guessed = delimiter ?? ',';
  Papa.parse<string[]>(text, {
    ...(delimiter === undefined ? { delimitersToGuess: [';', ',', '\t'] } : { delimiter }),
    newline: '\n',
    skipEmptyLines: 'greedy',
    step: (result) => {
      // The row starts after the previous one's end and any blank lines.
      while (rowStart < text.length && text.charCodeAt(rowStart) === 10) rowStart += 1;
      const rowLine = lineAt(rowStart);
      guessed = result.meta.delimiter;
      rows.push({ line: rowLine, cells: result.data });
      for (const error of result.errors) {
        if (error.type !== 'Quotes') continue;
        problems.push({
          line: rowLine,
          kind: error.code === 'MissingQuotes' ? 'unterminated-quote' : 'malformed-quotes',
        });
      }
      rowStart = result.meta.cursor;
    },
  });
  return { rows, problems, delimiter: guessed };
}
