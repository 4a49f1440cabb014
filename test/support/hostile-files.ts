import zlib from 'node:zlib';
import { COLUMNS } from '../../server/interchange/columns.js';
import { columnLetters } from '../../server/uploads/limits.js';

// Files an attacker (or a damaged export) might upload: each small on the wire, each built
// to cost the server time or memory if read without limits. The zips are written here by
// hand because zip libraries will not write a damaged or lying zip.

export interface ZipPart {
  name: string;
  /** the part's bytes, or chunks of them (a part of hundreds of megabytes is never held whole) */
  data: string | Buffer | (() => Iterable<Buffer>);
  /** the unzipped size the zip declares, if it is to lie */
  declaredSize?: number;
  /** keep only this share of the compressed bytes: a part cut short */
  cutTo?: number;
}

function deflatePart(p: ZipPart): { compressed: Buffer; size: number; crc: number } {
  const chunks = typeof p.data === 'function' ? p.data() : [Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data, 'utf8')];
  let size = 0;
  let crc = 0;
  const out: Buffer[] = [];
  // Each chunk deflated on its own, flushed but not final: together one raw deflate stream.
  for (const c of chunks) {
    size += c.length;
    crc = zlib.crc32(c, crc);
    out.push(zlib.deflateRawSync(c, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  }
  out.push(Buffer.from([0x03, 0x00])); // an empty final block ends the stream
  let compressed = Buffer.concat(out);
  if (p.cutTo !== undefined) compressed = compressed.subarray(0, Math.floor(compressed.length * p.cutTo));
  return { compressed, size, crc };
}

/** A zip of deflated parts, sizes as declared (truthfully unless told otherwise). */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const { compressed, size, crc } = deflatePart(p);
    const name = Buffer.from(p.name, 'utf8');
    const declared = p.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc >>> 0, 16);
    dir.writeUInt32LE(compressed.length, 20);
    dir.writeUInt32LE(declared, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    central.push(dir, name);
    offset += 30 + name.length + compressed.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBytes, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** The parts every workbook has around its sheet. */
function workbookParts(withSharedStrings: boolean): ZipPart[] {
  return [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>${withSharedStrings ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : ''}</Types>`,
    },
    { name: '_rels/.rels', data: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>' },
    { name: 'xl/workbook.xml', data: `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} ${REL_NS}><sheets><sheet name="Cases" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>${withSharedStrings ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : ''}</Relationships>`,
    },
  ];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${esc(text)}</t></is></c>`;

/** The interchange file's headings as row 1 of a sheet. */
const headingRow = () => `<row r="1">${COLUMNS.map((c, i) => inline(`${columnLetters(i + 1)}1`, c.name)).join('')}</row>`;
const sheet = (rows: string, after = '') => `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${rows}</sheetData>${after}</worksheet>`;

/** A sheet part built from chunks: the head, `repeat` copies of `middle`, the tail. */
function* repeated(head: string, middle: Buffer, repeat: number, tail: string): Iterable<Buffer> {
  yield Buffer.from(head, 'utf8');
  for (let i = 0; i < repeat; i++) yield middle;
  yield Buffer.from(tail, 'utf8');
}

export interface HostileFile {
  name: string;
  filename: string;
  content: Buffer;
  /** what the error must say: the limit or the damage */
  expect: RegExp;
}

let built: HostileFile[] | null = null;

/** The hostile files of issue 13, each with what its refusal must name. Built once per process. */
export function hostileFiles(): HostileFile[] {
  if (built) return built;
  const ws = (rows: string, after = '') => zip([...workbookParts(false), { name: 'xl/worksheets/sheet1.xml', data: sheet(rows, after) }]);
  const mb = (n: number) => n * 1024 * 1024;
  const spaces = Buffer.alloc(mb(1), ' ');
  built = [
    { name: 'a data row numbered 99,999,999', filename: 'rows.xlsx', content: ws(`${headingRow()}<row r="99999999">${inline('A99999999', 'R1')}</row>`), expect: /row numbered 99,999,999.*at most 1,048,576 rows/ },
    { name: 'one cell at column ZZZ', filename: 'zzz.xlsx', content: ws(`${headingRow()}<row r="2">${inline('A2', 'R1')}${inline('ZZZ2', 'x')}</row>`), expect: /column ZZZ.*at most 1,000 columns/ },
    { name: 'one cell at column AAAAA', filename: 'aaaaa.xlsx', content: ws(`${headingRow()}<row r="2">${inline('A2', 'R1')}${inline('AAAAA2', 'x')}</row>`), expect: /at most 1,000 columns/ },
    {
      name: 'a CSV of 20,000 columns',
      filename: 'wide.csv',
      content: Buffer.from(`${Array.from({ length: 20_000 }, (_, i) => `column_${i + 1}`).join(',')}\r\n${Array.from({ length: 20_000 }, () => 'x').join(',')}\r\n`, 'utf8'),
      expect: /at most 1,000 columns/,
    },
    {
      name: 'shared strings cut short (the XML)',
      filename: 'cut.xlsx',
      content: zip([
        ...workbookParts(true),
        { name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><sst ${NS} count="3" uniqueCount="3"><si><t>referral_ref</t></si><si><t>family_` },
        { name: 'xl/worksheets/sheet1.xml', data: sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c></row>') },
      ]),
      expect: /damaged.*sharedStrings\.xml/,
    },
    {
      name: 'shared strings cut short (the zipped bytes)',
      filename: 'cut-zip.xlsx',
      content: zip([
        ...workbookParts(true),
        { name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><sst ${NS} count="2" uniqueCount="2">${'<si><t>referral_ref</t></si><si><t>family_ref</t></si>'.repeat(40)}</sst>`, cutTo: 0.5 },
        { name: 'xl/worksheets/sheet1.xml', data: sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>') },
      ]),
      expect: /damaged.*sharedStrings\.xml/,
    },
    {
      name: 'a sheet that unzips to 600 MB',
      filename: 'bomb-sheet.xlsx',
      content: zip([...workbookParts(false), { name: 'xl/worksheets/sheet1.xml', data: () => repeated(`<?xml version="1.0"?><worksheet ${NS}><sheetData>${headingRow()}`, spaces, 600, '</sheetData></worksheet>') }]),
      expect: /larger than 256MB once opened|times its size/,
    },
    {
      name: 'a sheet that unzips to 300 MB while its zip says 2 KB',
      filename: 'bomb-lying.xlsx',
      content: zip([...workbookParts(false), { name: 'xl/worksheets/sheet1.xml', data: () => repeated(`<?xml version="1.0"?><worksheet ${NS}><sheetData>${headingRow()}`, spaces, 300, '</sheetData></worksheet>'), declaredSize: 2048 }]),
      expect: /damaged.*sheet1\.xml/,
    },
    {
      name: 'shared strings that unzip to 300 MB',
      filename: 'bomb-strings.xlsx',
      content: zip([
        ...workbookParts(true),
        { name: 'xl/sharedStrings.xml', data: () => repeated(`<?xml version="1.0"?><sst ${NS}><si><t>referral_ref</t></si><si><t>`, Buffer.alloc(mb(1), 'a'), 300, '</t></si></sst>') },
        { name: 'xl/worksheets/sheet1.xml', data: sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>') },
      ]),
      expect: /larger than 256MB once opened|times its size/,
    },
  ];
  return built;
}

/** 19 MB of rows the interchange import cannot take, refused once checking stops at its first 1,000 problems. */
export const badRowsFile = (): HostileFile => ({
  name: '19 MB of bad rows', filename: 'bad-rows.csv', content: badRowsCsv(19 * 1024 * 1024), expect: /at least 1,\d{3} problems: checking stopped at row/,
});

/**
 * A CSV of about `bytes` of rows the interchange import cannot take (every row's dates
 * unreadable and codes unknown), under the interchange headings.
 */
export function badRowsCsv(bytes: number): Buffer {
  const names = COLUMNS.map((c) => c.name);
  const bad = (i: number) => names.map((n) => (n.endsWith('_date') || n === 'date_of_birth' ? 'not a date' : n.endsWith('_ref') ? `X${i}` : 'NOT-A-CODE')).join(',');
  const lines = [names.join(',')];
  let size = lines[0].length;
  for (let i = 1; size < bytes; i++) {
    const line = bad(i);
    lines.push(line);
    size += line.length + 2;
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}
