/**
 * Turns a documented command line into the argument vectors of its `hpcinv` invocations, the way a
 * shell would split it: quotes, `&&`/`;`/`|` between commands, redirections, comments, `VAR=value` and
 * `sudo` prefixes, `$(hpcinv …)` substitutions. In a synopsis (prose or ```text), `[--opt X]` brackets,
 * `...`/`…` and `a|b` alternatives (the first is taken) are the reader's notation, not shell syntax.
 */
export interface Invocation {
  args: string[];
  /** the command word is a placeholder such as `<command>`: nothing to check */
  placeholderCommand: boolean;
}

type Token = { op?: string; word?: string };

function tokenize(line: string, synopsis: boolean): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word: string | undefined;
  const flush = () => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') { flush(); i++; continue; }
    if (c === '#' && word === undefined) break; // a comment
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? line.length : end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') { if (line[j] === '\\' && j + 1 < line.length) j++; s += line[j]; j++; }
      word = (word ?? '') + s;
      i = j + 1;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) { word = (word ?? '') + line[i + 1]; i += 2; continue; }
    if (c === '<' && /^<[A-Za-z][^\s<>]*>/.test(line.slice(i))) { // a placeholder such as <run>
      const m = /^<[^\s<>]*>/.exec(line.slice(i))!;
      word = (word ?? '') + m[0];
      i += m[0].length;
      continue;
    }
    const op = /^(&&|\|\||>>|2>&1|2>|[;&|<>])/.exec(line.slice(i));
    if (op && !(synopsis && op[0] === '|' && word !== undefined && i + 1 < line.length && line[i + 1] !== ' ')) {
      if (op[0] === '2>' || op[0] === '2>&1') { if (word === '') word = undefined; }
      flush();
      tokens.push({ op: op[0] });
      i += op[0].length;
      continue;
    }
    word = (word ?? '') + c;
    i++;
  }
  flush();
  return tokens;
}

export function hpcinvInvocations(line: string, synopsis: boolean): Invocation[] {
  const found: Invocation[] = [];
  // $(hpcinv …) substitutions are invocations of their own.
  const rest = line.replace(/\$\(((?:hpcinv|node dist\/cli\/main\.js)\s[^)]*)\)/g, (_m, inner: string) => {
    found.push(...hpcinvInvocations(inner, synopsis));
    return 'SUBSTITUTED';
  });
  const segments: string[][] = [[]];
  let redirect = false;
  for (const t of tokenize(rest, synopsis)) {
    if (t.op) {
      if (['>', '>>', '<', '2>'].includes(t.op)) redirect = true;
      else if (t.op !== '2>&1') segments.push([]);
      continue;
    }
    if (redirect) { redirect = false; continue; }
    segments[segments.length - 1].push(t.word!);
  }
  for (let words of segments) {
    while (words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]) || words[0] === 'sudo' || words[0] === 'exec')) words = words.slice(1);
    let args: string[];
    if (words[0] === 'hpcinv') args = words.slice(1);
    else if (words[0] === 'node' && /(^|\/)dist\/cli\/main\.js$/.test(words[1] ?? '')) args = words.slice(2);
    else continue;
    if (synopsis) {
      args = args
        .map((a) => a.replace(/[[\]]/g, '').replace(/…$/, ''))
        .map((a) => (a.includes('|') && !a.startsWith('|') ? a.slice(0, a.indexOf('|')) : a))
        .filter((a) => a !== '' && a !== '...' && a !== '…');
    }
    found.push({ args, placeholderCommand: /^<.*>$/.test(args[0] ?? '') });
  }
  return found;
}
