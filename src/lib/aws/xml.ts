/**
 * Just enough XML for the answers of S3 and SNS: elements, text and the five entities
 * plus numeric references. Attributes, comments, processing instructions and CDATA are
 * read past (CDATA's text is kept). Not a general parser: it reads what AWS sends.
 */

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) =>
    entity.startsWith('#x') ? String.fromCodePoint(parseInt(entity.slice(2), 16)) : entity.startsWith('#') ? String.fromCodePoint(Number(entity.slice(1))) : ENTITIES[entity]!,
  );
}

/** The root element of `xml`; throws on text that is not well-formed enough to read. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  while (i < xml.length) {
    const open = xml.indexOf('<', i);
    const text = xml.slice(i, open === -1 ? xml.length : open);
    if (text && stack.length > 0) stack.at(-1)!.text += decodeEntities(text);
    if (open === -1) break;
    if (xml.startsWith('<![CDATA[', open)) {
      const end = xml.indexOf(']]>', open);
      if (end === -1) throw new Error('XML: unterminated CDATA section');
      if (stack.length > 0) stack.at(-1)!.text += xml.slice(open + 9, end);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<!--', open)) {
      const end = xml.indexOf('-->', open + 4);
      if (end === -1) throw new Error('XML: unterminated comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', open) || xml.startsWith('<!', open)) {
      const end = xml.indexOf('>', open);
      if (end === -1) throw new Error('XML: unterminated declaration');
      i = end + 1;
      continue;
    }
    const close = xml.indexOf('>', open);
    if (close === -1) throw new Error('XML: unterminated tag');
    const tag = xml.slice(open + 1, close);
    i = close + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const element = stack.pop();
      if (!element || element.name !== name) throw new Error(`XML: </${name}> does not close <${element?.name ?? 'nothing'}>`);
      if (stack.length === 0) root = element;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const name = (selfClosing ? tag.slice(0, -1) : tag).trim().split(/\s/, 1)[0]!;
    const element: XmlElement = { name, children: [], text: '' };
    if (stack.length > 0) stack.at(-1)!.children.push(element);
    else if (root !== null) throw new Error('XML: more than one root element');
    if (selfClosing) {
      if (stack.length === 0) root = element;
    } else stack.push(element);
  }
  if (stack.length > 0) throw new Error(`XML: <${stack.at(-1)!.name}> is not closed`);
  if (!root) throw new Error('XML: no element');
  return root;
}

/** The first child named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** Every child named `name`. */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** The trimmed text of the child named `name`, or undefined. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const found = child(element, name);
  return found === undefined ? undefined : found.text.trim();
}
