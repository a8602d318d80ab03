/**
 * Repeated keys in a bucket policy's text. JSON.parse keeps only the last of two members
 * with the same name in one object, so a policy whose text repeats a key would lose the
 * other member when the merge writes the parsed policy back: a condition, an action
 * list, a whole Statement. What IAM makes of such a policy is not documented either.
 *
 * The text is read with @humanwhocodes/momoa, a maintained JSON parser that keeps every
 * member of an object in its syntax tree, and each repeated name is reported with the
 * JSON path of the object that repeats it.
 */
import { parse, type ValueNode } from '@humanwhocodes/momoa';

/**
 * The JSON paths of every member name repeated within one object, in document order.
 * Blank text (no policy, as parseBucketPolicy reads it) repeats nothing; text that is not
 * JSON is parseBucketPolicy's to report, and throws here.
 */
export function repeatedKeys(text: string): string[] {
  if (text.trim() === '') return [];
  const found: string[] = [];
  visit(parse(text, { mode: 'json' }).body, '$', found);
  return found;
}

function visit(node: ValueNode, path: string, found: string[]): void {
  if (node.type === 'Array') {
    for (const [index, element] of node.elements.entries()) visit(element.value, `${path}[${index}]`, found);
    return;
  }
  if (node.type !== 'Object') return;
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const member of node.members) {
    const name = member.name.type === 'String' ? member.name.value : member.name.name;
    const memberPath = `${path}${pathSegment(name)}`;
    if (seen.has(name) && !reported.has(name)) {
      found.push(memberPath);
      reported.add(name);
    }
    seen.add(name);
    visit(member.value, memberPath, found);
  }
}

/** `.Statement` for a plain name, `["aws:SourceArn"]` for any other. */
function pathSegment(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
