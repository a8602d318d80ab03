/** The minimal XML parser the S3 and SNS answers go through. */
import { describe, expect, it } from 'vitest';
import { child, children, childText, decodeEntities, parseXml } from '../../../src/lib/aws/xml';

describe('entities', () => {
  it('the five named entities and numeric references, decimal and hex, astral planes included', () => {
    expect(decodeEntities('&amp; &lt; &gt; &quot; &apos; &#233; &#x20AC; &#X20ac; &#128512; &#x1F600;')).toBe('& < > " \' é € &#X20ac; 😀 😀');
    expect(parseXml('<a>x &amp;&lt;b&gt; &#x27;y&#39;</a>').text).toBe("x &<b> 'y'");
  });

  it('decodes once: &amp;lt; is the text "&lt;"', () => {
    expect(parseXml('<a>&amp;lt;&amp;amp;</a>').text).toBe('&lt;&amp;');
  });

  it('leaves what is not an entity it knows as it is', () => {
    expect(parseXml('<a>&nbsp; &copy; a & b &;</a>').text).toBe('&nbsp; &copy; a & b &;');
  });

  it('in an S3 error message', () => {
    const root = parseXml('<Error><Code>AccessDenied</Code><Message>on resource: &quot;arn:aws:s3:::b&quot; &amp; more</Message></Error>');
    expect(childText(root, 'Message')).toBe('on resource: "arn:aws:s3:::b" & more');
  });
});

describe('CDATA', () => {
  it('keeps its text verbatim: markup and entities are not read inside', () => {
    expect(parseXml('<a><![CDATA[<b>&amp; x > y]]></a>').text).toBe('<b>&amp; x > y');
  });

  it('joins the text around it, and can hold "]" and "]]"', () => {
    expect(parseXml('<a>one &amp; <![CDATA[two ] ]] three]]> four</a>').text).toBe('one & two ] ]] three four');
  });

  it('an empty section adds nothing', () => {
    expect(parseXml('<a>x<![CDATA[]]>y</a>').text).toBe('xy');
  });
});

describe('elements', () => {
  it('self-closing tags, with or without a space or attributes, as children and as the root', () => {
    const root = parseXml('<r><a/><b /><c x="1" y=\'2\'/><d></d></r>');
    expect(root.children.map((c) => [c.name, c.text, c.children.length])).toEqual([['a', '', 0], ['b', '', 0], ['c', '', 0], ['d', '', 0]]);
    expect(parseXml('<only/>')).toEqual({ name: 'only', children: [], text: '' });
    expect(parseXml('<?xml version="1.0"?>\n<only attr="v" />\n')).toEqual({ name: 'only', children: [], text: '' });
  });

  it('attributes and namespace declarations are read past; names keep any prefix', () => {
    const root = parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BlockPublicAcls
     a="1">true</BlockPublicAcls>
  <s3:Tag>x</s3:Tag>
</PublicAccessBlockConfiguration>`);
    expect(root.name).toBe('PublicAccessBlockConfiguration');
    expect(childText(root, 'BlockPublicAcls')).toBe('true');
    expect(childText(root, 's3:Tag')).toBe('x');
  });

  it('a comment holding markup and ">" is skipped whole', () => {
    const root = parseXml('<r><!-- <a>x</a> > --><b>1</b></r>');
    expect(root.children.map((c) => c.name)).toEqual(['b']);
    expect(root.text).toBe('');
  });

  it('declarations, comments and a doctype before the root are skipped; text outside the root is ignored', () => {
    const root = parseXml('junk<?xml version="1.0"?><!DOCTYPE r><!-- a comment --><r>in</r>\n');
    expect(root).toEqual({ name: 'r', children: [], text: 'in' });
  });

  it('text is the concatenation of the element’s own text, between its children; childText trims it', () => {
    const root = parseXml('<r>\n  <a>  spaced  </a>\n  tail\n</r>');
    expect(root.text).toBe('\n  \n  tail\n');
    expect(root.children[0]!.text).toBe('  spaced  ');
    expect(childText(root, 'a')).toBe('spaced');
  });

  it('nested elements of the same name, and the helpers', () => {
    const root = parseXml('<Rules><Rule><Rule>inner</Rule></Rule><Rule>second</Rule><Other/></Rules>');
    expect(children(root, 'Rule')).toHaveLength(2);
    expect(childText(child(root, 'Rule'), 'Rule')).toBe('inner');
    expect(childText(root, 'Missing')).toBeUndefined();
    expect(child(undefined, 'x')).toBeUndefined();
    expect(children(undefined, 'x')).toEqual([]);
    expect(childText(root, 'Other')).toBe('');
  });

  it('unicode text, multi-byte and astral', () => {
    expect(parseXml('<a>Zertifikat ü € 😀</a>').text).toBe('Zertifikat ü € 😀');
  });
});

describe('malformed input throws', () => {
  it.each([
    ['', /no element/],
    ['just text', /no element/],
    ['<?xml version="1.0"?>', /no element/],
    ['<a>', /<a> is not closed/],
    ['<a><b></a>', /<\/a> does not close <b>/],
    ['<a></b>', /<\/b> does not close <a>/],
    ['</a>', /does not close <nothing>/],
    ['<a></a><b></b>', /more than one root/],
    ['<a/><b/>', /more than one root/],
    ['<a', /unterminated tag/],
    ['<a><b', /unterminated tag/],
    ['<a><![CDATA[x</a>', /unterminated CDATA/],
    ['<!-- x', /unterminated comment/],
    ['<?xml version="1.0"', /unterminated declaration/],
  ])('%j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });
});
