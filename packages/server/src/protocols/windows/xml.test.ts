import { describe, expect, it } from 'vitest';
import { XmlError, parseXml } from './xml.js';

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 8, maxElements: 100 };
const reason = (text: string) => {
  try {
    parseXml(text, LIMITS);
    return 'parsed';
  } catch (error) {
    return error instanceof XmlError ? error.reason : 'other';
  }
};

describe('untrusted XML', () => {
  it('parses one root, drops namespace prefixes, decodes the predefined entities and character references only', () => {
    const root = parseXml('<?xml version="1.0"?><s:A xmlns:s="urn:x" s:k="1 &amp; 2"><s:B>x &lt; y &#65;&#x42;</s:B><C/></s:A>', LIMITS);
    expect(root.name).toBe('A');
    expect(root.attrs).toEqual({ k: '1 & 2' });
    expect(root.children.map((c) => c.name)).toEqual(['B', 'C']);
    expect(root.children[0]?.text).toBe('x < y AB');
  });

  it('refuses DOCTYPE, ENTITY and undeclared entities, never expanding anything', () => {
    expect(reason('<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')).toBe('doctype');
    expect(reason('<a><!ENTITY e "x"></a>')).toBe('doctype');
    expect(reason('<a>&e;</a>')).toBe('doctype');
  });

  it('refuses mismatched tags, several roots, text outside the root, too deep or too many elements, too large', () => {
    expect(reason('<a><b></a></b>')).toBe('malformed');
    expect(reason('<a/><b/>')).toBe('roots');
    expect(reason('<a/>text')).toBe('roots');
    expect(reason(`${'<a>'.repeat(9)}${'</a>'.repeat(9)}`)).toBe('too_deep');
    expect(reason(`<a>${'<b/>'.repeat(100)}</a>`)).toBe('too_many_elements');
    expect(reason(`<a>${'x'.repeat(70_000)}</a>`)).toBe('too_large');
    expect(reason('<a>unclosed')).toBe('malformed');
    expect(reason('<a x="1>2">ok</a>')).toBe('parsed');
  });

  it('refuses what is not well-formed: bad attributes, stray markup, a late XML declaration, closing names that differ', () => {
    expect(reason('<a x=1/>')).toBe('malformed');
    expect(reason('<a x="1"y="2"/>')).toBe('malformed');
    expect(reason('<a x="1" x="2"/>')).toBe('malformed');
    expect(reason('<a x="<"/>')).toBe('malformed');
    expect(reason('<a x/>')).toBe('malformed');
    expect(reason('<a><b></c></a>')).toBe('malformed');
    expect(reason('<a></a >')).toBe('parsed');
    expect(reason('<a>x & y</a>')).toBe('malformed');
    expect(reason('<a><?xml version="1.0"?></a>')).toBe('malformed');
    expect(reason('<a><1/></a>')).toBe('malformed');
    expect(reason('</a>')).toBe('malformed');
    expect(reason('<a x="1"')).toBe('malformed');
    expect(reason('<a><![CDATA[x]]></a>')).toBe('parsed');
    expect(reason('<![CDATA[x]]><a/>')).toBe('roots');
    expect(reason('<a><!-- c --></a>')).toBe('parsed');
    expect(reason('<a><!-- c </a>')).toBe('malformed');
    expect(reason('')).toBe('roots');
  });

  it('keeps text, CDATA and attributes as they were written', () => {
    const root = parseXml("\uFEFF<?xml version='1.0' encoding='utf-8'?>\n<r a='x&quot;y' b = \"2\"> t1 <c/> t2 <![CDATA[<raw> & ]]></r>", LIMITS);
    expect(root.attrs).toEqual({ a: 'x"y', b: '2' });
    expect(root.text).toBe('t1t2<raw> &');
    expect(root.children).toEqual([{ name: 'C'.toLowerCase(), attrs: {}, children: [], text: '' }]);
  });
});
