import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
// pdfkit's fontkit fork: @pdf-lib/fontkit 1.1.1 subsets Noto Sans into blank glyphs (the text extracts, but
// pdftoppm and viewers draw nothing); this fork subsets it correctly with the API pdf-lib expects.
import fontkit from "@foliojs-fork/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage } from "pdf-lib";

const require = createRequire(import.meta.url);
// Whole Noto Sans TTFs from an npm package: one file covers Cyrillic, Uzbek Latin (Oʻ, Gʻ) and Azerbaijani (Ə, Ş).
const fontBytes = {
  regular: readFileSync(require.resolve("@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf")),
  bold: readFileSync(require.resolve("@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf")),
};

type Fontkit = Parameters<PDFDocument["registerFontkit"]>[0];
type Font = ReturnType<Fontkit["create"]>;
/**
 * Parsing a 600 KB TTF takes most of a document's render time, so its tables are parsed once per process. The
 * glyph objects are not shared: fontkit keeps each glyph with the code points of its first lookup, and pdf-lib
 * writes a document's ToUnicode map from them. A glyph first met as part of another document's compound glyph
 * (Cyrillic "Т" is drawn from Latin "T") would carry none, and that letter would be missing from the text of
 * every later document. So each document gets a view of the parsed font with its own glyph cache and layout engine.
 */
const parsed = new Map<Uint8Array, Font>();
const cachingFontkit: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string) {
    let font = parsed.get(buffer);
    if (!font) {
      font = (fontkit as Fontkit).create(buffer, postscriptName);
      parsed.set(buffer, font);
    }
    // fontkit's lazily cached getters (_layoutEngine, _cmapProcessor) then cache on the view, beside `_glyphs`.
    return Object.assign(Object.create(font) as Font, { _glyphs: {} });
  },
};

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const grey = rgb(0.35, 0.35, 0.35);

export interface TextStyle {
  size?: number;
  bold?: boolean;
  color?: "grey";
  indent?: number;
}

/** A top-to-bottom writer over pdf-lib: wraps lines, starts new pages, keeps fonts embedded once per document. */
export class PdfLayout {
  private page!: PDFPage;
  private y = 0;

  private constructor(
    readonly doc: PDFDocument,
    private readonly fonts: { regular: PDFFont; bold: PDFFont },
  ) {
    this.newPage();
  }

  static async create(title: string): Promise<PdfLayout> {
    const doc = await PDFDocument.create();
    doc.registerFontkit(cachingFontkit);
    doc.setTitle(title);
    doc.setProducer("Telecons");
    doc.setCreator("Telecons");
    const regular = await doc.embedFont(fontBytes.regular, { subset: true });
    const bold = await doc.embedFont(fontBytes.bold, { subset: true });
    return new PdfLayout(doc, { regular, bold });
  }

  private newPage(): void {
    this.page = this.doc.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  /** Paragraphs split on newlines, words wrapped to the page width. */
  text(value: string, style: TextStyle = {}): this {
    const size = style.size ?? 10;
    const font = style.bold ? this.fonts.bold : this.fonts.regular;
    const indent = style.indent ?? 0;
    const width = A4.width - 2 * MARGIN - indent;
    const lineHeight = size * 1.35;
    for (const paragraph of value.split("\n")) {
      for (const line of wrap(paragraph, font, size, width)) {
        this.ensure(lineHeight);
        this.y -= lineHeight;
        this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font, color: style.color === "grey" ? grey : undefined });
      }
    }
    return this;
  }

  /** Text placed at the right edge of the current line, e.g. the form's code in the corner. */
  rightText(value: string, size = 8): this {
    const width = this.fonts.regular.widthOfTextAtSize(value, size);
    this.page.drawText(value, { x: A4.width - MARGIN - width, y: this.y - size * 1.35, size, font: this.fonts.regular, color: grey });
    return this;
  }

  gap(points = 6): this {
    this.y -= points;
    return this;
  }

  rule(): this {
    this.ensure(8);
    this.y -= 4;
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: A4.width - MARGIN, y: this.y }, thickness: 0.6, color: grey });
    this.y -= 4;
    return this;
  }

  /** The clinic's seal beside the signature line, 90 pt wide. */
  seal(image: PDFImage): this {
    const scale = 90 / image.width;
    const height = image.height * scale;
    this.ensure(height + 6);
    this.y -= height + 6;
    this.page.drawImage(image, { x: A4.width - MARGIN - 90, y: this.y, width: 90, height });
    return this;
  }
}

/**
 * Shaping a string (GSUB, GPOS kerning) is most of a document's layout time: each word is measured once and a line
 * is the sum of its words and spaces, rather than measuring the growing line again at every word.
 */
function wrap(paragraph: string, font: PDFFont, size: number, width: number): string[] {
  if (paragraph.trim() === "") return [""];
  const space = font.widthOfTextAtSize(" ", size);
  const lines: string[] = [];
  let current = "";
  let currentWidth = 0;
  for (const word of paragraph.split(/\s+/)) {
    const wordWidth = font.widthOfTextAtSize(word, size);
    if (!current) {
      current = word;
      currentWidth = wordWidth;
    } else if (currentWidth + space + wordWidth <= width) {
      current = `${current} ${word}`;
      currentWidth += space + wordWidth;
    } else {
      lines.push(current);
      current = word;
      currentWidth = wordWidth;
    }
  }
  lines.push(current);
  return lines;
}
